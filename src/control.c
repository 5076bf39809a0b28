/* SPDX-License-Identifier: MIT */
/*
 * control: the server of the control socket. One thread polls the
 * listening socket, an eventfd the supervisor writes when it has answered,
 * and up to CONTROL_CLIENTS_MAX clients. A client costs a fixed buffer of
 * CTL_LINE_MAX bytes and a deadline: one that sends nothing, too much, or
 * half a line is answered with an error or dropped when its time is up, and
 * the thread never blocks on it (every socket is non-blocking). With no
 * client under way, poll waits without a timeout.
 *
 * A call (the parsed request) goes to the supervisor through the event
 * queue and comes back answered under the control lock; the control thread
 * frees it then. The lock is a leaf: nothing else is taken while it is held.
 */
#include "control.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "announce.h"
#include "clock.h"
#include "ctlpath.h"
#include "events.h"
#include "io.h"
#include "log.h"
#include "thread.h"

#define NOTE_MAX 224 /* an announce line */
#define WHY_MAX 160
#define ACCEPT_BATCH 64  /* connections taken per wake-up, so clients get their turn */
#define ACCEPT_PAUSE 0.1 /* seconds without accepting after EMFILE */

struct ctl_call {
	struct ctl_request req; /* written before the post, read by the supervisor */
	unsigned long uid;
	/* Under the control lock: */
	char *reply;
	size_t reply_len;
	bool answered;
};

enum client_state {
	C_FREE,
	C_READ,  /* reading the request line */
	C_WAIT,  /* the supervisor has the call */
	C_WRITE, /* writing the reply, then closing */
};

struct client {
	enum client_state st;
	int fd;
	unsigned long uid;
	struct timespec deadline; /* C_READ and C_WRITE */
	struct ctl_call *call;    /* C_WAIT */
	char *out;                /* C_WRITE: the reply, malloc'd */
	size_t out_len, out_off;
	size_t in_len;
	char *in; /* CTL_LINE_MAX bytes of in_bufs: apart, so that a scan of the
		   * clients touches one page, not one per client */
};

static struct {
	int listen_fd, wake_fd;
	bool bound, started;
	struct ctlpath place; /* where it is bound */
	dev_t dev;            /* the socket file we made, so that we remove only that one */
	ino_t ino;
	uid_t uid;
	char note[NOTE_MAX]; /* said by control_start: where the socket is, or why none */
	bool paused;         /* accept said EMFILE: the listening socket rests a moment */
	struct timespec pause_until;
	pthread_mutex_t lock;
	pthread_cond_t done;
	bool closing, closed; /* under the lock */
} cs = { .listen_fd = -1, .wake_fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };

/* The control thread's. Apart from cs: zeroed, they cost the file nothing (bss). */
static struct client clients[CONTROL_CLIENTS_MAX];
static char in_bufs[CONTROL_CLIENTS_MAX][CTL_LINE_MAX];

/* ---------------------------------------------------------------- placing the socket */

enum place_result { PLACE_OK, PLACE_NEXT, PLACE_FATAL, PLACE_NONE };

static bool resource_error(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOMEM || err == ENOBUFS;
}

static int bind_listen(const char *path, int *out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, err = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return errno;
	/* 0600 from its first moment: no window in which others could connect. */
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err = errno;
	umask(old);
	if (!err && listen(fd, SOMAXCONN) < 0) {
		err = errno;
		unlink(path);
	}
	if (err) {
		close(fd);
		return err;
	}
	*out = fd;
	return 0;
}

/* SO_PEERCRED's pid of whoever listens at PATH: 0 when it answers from another pid namespace. */
static int probe(const char *path, pid_t *pid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cr;
	socklen_t len = sizeof(cr);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int err = 0;

	if (fd < 0)
		return errno;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err = errno;
	else if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0)
		*pid = cr.pid;
	close(fd);
	return err;
}

/*
 * Something is where the socket goes. A socket of ours that nobody serves
 * was left by a procinit that died: it is removed (0: bind again). Anything
 * else stays, and procinit does not start (2, after a message). The path is
 * looked at with lstat and never followed.
 */
static int in_the_way(const char *path)
{
	struct stat st;
	pid_t pid = 0;
	int err;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0; /* gone meanwhile */
		log_error("%s: %m", path);
		return 2;
	}
	if (S_ISLNK(st.st_mode)) {
		log_error("%s: a symbolic link is where the control socket goes: not followed, not "
			  "replaced (remove it, or choose --socket)",
			  path);
		return 2;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_error(
			"%s: exists and is not a socket: not replaced (remove it, or choose --socket)",
			path);
		return 2;
	}
	if (st.st_uid != cs.uid) {
		log_error("%s: a socket of uid %lu is in the way: not replaced (choose --socket)",
			  path, (unsigned long)st.st_uid);
		return 2;
	}
	err = probe(path, &pid);
	if (err == ECONNREFUSED) {
		if (unlink(path) == 0 || errno == ENOENT)
			return 0;
		log_error("%s: %m", path);
		return 2;
	}
	if (!err && pid > 0)
		log_error("%s: another procinit (pid %d) is running with this socket: stop it, or give "
			  "this one another --socket",
			  path, (int)pid);
	else if (!err)
		log_error("%s: another procinit is running with this socket: stop it, or give this "
			  "one another --socket",
			  path);
	else
		log_error("%s: a live socket is in the way (%s): choose --socket", path,
			  strerror(err));
	return 2;
}

/* DIR exists, is a folder, is ours and nobody else may enter it. 0 or an errno value. */
static int private_dir(const char *dir, char *why, size_t n)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(why, n, "%s: %s", dir, strerror(errno));
		return errno;
	}
	if (lstat(dir, &st) < 0) {
		snprintf(why, n, "%s: %s", dir, strerror(errno));
		return errno;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != cs.uid || (st.st_mode & 077)) {
		snprintf(why, n, "%s: not a private folder of uid %lu", dir, (unsigned long)cs.uid);
		return EPERM;
	}
	return 0;
}

static enum place_result try_place(const struct ctlpath *pl, char *why, size_t n)
{
	struct stat st;
	int err = 0, fd = -1;

	if (pl->kind == CTLPATH_PRIVATE && (err = private_dir(pl->dir, why, n)) != 0)
		return resource_error(err) ? PLACE_NONE : PLACE_NEXT;
	for (int tries = 0; tries < 3; tries++) {
		err = bind_listen(pl->path, &fd);
		if (err != EADDRINUSE)
			break;
		if (in_the_way(pl->path))
			return PLACE_FATAL;
	}
	if (err) {
		snprintf(why, n, "%s: %s", pl->path, strerror(err));
		if (resource_error(err))
			return PLACE_NONE;
		if (pl->kind == CTLPATH_GIVEN) {
			log_error("--socket %s: %s", pl->path, strerror(err));
			return PLACE_FATAL;
		}
		return PLACE_NEXT;
	}
	cs.listen_fd = fd;
	cs.place = *pl;
	cs.bound = true;
	if (lstat(pl->path, &st) == 0) {
		cs.dev = st.st_dev;
		cs.ino = st.st_ino;
	}
	return PLACE_OK;
}

static void remove_socket(void)
{
	struct stat st;

	if (!cs.bound)
		return;
	cs.bound = false;
	/* Only the file we made: a later procinit may have replaced a socket it found stale. */
	if (lstat(cs.place.path, &st) == 0 && st.st_dev == cs.dev && st.st_ino == cs.ino)
		unlink(cs.place.path);
	if (cs.place.kind == CTLPATH_PRIVATE)
		rmdir(cs.place.dir); /* fails while another procinit of ours has its socket there */
}

/* Appends to the note (cut at its size: it is one system line). */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
	size_t len = strlen(cs.note);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cs.note + len, sizeof(cs.note) - len, fmt, ap);
	va_end(ap);
}

/* Where the socket is when it is not where the user looks first, or why there is none. */
static void make_note(size_t n, size_t k, char why[][WHY_MAX])
{
	cs.note[0] = '\0';
	if (cs.bound && cs.place.kind == CTLPATH_PRIVATE) {
		if (k > 0)
			note("control socket: %s (%s)", cs.place.path, why[0]);
		else
			note("control socket: %s (%s in the root folder would be longer than %d "
			     "bytes)",
			     cs.place.path, CTLPATH_NAME, CTLPATH_MAX - 1);
		return;
	}
	if (cs.bound)
		return;
	note("no control socket:%s", n ? "" : " no place for it");
	for (size_t i = 0; i < n && i <= k; i++)
		if (why[i][0])
			note("%s %s", i ? ";" : "", why[i]);
}

int control_open(const char *socket_opt, const char *root)
{
	struct ctlpath places[CTLPATH_PLACES];
	char why[CTLPATH_PLACES][WHY_MAX], abs[PATH_MAX];
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	size_t n, k;

	if (socket_opt && !strcmp(socket_opt, "none"))
		return 0;
	cs.uid = geteuid();
	n = ctlpath_places(socket_opt, root, realpath(root, abs) ? abs : NULL, xdg,
			   (unsigned long)cs.uid, places);
	memset(why, 0, sizeof(why));
	for (k = 0; k < n; k++) {
		enum place_result r = try_place(&places[k], why[k], sizeof(why[k]));

		if (r == PLACE_FATAL)
			return 2;
		if (r != PLACE_NEXT)
			break;
	}
	make_note(n, k, why);
	if (!cs.bound)
		return 0;
	cs.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (cs.wake_fd < 0) {
		cs.note[0] = '\0';
		note("no control socket: eventfd: %s", strerror(errno));
		close(cs.listen_fd);
		cs.listen_fd = -1;
		remove_socket();
	}
	return 0;
}

/* ---------------------------------------------------------------- clients */

static void wake(void)
{
	uint64_t one = 1;

	if (write(cs.wake_fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is full, so a wake-up is pending anyway. */
	}
}

static void drop(struct client *c)
{
	close(c->fd);
	free(c->out);
	c->out = NULL;
	c->call = NULL;
	c->st = C_FREE;
}

static void start_writing(struct client *c, char *reply, size_t len, struct timespec now)
{
	if (!reply) {
		drop(c); /* out of memory: the client sees the connection close without a reply */
		return;
	}
	c->out = reply;
	c->out_len = len;
	c->out_off = 0;
	c->st = C_WRITE;
	c->deadline = mono_add(now, CONTROL_WRITE_TIMEOUT);
}

/* The control thread's own error replies: the head, then MSG as one line. NULL: out of memory. */
static char *error_reply(int code, const char *msg, size_t *len)
{
	struct qbuf b = { 0 };

	ctlproto_reply_head(&b, code, true);
	qb_printf(&b, "%s\n", msg);
	if (b.oom) {
		qb_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

static void reply_error(struct client *c, int code, const char *msg, struct timespec now)
{
	size_t len = 0;
	char *reply = error_reply(code, msg, &len);

	start_writing(c, reply, len, now);
}

/* The error reply for a client we do not keep: one try, never waiting, then the close. */
static void refuse(int fd, int code, const char *msg)
{
	size_t len = 0;
	char *reply = error_reply(code, msg, &len);

	if (reply && send(fd, reply, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* It went away: nothing to tell. */
	}
	free(reply);
	close(fd);
}

static void admit(int fd, struct timespec now)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	char msg[160];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0) {
		close(fd);
		return;
	}
	if (cr.uid != cs.uid && cr.uid != 0) {
		snprintf(msg, sizeof(msg),
			 "refused: uid %lu may not control this procinit (only uid %lu and root)",
			 (unsigned long)cr.uid, (unsigned long)cs.uid);
		refuse(fd, CTL_EXIT_USAGE, msg);
		log_warn("control socket: refused a client of uid %lu (pid %d): only uid %lu and root "
			 "may connect",
			 (unsigned long)cr.uid, (int)cr.pid, (unsigned long)cs.uid);
		return;
	}
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct client *c = &clients[i];

		if (c->st != C_FREE)
			continue;
		c->fd = fd;
		c->uid = cr.uid;
		c->in_len = 0;
		c->st = C_READ;
		c->deadline = mono_add(now, CONTROL_READ_TIMEOUT);
		return;
	}
	snprintf(msg, sizeof(msg), "busy: %d clients at once already; try again",
		 CONTROL_CLIENTS_MAX);
	refuse(fd, CTL_EXIT_NOANSWER, msg);
}

static void accept_clients(struct timespec now)
{
	for (int k = 0; k < ACCEPT_BATCH; k++) {
		int fd = accept4(cs.listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd >= 0) {
			admit(fd, now);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return;
		} else if (resource_error(errno)) {
			/* The connection stays queued, and poll would report it again at once. */
			cs.paused = true;
			cs.pause_until = mono_add(now, ACCEPT_PAUSE);
			return;
		}
		/* EINTR, ECONNABORTED, ...: the next one. */
	}
}

/* The request line is in (LEN bytes before its line feed): to the supervisor, or an error. */
static void take_request(struct client *c, size_t len, struct timespec now)
{
	struct ctl_call *call = calloc(1, sizeof(*call));
	struct event ev = { .kind = EV_CONTROL };
	char err[CTL_ERR_MAX];

	if (!call) {
		reply_error(c, 1, "out of memory", now);
		return;
	}
	if (ctlproto_parse(c->in, len, &call->req, err, sizeof(err))) {
		free(call);
		reply_error(c, CTL_EXIT_USAGE, err, now);
		return;
	}
	call->uid = c->uid;
	c->call = call;
	c->st = C_WAIT;
	ev.call = call;
	events_post(&ev);
}

static void client_read(struct client *c, struct timespec now)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, CTL_LINE_MAX - c->in_len, MSG_DONTWAIT);
	char *nl, msg[64];

	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			drop(c);
		return;
	}
	if (n == 0) {
		/* A connection without a byte is someone looking whether we live: no reply due. */
		if (c->in_len == 0)
			drop(c);
		else
			reply_error(c, CTL_EXIT_USAGE, "incomplete request: no line feed", now);
		return;
	}
	nl = memchr(c->in + c->in_len, '\n', (size_t)n);
	c->in_len += (size_t)n;
	if (nl) {
		take_request(c, (size_t)(nl - c->in), now);
	} else if (c->in_len == CTL_LINE_MAX) {
		snprintf(msg, sizeof(msg), "request longer than %d bytes", CTL_LINE_MAX - 1);
		reply_error(c, CTL_EXIT_USAGE, msg, now);
	}
}

static void client_write(struct client *c)
{
	ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			drop(c);
		return;
	}
	c->out_off += (size_t)n;
	if (c->out_off == c->out_len)
		drop(c); /* the close is the reply's end */
}

static void expire(struct timespec now)
{
	if (cs.paused && mono_cmp(now, cs.pause_until) >= 0)
		cs.paused = false;
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct client *c = &clients[i];
		char msg[64];

		if ((c->st != C_READ && c->st != C_WRITE) || mono_cmp(now, c->deadline) < 0)
			continue;
		if (c->st == C_READ) {
			snprintf(msg, sizeof(msg), "no request within %g s", CONTROL_READ_TIMEOUT);
			reply_error(c, CTL_EXIT_USAGE, msg, now);
		} else {
			drop(c);
		}
	}
}

/* Replies the supervisor handed over start their way out. Under the lock. */
static void take_answers(struct timespec now)
{
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct client *c = &clients[i];
		struct ctl_call *call = c->call;

		if (c->st != C_WAIT || !call->answered)
			continue;
		c->call = NULL;
		start_writing(c, call->reply, call->reply_len, now);
		free(call);
	}
}

/*
 * The end of the run: no new clients, none still reading; calls the
 * supervisor will never answer lose their client (the queue may still
 * point at them, so they are not freed). True once every reply is out.
 */
static bool wind_down(void)
{
	bool writing = false;

	if (cs.listen_fd >= 0) {
		close(cs.listen_fd);
		cs.listen_fd = -1;
	}
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct client *c = &clients[i];

		if (c->st == C_READ || c->st == C_WAIT)
			drop(c);
		else if (c->st == C_WRITE)
			writing = true;
	}
	return !writing;
}

static int poll_timeout(struct timespec now)
{
	struct timespec next;
	int have = 0;
	double ms;

	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (clients[i].st == C_READ || clients[i].st == C_WRITE)
			mono_min(&next, &have, clients[i].deadline);
	if (cs.paused)
		mono_min(&next, &have, cs.pause_until);
	if (!have)
		return -1; /* nothing under way: sleep until something happens */
	ms = mono_diff(now, next) * 1000.0 + 1.0;
	return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

static void control_thread_main(void *arg)
{
	struct pollfd pfd[2 + CONTROL_CLIENTS_MAX];
	struct client *who[2 + CONTROL_CLIENTS_MAX];

	(void)arg;
	for (;;) {
		struct timespec now = mono_now();
		bool closing;
		nfds_t n = 0;

		pthread_mutex_lock(&cs.lock);
		take_answers(now);
		closing = cs.closing;
		pthread_mutex_unlock(&cs.lock);
		if (closing && wind_down())
			break;
		pfd[n] = (struct pollfd){ .fd = cs.wake_fd, .events = POLLIN };
		who[n++] = NULL;
		if (cs.listen_fd >= 0 && !cs.paused) {
			pfd[n] = (struct pollfd){ .fd = cs.listen_fd, .events = POLLIN };
			who[n++] = NULL;
		}
		for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++) {
			struct client *c = &clients[i];

			if (c->st != C_READ && c->st != C_WRITE)
				continue;
			pfd[n] = (struct pollfd){ .fd = c->fd,
						  .events = c->st == C_READ ? POLLIN : POLLOUT };
			who[n++] = c;
		}
		if (poll(pfd, n, poll_timeout(now)) < 0) {
			struct timespec pause = { 0, 10 * 1000 * 1000 };

			if (errno == EINTR)
				continue;
			/* ENOMEM: memory may come back; nothing else can happen with these fds. */
			if (errno != ENOMEM) {
				log_warn("control socket: poll: %m");
				break;
			}
			nanosleep(&pause, NULL);
			continue;
		}
		now = mono_now();
		for (nfds_t i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == cs.wake_fd) {
				uint64_t v;

				if (read(cs.wake_fd, &v, sizeof(v)) < 0) {
					/* EAGAIN: another look took it. */
				}
			} else if (!who[i]) {
				accept_clients(now);
			} else if (who[i]->st == C_READ) {
				client_read(who[i], now);
			} else if (who[i]->st == C_WRITE) {
				client_write(who[i]);
			}
		}
		expire(now);
	}
	pthread_mutex_lock(&cs.lock);
	cs.closed = true;
	pthread_cond_broadcast(&cs.done);
	pthread_mutex_unlock(&cs.lock);
}

void control_start(void)
{
	pthread_condattr_t attr;
	int err;

	if (cs.note[0])
		announce(NULL, "%s", cs.note);
	if (cs.listen_fd < 0)
		return;
	for (size_t i = 0; i < CONTROL_CLIENTS_MAX; i++)
		clients[i].in = in_bufs[i];
	err = pthread_condattr_init(&attr);
	if (!err) {
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		err = pthread_cond_init(&cs.done, &attr);
		pthread_condattr_destroy(&attr);
	}
	if (!err)
		err = thread_start(control_thread_main, NULL);
	if (err) {
		announce(NULL, "no control socket: cannot start its thread: %s", strerror(err));
		close(cs.listen_fd);
		cs.listen_fd = -1;
		remove_socket();
		return;
	}
	cs.started = true;
}

/* ---------------------------------------------------------------- the supervisor's side */

const struct ctl_request *control_request(const struct ctl_call *c)
{
	return &c->req;
}

unsigned long control_uid(const struct ctl_call *c)
{
	return c->uid;
}

void control_answer(struct ctl_call *c, int code, bool error, const struct qbuf *body)
{
	struct qbuf b = { 0 };

	ctlproto_reply_head(&b, code, error);
	if (body && body->oom) {
		b.len = 0;
		ctlproto_reply_head(&b, 1, true);
		qb_puts(&b, "out of memory\n");
	} else if (body && body->len) {
		qb_add(&b, body->p, body->len);
	}
	if (b.oom) {
		qb_free(&b);
		b.p = NULL; /* the client sees the connection close without a reply */
	}
	pthread_mutex_lock(&cs.lock);
	c->reply = b.p;
	c->reply_len = b.len;
	c->answered = true;
	pthread_mutex_unlock(&cs.lock);
	wake();
}

void control_close(struct timespec deadline)
{
	if (cs.started) {
		pthread_mutex_lock(&cs.lock);
		cs.closing = true;
		pthread_mutex_unlock(&cs.lock);
		wake();
		pthread_mutex_lock(&cs.lock);
		while (!cs.closed)
			if (pthread_cond_timedwait(&cs.done, &cs.lock, &deadline) != 0)
				break;
		pthread_mutex_unlock(&cs.lock);
	}
	remove_socket();
}
