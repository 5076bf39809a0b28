/* SPDX-License-Identifier: MIT */
/*
 * reaper: the waiter thread, and its helper for storms. The waiter blocks
 * in waitpid(-1) while children exist; when there are none it sleeps on a
 * condition variable until the supervisor forks again, so it never polls.
 * Their lock guards the spawn generation, the storm flag and the "no
 * child" gate (nochild.c), and is never held across waitpid or a post.
 *
 * The helper (only with two CPUs or more) sleeps until the waiter finds
 * STORM_AT exits ready at once, then reaps beside it without blocking
 * until nothing is ready. Reaping is mostly the kernel's work and partly
 * runs outside its task-list lock, so two threads on two cores reap a
 * storm of dying orphans ~20% faster than one (docs/benchmarks.md); an
 * ordinary exit wakes the waiter alone. Only the waiter asks for stops and
 * continues (WUNTRACED | WCONTINUED), so those reach the supervisor in
 * their order; an exit the helper reaps may overtake a stop the waiter
 * reported, and the supervisor ignores a stop of a process it knows is
 * gone. Exits of different processes may reach it in either order, as
 * they may happen.
 */
#include "reaper.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/wait.h>

#include "events.h"
#include "nochild.h"
#include "thread.h"

/*
 * Exits posted per wake-up of the supervisor, at most. Each wake-up costs
 * the reaper a futex call and an interrupt to the other core; 10,000
 * orphans dying at once reap ~6% faster in batches of 1024 than of 64.
 * The supervisor hears of the first exit of a batch at most ~3 ms late.
 */
#define REAP_BATCH 1024
#define STORM_AT 64 /* exits ready at once that call the helper in */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t forked = PTHREAD_COND_INITIALIZER;
static pthread_cond_t storm_cond = PTHREAD_COND_INITIALIZER;
static unsigned long generation;
static bool have_helper, storm;
static struct nochild_gate gate; /* "no child" comes after every exit */

static struct event waiter_batch[REAP_BATCH], helper_batch[REAP_BATCH];

unsigned long reaper_children_added(void)
{
	unsigned long g;

	pthread_mutex_lock(&lock);
	g = ++generation;
	pthread_cond_signal(&forked);
	pthread_mutex_unlock(&lock);
	return g;
}

static unsigned long enter(void)
{
	unsigned long seen;

	pthread_mutex_lock(&lock);
	seen = generation;
	nochild_enter(&gate);
	pthread_mutex_unlock(&lock);
	return seen;
}

/* After a thread's exits are posted: posts "no child" if it is due. */
static void leave(bool echild, unsigned long seen)
{
	struct event ev = { .kind = EV_NOCHILD };
	bool due;

	pthread_mutex_lock(&lock);
	due = nochild_leave(&gate, echild, seen, &ev.gen);
	pthread_mutex_unlock(&lock);
	if (due)
		events_post(&ev);
}

static void call_helper(void)
{
	pthread_mutex_lock(&lock);
	if (have_helper && !storm) {
		storm = true;
		pthread_cond_signal(&storm_cond);
	}
	pthread_mutex_unlock(&lock);
}

/*
 * Reaps what is ready into BATCH (waiting for the first when BLOCK) and
 * posts it under one lock and one wake-up. Returns how many; *ECHILD says
 * the last look found no child at all.
 */
static size_t reap_batch(struct event *batch, int flags, bool block, bool *echild)
{
	size_t n = 0;
	int status;
	pid_t pid = waitpid(-1, &status, flags | (block ? 0 : WNOHANG));

	while (pid > 0) {
		batch[n++] = (struct event){ .kind = EV_CHILD, .pid = pid, .status = status };
		if (n == REAP_BATCH)
			break;
		if (n == STORM_AT && block)
			call_helper();
		pid = waitpid(-1, &status, flags | WNOHANG);
	}
	*echild = pid < 0 && errno == ECHILD;
	if (n)
		events_post_many(batch, n);
	return n;
}

static void waiter_main(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long seen = enter();
		bool echild;

		/*
		 * __WALL: also reap clone() children with an odd exit signal.
		 * WUNTRACED | WCONTINUED: job control needs to see stops too.
		 * Block for the first, then take whatever else is ready, so a
		 * storm of dying orphans costs the supervisor one wake-up per
		 * batch rather than one per orphan.
		 */
		reap_batch(waiter_batch, __WALL | WUNTRACED | WCONTINUED, true, &echild);
		leave(echild, seen);
		if (echild) {
			pthread_mutex_lock(&lock);
			while (generation == seen)
				pthread_cond_wait(&forked, &lock);
			pthread_mutex_unlock(&lock);
		}
	}
}

static void helper_main(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long seen;
		bool echild;

		pthread_mutex_lock(&lock);
		while (!storm)
			pthread_cond_wait(&storm_cond, &lock);
		pthread_mutex_unlock(&lock);
		seen = enter();
		while (reap_batch(helper_batch, __WALL, false, &echild) == REAP_BATCH)
			;
		pthread_mutex_lock(&lock);
		storm = false;
		pthread_mutex_unlock(&lock);
		leave(echild, seen);
	}
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
	/* The helper first, so that the waiter never calls one that is not there. */
	if (cpus() >= 2 && thread_start(helper_main, NULL) == 0)
		have_helper = true; /* no waiter yet: no lock needed */
	return thread_start(waiter_main, NULL);
}
