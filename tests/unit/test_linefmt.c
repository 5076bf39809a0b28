/* SPDX-License-Identifier: MIT */
/* Unit tests for the line splitter: whole lines in, prefixed lines out. */
#include "harness.h"
#include "linefmt.h"

static void test_lines(void)
{
	char out[64];
	size_t olen = 0, used;

	used = linefmt_lines("P| ", 3, "ab\ncd\nef", 8, out, sizeof(out), &olen);
	CHECK(used == 6);
	CHECK(olen == 12 && memcmp(out, "P| ab\nP| cd\n", 12) == 0);

	/* No newline: nothing consumed, nothing written. */
	olen = 0;
	CHECK(linefmt_lines("P| ", 3, "abc", 3, out, sizeof(out), &olen) == 0 && olen == 0);

	/* Empty lines and NUL bytes are lines like any other. */
	olen = 0;
	used = linefmt_lines(">", 1, "\n\0x\n", 4, out, sizeof(out), &olen);
	CHECK(used == 4 && olen == 6 && memcmp(out, ">\n>\0x\n", 6) == 0);
}

static void test_out_full(void)
{
	char out[10];
	size_t olen = 0, used;

	/* "P|aaa\n" is 6 bytes; a second line would need 6 more: it must wait. */
	used = linefmt_lines("P|", 2, "aaa\nbbb\n", 8, out, sizeof(out), &olen);
	CHECK(used == 4 && olen == 6 && memcmp(out, "P|aaa\n", 6) == 0);
	/* Appends after what is already there. */
	olen = 2;
	used = linefmt_lines("P|", 2, "bbb\n", 4, out, sizeof(out), &olen);
	CHECK(used == 4 && olen == 8 && memcmp(out + 2, "P|bbb\n", 6) == 0);
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
