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

/* The signals the Procfile supervisor acts on. */
void sigthread_procfile_set(sigset_t *set);
/* Every signal a single-command init forwards: all but faults and SIGCHLD. */
void sigthread_forward_set(sigset_t *set);

/* Starts the thread that sigwaits for SET (copied). */
int sigthread_start(const sigset_t *set);

#endif
