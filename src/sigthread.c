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

static const int handled[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

void sigthread_block_all(sigset_t *orig)
{
	sigset_t all;

	sigfillset(&all);
	/* A fault must still kill us with a core, not hang a blocked thread. */
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGABRT);
	sigdelset(&all, SIGSYS);
	sigdelset(&all, SIGTRAP);
	pthread_sigmask(SIG_SETMASK, &all, orig);
}

static void *sigthread_main(void *arg)
{
	sigset_t set;

	(void)arg;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
		sigaddset(&set, handled[i]);
	for (;;) {
		int sig;

		if (sigwait(&set, &sig) != 0)
			continue;
		struct event ev = { .kind = EV_SIGNAL, .signo = sig };

		events_post(&ev);
	}
	return NULL;
}

int sigthread_start(void)
{
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PUMP_STACK_SIZE);
	/* Detached on purpose: it lives in sigwait() until procinit exits. */
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &attr, sigthread_main, NULL);
	pthread_attr_destroy(&attr);
	return err;
}
