/* SPDX-License-Identifier: MIT */
/*
 * thread: a trampoline that runs the thread's function. The start record
 * is malloc'd by the creator and freed by the new thread. A new thread
 * inherits its creator's mask, all blocked: sigmask_setup made musl's first
 * pthread_create, the one that unblocks libc's signals, already.
 */
#include "thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

struct start {
	void (*fn)(void *);
	void *arg;
};

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;

	free(p);
	s.fn(s.arg);
	return NULL;
}

int thread_start(void (*fn)(void *), void *arg)
{
	struct start *s = malloc(sizeof(*s));
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	if (!s)
		return ENOMEM;
	s->fn = fn;
	s->arg = arg;
	err = pthread_attr_init(&attr);
	if (err) {
		free(s);
		return err;
	}
	pthread_attr_setstacksize(&attr, THREAD_STACK_SIZE);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &attr, trampoline, s);
	pthread_attr_destroy(&attr);
	if (err)
		free(s);
	return err;
}
