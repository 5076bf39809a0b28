/* SPDX-License-Identifier: MIT */
/*
 * sigthread: the one thread that takes signals, synchronously with
 * sigtimedwait(); there are no signal handlers anywhere in procinit.
 */
#ifndef PROCINIT_SIGTHREAD_H
#define PROCINIT_SIGTHREAD_H

#include <stdbool.h>
#include <stdint.h>

/* The signals the Procfile supervisor acts on (bit N-1 for signal N). */
uint64_t sigthread_procfile_set(void);
/*
 * Every signal a single-command init forwards: 1-64 but SIGKILL, SIGSTOP,
 * SIGCHLD and the faults, libc's internal ones (32-34) included.
 */
uint64_t sigthread_forward_set(void);

/*
 * True when a SIGCONT was taken after the signal numbered SEQ. The kernel
 * drops a pending stop signal when SIGCONT comes; once taken, a stop
 * signal waits in the event queue instead, and this tells it is stale.
 * Any thread.
 */
bool sigthread_continued_since(unsigned long seq);

/* Starts the thread that waits for the signals in SET. */
int sigthread_start(uint64_t set);

#endif
