/* SPDX-License-Identifier: MIT */
/*
 * announce: a ring of system lines and the thread that writes them. The
 * supervisor fills the ring (never waits: when full, the text is dropped and
 * counted, but a release is still honoured); the writer thread drains it.
 * Lock order: announce lock is never held while writing (output lock).
 */
#include "announce.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "io.h"
#include "output.h"
#include "pump.h"

#define ANNOUNCE_CAP 256
#define ANNOUNCE_TEXT 224

struct line {
	int release_fd;
	char text[ANNOUNCE_TEXT];
};

static struct line ring[ANNOUNCE_CAP];
static size_t head, count, dropped;
static unsigned long queued, written;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake, done;

static void release_pump(int fd)
{
	uint64_t v = PUMP_WAKE_RELEASE;

	if (fd >= 0)
		io_write_all(fd, &v, sizeof(v));
}

static void write_line(const char *text)
{
	char buf[OUTPUT_PREFIX_MAX + ANNOUNCE_TEXT + 2];
	size_t n = output_prefix(buf, "system", OUTPUT_SYSTEM_COLOR, time(NULL));
	size_t t = strlen(text);

	memcpy(buf + n, text, t);
	buf[n + t] = '\n';
	output_write(buf, n + t + 1);
}

static void *announce_thread_main(void *arg)
{
	struct line l;
	size_t lost;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lock);
		while (count == 0)
			pthread_cond_wait(&wake, &lock);
		l = ring[head];
		head = (head + 1) % ANNOUNCE_CAP;
		count--;
		lost = dropped;
		dropped = 0;
		pthread_mutex_unlock(&lock);

		if (lost) {
			char msg[64];

			snprintf(msg, sizeof(msg), "(%zu system lines dropped: stdout too slow)", lost);
			write_line(msg);
		}
		write_line(l.text);
		release_pump(l.release_fd);

		pthread_mutex_lock(&lock);
		written++;
		pthread_cond_broadcast(&done);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int announce_start(void)
{
	pthread_condattr_t attr;
	pthread_attr_t tattr;
	pthread_t tid;
	int err;

	err = pthread_condattr_init(&attr);
	if (err)
		return err;
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &attr);
	pthread_cond_init(&done, &attr);
	pthread_condattr_destroy(&attr);

	pthread_attr_init(&tattr);
	pthread_attr_setstacksize(&tattr, PUMP_STACK_SIZE);
	/* Detached on purpose: it may sit in a blocked write() when we exit. */
	pthread_attr_setdetachstate(&tattr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &tattr, announce_thread_main, NULL);
	pthread_attr_destroy(&tattr);
	return err;
}

void announce(int release_fd, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&lock);
	if (count == ANNOUNCE_CAP) {
		dropped++;
		pthread_mutex_unlock(&lock);
		release_pump(release_fd);
		return;
	}
	struct line *l = &ring[(head + count) % ANNOUNCE_CAP];

	l->release_fd = release_fd;
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
