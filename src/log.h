/* SPDX-License-Identifier: MIT */
/*
 * log: procinit's own messages on stderr, one line per write(2), each
 * starting with "procinit: ". Any thread; no locks (one write per line).
 * errno is saved on entry and restored on return, and "%m" in a format
 * reads the errno the caller had.
 *
 * The out-of-memory policy: before the first child exists, main may stop
 * (log_die, x* allocators); after it, nothing may: callers warn and carry on.
 */
#ifndef PROCINIT_LOG_H
#define PROCINIT_LOG_H

#include <stddef.h>

#define LOG_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* "procinit: MSG". For errors that make main exit (usage, bad input). */
void log_error(const char *fmt, ...) LOG_PRINTF(1, 2);

/* "procinit: warning: MSG". Something failed; procinit carries on. */
void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);

/* "procinit: MSG", no prefix word: what -v asks to hear, and reports. */
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);

/*
 * log_error, then exit(STATUS). Only before the first child exists. The
 * attribute, not C11's _Noreturn: cppcheck (2.10) knows only the attribute.
 */
void log_die(int status, const char *fmt, ...) LOG_PRINTF(2, 3) __attribute__((noreturn));

/*
 * Allocation for the set-up before the first child: on failure they say
 * "out of memory" and exit 1. Never call them once a child runs.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
