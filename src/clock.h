/* SPDX-License-Identifier: MIT */
/*
 * clock: CLOCK_MONOTONIC points in time, the one time type of every timed
 * wait and deadline. Pure apart from mono_now; any thread; no locks.
 */
#ifndef PROCINIT_CLOCK_H
#define PROCINIT_CLOCK_H

#include <time.h>

struct timespec mono_now(void);
struct timespec mono_add(struct timespec t, double seconds);
/* -1, 0 or 1 as A is before, at or after B. */
int mono_cmp(struct timespec a, struct timespec b);
/* B - A in seconds (negative when B is before A). */
double mono_diff(struct timespec a, struct timespec b);
/* The earlier of *BEST and T into *BEST; HAVE says whether *BEST holds one yet. */
void mono_min(struct timespec *best, int *have, struct timespec t);

#endif
