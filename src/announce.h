/* SPDX-License-Identifier: MIT */
/*
 * announce: procinit's own "system | ..." lines. The supervisor queues them
 * without ever blocking; a writer thread prints them, so a stdout that
 * nobody reads can stall output but never signal handling or killing.
 */
#ifndef PROCINIT_ANNOUNCE_H
#define PROCINIT_ANNOUNCE_H

#include <time.h>

int announce_start(void);

struct pump;

/*
 * Queues one system line. With RELEASE, the writer releases that pump right
 * after the line is out: a child's output may not overtake the line that
 * says it started.
 */
void announce(struct pump *release, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Waits until every queued line is written, or DEADLINE (monotonic) passes. */
void announce_flush(struct timespec deadline);

#endif
