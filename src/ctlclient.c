/* SPDX-License-Identifier: MIT */
/*
 * ctlclient: checks the words, connects to the first place that answers
 * (the server's order: --socket, ROOT/.procinit.sock, the private
 * folders), sends the line, reads the reply to its end within
 * CTLCLIENT_TIMEOUT, and exits with the code the reply's first line
 * carries. Main thread; no other threads, no locks.
 */
#include "ctlclient.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "ctlpath.h"
#include "ctlproto.h"
#include "io.h"
#include "log.h"

static enum ctl_verb verb_of(enum cli_command cmd)
{
	switch (cmd) {
	case CMD_RESTART:
		return CTL_RESTART;
	case CMD_STOP:
		return CTL_STOP;
	case CMD_SCALE:
		return CTL_SCALE;
	case CMD_QUIT:
		return CTL_QUIT;
	default:
		return CTL_STATUS;
	}
}

static int connect_to(const char *path, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = (time_t)CTLCLIENT_TIMEOUT };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	/* A full backlog makes connect wait: not longer than the whole exchange may take. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

/*
 * The first place that takes the connection. When none does, *BAD is the
 * place whose error says most (anything but "not there"), with *ERR.
 */
static int connect_places(const struct ctlpath *pl, size_t n, size_t *bad, int *err)
{
	int fd = -1;

	*bad = 0;
	*err = n ? ENOENT : ENAMETOOLONG;
	for (size_t k = 0; k < n; k++) {
		int e = connect_to(pl[k].path, &fd);

		if (!e) {
			*bad = k;
			return fd;
		}
		if (e != ENOENT && e != ENOTDIR && (*err == ENOENT || *err == ENAMETOOLONG)) {
			*bad = k;
			*err = e;
		}
	}
	return -1;
}

static int wait_for(int fd, short events, struct timespec deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	double ms = mono_diff(mono_now(), deadline) * 1000.0;
	int rc;

	if (ms <= 0)
		return ETIMEDOUT;
	rc = poll(&p, 1, ms > INT_MAX ? INT_MAX : (int)ms + 1);
	if (rc < 0)
		return errno == EINTR ? 0 : errno;
	return rc == 0 ? ETIMEDOUT : 0;
}

/* The reply to its end (EOF) into B. 0 or an errno value. */
static int read_reply(int fd, struct qbuf *b, struct timespec deadline)
{
	char buf[16384];

	for (;;) {
		int err = wait_for(fd, POLLIN, deadline);
		ssize_t n;

		if (err)
			return err;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			/* It closed with bytes of ours unread: what it wrote is all there is. */
			return errno == ECONNRESET && b->len ? 0 : errno;
		}
		qb_add(b, buf, (size_t)n);
		if (b->oom || b->len > CTLCLIENT_REPLY_MAX)
			return ENOMEM;
	}
}

/* An error reply: each line of its text as a message of ours. */
static void print_error(const char *text, size_t len)
{
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t l = nl ? (size_t)(nl - text) : len;

		if (l)
			log_error("%.*s", (int)l, text);
		text += l + (nl ? 1 : 0);
		len -= l + (nl ? 1 : 0);
	}
}

static int exchange(int fd, const char *what, const char *path, const char *line, size_t len)
{
	struct timespec deadline = mono_add(mono_now(), CTLCLIENT_TIMEOUT);
	struct qbuf b = { 0 };
	size_t body = 0;
	bool error = false;
	int code = CTL_EXIT_NOANSWER, err = 0;

	/*
	 * One short line: it fits the socket's buffer at once. The server may
	 * have refused us before it read anything (busy, another uid): its
	 * line is there to read even when the send failed.
	 */
	if (send(fd, line, len, MSG_NOSIGNAL) < 0)
		err = errno;
	if (!err || err == EPIPE || err == ECONNRESET) {
		int rerr = read_reply(fd, &b, deadline);

		err = b.len ? rerr : err ? err : rerr;
	}
	if (!err && (!b.len || ctlproto_parse_head(b.p, b.len, &code, &error, &body))) {
		log_error("%s: no answer from procinit at %s", what, path);
		code = CTL_EXIT_NOANSWER;
	} else if (err) {
		log_error("%s: no answer from procinit at %s: %s", what, path,
			  err == ETIMEDOUT ? "timed out" : strerror(err));
		code = CTL_EXIT_NOANSWER;
	} else if (error) {
		print_error(b.p + body, b.len - body);
	} else if (io_write_all(1, b.p + body, b.len - body)) {
		log_error("%s: stdout: %m", what);
		code = code ? code : 1;
	}
	qb_free(&b);
	return code;
}

int ctlclient_main(const struct settings *s)
{
	const char *what = cli_command_name(s->cmd);
	struct ctlpath places[CTLPATH_PLACES];
	struct ctl_request req;
	char err[CTL_ERR_MAX], line[CTL_LINE_MAX + 1], root[PATH_MAX], abs[PATH_MAX];
	const char *r;
	size_t n, len, bad, rlen;
	int fd, e, rc;

	if (ctlproto_build(verb_of(s->cmd), s->json, s->names, s->n_names, &req, err, sizeof(err))) {
		log_error("%s", err);
		return CTL_EXIT_USAGE;
	}
	len = ctlproto_format(&req, line, sizeof(line));
	if (len == 0) {
		log_error("%s: the request would be longer than %d bytes: name fewer at once", what,
			  CTL_LINE_MAX);
		return CTL_EXIT_USAGE;
	}
	if (s->socket && !strcmp(s->socket, "none")) {
		log_error("%s: the control socket is off (--socket none)", what);
		return CTL_EXIT_USAGE;
	}
	r = ctlpath_root(s->root, s->procfile, &rlen);
	snprintf(root, sizeof(root), "%.*s", (int)(rlen < sizeof(root) ? rlen : sizeof(root)), r);
	n = ctlpath_places(s->socket, root, realpath(root, abs) ? abs : NULL,
			   getenv("XDG_RUNTIME_DIR"), (unsigned long)geteuid(), places);
	fd = connect_places(places, n, &bad, &e);
	if (fd < 0) {
		log_error("%s: no procinit answers at %s: %s", what, n ? places[bad].path : root,
			  strerror(e));
		return CTL_EXIT_NOANSWER;
	}
	rc = exchange(fd, what, places[bad].path, line, len);
	close(fd);
	return rc;
}
