/* SPDX-License-Identifier: MIT */
/*
 * events: the one queue through which the reaper, signal, pump and control
 * threads talk to the supervisor. A fixed ring under one mutex; producers block while
 * it is full, the supervisor waits on it with a deadline.
 */
#ifndef PROCINIT_EVENTS_H
#define PROCINIT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

enum event_kind {
	EV_SIGNAL,  /* signo, seq: procinit received it (seq counts signals taken) */
	EV_CHILD,   /* pid, status: what waitpid reported: an exit, a stop or a continue */
	EV_NOCHILD, /* gen: waitpid said ECHILD while the spawn generation was gen */
	EV_DRAINED, /* owner, pump: the pump has written every byte its child wrote */
	EV_EOF,     /* owner, pump: the pump saw end of file and has ended */
	EV_READY,   /* owner, ok: a readiness check passed (ok) or ended; from a probe, a
		     * pump (log:) or the notify socket */
	EV_STATUS,  /* owner, text (malloc'd, the receiver frees it): a STATUS= notification */
	EV_CONTROL, /* call: a request on the control socket, answered with control_answer */
};

struct ctl_call;
struct probe;
struct pump;

struct event {
	enum event_kind kind;
	int signo;
	unsigned long seq;
	pid_t pid;
	int status;
	unsigned long gen;
	size_t owner;        /* EV_DRAINED / EV_EOF: the index the pump was started for */
	struct pump *pump;   /* EV_DRAINED / EV_EOF / EV_READY from log: which run's pump */
	struct probe *probe; /* EV_READY from a probe: which one (its last word) */
	bool ok;
	char *text;
	/* EV_CONTROL: the request; the control thread's again once answered */
	struct ctl_call *call;
};

int events_init(void);
void events_post(const struct event *ev);
/* Posts N events under one lock and one wake-up (the reaper's batches). */
void events_post_many(const struct event *ev, size_t n);
/* 0 with *EV filled, or ETIMEDOUT once DEADLINE (CLOCK_MONOTONIC; NULL: none) passed. */
int events_wait(struct event *ev, const struct timespec *deadline);
/* True when events_wait would return one at once. The consumer's. */
bool events_pending(void);

#endif
