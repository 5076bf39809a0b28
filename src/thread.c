/* SPDX-License-Identifier: MIT */
/*
 * thread: a trampoline that re-blocks libc's internal signals (musl's first
 * pthread_create unblocks them in its caller, which hands that mask on),
 * then runs the thread's function. The start record is malloc'd by the
 * creator and freed by the new thread.
 */
#include "thread.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "sigmask.h"

struct start {
	void (*fn)(void *);
	void *arg;
};

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;

	sigmask_block_libc();
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
	/* The creator got them unblocked too, on musl's first thread. */
	sigmask_block_libc();
	return err;
}
