/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/formation.c: the -m parser with the exact col/message of
 * every error, the count lookup, and foreman's PORT rule at its edges.
 * Single-threaded; no locks.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formation.h"
#include "harness.h"

/* String literals may hold NUL bytes, so the length comes from sizeof. */
#define PARSE(lit, f, d) parse((lit), sizeof(lit) - 1, (f), (d))

static struct diags d;

static int parse(const char *spec, size_t len, struct formation *f, struct diags *errs)
{
	memset(errs, 0, sizeof(*errs));
	return formation_parse(spec, len, f, errs);
}

static int diag_is(const struct diags *errs, size_t i, unsigned col, const char *msg)
{
	if (i >= errs->n) {
		fprintf(stderr, "  diag %zu missing (have %zu)\n", i, errs->n);
		return 0;
	}
	if (errs->v[i].line == 0 && errs->v[i].col == col && strcmp(errs->v[i].msg, msg) == 0)
		return 1;
	fprintf(stderr, "  diag %zu is %u:%u: %s\n", i, errs->v[i].line, errs->v[i].col,
		errs->v[i].msg);
	return 0;
}

static int entry_is(const struct formation *f, size_t i, const char *name, unsigned count)
{
	if (i >= f->n) {
		fprintf(stderr, "  entry %zu missing (have %zu)\n", i, f->n);
		return 0;
	}
	if (strcmp(f->v[i].name, name) == 0 && f->v[i].count == count)
		return 1;
	fprintf(stderr, "  entry %zu is %s=%u\n", i, f->v[i].name, f->v[i].count);
	return 0;
}

/* Parses SPEC, expecting exactly one error. */
static int one_error(const char *spec, size_t len, unsigned col, const char *msg)
{
	struct formation f;
	int rc = parse(spec, len, &f, &d);
	int ok = rc == EINVAL && d.n == 1 && diag_is(&d, 0, col, msg);

	if (!ok)
		fprintf(stderr, "  for spec \"%.*s\": rc %d, %zu errors\n", (int)len, spec, rc, d.n);
	formation_free(&f);
	return ok;
}

#define ONE_ERROR(lit, col, msg) one_error((lit), sizeof(lit) - 1, (col), (msg))

static void test_good(void)
{
	struct formation f;

	CHECK(PARSE("all=1,web=2,worker=0", &f, &d) == 0);
	CHECK(d.n == 0);
	CHECK(f.n == 3);
	CHECK(entry_is(&f, 0, "all", 1));
	CHECK(entry_is(&f, 1, "web", 2));
	CHECK(entry_is(&f, 2, "worker", 0));
	formation_free(&f);
	CHECK(f.v == NULL && f.n == 0);
	formation_free(&f);

	CHECK(PARSE(" \tweb = 2 ,\tworker=\t3 , x_-9 =10000 ", &f, &d) == 0);
	CHECK(d.n == 0);
	CHECK(f.n == 3);
	CHECK(entry_is(&f, 0, "web", 2));
	CHECK(entry_is(&f, 1, "worker", 3));
	CHECK(entry_is(&f, 2, "x_-9", 10000));
	formation_free(&f);

	CHECK(PARSE("web=007", &f, &d) == 0);
	CHECK(entry_is(&f, 0, "web", 7));
	formation_free(&f);

	/* LEN is honoured: the ",junk" past it is never read. */
	CHECK(parse("web=1,junk", 5, &f, &d) == 0);
	CHECK(f.n == 1 && entry_is(&f, 0, "web", 1));
	formation_free(&f);
}

static void test_count(void)
{
	struct formation f, empty = { 0 };

	CHECK(PARSE("all=3,web=2,worker=0", &f, &d) == 0);
	CHECK(formation_count(&f, "web") == 2);
	CHECK(formation_count(&f, "worker") == 0);
	CHECK(formation_count(&f, "clock") == 3);
	CHECK(formation_count(&f, "we") == 3);
	formation_free(&f);

	/* foreman's rule: what the formation does not name gets 0, not 1. */
	CHECK(PARSE("web=2", &f, &d) == 0);
	CHECK(formation_count(&f, "web") == 2);
	CHECK(formation_count(&f, "clock") == 0);
	CHECK(formation_find(&f, "web") == &f.v[0]);
	CHECK(formation_find(&f, "clock") == NULL);
	formation_free(&f);

	CHECK(PARSE("worker=0", &f, &d) == 0);
	CHECK(formation_count(&f, "worker") == 0);
	CHECK(formation_count(&f, "web") == 0);
	CHECK(formation_find(&f, "worker") == &f.v[0]);
	formation_free(&f);

	CHECK(PARSE("all=0", &f, &d) == 0);
	CHECK(formation_count(&f, "web") == 0);
	CHECK(formation_find(&f, "web") == &f.v[0]);
	formation_free(&f);

	CHECK(PARSE("web=0,all=4", &f, &d) == 0);
	CHECK(formation_count(&f, "web") == 0);
	CHECK(formation_count(&f, "all") == 4);
	CHECK(formation_count(&f, "clock") == 4);
	CHECK(formation_find(&f, "clock") == &f.v[1]);
	formation_free(&f);

	/* Without a formation: one of each. */
	CHECK(formation_count(&empty, "web") == 1);
	CHECK(formation_count(NULL, "web") == 1);
	CHECK(formation_find(&empty, "web") == NULL);
	CHECK(formation_find(NULL, "web") == NULL);
}

static void test_errors(void)
{
	CHECK(ONE_ERROR("", 1, "empty formation"));
	CHECK(ONE_ERROR(" \t ", 1, "empty formation"));
	CHECK(ONE_ERROR("web=1,,worker=2", 7, "empty item"));
	CHECK(ONE_ERROR("web=1, \t,worker=2", 9, "empty item"));
	CHECK(ONE_ERROR("web=1,", 7, "empty item"));
	CHECK(ONE_ERROR(",web=1", 1, "empty item"));
	CHECK(ONE_ERROR("web", 1, "expected name=count"));
	CHECK(ONE_ERROR("web=1, worker 2", 8, "expected name=count"));
	CHECK(ONE_ERROR("=2", 1, "empty process name"));
	CHECK(ONE_ERROR("  = 2", 3, "empty process name"));
	CHECK(ONE_ERROR("w.b=1", 2, "invalid character '.' in process name"));
	CHECK(ONE_ERROR("we b=1", 3, "invalid character ' ' in process name"));
	CHECK(ONE_ERROR("w\x7f=1", 2, "invalid character '\\x7f' in process name"));
	CHECK(ONE_ERROR("web=", 5, "missing count for 'web'"));
	CHECK(ONE_ERROR("web= ,a=1", 5, "missing count for 'web'"));
	CHECK(ONE_ERROR("web=x", 5, "invalid count 'x' for 'web'"));
	CHECK(ONE_ERROR("web=-1", 5, "invalid count '-1' for 'web'"));
	CHECK(ONE_ERROR("web=+1", 5, "invalid count '+1' for 'web'"));
	CHECK(ONE_ERROR("web=1x", 5, "invalid count '1x' for 'web'"));
	CHECK(ONE_ERROR("web= 1 2", 6, "invalid count '1 2' for 'web'"));
	CHECK(ONE_ERROR("web=1=2", 5, "invalid count '1=2' for 'web'"));
	CHECK(ONE_ERROR("web=0x10", 5, "invalid count '0x10' for 'web'"));
	CHECK(ONE_ERROR("web=1.5", 5, "invalid count '1.5' for 'web'"));
	CHECK(ONE_ERROR("web=1\0", 5, "invalid count '1\\x00' for 'web'"));
	CHECK(ONE_ERROR("web=\xff", 5, "invalid count '\\xff' for 'web'"));
	CHECK(ONE_ERROR("web=0123456789012345678901234567890123456789x", 5,
			"invalid count '01234567890123456789012345678901...' for 'web'"));
	CHECK(ONE_ERROR("web=10001", 5, "count 10001 for 'web' out of range 0..10000"));
	CHECK(ONE_ERROR("web=20000", 5, "count 20000 for 'web' out of range 0..10000"));
	CHECK(ONE_ERROR("web=99999999999999999999999", 5,
			"count 99999999999999999999999 for 'web' out of range 0..10000"));
	CHECK(ONE_ERROR("web=18446744073709551616", 5,
			"count 18446744073709551616 for 'web' out of range 0..10000"));
}

static void test_twice(void)
{
	char spec[145], want[DIAG_MSG_MAX];
	struct formation f;

	CHECK(PARSE("web=1,worker=4, web=2", &f, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 17, "'web' given twice"));
	/* The first value stays. */
	CHECK(f.n == 2 && entry_is(&f, 0, "web", 1) && entry_is(&f, 1, "worker", 4));
	formation_free(&f);

	CHECK(PARSE("all=1,all=2", &f, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 7, "'all' given twice"));
	formation_free(&f);

	/* A long name is cut to 64 bytes in the message. */
	memset(spec, 'a', 70);
	memcpy(spec + 70, "=1,", 3);
	memset(spec + 73, 'a', 70);
	memcpy(spec + 143, "=2", 2);
	snprintf(want, sizeof(want), "'%.64s' given twice", spec);
	CHECK(parse(spec, 145, &f, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 74, want));
	CHECK(f.n == 1 && strlen(f.v[0].name) == 70);
	formation_free(&f);
}

static void test_many_errors(void)
{
	struct formation f;

	CHECK(PARSE("a=1,,b,c=x, d=2,a=3,e=20000,f=5", &f, &d) == EINVAL);
	CHECK(d.n == 5);
	CHECK(diag_is(&d, 0, 5, "empty item"));
	CHECK(diag_is(&d, 1, 6, "expected name=count"));
	CHECK(diag_is(&d, 2, 10, "invalid count 'x' for 'c'"));
	CHECK(diag_is(&d, 3, 17, "'a' given twice"));
	CHECK(diag_is(&d, 4, 23, "count 20000 for 'e' out of range 0..10000"));
	/* Valid items are still returned. */
	CHECK(f.n == 3);
	CHECK(entry_is(&f, 0, "a", 1));
	CHECK(entry_is(&f, 1, "d", 2));
	CHECK(entry_is(&f, 2, "f", 5));
	formation_free(&f);
}

static void test_diag_limit(void)
{
	struct formation f;
	char spec[DIAG_LIMIT + 30];

	/* N commas make N + 1 empty items. */
	memset(spec, ',', sizeof(spec));
	CHECK(parse(spec, sizeof(spec), &f, &d) == EINVAL);
	CHECK(d.n == DIAG_LIMIT);
	CHECK(d.dropped == 31);
	CHECK(diag_is(&d, DIAG_LIMIT - 1, DIAG_LIMIT, "empty item"));
	formation_free(&f);

	/* With the list full, an error that is only counted still means EINVAL. */
	CHECK(formation_parse("web=1,x", 7, &f, &d) == EINVAL);
	CHECK(d.n == DIAG_LIMIT && d.dropped == 32);
	CHECK(f.n == 1 && entry_is(&f, 0, "web", 1));
	formation_free(&f);
	CHECK(formation_parse("web=1", 5, &f, &d) == 0);
	CHECK(d.n == DIAG_LIMIT && d.dropped == 32);
	formation_free(&f);

	/* Errors already in the list are not this spec's. */
	memset(&d, 0, sizeof(d));
	diag_add(&d, 3, 1, "from elsewhere");
	CHECK(formation_parse("web=1", 5, &f, &d) == 0);
	CHECK(d.n == 1 && f.n == 1);
	formation_free(&f);
}

static int port_is(long base, size_t type_index, unsigned instance, long want)
{
	long port = -7;
	int rc = formation_port(base, type_index, instance, &port);

	if (rc == 0 && port == want)
		return 1;
	fprintf(stderr, "  port(%ld, %zu, %u): rc %d port %ld\n", base, type_index, instance, rc,
		port);
	return 0;
}

static int port_fails(long base, size_t type_index, unsigned instance)
{
	long port = -7;
	int rc = formation_port(base, type_index, instance, &port);

	/* On error *PORT must be left alone. */
	if (rc == ERANGE && port == -7)
		return 1;
	fprintf(stderr, "  port(%ld, %zu, %u): rc %d port %ld, want ERANGE\n", base, type_index,
		instance, rc, port);
	return 0;
}

static void test_port(void)
{
	CHECK(port_is(5000, 0, 1, 5000));
	CHECK(port_is(5000, 0, 2, 5001));
	CHECK(port_is(5000, 1, 1, 5100));
	CHECK(port_is(5000, 1, 2, 5101));
	CHECK(port_is(5000, 3, 100, 5399));
	CHECK(port_is(1, 0, 1, 1));
	CHECK(port_is(65535, 0, 1, 65535));
	CHECK(port_is(1, 655, 1, 65501));
	CHECK(port_is(35, 655, 1, 65535));
	CHECK(port_is(1, 0, 65535, 65535));

	CHECK(port_fails(65535, 0, 2));
	CHECK(port_fails(36, 655, 1));
	CHECK(port_fails(1, 656, 1));
	CHECK(port_fails(5000, 1, 0));
	CHECK(port_fails(1, 0, 65536));
	CHECK(port_fails(0, 0, 1));
	CHECK(port_fails(-1, 0, 1));
	CHECK(port_fails(65536, 0, 1));
	CHECK(port_fails(LONG_MAX, 0, 1));
	CHECK(port_fails(LONG_MIN, 0, 1));
	CHECK(port_fails(5000, SIZE_MAX, 1));
	CHECK(port_fails(5000, SIZE_MAX / 100 + 1, 1));
	CHECK(port_fails(5000, 0, UINT_MAX));
}

/* The first bad port, found in O(1), against a walk over every instance. */
static unsigned first_bad_walk(long base, size_t type_index, unsigned count)
{
	long port;

	for (unsigned n = 1; n <= count; n++)
		if (formation_port(base, type_index, n, &port))
			return n;
	return 0;
}

static void test_first_bad_port(void)
{
	static const long bases[] = { 1, 35, 36, 5000, 65400, 65535, 0, 65536 };
	static const size_t types[] = { 0, 1, 5, 506, 600, 654, 655, 656, 50000 };
	static const unsigned counts[] = { 0, 1, 2, 100, 9936, 9937, 10000 };
	int ok = 1;

	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
			for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++)
				ok &= formation_first_bad_port(bases[b], types[t], counts[c]) ==
				      first_bad_walk(bases[b], types[t], counts[c]);
	CHECK(ok);
	/* -m all=10000 over 600 types (base 5000): p506 is the first to pass 65535. */
	CHECK(formation_first_bad_port(5000, 505, 10000) == 0);
	CHECK(formation_first_bad_port(5000, 506, 10000) == 9937);
	CHECK(formation_first_bad_port(65500, 0, 200) == 37);
	CHECK(formation_first_bad_port(5000, 700, 1) == 1);
	CHECK(formation_first_bad_port(5000, 700, 0) == 0);
	CHECK(formation_first_bad_port(1, 0, UINT_MAX) == 65536);
}

int main(void)
{
	test_good();
	test_count();
	test_errors();
	test_twice();
	test_many_errors();
	test_diag_limit();
	test_port();
	test_first_bad_port();
	return harness_report("test_formation");
}
