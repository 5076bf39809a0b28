/* SPDX-License-Identifier: MIT */
/*
 * announce: a ring of system lines and the thread that writes them. The
 * supervisor fills the ring (never waits: it grows for bursts, and only when
 * it is huge is the text dropped and counted, a release still honoured);
 * the writer thread drains it.
 * Lock order: announce lock is never held while writing (output lock).
 */
#include "announce.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "pump.h"
#include "thread.h"

#define ANNOUNCE_START 256 /* lines; the ring doubles when a burst needs more */
#define ANNOUNCE_MAX 65536 /* past this, stdout is stuck: drop and count */
#define ANNOUNCE_TEXT 224

struct line {
	struct pump *release;
	char text[ANNOUNCE_TEXT];
};

static struct line *ring;
static size_t cap, head, count, dropped;
static unsigned long queued, written;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake, done;

static void write_line(const char *text)
{
	char buf[OUTPUT_PREFIX_MAX + ANNOUNCE_TEXT + 2];
	size_t n = output_prefix(buf, "system", OUTPUT_SYSTEM_COLOR, time(NULL));
	size_t t = strlen(text);

	memcpy(buf + n, text, t);
	buf[n + t] = '\n';
	output_write(buf, n + t + 1);
}

static void announce_thread_main(void *arg)
{
	struct line l;
	size_t lost;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (count == 0)
			pthread_cond_wait(&wake, &lock);
		l = ring[head];
		head = (head + 1) % cap;
		count--;
		lost = dropped;
		dropped = 0;
		pthread_mutex_unlock(&lock);

		if (lost) {
			char msg[64];

			snprintf(msg, sizeof(msg), "(%zu system lines dropped: stdout too slow)",
				 lost);
			write_line(msg);
		}
		write_line(l.text);
		pump_release(l.release);

		pthread_mutex_lock(&lock);
		written++;
		pthread_cond_broadcast(&done);
		pthread_mutex_unlock(&lock);
	}
}

int announce_start(void)
{
	pthread_condattr_t attr;
	int err;

	ring = calloc(ANNOUNCE_START, sizeof(*ring));
	if (!ring)
		return ENOMEM;
	cap = ANNOUNCE_START;
	err = pthread_condattr_init(&attr);
	if (err)
		return err;
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &attr);
	pthread_cond_init(&done, &attr);
	pthread_condattr_destroy(&attr);

	/* It may sit in a blocked write() when procinit exits. */
	return thread_start(announce_thread_main, NULL);
}

/*
 * Doubles the ring, keeping the order (called with the lock held). Stopping
 * 500 processes queues 1,000 lines at once: that is a burst, not a stuck
 * stdout, and must not lose lines.
 */
static bool grow(void)
{
	struct line *n;

	if (cap >= ANNOUNCE_MAX)
		return false;
	n = malloc(2 * cap * sizeof(*n));
	if (!n)
		return false;
	for (size_t i = 0; i < count; i++)
		n[i] = ring[(head + i) % cap];
	free(ring);
	ring = n;
	head = 0;
	cap *= 2;
	return true;
}

void announce(struct pump *release, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&lock);
	if (count == cap && !grow()) {
		dropped++;
		pthread_mutex_unlock(&lock);
		pump_release(release);
		return;
	}
	struct line *l = &ring[(head + count) % cap];

	l->release = release;
	va_start(ap, fmt);
	vsnprintf(l->text, sizeof(l->text), fmt, ap);
	va_end(ap);
	count++;
	queued++;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

void announce_flush(struct timespec deadline)
{
	pthread_mutex_lock(&lock);
	while (written != queued) {
		if (pthread_cond_timedwait(&done, &lock, &deadline) != 0)
			break;
	}
	pthread_mutex_unlock(&lock);
}
