/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the pump's line splitter, fed the input in chunks whose
 * sizes come from the input itself, checked byte for byte against a
 * trivially correct reference splitter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INCAP 64
#define PREFIX "w.1 | "
#define PLEN (sizeof(PREFIX) - 1)

struct sink {
	char *buf;
	size_t len, cap;
};

static void sink_put(struct sink *k, const char *b, size_t n)
{
	if (k->len + n > k->cap) {
		k->cap = (k->len + n) * 2;
		k->buf = realloc(k->buf, k->cap);
		if (!k->buf)
			abort();
	}
	memcpy(k->buf + k->len, b, n);
	k->len += n;
}

static void write_cb(void *ctx, const char *b, size_t n)
{
	sink_put(ctx, b, n);
}

/* The reference: one byte at a time, the obvious way. */
static void ref_line(struct sink *k, const char *b, size_t n, int add_nl)
{
	sink_put(k, PREFIX, PLEN);
	sink_put(k, b, n);
	if (add_nl)
		sink_put(k, "\n", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[INCAP + LINEFMT_SLACK], out[INCAP + PLEN + 1 + LINEFMT_SLACK], pend[INCAP];
	static char prefix[PLEN + LINEFMT_SLACK] = PREFIX;
	struct sink got = { 0 }, want = { 0 };
	struct linesplit ls = {
		.in = in,
		.incap = INCAP,
		.out = out,
		.outcap = INCAP + PLEN + 1,
		.prefix = prefix,
		.plen = PLEN,
		.write = write_cb,
		.ctx = &got,
	};
	size_t pos = 0, plen = 0;

	if (size < 1)
		return 0;
	while (pos < size) {
		/* One control byte: chunk size, and whether a partial flush follows. */
		uint8_t ctl = data[pos++];
		size_t room = INCAP - ls.have, n = (ctl & 0x7f) % (room + 1);

		if (n > size - pos)
			n = size - pos;
		memcpy(in + ls.have, data + pos, n);
		ls.have += n;
		linesplit_lines(&ls);
		for (size_t i = 0; i < n; i++) {
			pend[plen++] = (char)data[pos + i];
			if (data[pos + i] == '\n') {
				ref_line(&want, pend, plen, 0);
				plen = 0;
			} else if (plen == INCAP) {
				ref_line(&want, pend, plen, 1);
				plen = 0;
			}
		}
		pos += n;
		if (ctl & 0x80) {
			linesplit_partial(&ls);
			if (plen)
				ref_line(&want, pend, plen, 1);
			plen = 0;
		}
	}
	linesplit_partial(&ls);
	linesplit_flush(&ls);
	if (plen)
		ref_line(&want, pend, plen, 1);
	if (got.len != want.len || (got.len && memcmp(got.buf, want.buf, got.len)))
		abort();
	free(got.buf);
	free(want.buf);
	return 0;
}
