/* SPDX-License-Identifier: MIT */
/*
 * sigthread: the one thread that takes signals, synchronously with
 * sigtimedwait(); there are no signal handlers anywhere in procinit.
 */
#ifndef PROCINIT_SIGTHREAD_H
#define PROCINIT_SIGTHREAD_H

#include <signal.h>
#include <stdint.h>

/*
 * Blocks every signal except the synchronous fault signals in the calling
 * thread (call it before any other thread exists, so all inherit the mask)
 * and stores the mask procinit was started with in *ORIG.
 */
void sigthread_block_all(sigset_t *orig);

/*
 * musl unblocks its internal signals (32-34) in a thread that creates its
 * first thread, and hands that mask on: every thread calls this first, and
 * main once its threads exist, so a stray `kill -34` cannot kill procinit.
 */
void sigthread_block_libc(void);

/* The signals the Procfile supervisor acts on (bit N-1 for signal N). */
uint64_t sigthread_procfile_set(void);
/*
 * Every signal a single-command init forwards: 1-64 but SIGKILL, SIGSTOP,
 * SIGCHLD and the faults, libc's internal ones (32-34) included.
 */
uint64_t sigthread_forward_set(void);

/* Starts the thread that waits for the signals in SET. */
int sigthread_start(uint64_t set);

#endif
