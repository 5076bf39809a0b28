/* SPDX-License-Identifier: MIT */
/*
 * readiness: whether the current run of one instance is ready, by its
 * --ready check: nothing to do (none), a probe thread (tcp, http), a check
 * command procinit spawns and retries (exec), the instance's pump (log),
 * its notify socket (notify), or its own exit (exit, decided by the
 * supervisor). Supervisor thread only; no locks of its own.
 */
#ifndef PROCINIT_READINESS_H
#define PROCINIT_READINESS_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "events.h"
#include "instance.h"

struct readiness {
	const struct instance *in;
	size_t owner;
	const char *dir;         /* where exec checks run */
	bool active;             /* a run is under way and not ready yet */
	bool ready;              /* this run passed its check (or has none) */
	struct probe *probe;     /* tcp, http: until its EV_READY */
	pid_t check_pid;         /* exec: the try running now */
	int delay_ms;            /* exec: before the next try */
	struct timespec next;    /* exec: the next try */
	struct timespec started; /* the run's start, for "after 0.84 s" */
	struct timespec by;      /* --ready-timeout */
};

void readiness_init(struct readiness *r, const struct instance *in, size_t owner, const char *dir);

/*
 * A run started (STARTED). True when it is ready at once (no check). With a
 * check, TIMEOUT seconds from now it counts as not ready.
 */
bool readiness_begin(struct readiness *r, struct timespec started, double timeout);

/* The run is stopping or over: its probe and check command go. */
void readiness_end(struct readiness *r);

/* The check passed: ready from now on (this run). */
void readiness_passed(struct readiness *r);

/* "tcp:5000 after 0.84 s": what passed, for the system line. */
void readiness_describe(const struct readiness *r, char *buf, size_t len);

/*
 * An exit reported by waitpid: true when it was this instance's check
 * command; then *PASSED says whether it exited 0.
 */
bool readiness_check_exited(struct readiness *r, pid_t pid, int status, bool *passed);

/* EV_READY for this owner: true when it makes the current run ready. */
bool readiness_event(struct readiness *r, const struct event *ev, const struct pump *current);

/* The earliest deadline (exec's next try, the timeout), if any. */
bool readiness_deadline(const struct readiness *r, struct timespec *when);

enum readiness_due { READINESS_NOTHING, READINESS_TIMED_OUT };

/* Time passed: starts a due exec try; says when the timeout has come. */
enum readiness_due readiness_on_time(struct readiness *r, struct timespec now);

#endif
