/* SPDX-License-Identifier: MIT */
/*
 * notify: one thread polls every instance's notify socket and a wake-up
 * eventfd (new sockets join through it). The supervisor thread opens the
 * sockets; the set is an array under the notify lock, copied by the thread
 * before each poll, so the lock is never held across a system call that
 * waits. Sockets are never closed while procinit runs: an instance keeps
 * its path across restarts, and the thread may be polling it.
 */
#include "notify.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "events.h"
#include "io.h"
#include "log.h"
#include "thread.h"

#define NOTIFY_MAX 4096 /* sockets at most, one per instance */

struct slot {
	size_t owner;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *slots;
static size_t n_slots;
static int wake_fd = -1;
static char dir[64];

void notify_parse(const char *msg, size_t len, int *ready, const char **status, size_t *status_len)
{
	size_t off = 0;

	*ready = 0;
	*status = NULL;
	*status_len = 0;
	while (off < len) {
		const char *nl = memchr(msg + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - msg) : len, n = end - off;
		const char *line = msg + off;

		if (n == 7 && !memcmp(line, "READY=1", 7))
			*ready = 1;
		else if (n >= 7 && !memcmp(line, "STATUS=", 7)) {
			*status = line + 7;
			*status_len = n - 7;
		}
		off = end + 1;
	}
}

/* Who sent it: procinit's own user or root may. */
static bool sender_ok(struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			return cred.uid == 0 || cred.uid == getuid();
		}
	}
	return false;
}

static void post_status(size_t owner, const char *status, size_t n)
{
	struct event ev = { .kind = EV_STATUS, .owner = owner };

	/* Printable bytes only: it becomes a system line. */
	ev.text = malloc(n + 1);
	if (!ev.text)
		return;
	for (size_t i = 0; i < n; i++)
		ev.text[i] = (unsigned char)status[i] < 0x20 || status[i] == 0x7f ? '?' : status[i];
	ev.text[n] = '\0';
	events_post(&ev);
}

static void take(size_t owner, int fd)
{
	char buf[NOTIFY_MSG_MAX], ctl[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)
	};
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	const char *status;
	size_t status_len;
	int ready;

	if (n <= 0 || !sender_ok(&mh))
		return;
	notify_parse(buf, (size_t)n, &ready, &status, &status_len);
	if (status)
		post_status(owner, status, status_len);
	if (ready) {
		struct event ev = { .kind = EV_READY, .owner = owner, .ok = true };

		events_post(&ev);
	}
}

static void notify_main(void *arg)
{
	struct pollfd *pfd = NULL;
	size_t *owner = NULL, cap = 0;

	(void)arg;
	for (;;) {
		size_t n;

		pthread_mutex_lock(&lock);
		n = n_slots;
		if (n + 1 > cap) {
			struct pollfd *np = realloc(pfd, (n + 1) * sizeof(*np));
			size_t *no = np ? realloc(owner, (n + 1) * sizeof(*no)) : NULL;

			if (np)
				pfd = np;
			if (no) {
				owner = no;
				cap = n + 1;
			}
		}
		if (n + 1 > cap)
			n = cap ? cap - 1 : 0; /* no memory: watch the ones we can */
		for (size_t i = 0; pfd && i < n; i++) {
			pfd[i] = (struct pollfd){ .fd = slots[i].fd, .events = POLLIN };
			owner[i] = slots[i].owner;
		}
		pthread_mutex_unlock(&lock);
		if (!pfd) {
			pause(); /* never: no memory for even the wake-up */
			continue;
		}
		pfd[n] = (struct pollfd){ .fd = wake_fd, .events = POLLIN };
		if (poll(pfd, n + 1, -1) < 0)
			continue;
		if (pfd[n].revents & POLLIN) {
			uint64_t v;

			if (io_read(wake_fd, &v, sizeof(v)) < 0)
				continue;
		}
		for (size_t i = 0; i < n; i++)
			if (pfd[i].revents & POLLIN)
				take(owner[i], pfd[i].fd);
	}
}

/* The private folder and the thread, once. */
static int setup(void)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	int err;

	if (wake_fd >= 0)
		return 0;
	if (!base || !*base || strlen(base) > 24)
		base = "/tmp";
	snprintf(dir, sizeof(dir), "%s/procinit-notify-XXXXXX", base);
	if (!mkdtemp(dir))
		return errno;
	wake_fd = eventfd(0, EFD_CLOEXEC);
	if (wake_fd < 0) {
		err = errno;
		rmdir(dir);
		return err;
	}
	err = thread_start(notify_main, NULL);
	if (err) {
		close(wake_fd);
		wake_fd = -1;
		rmdir(dir);
	}
	return err;
}

static int bind_socket(struct slot *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int on = 1;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->path);
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return errno;
	if (setsockopt(s->fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0 ||
	    bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(s->fd);
		return err;
	}
	return 0;
}

int notify_open(size_t owner, char *path, size_t cap)
{
	struct slot s = { .owner = owner };
	uint64_t one = 1;
	int err = setup();

	if (err)
		return err;
	if (n_slots >= NOTIFY_MAX)
		return EMFILE;
	snprintf(s.path, sizeof(s.path), "%s/%zu", dir, owner);
	err = bind_socket(&s);
	if (err)
		return err;
	pthread_mutex_lock(&lock);
	struct slot *ns = realloc(slots, (n_slots + 1) * sizeof(*ns));

	if (ns) {
		slots = ns;
		slots[n_slots++] = s;
	}
	pthread_mutex_unlock(&lock);
	if (!ns) {
		close(s.fd);
		unlink(s.path);
		return ENOMEM;
	}
	io_write_all(wake_fd, &one, sizeof(one));
	snprintf(path, cap, "%s", s.path);
	return 0;
}

void notify_cleanup(void)
{
	if (wake_fd < 0)
		return;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < n_slots; i++)
		unlink(slots[i].path);
	pthread_mutex_unlock(&lock);
	rmdir(dir);
}
