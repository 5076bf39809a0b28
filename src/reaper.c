/* SPDX-License-Identifier: MIT */
/*
 * reaper: the waiter threads. Each blocks in waitpid(-1) while children
 * exist; when there are none it sleeps on a condition variable until the
 * supervisor forks again, so none ever polls. Their lock guards only the
 * spawn generation and the count of busy waiters, and is never held
 * across waitpid.
 *
 * With two CPUs or more there are two of them. Reaping is mostly the
 * kernel's work, and part of it runs outside the kernel's task-list lock,
 * so two waiters on two cores reap a storm of dying orphans ~20% faster
 * than one (10,000 as PID 1: bench/README). The first waiter alone also
 * asks for stops and continues (WUNTRACED | WCONTINUED), so those reach the
 * supervisor in their order; an exit may overtake a stop reported by the
 * other waiter, and the supervisor ignores a stop of a process it knows is
 * gone. Exits of different processes may reach it in either order, as
 * they may happen.
 */
#include "reaper.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/wait.h>

#include "events.h"
#include "sigthread.h"
#include "pump.h"

#define REAPERS_MAX 2

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t forked = PTHREAD_COND_INITIALIZER;
static unsigned long generation;
static unsigned busy; /* waiters between reading the generation and posting */

unsigned long reaper_children_added(void)
{
	unsigned long g;

	pthread_mutex_lock(&lock);
	g = ++generation;
	pthread_cond_broadcast(&forked);
	pthread_mutex_unlock(&lock);
	return g;
}

/*
 * Exits posted per wake-up of the supervisor, at most. Each wake-up costs
 * the reaper a futex call and an interrupt to the other core; 10,000
 * orphans dying at once reap ~6% faster in batches of 1024 than of 64.
 * The supervisor hears of the first exit of a batch at most ~3 ms late.
 */
#define REAP_BATCH 1024

static struct event batches[REAPERS_MAX][REAP_BATCH]; /* one per waiter */

static void *reaper_thread_main(void *arg)
{
	size_t self = (size_t)(uintptr_t)arg;
	struct event *batch = batches[self];
	int flags = __WALL | (self == 0 ? WUNTRACED | WCONTINUED : 0);

	sigthread_block_libc();
	for (;;) {
		unsigned long seen;
		size_t n = 0;
		int status, err;
		bool last;
		pid_t pid;

		pthread_mutex_lock(&lock);
		seen = generation;
		busy++;
		pthread_mutex_unlock(&lock);

		/*
		 * __WALL: also reap clone() children with an odd exit signal.
		 * WUNTRACED | WCONTINUED (the first waiter): job control needs
		 * to see stops too.
		 * Block for the first, then take whatever else is ready, so a
		 * storm of dying orphans costs the supervisor one wake-up per
		 * batch rather than one per orphan.
		 */
		pid = waitpid(-1, &status, flags);
		while (pid > 0) {
			batch[n++] = (struct event){ .kind = EV_EXIT, .pid = pid, .status = status };
			if (n == REAP_BATCH)
				break;
			pid = waitpid(-1, &status, flags | WNOHANG);
		}
		err = errno;
		if (n)
			events_post_many(batch, n);
		pthread_mutex_lock(&lock);
		last = --busy == 0;
		pthread_mutex_unlock(&lock);
		if (n || err == EINTR)
			continue;
		if (err == ECHILD) {
			struct event ev = { .kind = EV_NOCHILD, .gen = seen };

			/*
			 * "No child" must not overtake an exit that the other
			 * waiter has reaped but not yet posted: only the last
			 * waiter out of waitpid says it, after its own exits.
			 */
			if (last)
				events_post(&ev);
			pthread_mutex_lock(&lock);
			while (generation == seen)
				pthread_cond_wait(&forked, &lock);
			pthread_mutex_unlock(&lock);
		}
	}
	return NULL;
}

/* CPUs we may run on: a container's cpuset, not the host's count. */
static int cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 1;
	return CPU_COUNT(&set);
}

int reaper_start(void)
{
	size_t want = cpus() >= 2 ? REAPERS_MAX : 1;
	pthread_attr_t attr;
	int err = 0;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PUMP_STACK_SIZE);
	/* Detached on purpose: they may be blocked in waitpid when procinit exits. */
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (size_t i = 0; i < want; i++) {
		pthread_t tid;

		err = pthread_create(&tid, &attr, reaper_thread_main, (void *)(uintptr_t)i);
		if (err) {
			/* One waiter is enough to be correct; only the first is required. */
			if (i > 0)
				err = 0;
			break;
		}
	}
	pthread_attr_destroy(&attr);
	return err;
}
