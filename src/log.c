/* SPDX-License-Identifier: MIT */
/*
 * log: formats into a stack buffer and writes the whole line with one
 * write(2), so lines of different threads never mix and no stdio lock is
 * taken. errno is kept for the caller and for "%m".
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"

#define LOG_LINE_MAX 1024

/* One line on stderr: "procinit: " WORD MESSAGE; errno is the caller's throughout. */
static void emit(const char *word, const char *fmt, va_list ap)
{
	int saved = errno;
	char buf[LOG_LINE_MAX];
	int n = snprintf(buf, sizeof(buf), "procinit: %s", word);
	int m;

	errno = saved; /* for %m */
	m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	if ((size_t)(n + m) > sizeof(buf) - 2)
		m = (int)sizeof(buf) - 2 - n;
	buf[n + m] = '\n';
	io_write_all(2, buf, (size_t)(n + m) + 1);
	errno = saved;
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
}

/* The same line as log_error; a name of its own so that a call says what it reports. */
void log_info(const char *fmt, ...) __attribute__((alias("log_error")));

void log_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
	exit(status);
}

static void *oom(void *p)
{
	if (!p)
		log_die(1, "out of memory");
	return p;
}

void *xmalloc(size_t n)
{
	return oom(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return oom(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
	return oom(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return oom(strdup(s));
}
