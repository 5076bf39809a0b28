/* SPDX-License-Identifier: MIT */
/*
 * restart: the pure policy of --restart: exponential backoff and a restart
 * budget per instance. No I/O, no clocks of its own (times are passed in);
 * used by the supervisor thread only.
 */
#ifndef PROCINIT_RESTART_H
#define PROCINIT_RESTART_H

#include <time.h>

#define RESTART_FIRST_DELAY 0.1  /* seconds before the first restart */
#define RESTART_MAX_DELAY 30.0   /* the doubling stops here */
#define RESTART_RESET_AFTER 10.0 /* a run this long starts the backoff over */

struct restart_state {
	struct timespec *recent; /* ring of the last MAX restart times */
	unsigned cap, count, head;
	unsigned streak; /* restarts since the last long-enough run */
	unsigned total;
};

/* 0 or ENOMEM. MAX is the budget: restarts allowed within WINDOW seconds. */
int restart_init(struct restart_state *st, unsigned max);
void restart_free(struct restart_state *st);

/*
 * An instance that started at STARTED has just exited (NOW). Returns the
 * delay in seconds before starting it again and records the restart, or -1
 * when MAX restarts already happened within the last WINDOW seconds.
 */
double restart_next(struct restart_state *st, double window, struct timespec started,
		    struct timespec now);

#endif
