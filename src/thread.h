/* SPDX-License-Identifier: MIT */
/*
 * thread: starts procinit's helper threads (reaper, signals, announcer,
 * pumps): detached, with a small stack and the creator's signal mask.
 * Any thread; no locks.
 */
#ifndef PROCINIT_THREAD_H
#define PROCINIT_THREAD_H

#define THREAD_STACK_SIZE (128 * 1024)

/*
 * Starts FN(ARG) in a detached thread. Detached on purpose: every helper
 * thread either says its last word through an event or lives until
 * procinit exits (blocked in waitpid, sigtimedwait or a write).
 * Returns 0 or an errno value (then no thread exists).
 */
int thread_start(void (*fn)(void *), void *arg);

#endif
