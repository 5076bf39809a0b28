/* SPDX-License-Identifier: MIT */
/*
 * announce: a ring of system lines and the thread that writes them. The
 * supervisor fills the ring (never waits: it grows for bursts, and only when
 * it is huge is the text dropped and counted, a release still honoured);
 * the writer thread drains it, the lines waiting at once in one write.
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
#define ANNOUNCE_BATCH 32 /* lines taken off the ring at once, to go out in one write */
#define ANNOUNCE_LINE (OUTPUT_PREFIX_MAX + ANNOUNCE_TEXT + 1)

struct line {
	struct pump *release;
	char text[ANNOUNCE_TEXT];
};

static struct line *ring;
static size_t cap, head, count, dropped;
static unsigned long queued, written;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake, done;

/* The writer thread's own: what it took off the ring, and those lines formatted. */
static struct line batch[ANNOUNCE_BATCH];
static char batch_out[(ANNOUNCE_BATCH + 1) * ANNOUNCE_LINE]; /* + the "dropped" line */

/* Moves up to ANNOUNCE_BATCH lines, oldest first, from the ring to BATCH (lock held). */
static size_t take_lines(void)
{
	size_t n = 0;

	while (count > 0 && n < ANNOUNCE_BATCH) {
		batch[n++] = ring[head];
		head = (head + 1) % cap;
		count--;
	}
	return n;
}

static size_t put_line(size_t at, const char *prefix, size_t plen, const char *text)
{
	size_t t = strlen(text);

	memcpy(batch_out + at, prefix, plen);
	memcpy(batch_out + at + plen, text, t);
	batch_out[at + plen + t] = '\n';
	return at + plen + t + 1;
}

/*
 * The lines go out in one write, whole and in order; then their pumps are
 * released, so no child's output overtakes the line that says it started.
 */
static void write_lines(size_t n, size_t lost)
{
	char prefix[OUTPUT_PREFIX_MAX];
	size_t plen = output_prefix(prefix, "system", OUTPUT_SYSTEM_COLOR, time(NULL));
	size_t len = 0;

	if (lost) {
		char msg[64];

		snprintf(msg, sizeof(msg), "(%zu system lines dropped: stdout too slow)", lost);
		len = put_line(len, prefix, plen, msg);
	}
	for (size_t i = 0; i < n; i++)
		len = put_line(len, prefix, plen, batch[i].text);
	output_write(batch_out, len);
	for (size_t i = 0; i < n; i++)
		pump_release(batch[i].release);
}

static void announce_thread_main(void *arg)
{
	size_t n, lost;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (count == 0)
			pthread_cond_wait(&wake, &lock);
		n = take_lines();
		lost = dropped;
		dropped = 0;
		pthread_mutex_unlock(&lock);

		write_lines(n, lost);

		pthread_mutex_lock(&lock);
		written += n;
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
