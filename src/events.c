/* SPDX-License-Identifier: MIT */
/*
 * events: a bounded ring of events, one mutex, two condition variables on
 * CLOCK_MONOTONIC. Posted from the reaper, signal and pump threads; consumed
 * by the supervisor only. Lock order: this lock is a leaf.
 *
 * The one consumer takes what is there in batches (up to TAKE_MAX events
 * under one lock) and hands them out one by one from its own copy, so a
 * storm of exits costs it one lock and one wake-up per batch.
 */
#include "events.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>

#define EVENTS_CAP 1024

static struct event ring[EVENTS_CAP];
static size_t head, count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty, not_full;

#define TAKE_MAX 64
static struct event taken[TAKE_MAX]; /* the consumer's: no lock */
static size_t taken_n, taken_i;

int events_init(void)
{
	pthread_condattr_t attr;
	int err;

	err = pthread_condattr_init(&attr);
	if (err)
		return err;
	err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!err)
		err = pthread_cond_init(&not_empty, &attr);
	if (!err)
		err = pthread_cond_init(&not_full, &attr);
	pthread_condattr_destroy(&attr);
	return err;
}

void events_post_many(const struct event *ev, size_t n)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < n; i++) {
		/* Backpressure rather than loss: the supervisor never posts, so it drains us. */
		while (count == EVENTS_CAP) {
			pthread_cond_signal(&not_empty);
			pthread_cond_wait(&not_full, &lock);
		}
		ring[(head + count) % EVENTS_CAP] = ev[i];
		count++;
	}
	pthread_cond_signal(&not_empty);
	pthread_mutex_unlock(&lock);
}

void events_post(const struct event *ev)
{
	events_post_many(ev, 1);
}

int events_wait(struct event *ev, const struct timespec *deadline)
{
	int err = 0;

	if (taken_i < taken_n) {
		*ev = taken[taken_i++];
		return 0;
	}
	pthread_mutex_lock(&lock);
	while (count == 0 && err != ETIMEDOUT) {
		if (deadline)
			err = pthread_cond_timedwait(&not_empty, &lock, deadline);
		else
			pthread_cond_wait(&not_empty, &lock);
	}
	if (count > 0) {
		bool was_full = count == EVENTS_CAP;

		taken_n = count < TAKE_MAX ? count : TAKE_MAX;
		for (size_t i = 0; i < taken_n; i++)
			taken[i] = ring[(head + i) % EVENTS_CAP];
		head = (head + taken_n) % EVENTS_CAP;
		count -= taken_n;
		if (was_full)
			pthread_cond_broadcast(&not_full);
		err = 0;
	}
	pthread_mutex_unlock(&lock);
	if (err)
		return err;
	taken_i = 1;
	*ev = taken[0];
	return 0;
}

bool events_pending(void)
{
	bool any;

	if (taken_i < taken_n)
		return true;
	pthread_mutex_lock(&lock);
	any = count > 0;
	pthread_mutex_unlock(&lock);
	return any;
}
