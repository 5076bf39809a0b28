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
	EV_SIGNAL,  /* signo: procinit received it */
	EV_CHILD,   /* pid, status: what waitpid reported: an exit, a stop or a continue */
	EV_NOCHILD, /* gen: waitpid said ECHILD while the spawn generation was gen */
	EV_DRAINED, /* owner, pump: the pump has written every byte its child wrote */
	EV_EOF,     /* owner, pump: the pump saw end of file and has ended */
	EV_CONTROL, /* call: a request on the control socket, answered with control_answer */
};

struct pump;
struct ctl_call;

struct event {
	enum event_kind kind;
	int signo;
	pid_t pid;
	int status;
	unsigned long gen;
	size_t owner;      /* EV_DRAINED / EV_EOF: the index the pump was started for */
	struct pump *pump; /* EV_DRAINED / EV_EOF: which run's pump */
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
