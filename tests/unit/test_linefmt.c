/* SPDX-License-Identifier: MIT */
/* Unit tests for the line splitter: whole lines in, prefixed lines out. */
#include "harness.h"
#include "linefmt.h"

/* Inputs and outputs carry LINEFMT_SLACK spare bytes, as the contract asks. */
static char inbuf[256 + LINEFMT_SLACK], prefix[64 + LINEFMT_SLACK];

static const char *in(const char *s, size_t n)
{
	memcpy(inbuf, s, n);
	return inbuf;
}

static const char *pfx(const char *s)
{
	strcpy(prefix, s);
	return prefix;
}

static void test_lines(void)
{
	char out[128 + LINEFMT_SLACK];
	size_t olen = 0, used;
	bool full;

	used = linefmt_lines(pfx("P| "), 3, in("ab\ncd\nef", 8), 8, out, 64, &olen, &full);
	CHECK(used == 6 && !full);
	CHECK(olen == 12 && memcmp(out, "P| ab\nP| cd\n", 12) == 0);

	/* No newline: nothing consumed, nothing written. */
	olen = 0;
	CHECK(linefmt_lines(pfx("P| "), 3, in("abc", 3), 3, out, 64, &olen, &full) == 0);
	CHECK(olen == 0 && !full);

	/* Empty lines and NUL bytes are lines like any other. */
	olen = 0;
	used = linefmt_lines(pfx(">"), 1, in("\n\0x\n", 4), 4, out, 64, &olen, &full);
	CHECK(used == 4 && olen == 6 && memcmp(out, ">\n>\0x\n", 6) == 0);

	/* A newline just past LEN is not part of the data. */
	olen = 0;
	CHECK(linefmt_lines(pfx(">"), 1, in("ab\n", 3), 2, out, 64, &olen, &full) == 0);
	CHECK(olen == 0 && !full);

	/* Lines longer than one 16-byte block, and a prefix longer than one. */
	olen = 0;
	used = linefmt_lines(pfx("a-long-prefix-of-20 | "), 22,
			     in("0123456789abcdefghijklmnopqrstuvwxyz\nz\n", 39), 39, out, 128,
			     &olen, &full);
	CHECK(used == 39 && olen == 39 + 44);
	CHECK(memcmp(out,
		     "a-long-prefix-of-20 | 0123456789abcdefghijklmnopqrstuvwxyz\n"
		     "a-long-prefix-of-20 | z\n",
		     83) == 0);
}

static void test_out_full(void)
{
	char out[10 + LINEFMT_SLACK];
	size_t olen = 0, used;
	bool full;

	/* "P|aaa\n" is 6 bytes; a second line would need 6 more: it must wait. */
	used = linefmt_lines(pfx("P|"), 2, in("aaa\nbbb\n", 8), 8, out, 10, &olen, &full);
	CHECK(used == 4 && olen == 6 && full && memcmp(out, "P|aaa\n", 6) == 0);
	/* Appends after what is already there. */
	olen = 2;
	used = linefmt_lines(pfx("P|"), 2, in("bbb\n", 4), 4, out, 10, &olen, &full);
	CHECK(used == 4 && olen == 8 && !full && memcmp(out + 2, "P|bbb\n", 6) == 0);
	/* Full only when a complete line waits: a partial tail is not "full". */
	olen = 8;
	CHECK(linefmt_lines(pfx("P|"), 2, in("ccc", 3), 3, out, 10, &olen, &full) == 0 && !full);
}

static void test_piece(void)
{
	char out[8];
	size_t olen = 0;

	CHECK(linefmt_piece("P|", 2, "abc", 3, out, sizeof(out), &olen) == 0);
	CHECK(olen == 6 && memcmp(out, "P|abc\n", 6) == 0);
	/* Does not fit: refused whole, out untouched. */
	CHECK(linefmt_piece("P|", 2, "abc", 3, out, sizeof(out), &olen) == -1 && olen == 6);
}

int main(void)
{
	test_lines();
	test_out_full();
	test_piece();
	return harness_report("test_linefmt");
}
