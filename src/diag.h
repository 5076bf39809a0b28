/* SPDX-License-Identifier: MIT */
/*
 * diag: the error list every parser fills, so `procinit check` can print
 * every problem in a file, not just the first. Pure data; no threads, no locks.
 */
#ifndef PROCINIT_DIAG_H
#define PROCINIT_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#define DIAG_MSG_MAX 160
#define DIAG_LIMIT 100 /* a file with more errors than this is garbage anyway */

struct diag {
	unsigned line; /* 1-based; 0 when the problem is not tied to a line */
	unsigned col;  /* 1-based; 0 when unknown */
	char msg[DIAG_MSG_MAX];
};

struct diags {
	struct diag v[DIAG_LIMIT];
	size_t n;
	size_t dropped; /* errors past DIAG_LIMIT, counted but not kept */
};

void diag_add(struct diags *d, unsigned line, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* diag_add for a caller that is itself printf-like: AP is its arguments. */
void diag_vadd(struct diags *d, unsigned line, unsigned col, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

#endif
