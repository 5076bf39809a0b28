/* SPDX-License-Identifier: MIT */
/*
 * restart: backoff doubles from RESTART_FIRST_DELAY up to RESTART_MAX_DELAY
 * and starts over after a run of RESTART_RESET_AFTER seconds; the budget is
 * a sliding window over the last MAX restart times. Pure; supervisor thread.
 */
#include "restart.h"

#include <errno.h>
#include <stdlib.h>

#include "clock.h"

int restart_init(struct restart_state *st, unsigned max)
{
	st->recent = calloc(max ? max : 1, sizeof(*st->recent));
	st->cap = max;
	st->count = st->head = st->streak = st->total = 0;
	return st->recent ? 0 : ENOMEM;
}

void restart_free(struct restart_state *st)
{
	free(st->recent);
	st->recent = NULL;
}

double restart_next(struct restart_state *st, double window, struct timespec started,
		    struct timespec now)
{
	double delay = RESTART_FIRST_DELAY;

	/* Forget restarts that fell out of the window: the ring is oldest first. */
	while (st->count && mono_diff(st->recent[st->head], now) > window) {
		st->head = (st->head + 1) % st->cap;
		st->count--;
	}
	if (st->count >= st->cap)
		return -1;
	if (mono_diff(started, now) >= RESTART_RESET_AFTER)
		st->streak = 0;
	for (unsigned i = 0; i < st->streak && delay < RESTART_MAX_DELAY; i++)
		delay *= 2;
	if (delay > RESTART_MAX_DELAY)
		delay = RESTART_MAX_DELAY;
	st->streak++;
	st->total++;
	st->recent[(st->head + st->count) % st->cap] = now;
	st->count++;
	return delay;
}
