/* SPDX-License-Identifier: MIT */
/*
 * sigthread: sigwait() loop posting EV_SIGNAL. Blocked signals are never
 * discarded by the kernel, not even for PID 1 (which drops signals whose
 * disposition is SIG_DFL), so this works as a container's init. Takes only
 * the events lock, inside events_post.
 */
#include "sigthread.h"

#include <pthread.h>

#include "events.h"
#include "pump.h"

static const int faults[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP,
};

static sigset_t wanted;

void sigthread_procfile_set(sigset_t *set)
{
	static const int sigs[] = {
		SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
		SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT,
	};

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
}

void sigthread_forward_set(sigset_t *set)
{
	sigemptyset(set);
	for (int sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
			sigaddset(set, sig);
	/* SIGRTMIN/SIGRTMAX already leave out the ones libc keeps for itself. */
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaddset(set, sig);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(set, faults[i]);
}

void sigthread_block_all(sigset_t *orig)
{
	sigset_t all;

	sigfillset(&all);
	/* A fault must still kill us with a core, not hang a blocked thread. */
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(&all, faults[i]);
	pthread_sigmask(SIG_SETMASK, &all, orig);
}

static void *sigthread_main(void *arg)
{
	(void)arg;
	for (;;) {
		int sig;

		if (sigwait(&wanted, &sig) != 0)
			continue;
		struct event ev = { .kind = EV_SIGNAL, .signo = sig };

		events_post(&ev);
	}
	return NULL;
}

int sigthread_start(const sigset_t *set)
{
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	wanted = *set;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PUMP_STACK_SIZE);
	/* Detached on purpose: it lives in sigwait() until procinit exits. */
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &attr, sigthread_main, NULL);
	pthread_attr_destroy(&attr);
	return err;
}
