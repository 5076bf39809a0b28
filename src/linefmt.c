/* SPDX-License-Identifier: MIT */
/*
 * linefmt: prefixes whole lines and splits a pump's buffer into them. Pure
 * (the splitter only calls the write callback it is given); used by every
 * pump thread on every chunk, so it only does memchr and memcpy.
 */
#include "linefmt.h"

#include <string.h>

size_t linefmt_lines(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		     size_t outcap, size_t *outlen)
{
	size_t used = 0, o = *outlen;

	while (used < len) {
		const char *nl = memchr(in + used, '\n', len - used);
		size_t n;

		if (!nl)
			break;
		n = (size_t)(nl - (in + used)) + 1;
		if (outcap - o < plen + n)
			break;
		memcpy(out + o, prefix, plen);
		memcpy(out + o + plen, in + used, n);
		o += plen + n;
		used += n;
	}
	*outlen = o;
	return used;
}

int linefmt_piece(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		  size_t outcap, size_t *outlen)
{
	size_t o = *outlen;

	if (outcap - o < plen + len + 1)
		return -1;
	memcpy(out + o, prefix, plen);
	memcpy(out + o + plen, in, len);
	out[o + plen + len] = '\n';
	*outlen = o + plen + len + 1;
	return 0;
}

void linesplit_flush(struct linesplit *s)
{
	if (s->outlen) {
		s->write(s->ctx, s->out, s->outlen);
		s->outlen = 0;
	}
}

static void emit_piece(struct linesplit *s, size_t n)
{
	if (linefmt_piece(s->prefix, s->plen, s->in, n, s->out, s->outcap, &s->outlen) < 0) {
		linesplit_flush(s);
		linefmt_piece(s->prefix, s->plen, s->in, n, s->out, s->outcap, &s->outlen);
	}
}

size_t linesplit_lines(struct linesplit *s)
{
	const char *last = memrchr(s->in, '\n', s->have);
	size_t end = last ? (size_t)(last - s->in) + 1 : 0, off = 0;

	while (off < end) {
		off += linefmt_lines(s->prefix, s->plen, s->in + off, end - off, s->out, s->outcap,
				     &s->outlen);
		if (off < end)
			linesplit_flush(s); /* out is full; the next line always fits an empty one */
	}
	if (off == 0 && s->have == s->incap) {
		/* A line longer than the buffer: pass it on in pieces, never drop it. */
		emit_piece(s, s->have);
		off = s->have;
	}
	if (off) {
		memmove(s->in, s->in + off, s->have - off);
		s->have -= off;
	}
	return off;
}

void linesplit_partial(struct linesplit *s)
{
	if (s->have) {
		emit_piece(s, s->have);
		s->have = 0;
	}
}
