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
 * Reads a whole regular file into a fresh NUL-terminated buffer (the NUL is
 * not counted in *LEN). Returns 0 or an errno value (EISDIR for a folder).
 */
int io_read_file(const char *path, char **buf, size_t *len);

/* The same for an open descriptor (e.g. 0 for `-f -`), read to its end. */
int io_read_fd(int fd, char **buf, size_t *len);

#endif
