/* SPDX-License-Identifier: MIT */
/*
 * pump: one thread per child that moves the child's output pipe to stdout,
 * line by line behind the child's prefix. It touches only its own struct
 * pump (set up before the thread starts) and takes only the output lock.
 */
#ifndef PROCINIT_PUMP_H
#define PROCINIT_PUMP_H

#include <stddef.h>
#include <stdint.h>

#include "output.h"

#define PUMP_IN_CAP (64 * 1024)
#define PUMP_PARTIAL_MS 100      /* a partial line goes out after this long without a byte, */
#define PUMP_PARTIAL_MAX_MS 1000 /* or this long after its first byte, whichever is first */
#define PUMP_GROW_AFTER 8            /* reads that filled IN (the pipe had more) ... */
#define PUMP_PIPE_BIG (256 * 1024)   /* ... then the pipe grows to this */
#define PUMP_GROW_MAX 16             /* pipes grown at once, at most */

/* Values added to wake_fd (an eventfd): two counters in one 64-bit word. */
#define PUMP_WAKE_RELEASE 1ULL          /* its start line is out: go */
#define PUMP_WAKE_DRAIN (1ULL << 32)    /* the child is dead: drain and report */

struct pump {
	int fd;      /* pipe read end, O_NONBLOCK; closed by the pump at EOF */
	int wake_fd; /* eventfd; created, written and closed by the supervisor */
	size_t proc; /* index reported in EV_DRAINED / EV_EOF */
	char name[OUTPUT_NAME_MAX];
	const char *color;
};

/* Starts the (detached) thread. Returns 0 or an errno value (then no thread exists). */
int pump_start(struct pump *p);

#endif
