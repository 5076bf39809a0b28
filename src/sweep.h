/* SPDX-License-Identifier: MIT */
/*
 * sweep: the last act of both modes. Once the app is gone, every process
 * left that procinit adopted gets SIGTERM, then SIGKILL when the timeout
 * passes, then a grace period for the kernel to hand their remains over.
 * The caller ends the sweep early when the reaper finds no child at all.
 * Supervisor thread only.
 */
#ifndef PROCINIT_SWEEP_H
#define PROCINIT_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define SWEEP_KILL_GRACE 5.0 /* seconds SIGKILLed processes get to vanish */

enum sweep_phase { SWEEP_TERM, SWEEP_KILL, SWEEP_OVER };

struct sweep {
	/* set by the caller */
	bool pid1;
	double timeout; /* SIGTERM to SIGKILL, seconds */
	/*
	 * Told how many processes got SIG. NULL: nobody needs the number, and
	 * as PID 1 kill(-1) alone reaches them all without a /proc scan (which
	 * costs most when thousands of reaped-to-be zombies are still listed).
	 */
	void (*report)(int sig, size_t n);

	/* the sweep's own */
	#define SWEEP_KILL_GRACE 5.0 /* seconds SIGKILLed processes get to vanish */

enum sweep_phase phase;
	struct timespec deadline; /* of SWEEP_TERM and SWEEP_KILL */
	bool rekill;
};

/*
 * Starts: SWEEP_OVER at once when NOCHILD (the reaper said so: every exit
 * is in). When procinit has no child left but the reaper has not said so
 * yet, nothing is signalled and the caller waits for its "no child".
 */
void sweep_begin(struct sweep *s, bool nochild);

/* The deadline passed (or a second stop request): TERM → KILL → OVER. */
void sweep_advance(struct sweep *s);

/*
 * An adopted process was reaped. During SWEEP_KILL its own children were
 * just handed to us and must go too; sweep_idle, called before each wait
 * for events, sends that SIGKILL once the queue is empty: once for a whole
 * batch of reaped orphans rather than once per orphan.
 */
void sweep_reaped(struct sweep *s);
void sweep_idle(struct sweep *s);

#endif
