/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/lex.c: the blank and name rules, decimals, the message renderer,
 * the BOM skip, the growable array, the comma-list walker (empty
 * items included) and the name index (collisions, growth, 100,000 names).
 * Single-threaded; no locks.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lex.h"

static void test_rules(void)
{
	size_t b, e;

	CHECK(lex_is_blank(' ') && lex_is_blank('\t'));
	CHECK(!lex_is_blank('\r') && !lex_is_blank('\n') && !lex_is_blank('\0') &&
	      !lex_is_blank('x'));
	CHECK(lex_skip_blank(" \t x", 0, 4) == 3);
	CHECK(lex_skip_blank("   ", 1, 2) == 2);
	b = 0, e = 6;
	lex_trim(" \tab \t", &b, &e);
	CHECK(b == 2 && e == 4);
	b = 0, e = 3;
	lex_trim("   ", &b, &e);
	CHECK(b == e);

	CHECK(lex_name_bad("a", 1) == 1 && lex_name_bad("Z", 1) == 1 && lex_name_bad("0", 1) == 1);
	CHECK(lex_name_bad("_", 1) == 1 && lex_name_bad("-", 1) == 1);
	CHECK(lex_name_bad(".", 1) == 0 && lex_name_bad(" ", 1) == 0 &&
	      lex_name_bad("\xc3", 1) == 0);
	CHECK(lex_name_bad(":", 1) == 0 && lex_name_bad("=", 1) == 0);
	CHECK(lex_name_bad("web-1_x", 7) == 7);
	CHECK(lex_name_bad("we.b", 4) == 2);
	CHECK(lex_name_bad("", 0) == 0);

	CHECK(lex_name_width(0) == 0 && lex_name_width(64) == 64 && lex_name_width(65) == 64);
	CHECK(lex_name_width(SIZE_MAX) == 64);

	CHECK(lex_is_var_start('A') && lex_is_var_start('_') && !lex_is_var_start('1'));
	CHECK(lex_is_var_char('1') && !lex_is_var_char('-') && !lex_is_var_char('.'));

	CHECK(lex_bom("\xef\xbb\xbfx", 4) == 3);
	CHECK(lex_bom("\xef\xbb\xbf", 3) == 3);
	CHECK(lex_bom("\xef\xbb", 2) == 0);
	CHECK(lex_bom("web", 3) == 0);

	CHECK(lex_uint(7) == 7);
	CHECK(lex_uint((size_t)UINT_MAX + 1) == UINT_MAX);
	CHECK(lex_uint(SIZE_MAX) == UINT_MAX);
}

static void test_parse_uint(void)
{
	unsigned long v = 7;

	CHECK(lex_parse_uint("0", 1, 10, &v) == 0 && v == 0);
	CHECK(lex_parse_uint("10", 2, 10, &v) == 0 && v == 10);
	CHECK(lex_parse_uint("007", 3, 10, &v) == 0 && v == 7);
	CHECK(lex_parse_uint("65535,x", 5, 65535, &v) == 0 && v == 65535); /* not NUL-ended */
	CHECK(lex_parse_uint("65536", 5, 65535, &v) == ERANGE && v == 65535);
	CHECK(lex_parse_uint("11", 2, 10, &v) == ERANGE);
	CHECK(lex_parse_uint("18446744073709551615", 20, ULONG_MAX, &v) == 0 && v == ULONG_MAX);
	CHECK(lex_parse_uint("18446744073709551616", 20, ULONG_MAX, &v) == ERANGE);
	CHECK(lex_parse_uint("99999999999999999999999", 23, 10, &v) == ERANGE);
	/* Not all digits: EINVAL, even after digits past MAX. */
	CHECK(lex_parse_uint("", 0, 10, &v) == EINVAL);
	CHECK(lex_parse_uint("99999999999999999999999x", 24, 10, &v) == EINVAL);
	CHECK(lex_parse_uint("-1", 2, 10, &v) == EINVAL);
	CHECK(lex_parse_uint("+1", 2, 10, &v) == EINVAL);
	CHECK(lex_parse_uint(" 1", 2, 10, &v) == EINVAL);
	CHECK(lex_parse_uint("1 ", 2, 10, &v) == EINVAL);
	CHECK(lex_parse_uint("0x1", 3, 10, &v) == EINVAL);
	CHECK(lex_parse_uint("1\0", 2, 10, &v) == EINVAL);
	CHECK(lex_parse_uint("\xd9", 1, 10, &v) == EINVAL);
	CHECK(v == ULONG_MAX); /* untouched by every failure */
}

static void test_envp_lookup(void)
{
	static char *const env[] = { "A=1", "AB=2", "E=", "NOEQ", "C=x=y", NULL };

	CHECK_STREQ(lex_envp_lookup("A", 1, (void *)env), "1");
	CHECK_STREQ(lex_envp_lookup("AB", 2, (void *)env), "2");
	CHECK_STREQ(lex_envp_lookup("ABC", 2, (void *)env), "2"); /* LEN bytes only */
	CHECK_STREQ(lex_envp_lookup("E", 1, (void *)env), "");
	CHECK_STREQ(lex_envp_lookup("C", 1, (void *)env), "x=y");
	CHECK(lex_envp_lookup("B", 1, (void *)env) == NULL);
	CHECK(lex_envp_lookup("NOEQ", 4, (void *)env) == NULL);
	CHECK(lex_envp_lookup("X", 1, (void *)env) == NULL);
}

static void test_show(void)
{
	char buf[LEX_SHOW_SIZE(LEX_SHOW_MAX)];
	char big[100];

	CHECK_STREQ(lex_show(buf, "web", 3, LEX_SHOW_MAX), "web");
	CHECK_STREQ(lex_show(buf, "", 0, LEX_SHOW_MAX), "");
	CHECK_STREQ(lex_show(buf, "a'b\\c", 5, LEX_SHOW_MAX), "a\\x27b\\x5cc");
	CHECK_STREQ(lex_show(buf, "\x01\x7f\xff\t", 4, LEX_SHOW_MAX), "\\x01\\x7f\\xff\\x09");
	CHECK_STREQ(lex_show(buf, "a\0b", 3, LEX_SHOW_MAX), "a\\x00b");
	CHECK_STREQ(lex_show(buf, "xyz", 3, 1), "x...");
	CHECK_STREQ(lex_show(buf, "\xc3\xa9", 2, 1), "\\xc3...");

	/* The worst case fills the buffer exactly: MAX escapes and the dots. */
	memset(big, 0xff, sizeof(big));
	lex_show(buf, big, sizeof(big), LEX_SHOW_MAX);
	CHECK(strlen(buf) == sizeof(buf) - 1);
	CHECK(strcmp(buf + strlen(buf) - 7, "\\xff...") == 0);
}

static void test_strndup(void)
{
	char *s = lex_strndup("web: x", 3);

	CHECK_STREQ(s, "web");
	free(s);
	s = lex_strndup("", 0);
	CHECK_STREQ(s, "");
	free(s);
	CHECK(lex_strndup("x", SIZE_MAX) == NULL);
}

static void test_reserve(void)
{
	struct pair {
		int a, b;
	} *v = NULL;
	size_t cap = 0, n;
	int ok = 1;

	CHECK(lex_reserve(&v, &cap, 1, sizeof(*v)) == 0);
	CHECK(v != NULL && cap >= 1);
	for (n = 0; n < 10000; n++) {
		ok &= lex_reserve(&v, &cap, n + 1, sizeof(*v)) == 0;
		v[n].a = (int)n;
		v[n].b = -(int)n;
	}
	CHECK(ok && cap >= 10000 && cap < 20000);
	CHECK(v[9999].a == 9999 && v[0].b == 0 && v[5000].b == -5000);
	/* Asking for too much fails and keeps the array. */
	CHECK(lex_reserve(&v, &cap, SIZE_MAX, sizeof(*v)) == ENOMEM);
	CHECK(lex_reserve(&v, &cap, SIZE_MAX / 4, sizeof(*v)) == ENOMEM);
	CHECK(v[9999].a == 9999);
	/* Room already there: nothing changes. */
	n = cap;
	CHECK(lex_reserve(&v, &cap, 3, sizeof(*v)) == 0 && cap == n);
	free(v);
}

/* Collects the items of S as "[b,e)" texts joined by '|'. */
static const char *items(const char *s)
{
	static char out[256];
	struct lex_item it;
	size_t pos = 0, o = 0;

	out[0] = '\0';
	while (lex_next_item(s, strlen(s), &pos, &it))
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s<%.*s>", o ? "|" : "",
				      (int)(it.e - it.b), s + it.b);
	return out;
}

static void test_items(void)
{
	CHECK_STREQ(items("a"), "<a>");
	CHECK_STREQ(items("web,worker"), "<web>|<worker>");
	CHECK_STREQ(items(""), "<>");
	CHECK_STREQ(items(","), "<>|<>");
	CHECK_STREQ(items("a,,b"), "<a>|<>|<b>");
	CHECK_STREQ(items("a,"), "<a>|<>");
	CHECK_STREQ(items(",a"), "<>|<a>");
	CHECK_STREQ(items(" a , b "), "< a >|< b >");
}

static void test_index(void)
{
	struct lex_index ix = { 0 };
	char(*names)[16] = calloc(100000, sizeof(*names));
	int ok = 1;

	CHECK(lex_index_find(&ix, "x", 1) == -1);
	CHECK(lex_index_find(&ix, "", 0) == -1);
	CHECK(lex_index_add(&ix, "web", 3, 0) == 0);
	CHECK(lex_index_add(&ix, "worker", 6, 1) == 0);
	CHECK(lex_index_add(&ix, "", 0, 2) == 0);
	CHECK(lex_index_find(&ix, "web", 3) == 0);
	CHECK(lex_index_find(&ix, "worker", 6) == 1);
	CHECK(lex_index_find(&ix, "", 0) == 2);
	/* Lengths count, not NULs: "web" is a prefix of "webx", not a match. */
	CHECK(lex_index_find(&ix, "webx", 4) == -1);
	CHECK(lex_index_find(&ix, "we", 2) == -1);
	CHECK(lex_index_find(&ix, "workerbee", 6) == 1);
	CHECK(lex_index_find(&ix, "a\0b", 3) == -1);
	CHECK(ix.n == 3);
	lex_index_free(&ix);
	CHECK(ix.slot == NULL && ix.n == 0 && ix.cap == 0);
	CHECK(lex_index_find(&ix, "web", 3) == -1);

	/* Many names: every one found with its own value through many growths. */
	for (size_t i = 0; i < 100000; i++) {
		snprintf(names[i], sizeof(names[i]), "V%zu", i);
		ok &= lex_index_add(&ix, names[i], strlen(names[i]), i) == 0;
	}
	CHECK(ok);
	for (size_t i = 0; i < 100000; i++)
		ok &= lex_index_find(&ix, names[i], strlen(names[i])) == (long)i;
	CHECK(ok);
	CHECK(ix.n == 100000 && ix.cap >= 200000);
	CHECK(lex_index_find(&ix, "V100000", 7) == -1);
	CHECK(lex_index_find(&ix, "V1", 1) == -1);
	lex_index_free(&ix);
	free(names);
}

int main(void)
{
	test_rules();
	test_parse_uint();
	test_envp_lookup();
	test_show();
	test_strndup();
	test_reserve();
	test_items();
	test_index();
	return harness_report("test_lex");
}
