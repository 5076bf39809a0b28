/* SPDX-License-Identifier: MIT */
/*
 * diag: appends formatted errors to a caller-owned list. Pure; any thread.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

void diag_vadd(struct diags *d, unsigned line, unsigned col, const char *fmt, va_list ap)
{
	if (d->n >= DIAG_LIMIT) {
		d->dropped++;
		return;
	}
	d->v[d->n].line = line;
	d->v[d->n].col = col;
	vsnprintf(d->v[d->n].msg, sizeof(d->v[d->n].msg), fmt, ap);
	d->n++;
}

void diag_add(struct diags *d, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, line, col, fmt, ap);
	va_end(ap);
}
