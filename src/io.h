/* SPDX-License-Identifier: MIT */
/*
 * io: the one place that handles EINTR, short writes and EAGAIN. Every other
 * module calls these instead of read/write directly. Any thread; no locks.
 */
#ifndef PROCINIT_IO_H
#define PROCINIT_IO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all LEN bytes. Returns 0 or an errno value (EPIPE, EBADF, ...). */
int io_write_all(int fd, const void *buf, size_t len);

/* The same, and *DONE says how many bytes were written, also on an error. */
int io_write_count(int fd, const void *buf, size_t len, size_t *done);

/* read(2) that retries on EINTR. */
ssize_t io_read(int fd, void *buf, size_t len);

/*
 * The most io_read_file and io_read_fd read: configuration, not data, and
 * /dev/zero or an endless pipe must not take all memory. The number is in
 * messages as "larger than 16 MiB".
 */
#define IO_READ_MAX (16 * 1024 * 1024)

/*
 * Reads a whole file into a fresh NUL-terminated buffer (the NUL is not
 * counted in *LEN). Returns 0 or an errno value: EISDIR for a folder, EFBIG
 * past IO_READ_MAX bytes.
 */
int io_read_file(const char *path, char **buf, size_t *len);

/* The same for an open descriptor (e.g. 0 for `-f -`), read to its end. */
int io_read_fd(int fd, char **buf, size_t *len);

#endif
