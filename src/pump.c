/* SPDX-License-Identifier: MIT */
/*
 * pump: reads a child's pipe, writes whole prefixed lines. Runs in its own
 * thread; holds the output lock only inside output_write. Waits in poll()
 * with no timeout unless a partial line is pending, so an idle pump makes no
 * wake-ups. A partial line goes out once no byte came for PUMP_PARTIAL_MS,
 * and at the latest PUMP_PARTIAL_MAX_MS after its first byte.
 *
 * A child that keeps its pipe full (a fast writer) gets a bigger pipe:
 * with the default 64 KiB, writer and pump take turns a pipeful at a time,
 * each waking the other; with 256 KiB they overlap, about 2.5 times as fast
 * for a writer of 64 KiB blocks. Only PUMP_GROW_MAX pipes at once grow, so
 * that hundreds of chatty children cannot take the user's pipe budget
 * (fs.pipe-user-pages-soft) from everyone else.
 */
#include "pump.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "events.h"
#include "io.h"
#include "linefmt.h"
#include "output.h"
#include "pty.h"
#include "thread.h"

#define PUMP_IN_CAP (64 * 1024)
#define PUMP_PARTIAL_MS 100        /* a partial line goes out after this long without a byte, */
#define PUMP_PARTIAL_MAX_MS 1000   /* or this long after its first byte, whichever is first */
#define PUMP_GROW_AFTER 8          /* reads that filled IN (the pipe had more) ... */
#define PUMP_PIPE_BIG (256 * 1024) /* ... then the pipe grows to this */
#define PUMP_GROW_MAX 16           /* pipes grown at once, at most */
#define PUMP_OUT_CAP (PUMP_IN_CAP + 2 * OUTPUT_PREFIX_MAX + 2)

/* Values added to wake_fd (an eventfd): two counters in one 64-bit word. */
#define PUMP_WAKE_RELEASE 1ULL       /* its start line is out: go */
#define PUMP_WAKE_DRAIN (1ULL << 32) /* the child is dead: drain and report */

struct pump {
	int fd;       /* pipe read end, O_NONBLOCK; closed by the pump at EOF */
	int wake_fd;  /* eventfd; written by the owner's calls, closed by pump_destroy */
	size_t owner; /* reported in EV_DRAINED / EV_EOF */
	char name[OUTPUT_NAME_MAX];
	const char *color;
	const char *ready_text; /* --ready NAME=log:TEXT; NULL: nobody looks */
	size_t ready_len;
};

struct pump_state {
	struct pump *p;
	struct linesplit ls;
	char prefix[OUTPUT_PREFIX_MAX + LINEFMT_SLACK]; /* the copier reads past it */
	time_t prefix_time;
	struct timespec partial_latest;   /* the pending partial line's cap, set when it began */
	struct timespec partial_deadline; /* when it goes out without its newline */
	unsigned full_reads;              /* reads that filled IN: the writer is ahead of us */
	bool partial_armed;               /* partial_latest is set */
	bool partial_fed;                 /* the last read left a partial line */
	bool released, drain_pending;
	bool grow_tried, grown; /* grown: holds one of the PUMP_GROW_MAX places */
	bool ready_seen;        /* the log: TEXT was found */
	char *tail, *joint;     /* log: the end of the current line; scratch */
	size_t tail_len;
};

static atomic_int grown_pipes;

static void write_out(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	output_write(buf, len);
}

static void refresh_prefix(struct pump_state *s)
{
	time_t now;

	if (s->ls.plen && !output_timestamps())
		return;
	now = time(NULL);
	if (s->ls.plen && now == s->prefix_time)
		return;
	s->prefix_time = now;
	s->ls.plen = output_prefix(s->prefix, s->p->name, s->p->color, now);
}

static void split_lines(struct pump_state *s)
{
	refresh_prefix(s);
	if (linesplit_lines(&s->ls))
		s->partial_armed = false; /* what is left began in this read */
	s->partial_fed = s->ls.have != 0;
}

/*
 * Once per wake-up, after the reads, with a partial line pending: the
 * wake-up's reads count as one moment, NOW, so a busy writer pays one clock
 * read per wake-up, not one per read. Bytes that extended the line restart
 * the quiet period, so a line typed out slowly stays one line; the cap,
 * fixed when the line began, keeps a dribble from hiding.
 */
static void arm_partial(struct pump_state *s, struct timespec now)
{
	struct timespec quiet;

	if (!s->partial_fed)
		return;
	s->partial_fed = false;
	if (!s->partial_armed) {
		s->partial_latest = mono_add(now, PUMP_PARTIAL_MAX_MS / 1000.0);
		s->partial_armed = true;
	}
	quiet = mono_add(now, PUMP_PARTIAL_MS / 1000.0);
	s->partial_deadline = mono_cmp(quiet, s->partial_latest) < 0 ? quiet : s->partial_latest;
}

static void flush_partial(struct pump_state *s)
{
	refresh_prefix(s);
	linesplit_partial(&s->ls);
	s->partial_armed = false;
	linesplit_flush(&s->ls);
}

/*
 * After a wake-up's reads: writes the complete lines, and the partial one
 * too once its deadline has passed. A partial line left pending costs one
 * clock read, *NOW, which poll_timeout_ms uses too.
 */
static void write_lines(struct pump_state *s, struct timespec *now)
{
	if (s->ls.have) {
		*now = mono_now();
		arm_partial(s, *now);
		if (mono_cmp(*now, s->partial_deadline) >= 0) {
			flush_partial(s);
			return;
		}
	}
	linesplit_flush(&s->ls);
}

/*
 * The writer keeps the pipe full: give it a bigger one, if the budget
 * allows. No place free: ask again after as many full reads once more.
 */
static void maybe_grow(struct pump_state *s)
{
	if (s->grow_tried || ++s->full_reads < PUMP_GROW_AFTER)
		return;
	s->full_reads = 0;
	if (atomic_fetch_add(&grown_pipes, 1) >= PUMP_GROW_MAX) {
		atomic_fetch_sub(&grown_pipes, 1);
		return;
	}
	s->grow_tried = true; /* once: a pty, or the kernel's refusal, stays so */
	if (fcntl(s->p->fd, F_SETPIPE_SZ, PUMP_PIPE_BIG) >= 0)
		s->grown = true;
	else
		atomic_fetch_sub(&grown_pipes, 1);
}

/*
 * --ready NAME=log:TEXT: looks for TEXT in what just came, and across the
 * joint with the end of the line before it (TEXT may be cut in two by the
 * pipe, or by a partial line already shown), until found once. TAIL keeps
 * up to LEN-1 bytes of the current line; a newline empties it, so a match
 * never spans two lines.
 */
static bool joint_has(struct pump_state *s, const char *in, size_t n)
{
	struct pump *p = s->p;
	size_t take = n < p->ready_len - 1 ? n : p->ready_len - 1;
	const char *nl = memchr(in, '\n', take);

	if (nl)
		take = (size_t)(nl - in);
	if (!s->tail_len || !take)
		return false;
	memcpy(s->joint, s->tail, s->tail_len);
	memcpy(s->joint + s->tail_len, in, take);
	return memmem(s->joint, s->tail_len + take, p->ready_text, p->ready_len) != NULL;
}

static void keep_tail(struct pump_state *s, const char *in, size_t n)
{
	size_t keep = s->p->ready_len - 1;
	const char *nl = memrchr(in, '\n', n);

	if (nl) {
		s->tail_len = 0;
		n -= (size_t)(nl + 1 - in);
		in = nl + 1;
	}
	if (n >= keep) {
		memcpy(s->tail, in + n - keep, keep);
		s->tail_len = keep;
		return;
	}
	if (s->tail_len + n > keep) {
		size_t drop = s->tail_len + n - keep;

		memmove(s->tail, s->tail + drop, s->tail_len - drop);
		s->tail_len -= drop;
	}
	memcpy(s->tail + s->tail_len, in, n);
	s->tail_len += n;
}

static void look_for_ready(struct pump_state *s, size_t from)
{
	struct pump *p = s->p;
	const char *in = s->ls.in + from;
	size_t n = s->ls.have - from;

	if (!p->ready_text || s->ready_seen || !s->tail)
		return;
	if (joint_has(s, in, n) || memmem(in, n, p->ready_text, p->ready_len)) {
		struct event ev = { .kind = EV_READY, .owner = p->owner, .pump = p, .ok = true };

		s->ready_seen = true;
		events_post(&ev);
		return;
	}
	keep_tail(s, in, n);
}

/* Reads until the pipe is empty. Returns true at end of file. */
static bool read_available(struct pump_state *s)
{
	for (;;) {
		size_t want = s->ls.incap - s->ls.have;
		ssize_t n = io_read(s->p->fd, s->ls.in + s->ls.have, want);

		if (n > 0) {
			s->ls.have += (size_t)n;
			look_for_ready(s, s->ls.have - (size_t)n);
			split_lines(s);
			if ((size_t)n == want)
				maybe_grow(s);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		return true; /* EOF, or an error that no retry will cure */
	}
}

static int poll_timeout_ms(const struct pump_state *s, struct timespec now)
{
	long long ms;

	if (!s->ls.have)
		return -1;
	ms = (long long)(s->partial_deadline.tv_sec - now.tv_sec) * 1000 +
	     (s->partial_deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms + 1;
}

static void take_wake(struct pump_state *s)
{
	uint64_t v;

	if (io_read(s->p->wake_fd, &v, sizeof(v)) != sizeof(v))
		return;
	if (v & 0xffffffffULL)
		s->released = true;
	if (v >> 32)
		s->drain_pending = true;
}

static void post(struct pump_state *s, enum event_kind kind)
{
	struct event ev = { .kind = kind, .owner = s->p->owner, .pump = s->p };

	events_post(&ev);
}

static void pump_thread_main(void *arg)
{
	struct pump_state s = { .p = arg };
	struct pump_state *sp = &s;
	struct timespec now = { 0 }; /* set by write_lines while a partial line is pending */
	bool eof = false;

	s.ls.in = malloc(PUMP_IN_CAP + LINEFMT_SLACK);
	s.ls.out = malloc(PUMP_OUT_CAP + LINEFMT_SLACK);
	s.ls.incap = PUMP_IN_CAP;
	if (s.p->ready_text) {
		s.tail = malloc(s.p->ready_len);
		s.joint = malloc(2 * s.p->ready_len);
		if (!s.joint) {
			free(s.tail);
			s.tail = NULL; /* no memory: the check will time out, not crash */
		}
	}
	s.ls.outcap = PUMP_OUT_CAP;
	s.ls.prefix = s.prefix;
	s.ls.write = write_out;
	while (!eof) {
		struct pollfd pfd[2] = {
			{ .fd = sp->p->wake_fd, .events = POLLIN },
			/* Until released, leave the pipe alone: the start line goes first. */
			{ .fd = s.released ? sp->p->fd : -1, .events = POLLIN },
		};

		if (poll(pfd, 2, poll_timeout_ms(sp, now)) < 0 && errno != EINTR)
			pfd[0].revents = pfd[1].revents = 0;
		if (pfd[0].revents & POLLIN)
			take_wake(sp);
		if (!s.released)
			continue;
		if (!s.ls.in || !s.ls.out) {
			/* No buffers: still honour the contract, just without output. */
			char sink[512];

			while (io_read(sp->p->fd, sink, sizeof(sink)) > 0)
				;
			eof = io_read(sp->p->fd, sink, 1) == 0;
		} else {
			eof = read_available(sp);
			write_lines(sp, &now);
		}
		if (eof || s.drain_pending) {
			if (s.ls.in && s.ls.out)
				flush_partial(sp);
			if (s.drain_pending && !eof)
				post(sp, EV_DRAINED);
			s.drain_pending = false;
		}
	}
	close(sp->p->fd);
	if (s.grown)
		atomic_fetch_sub(&grown_pipes, 1);
	free(s.ls.in);
	free(s.ls.out);
	free(s.tail);
	free(s.joint);
	post(sp, EV_EOF);
}

static void wake(struct pump *p, uint64_t what)
{
	io_write_all(p->wake_fd, &what, sizeof(what));
}

void pump_release(struct pump *p)
{
	if (p)
		wake(p, PUMP_WAKE_RELEASE);
}

void pump_drain(struct pump *p)
{
	wake(p, PUMP_WAKE_DRAIN);
}

void pump_destroy(struct pump *p)
{
	close(p->wake_fd);
	free(p);
}

/* A pipe, only our end non-blocking (the child's write end is its own file). */
static int open_channel(bool tty, int fds[2])
{
	if (tty)
		return pty_open(&fds[0], &fds[1]);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return errno;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	return 0;
}

int pump_open(size_t owner, const char *name, const char *color, bool tty, const char *ready_text,
	      struct pump **out, int *write_end, int *pty)
{
	struct pump *p = calloc(1, sizeof(*p));
	int fds[2], err;

	*pty = -1;
	if (!p)
		return ENOMEM;
	err = open_channel(tty, fds);
	if (err) {
		free(p);
		return err;
	}
	p->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (p->wake_fd < 0) {
		err = errno;
		goto fail;
	}
	p->fd = fds[0];
	p->owner = owner;
	p->color = color;
	p->ready_text = ready_text;
	p->ready_len = ready_text ? strlen(ready_text) : 0;
	snprintf(p->name, sizeof(p->name), "%s", name);
	/* EV_EOF is its last word; one held open by a grandchild may outlive the run. */
	err = thread_start(pump_thread_main, p);
	if (err) {
		close(p->wake_fd);
		goto fail;
	}
	if (tty)
		*pty = fcntl(fds[0], F_DUPFD_CLOEXEC, 0);
	*out = p;
	*write_end = fds[1];
	return 0;
fail:
	close(fds[0]);
	close(fds[1]);
	free(p);
	return err;
}
