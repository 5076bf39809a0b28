/* SPDX-License-Identifier: MIT */
/*
 * pump: one thread per child that moves the child's output pipe to stdout,
 * line by line behind the child's prefix. It touches only its own struct
 * pump (set up before the thread starts) and takes only the output lock.
 * Its owner (the supervisor) opens it, releases it once the child's start
 * line is out, asks it to drain when the child is dead, and destroys it
 * after its last word, EV_EOF.
 */
#ifndef PROCINIT_PUMP_H
#define PROCINIT_PUMP_H

#include <stdbool.h>
#include <stddef.h>

#include "output.h"

struct pump;

/*
 * Opens a child's output channel (a pipe, or with TTY a pseudo-terminal)
 * and starts the pump thread that reads it; nothing is read until
 * pump_release. *WRITE_END is what the child writes to (the caller closes
 * it after the spawn). With TTY, *PTY is a second handle on the master for
 * window sizes (else -1). OWNER is reported in its events. With READY_TEXT
 * (--ready log:TEXT; it must outlive the pump) the pump posts EV_READY once
 * the child's output holds it. Returns 0 or an errno value (then nothing is
 * left open).
 */
int pump_open(size_t owner, const char *name, const char *color, bool tty, const char *ready_text,
	      struct pump **out, int *write_end, int *pty);

/* The child's start line is out: the pump may write its output. NULL: none. Any thread. */
void pump_release(struct pump *p);

/* The child is dead: write what it left, then post EV_DRAINED (or EV_EOF). */
void pump_drain(struct pump *p);

/* After its EV_EOF (its last word): frees it. */
void pump_destroy(struct pump *p);

#endif
