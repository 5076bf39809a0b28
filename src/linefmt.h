/* SPDX-License-Identifier: MIT */
/*
 * linefmt: the pure line splitter. Puts a prefix before every line of a
 * chunk of child output. No I/O, no state; any thread.
 */
#ifndef PROCINIT_LINEFMT_H
#define PROCINIT_LINEFMT_H

#include <stddef.h>

/*
 * Copies complete lines (ending in '\n') from IN[0..LEN) to OUT + *OUTLEN,
 * each behind PREFIX, for as many whole lines as fit in OUTCAP. Returns the
 * number of IN bytes consumed (always a whole number of lines).
 */
size_t linefmt_lines(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		     size_t outcap, size_t *outlen);

/*
 * Copies IN[0..LEN) as one line behind PREFIX and adds '\n'. Returns 0, or
 * -1 (nothing copied) when it does not fit.
 */
int linefmt_piece(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		  size_t outcap, size_t *outlen);

#endif
