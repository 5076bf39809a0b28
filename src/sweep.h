/* SPDX-License-Identifier: MIT */
/*
 * sweep: the orphan set, the target of the final sweep: every process
 * procinit adopted that belongs to no instance (a setsid daemon, a double
 * fork, what a single command left behind). It knows who is in the set and
 * who already got the stop signal; the runtime drives it through the same
 * lifecycle as an instance. Supervisor thread only.
 */
#ifndef PROCINIT_SWEEP_H
#define PROCINIT_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sweep {
	bool pid1;
	bool counted; /* the caller wants counts (else, as PID 1, kill(-1) alone) */
	pid_t *skip;  /* process groups that are not orphans */
	size_t n_skip, cap_skip;
	pid_t *sent; /* who got the stop signal: an open-addressing set */
	size_t n_sent, cap_sent;
	bool no_proc_warned;
};

void sweep_init(struct sweep *s, bool pid1, bool counted);
void sweep_free(struct sweep *s);

/* The group PGID is not made of orphans (its members are an instance's). */
void sweep_skip_group(struct sweep *s, pid_t pgid);

/*
 * Sends SIG to the set; with NEWCOMERS_ONLY only to those that did not get
 * the stop signal yet (children handed over since). Returns how many got it.
 */
size_t sweep_signal(struct sweep *s, int sig, bool newcomers_only);

/* True when no live orphan is left, or none can be found (no /proc). */
bool sweep_empty(struct sweep *s);

/*
 * True when orphans cannot be found at all: a subreaper without /proc
 * (PID 1 still reaches everyone with kill(-1)). Says so once.
 */
bool sweep_blind(struct sweep *s);

#endif
