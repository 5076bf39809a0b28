/* SPDX-License-Identifier: MIT */
/*
 * sigthread: the one thread that takes signals, synchronously with
 * sigwait(); there are no signal handlers anywhere in procinit.
 */
#ifndef PROCINIT_SIGTHREAD_H
#define PROCINIT_SIGTHREAD_H

#include <signal.h>

/*
 * Blocks every signal except the synchronous fault signals in the calling
 * thread (call it before any other thread exists, so all inherit the mask)
 * and stores the mask procinit was started with in *ORIG.
 */
void sigthread_block_all(sigset_t *orig);

/* Starts the thread that sigwaits for the signals procinit acts on. */
int sigthread_start(void);

#endif
