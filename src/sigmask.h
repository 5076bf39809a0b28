/* SPDX-License-Identifier: MIT */
/*
 * sigmask: procinit's signal mask and the few dispositions it changes, with
 * kernel signal sets (bit N-1 for signal N, 1..64) and the raw system
 * calls: libc's sigset functions refuse the signals libc keeps for itself
 * (32-34 in musl), which would then keep their default action and kill us.
 * Any thread; no locks.
 */
#ifndef PROCINIT_SIGMASK_H
#define PROCINIT_SIGMASK_H

#include <stdbool.h>
#include <stdint.h>

#define SIGMASK_NSIG 64

/* Bit N-1 for signal N. */
static inline uint64_t sigmask_bit(int sig)
{
	return 1ULL << (sig - 1);
}

/* The synchronous fault signals, which stay unblocked (a fault must kill us). */
uint64_t sigmask_faults(void);

/*
 * The first thing main does: blocks every signal but the faults in the
 * calling thread, so that every thread created later starts with them
 * blocked, and remembers the mask procinit was started with. libc's
 * internal signals (32 up to SIGRTMIN) are also set to SIG_IGN, and musl's
 * first pthread_create, which unblocks them for a moment, happens here,
 * before any child exists, with those already pending kept. Blocked
 * signals are never ignored by the kernel, so they queue for the signal
 * thread. An inherited SIG_IGN for SIGCHLD becomes SIG_DFL: it would make
 * the kernel reap procinit's children for it. The child restores the
 * original dispositions.
 */
void sigmask_setup(void);

/*
 * For a child between fork and exec (async-signal-safe): puts back the
 * dispositions sigmask_setup changed, then the original mask.
 */
void sigmask_restore_in_child(void);

/*
 * For a Procfile child between fork and exec: every signal at its default
 * action and none blocked, whatever procinit inherited, as systemd and
 * supervisord start services (a stop signal must never find itself ignored).
 */
void sigmask_reset_in_child(void);

#endif
