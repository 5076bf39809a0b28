/* SPDX-License-Identifier: MIT */
/*
 * probe: a thread per check. Between tries it waits on its cancel eventfd
 * with the backoff as timeout, so a cancel ends it at once and an idle probe
 * costs one wake-up per try. Each try has a bounded connect, request and
 * answer (PROBE_IO_TIMEOUT_MS). Takes only the events lock, inside
 * events_post.
 */
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "events.h"
#include "io.h"
#include "thread.h"

struct probe {
	size_t owner;
	int cancel_fd; /* eventfd: written by probe_cancel */
	enum ready_kind kind;
	long port;
	char *path; /* http */
};

int probe_http_ok(const char *buf, size_t len)
{
	/* "HTTP/1.1 200 ..." : the status is three digits after the first space. */
	const char *sp = memchr(buf, ' ', len);
	size_t at;

	if (len < 5)
		return -1;
	if (memcmp(buf, "HTTP/", 5))
		return 0;
	if (!sp)
		return len > 32 ? 0 : -1;
	at = (size_t)(sp - buf) + 1;
	if (len < at + 3)
		return -1;
	if (buf[at] < '0' || buf[at] > '9' || buf[at + 1] < '0' || buf[at + 1] > '9' ||
	    buf[at + 2] < '0' || buf[at + 2] > '9')
		return 0;
	return buf[at] == '2' || buf[at] == '3';
}

static int connect_local(long port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { PROBE_IO_TIMEOUT_MS / 1000, (PROBE_IO_TIMEOUT_MS % 1000) * 1000 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* On Linux the send timeout bounds connect too. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool try_http(const struct probe *p, int fd)
{
	char req[1024], buf[256];
	size_t have = 0;
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%ld\r\nUser-Agent: procinit\r\n"
			 "Accept: */*\r\nConnection: close\r\n\r\n",
			 p->path, p->port);

	if (n < 0 || (size_t)n >= sizeof(req) || io_write_all(fd, req, (size_t)n))
		return false;
	for (;;) {
		ssize_t r = io_read(fd, buf + have, sizeof(buf) - have);
		int ok;

		if (r <= 0)
			return false;
		have += (size_t)r;
		ok = probe_http_ok(buf, have);
		if (ok >= 0 || have == sizeof(buf))
			return ok == 1;
	}
}

static bool try_once(const struct probe *p)
{
	int fd = connect_local(p->port);
	bool ok;

	if (fd < 0)
		return false;
	ok = p->kind == READY_TCP || try_http(p, fd);
	close(fd);
	return ok;
}

/* Waits MS or until cancelled; true when cancelled. */
static bool wait_cancel(const struct probe *p, int ms)
{
	struct pollfd pfd = { .fd = p->cancel_fd, .events = POLLIN };

	return poll(&pfd, 1, ms) > 0;
}

static void probe_main(void *arg)
{
	struct probe *p = arg;
	struct event ev = { .kind = EV_READY, .owner = p->owner, .probe = p };
	int delay = PROBE_FIRST_MS;

	while (!wait_cancel(p, delay)) {
		if (try_once(p)) {
			ev.ok = true;
			break;
		}
		delay = delay * 2 > PROBE_MAX_MS ? PROBE_MAX_MS : delay * 2;
	}
	events_post(&ev);
}

int probe_start(size_t owner, const struct ready_check *c, long port, struct probe **out)
{
	struct probe *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return ENOMEM;
	p->owner = owner;
	p->kind = c->kind;
	p->port = c->port ? c->port : port;
	p->path = c->kind == READY_HTTP ? strdup(c->text) : NULL;
	p->cancel_fd = eventfd(0, EFD_CLOEXEC);
	if (p->cancel_fd < 0 || (c->kind == READY_HTTP && !p->path)) {
		err = p->cancel_fd < 0 ? errno : ENOMEM;
		goto fail;
	}
	err = thread_start(probe_main, p);
	if (err)
		goto fail;
	*out = p;
	return 0;
fail:
	if (p->cancel_fd >= 0)
		close(p->cancel_fd);
	free(p->path);
	free(p);
	return err;
}

void probe_cancel(struct probe *p)
{
	uint64_t one = 1;

	io_write_all(p->cancel_fd, &one, sizeof(one));
}

void probe_destroy(struct probe *p)
{
	close(p->cancel_fd);
	free(p->path);
	free(p);
}
