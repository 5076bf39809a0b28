/* SPDX-License-Identifier: MIT */
/*
 * linefmt: the pure line splitter. Puts a prefix before every line of a
 * chunk of child output. No I/O, no state; any thread.
 */
#ifndef PROCINIT_LINEFMT_H
#define PROCINIT_LINEFMT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Bytes that must be readable past the end of IN and writable past the end
 * of OUT: the line copier moves whole 16-byte blocks.
 */
#define LINEFMT_SLACK 32

/*
 * Copies complete lines (ending in '\n') from IN[0..LEN) to OUT + *OUTLEN,
 * each behind PREFIX, for as many whole lines as fit in OUTCAP. Returns the
 * number of IN bytes consumed (always a whole number of lines); *FULL says
 * it stopped for lack of room with a complete line still waiting. IN and
 * OUT need LINEFMT_SLACK bytes past their ends.
 */
size_t linefmt_lines(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		     size_t outcap, size_t *outlen, bool *full);

/*
 * Copies IN[0..LEN) as one line behind PREFIX and adds '\n'. Returns 0, or
 * -1 (nothing copied) when it does not fit.
 */
int linefmt_piece(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		  size_t outcap, size_t *outlen);

/*
 * The splitter a pump runs on its buffer: complete lines go to OUT behind
 * the prefix, a line that fills IN without a newline goes out as a piece,
 * and OUT is handed to WRITE whenever it fills or on linesplit_flush.
 * OUTCAP must be at least INCAP + PLEN + 1, and both buffers need
 * LINEFMT_SLACK more bytes allocated. Pure apart from calling WRITE.
 */
struct linesplit {
	char *in;
	size_t incap, have; /* the caller reads into in + have, then calls linesplit_lines */
	char *out;
	size_t outcap, outlen;
	const char *prefix;
	size_t plen;
	void (*write)(void *ctx, const char *buf, size_t len);
	void *ctx;
};

/* Moves every complete line out; keeps the partial tail. Returns bytes consumed. */
size_t linesplit_lines(struct linesplit *s);

/* Moves the partial tail out as a line of its own (a newline is added). */
void linesplit_partial(struct linesplit *s);

/* Hands what OUT holds to WRITE. */
void linesplit_flush(struct linesplit *s);

#endif
