/* SPDX-License-Identifier: MIT */
/*
 * sigthread: sigtimedwait loop posting EV_SIGNAL. Blocked signals are never
 * discarded by the kernel, not even for PID 1 (which drops signals whose
 * disposition is SIG_DFL), so this works as a container's init. Takes only
 * the events lock, inside events_post.
 */
#include "sigthread.h"

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "events.h"
#include "sigmask.h"
#include "thread.h"

static uint64_t wanted;
static atomic_ulong taken, cont_at; /* signals taken; the number of the last SIGCONT */

bool sigthread_continued_since(unsigned long seq)
{
	return atomic_load(&cont_at) > seq;
}

uint64_t sigthread_procfile_set(void)
{
	static const int sigs[] = {
		SIGINT,   SIGTERM, SIGHUP,  SIGQUIT, SIGUSR1, SIGUSR2,
		SIGWINCH, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT,
	};
	uint64_t set = 0;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		set |= sigmask_bit(sigs[i]);
	return set;
}

uint64_t sigthread_forward_set(void)
{
	/* Everything but what cannot be caught, SIGCHLD and the faults. */
	return ~(sigmask_bit(SIGKILL) | sigmask_bit(SIGSTOP) | sigmask_bit(SIGCHLD) |
		 sigmask_faults());
}

static void sigthread_main(void *arg)
{
	(void)arg;
	for (;;) {
		long sig = syscall(SYS_rt_sigtimedwait, &wanted, NULL, NULL, sizeof(wanted));

		if (sig <= 0)
			continue; /* EINTR: a stop and continue of the whole process */
		struct event ev = { .kind = EV_SIGNAL, .signo = (int)sig };

		ev.seq = atomic_fetch_add(&taken, 1) + 1;
		if (sig == SIGCONT)
			atomic_store(&cont_at, ev.seq);
		events_post(&ev);
	}
}

int sigthread_start(uint64_t set)
{
	wanted = set;
	return thread_start(sigthread_main, NULL);
}
