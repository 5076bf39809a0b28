/* SPDX-License-Identifier: MIT */
/*
 * sigmask: raw rt_sigprocmask / rt_sigaction with 64-bit kernel sets. Main
 * thread calls sigmask_setup before any other thread exists; after that the
 * saved values are only read.
 */
#include "sigmask.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The kernel's struct sigaction on x86_64 and aarch64 (not libc's). */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

#define LIBC_FIRST 32
#define LIBC_LAST 34 /* musl: 32-34; glibc: 32-33 (SIGRTMIN is 34 there) */

static const int faults[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP,
};

static uint64_t original_mask;
static struct ksigaction original_libc[LIBC_LAST - LIBC_FIRST + 1];
static bool sigchld_ignored;

uint64_t sigmask_faults(void)
{
	uint64_t b = 0;

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		b |= sigmask_bit(faults[i]);
	return b;
}

static uint64_t libc_bits(void)
{
	uint64_t b = 0;

	for (int sig = LIBC_FIRST; sig <= LIBC_LAST; sig++)
		b |= sigmask_bit(sig);
	return b;
}

/* Takes the libc signals pending since before exec (at most MAX_EARLY of
 * each, a bound on the loop), counting them. */
#define MAX_EARLY 8

static void take_pending(unsigned char count[])
{
	const uint64_t libc = libc_bits();
	const struct timespec zero = { 0, 0 };

	for (int n = 0; n < (LIBC_LAST - LIBC_FIRST + 1) * MAX_EARLY; n++) {
		long sig = syscall(SYS_rt_sigtimedwait, &libc, NULL, &zero, sizeof(libc));

		if (sig < LIBC_FIRST || sig > LIBC_LAST)
			return; /* EAGAIN: none left */
		if (count[sig - LIBC_FIRST] < MAX_EARLY)
			count[sig - LIBC_FIRST]++;
	}
}

static void *first_thread(void *arg)
{
	return arg;
}

/*
 * musl's first pthread_create unblocks its internal signals (32-34) in the
 * caller and in the new thread, and until that thread's first instruction
 * runs (late, under load: after a child was spawned) an ignored signal the
 * kernel hands it is lost. Have that first creation happen here, on a
 * thread that is joined at once, before any child exists: afterwards every
 * thread starts with the caller's mask.
 */
static void first_thread_now(void)
{
	uint64_t libc = libc_bits();
	pthread_t t;

	if (pthread_create(&t, NULL, first_thread, NULL) == 0)
		pthread_join(t, NULL);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &libc, NULL, sizeof(libc));
}

/* An inherited SIG_IGN would make the kernel reap for us: waitpid would never see an exit. */
static void sigchld_default(void)
{
	struct ksigaction old, dfl = { .handler = SIG_DFL };

	if (syscall(SYS_rt_sigaction, SIGCHLD, NULL, &old, sizeof(uint64_t)) == 0 &&
	    old.handler == SIG_IGN) {
		syscall(SYS_rt_sigaction, SIGCHLD, &dfl, NULL, sizeof(uint64_t));
		sigchld_ignored = true;
	}
}

void sigmask_setup(void)
{
	uint64_t all = ~sigmask_faults();
	struct ksigaction ign = { .handler = SIG_IGN };
	unsigned char early[LIBC_LAST - LIBC_FIRST + 1] = { 0 };

	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &original_mask, sizeof(all));
	sigchld_default();
	/* SIG_IGN discards what is pending, blocked or not: take it out first. */
	take_pending(early);
	for (int sig = LIBC_FIRST; sig <= LIBC_LAST; sig++) {
		struct ksigaction *old = &original_libc[sig - LIBC_FIRST];

		if (syscall(SYS_rt_sigaction, sig, NULL, old, sizeof(uint64_t)) != 0)
			old->handler = SIG_DFL;
		/* Only a default action kills; a handler libc set up stays. */
		if (old->handler == SIG_DFL)
			syscall(SYS_rt_sigaction, sig, &ign, NULL, sizeof(uint64_t));
	}
	first_thread_now();
	/* Queued again, now blocked everywhere, for the signal thread; only one
	 * that arrived during these microseconds is lost. */
	for (int sig = LIBC_FIRST; sig <= LIBC_LAST; sig++)
		for (int n = 0; n < early[sig - LIBC_FIRST]; n++)
			kill(getpid(), sig);
}

void sigmask_restore_in_child(void)
{
	if (sigchld_ignored) {
		struct ksigaction ign = { .handler = SIG_IGN };

		syscall(SYS_rt_sigaction, SIGCHLD, &ign, NULL, sizeof(uint64_t));
	}
	for (int sig = LIBC_FIRST; sig <= LIBC_LAST; sig++) {
		const struct ksigaction *old = &original_libc[sig - LIBC_FIRST];

		if (old->handler == SIG_DFL || old->handler == SIG_IGN) {
			struct ksigaction k = { .handler = old->handler };

			syscall(SYS_rt_sigaction, sig, &k, NULL, sizeof(uint64_t));
		}
	}
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &original_mask, NULL, sizeof(original_mask));
}

void sigmask_reset_in_child(void)
{
	struct ksigaction dfl = { .handler = SIG_DFL };
	uint64_t none = 0;

	for (int sig = 1; sig <= SIGMASK_NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(uint64_t));
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));
}
