/* SPDX-License-Identifier: MIT */
/*
 * io: EINTR, short-write and EAGAIN handling, once. Any thread; no locks.
 */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int io_write_count(int fd, const void *buf, size_t len, size_t *done)
{
	const char *p = buf;
	int err = 0;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* Someone handed us a non-blocking stdout: wait, don't spin. */
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
				err = errno;
				break;
			}
			continue;
		}
		err = n < 0 ? errno : EIO;
		break;
	}
	*done = (size_t)(p - (const char *)buf);
	return err;
}

int io_write_all(int fd, const void *buf, size_t len)
{
	size_t done;

	return io_write_count(fd, buf, len, &done);
}

ssize_t io_read(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

/*
 * Reads FD to its end, at most IO_READ_MAX bytes; SIZE_HINT (0: unknown)
 * sizes the first buffer. Growth stops one byte past the bound, which tells
 * "exactly the bound" from "more": /dev/zero costs 16 MiB, not all memory.
 */
static int read_all(int fd, size_t size_hint, char **buf, size_t *len)
{
	const size_t most = (size_t)IO_READ_MAX + 2; /* the byte past the bound, and the NUL */
	size_t cap = size_hint && size_hint <= IO_READ_MAX ? size_hint + 2 : 4096, have = 0;
	char *b = malloc(cap);

	if (!b)
		return ENOMEM;
	for (;;) {
		ssize_t n;

		if (have + 1 >= cap) {
			size_t ncap = cap > most / 2 ? most : cap * 2;
			char *nb = realloc(b, ncap);

			if (!nb) {
				free(b);
				return ENOMEM;
			}
			b = nb;
			cap = ncap;
		}
		n = io_read(fd, b + have, cap - have - 1);
		if (n < 0) {
			int err = errno;

			free(b);
			return err;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have > IO_READ_MAX) {
			free(b);
			return EFBIG;
		}
	}
	b[have] = '\0';
	*buf = b;
	*len = have;
	return 0;
}

int io_read_fd(int fd, char **buf, size_t *len)
{
	return read_all(fd, 0, buf, len);
}

int io_read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) < 0)
		err = errno;
	else if (S_ISDIR(st.st_mode))
		err = EISDIR;
	else if (S_ISREG(st.st_mode) && st.st_size > IO_READ_MAX)
		err = EFBIG;
	else
		err = read_all(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, buf, len);
	close(fd);
	return err;
}
