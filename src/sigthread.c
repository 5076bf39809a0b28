/* SPDX-License-Identifier: MIT */
/*
 * sigthread: sigtimedwait loop posting EV_SIGNAL. Blocked signals are never
 * discarded by the kernel, not even for PID 1 (which drops signals whose
 * disposition is SIG_DFL), so this works as a container's init. Takes only
 * the events lock, inside events_post.
 */
#include "sigthread.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "events.h"
#include "pump.h"

static const int faults[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP,
};

/*
 * Signal sets are kernel ones here (bit N-1 for signal N, 1..64), used with
 * the raw system calls: libc's sigset functions refuse the signals libc keeps
 * for itself (32-34 in musl), which would otherwise keep their default
 * action and kill us.
 */
static uint64_t wanted;

static uint64_t bit(int sig)
{
	return 1ULL << (sig - 1);
}

static uint64_t fault_bits(void)
{
	uint64_t b = 0;

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		b |= bit(faults[i]);
	return b;
}

uint64_t sigthread_procfile_set(void)
{
	static const int sigs[] = {
		SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
		SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT,
	};
	uint64_t set = 0;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		set |= bit(sigs[i]);
	return set;
}

uint64_t sigthread_forward_set(void)
{
	/* Everything but what cannot be caught, SIGCHLD and the faults. */
	return ~(bit(SIGKILL) | bit(SIGSTOP) | bit(SIGCHLD) | fault_bits());
}

void sigthread_block_all(sigset_t *orig)
{
	uint64_t all = ~fault_bits(), old = 0;

	/* A fault must still kill us with a core, not hang a blocked thread. */
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, sizeof(old));
	sigemptyset(orig);
	memcpy(orig, &old, sizeof(old));
}

void sigthread_block_libc(void)
{
	uint64_t libc = 0;

	for (int sig = 32; sig < SIGRTMIN; sig++)
		libc |= bit(sig);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &libc, NULL, sizeof(libc));
}

static void *sigthread_main(void *arg)
{
	(void)arg;
	sigthread_block_libc();
	for (;;) {
		long sig = syscall(SYS_rt_sigtimedwait, &wanted, NULL, NULL, sizeof(wanted));

		if (sig <= 0)
			continue; /* EINTR: a stop and continue of the whole process */
		struct event ev = { .kind = EV_SIGNAL, .signo = (int)sig };

		events_post(&ev);
	}
	return NULL;
}

int sigthread_start(uint64_t set)
{
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	wanted = set;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PUMP_STACK_SIZE);
	/* Detached on purpose: it lives in sigtimedwait until procinit exits. */
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &attr, sigthread_main, NULL);
	pthread_attr_destroy(&attr);
	return err;
}
