/* SPDX-License-Identifier: MIT */
/*
 * linefmt: prefixes whole lines and splits a pump's buffer into them. Pure
 * (the splitter only calls the write callback it is given); used by every
 * pump thread on every chunk, so it only does memchr and memcpy.
 */
#include "linefmt.h"

#include <stdbool.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>

/* Copies N bytes in 16-byte blocks: may read and write up to 15 bytes past N. */
static void copy_blocks(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i += 16)
		_mm_storeu_si128((__m128i *)(dst + i), _mm_loadu_si128((const __m128i *)(src + i)));
}

/*
 * One pass per line: every 16-byte block of input is stored to OUT and
 * compared with '\n' at the same time, so a line costs about len/16 steps
 * instead of a memchr pass and a memcpy pass (musl's memcpy starts slowly on
 * short copies). Uses the LINEFMT_SLACK bytes past IN and OUT.
 */
size_t linefmt_lines(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		     size_t outcap, size_t *outlen, bool *full)
{
	const __m128i nl = _mm_set1_epi8('\n');
	size_t used = 0, o = *outlen;

	*full = false;
	while (used < len) {
		const char *src = in + used;
		size_t avail = len - used, room, i = 0;
		char *dst;

		if (outcap - o < plen + 1) {
			*full = memchr(src, '\n', avail) != NULL;
			break;
		}
		room = outcap - o - plen;
		dst = out + o + plen;
		for (;;) {
			__m128i b = _mm_loadu_si128((const __m128i *)(src + i));
			unsigned m;

			_mm_storeu_si128((__m128i *)(dst + i), b);
			m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, nl));
			if (m) {
				size_t n = i + (size_t)__builtin_ctz(m) + 1;

				if (n > avail)
					goto done; /* the newline was past the data: a partial line */
				if (n > room) {
					*full = true;
					goto done;
				}
				copy_blocks(out + o, prefix, plen);
				/* The prefix blocks may have run into the line: copy its head again. */
				_mm_storeu_si128((__m128i *)dst,
						 _mm_loadu_si128((const __m128i *)src));
				o += plen + n;
				used += n;
				break;
			}
			i += 16;
			if (i >= avail)
				goto done;
			if (i >= room) {
				*full = memchr(src + i, '\n', avail - i) != NULL;
				goto done;
			}
		}
	}
done:
	*outlen = o;
	return used;
}
#else
size_t linefmt_lines(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		     size_t outcap, size_t *outlen, bool *full)
{
	size_t used = 0, o = *outlen;

	*full = false;
	while (used < len) {
		const char *nl = memchr(in + used, '\n', len - used);
		size_t n;

		if (!nl)
			break;
		n = (size_t)(nl - (in + used)) + 1;
		if (outcap - o < plen + n) {
			*full = true;
			break;
		}
		memcpy(out + o, prefix, plen);
		memcpy(out + o + plen, in + used, n);
		o += plen + n;
		used += n;
	}
	*outlen = o;
	return used;
}
#endif

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
	size_t off = 0;
	bool full;

	/* The block copier reads past the data: keep those bytes defined. */
	memset(s->in + s->have, 0, LINEFMT_SLACK);
	do {
		off += linefmt_lines(s->prefix, s->plen, s->in + off, s->have - off, s->out,
				     s->outcap, &s->outlen, &full);
		if (full)
			linesplit_flush(s); /* an empty out always has room for a whole line */
	} while (full);
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
