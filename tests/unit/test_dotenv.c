/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/dotenv.c: every dialect feature checked against exact
 * key/values, every error against exact message, line and column.
 * Single-threaded; no locks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dotenv.h"
#include "harness.h"
#include "quote.h"

/* The "inherited environment" the tests expand against. */
static const char *const test_env[][2] = {
	{ "HOME", "/root" },
	{ "EMPTY", "" },
	{ "PATH", "/usr/bin" },
	{ "SHELL", "/bin/sh" },
};

static const char *test_lookup(const char *name, size_t n, void *ctx)
{
	size_t i;

	if (ctx)
		(*(unsigned *)ctx)++;
	for (i = 0; i < sizeof(test_env) / sizeof(test_env[0]); i++)
		if (strlen(test_env[i][0]) == n && memcmp(test_env[i][0], name, n) == 0)
			return test_env[i][1];
	return NULL;
}

/* Big (DIAG_LIMIT entries): one static list, cleared per parse. */
static struct diags errs;

static int parse_len(const char *s, size_t len, struct envlist *l)
{
	memset(&errs, 0, sizeof(errs));
	return dotenv_parse(s, len, "t.env", l, test_lookup, NULL, &errs);
}

static int parse(const char *s, struct envlist *l)
{
	return parse_len(s, strlen(s), l);
}

static const char *get(const struct envlist *l, const char *key)
{
	return envlist_get(l, key, strlen(key));
}

static void check_err(size_t i, unsigned line, unsigned col, const char *msg, int src)
{
	harness_check(errs.n > i, "error present", __FILE__, src);
	harness_check(errs.v[i].line == line, "error line", __FILE__, src);
	harness_check(errs.v[i].col == col, "error col", __FILE__, src);
	harness_check(strcmp(errs.v[i].msg, msg) == 0, msg, __FILE__, src);
	if (errs.n > i &&
	    (errs.v[i].line != line || errs.v[i].col != col || strcmp(errs.v[i].msg, msg) != 0))
		fprintf(stderr, "  got %u:%u: %s\n", errs.v[i].line, errs.v[i].col, errs.v[i].msg);
}

#define CHECK_ERR(i, line, col, msg) check_err((i), (line), (col), (msg), __LINE__)

static void test_envlist(void)
{
	struct envlist l = { 0 };

	CHECK(envlist_set(&l, "AB", 1, "one") == 0);
	CHECK(envlist_set(&l, "B", 1, "two") == 0);
	CHECK(l.n == 2);
	CHECK_STREQ(envlist_get(&l, "A", 1), "one");
	CHECK_STREQ(envlist_get(&l, "Axyz", 1), "one");
	CHECK(envlist_get(&l, "AB", 2) == NULL);
	CHECK(envlist_get(&l, "", 0) == NULL);
	/* Replacing keeps the first position. */
	CHECK(envlist_set(&l, "A", 1, "uno") == 0);
	CHECK(l.n == 2);
	CHECK_STREQ(l.v[0].key, "A");
	CHECK_STREQ(l.v[0].value, "uno");
	/* A value taken from the list itself survives the replacement. */
	CHECK(envlist_set(&l, "B", 1, l.v[1].value) == 0);
	CHECK_STREQ(get(&l, "B"), "two");
	envlist_free(&l);
	CHECK(l.v == NULL && l.n == 0 && l.cap == 0);
	envlist_free(&l);
	CHECK(l.n == 0);
}

static void test_many_keys(void)
{
	struct envlist l = { 0 };
	char key[16];
	int i, ok = 1;

	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "K%d", i);
		ok &= envlist_set(&l, key, strlen(key), key) == 0;
	}
	CHECK(ok);
	CHECK(l.n == 100000);
	CHECK_STREQ(get(&l, "K0"), "K0");
	CHECK_STREQ(get(&l, "K99999"), "K99999");
	CHECK_STREQ(l.v[500].key, "K500");
	/* Setting again replaces in place: same position, no new entry. */
	for (i = 0; i < 100000; i += 7) {
		snprintf(key, sizeof(key), "K%d", i);
		ok &= envlist_set(&l, key, strlen(key), "again") == 0;
	}
	CHECK(ok && l.n == 100000);
	for (i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "K%d", i);
		ok &= envlist_find(&l, key, strlen(key)) == &l.v[i];
		ok &= strcmp(get(&l, key), i % 7 ? key : "again") == 0;
	}
	CHECK(ok);
	CHECK(get(&l, "K100000") == NULL);
	envlist_free(&l);
	CHECK(get(&l, "K0") == NULL);
}

static void test_basic(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A=1\nB=hello world\n_a.b9=x\n", &l) == 0);
	CHECK(errs.n == 0);
	CHECK(l.n == 3);
	CHECK_STREQ(l.v[0].key, "A");
	CHECK_STREQ(l.v[0].value, "1");
	CHECK_STREQ(l.v[1].key, "B");
	CHECK_STREQ(l.v[1].value, "hello world");
	CHECK_STREQ(get(&l, "_a.b9"), "x");
	envlist_free(&l);

	CHECK(parse("", &l) == 0);
	CHECK(l.n == 0 && errs.n == 0);

	CHECK(parse("A=\nB=1", &l) == 0);
	CHECK_STREQ(get(&l, "A"), "");
	CHECK_STREQ(get(&l, "B"), "1"); /* last line without newline */
	envlist_free(&l);
}

static void test_export_and_spaces(void)
{
	struct envlist l = { 0 };

	CHECK(parse("  export FOO = bar\n\texport\t BAR\t=\tbaz  \nexport=1\n"
		    "export  =2\nexportX=3\n   Q  =  q\n",
		    &l) == 0);
	CHECK(errs.n == 0);
	CHECK_STREQ(get(&l, "FOO"), "bar");
	CHECK_STREQ(get(&l, "BAR"), "baz");
	CHECK_STREQ(get(&l, "export"), "2");
	CHECK_STREQ(get(&l, "exportX"), "3");
	CHECK_STREQ(get(&l, "Q"), "q");
	CHECK(l.n == 5);
	envlist_free(&l);
}

static void test_comments(void)
{
	struct envlist l = { 0 };

	CHECK(parse("# top\n\n   \n\t# indented\nA=1 # note\nB=b#c\nC=x\t#tab\n"
		    "D=#notcomment\nE= #comment\nF=u://h/p#frag\nG=a  b  \n",
		    &l) == 0);
	CHECK(errs.n == 0);
	CHECK(l.n == 7);
	CHECK_STREQ(get(&l, "A"), "1");
	CHECK_STREQ(get(&l, "B"), "b#c");
	CHECK_STREQ(get(&l, "C"), "x");
	CHECK_STREQ(get(&l, "D"), "#notcomment");
	CHECK_STREQ(get(&l, "E"), "");
	CHECK_STREQ(get(&l, "F"), "u://h/p#frag");
	CHECK_STREQ(get(&l, "G"), "a  b");
	envlist_free(&l);
}

static void test_crlf(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A=1\r\nB='q'\r\nC=\"d\"  \r\n\r\n# c\r\nHOME\r\nE=x # c\r\nF=5\r", &l) == 0);
	CHECK(errs.n == 0);
	CHECK(l.n == 6);
	CHECK_STREQ(get(&l, "A"), "1");
	CHECK_STREQ(get(&l, "B"), "q");
	CHECK_STREQ(get(&l, "C"), "d");
	CHECK_STREQ(get(&l, "HOME"), "/root");
	CHECK_STREQ(get(&l, "E"), "x");
	CHECK_STREQ(get(&l, "F"), "5");
	envlist_free(&l);
}

static void test_single_quotes(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A='lit $HOME ${X} \\n \\' \nB='l1\n\n  l3 # not a comment'\nC=2\n"
		    "D=''\nE=  'sp'  # c\nF='x'#c\n",
		    &l) == 0);
	CHECK(errs.n == 0);
	/* "A='lit ... \\' " ends at the second quote; the rest is blank. */
	CHECK_STREQ(get(&l, "A"), "lit $HOME ${X} \\n \\");
	CHECK_STREQ(get(&l, "B"), "l1\n\n  l3 # not a comment");
	CHECK_STREQ(get(&l, "C"), "2");
	CHECK_STREQ(get(&l, "D"), "");
	CHECK_STREQ(get(&l, "E"), "sp");
	CHECK_STREQ(get(&l, "F"), "x");
	CHECK(l.n == 6);
	envlist_free(&l);
}

static void test_double_quotes(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A=\"a\\nb\\tc\\rd\\\\e\\\"f\\$g\\qh\\'\"\n"
		    "B=\"x\ny # kept\n\"\nC=$B\nD=\"  pad  \" # c\nE=\"\"\n"
		    "F=\"\\\\\"\nG=\"a\\\nb\"\n",
		    &l) == 0);
	CHECK(errs.n == 0);
	CHECK_STREQ(get(&l, "A"), "a\nb\tc\rd\\e\"f$g\\qh\\'");
	CHECK_STREQ(get(&l, "B"), "x\ny # kept\n");
	CHECK_STREQ(get(&l, "C"), "x\ny # kept\n");
	CHECK_STREQ(get(&l, "D"), "  pad  ");
	CHECK_STREQ(get(&l, "E"), "");
	CHECK_STREQ(get(&l, "F"), "\\");
	CHECK_STREQ(get(&l, "G"), "a\\\nb"); /* backslash-newline: not an escape */
	envlist_free(&l);
}

static void test_multiline_line_numbers(void)
{
	struct envlist l = { 0 };

	/* Lines after a multi-line value are still counted right. */
	CHECK(parse("A=\"1\n2\n3\"\nB='x\ny'\nbad-key=1\n", &l) == EINVAL);
	CHECK(errs.n == 1);
	CHECK_ERR(0, 6, 1, "invalid variable name 'bad-key'");
	CHECK_STREQ(get(&l, "A"), "1\n2\n3");
	CHECK_STREQ(get(&l, "B"), "x\ny");
	envlist_free(&l);
}

static void test_expansion(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A=1\n"
		    "B=$A-${A}\n"
		    "C=${UNSET}x$UNSET\n"
		    "D=${A:-d}\n"
		    "E=${EMPTY:-d}\n"
		    "F=${EMPTY-d}\n"
		    "G=${NONE-d}\n"
		    "H=$$A\n"
		    "I=$1 $ x$ $-\n"
		    "J=\"${NONE:-${A}${B:-no}}\"\n"
		    "K='${A}'\n"
		    "L=${NONE:-a$$b}\n"
		    "M=x}y\n"
		    "N=${A:-${NONE:-z}}w\n"
		    "O=${NONE:-}\n"
		    "P=\"$A\\$A$$\"\n",
		    &l) == 0);
	CHECK(errs.n == 0);
	CHECK_STREQ(get(&l, "B"), "1-1");
	CHECK_STREQ(get(&l, "C"), "x");
	CHECK_STREQ(get(&l, "D"), "1");
	CHECK_STREQ(get(&l, "E"), "d");
	CHECK_STREQ(get(&l, "F"), "");
	CHECK_STREQ(get(&l, "G"), "d");
	CHECK_STREQ(get(&l, "H"), "$A");
	CHECK_STREQ(get(&l, "I"), "$1 $ x$ $-");
	CHECK_STREQ(get(&l, "J"), "11-1");
	CHECK_STREQ(get(&l, "K"), "${A}");
	CHECK_STREQ(get(&l, "L"), "a$b");
	CHECK_STREQ(get(&l, "M"), "x}y");
	CHECK_STREQ(get(&l, "N"), "1w");
	CHECK_STREQ(get(&l, "O"), "");
	CHECK_STREQ(get(&l, "P"), "1$A$");
	envlist_free(&l);
}

static void test_expansion_names(void)
{
	struct envlist l = { 0 };

	/* Bare $NAME stops at a dot, so "$H.local" works; braces allow dots. */
	CHECK(parse("H=host\nX=$H.local\na.b=1\nY=${a.b}\nZ=$H_x${H}_x\n", &l) == 0);
	CHECK_STREQ(get(&l, "X"), "host.local");
	CHECK_STREQ(get(&l, "Y"), "1");
	CHECK_STREQ(get(&l, "Z"), "host_x");
	envlist_free(&l);
}

static void test_lookup_fallback(void)
{
	struct envlist l = { 0 };
	unsigned calls = 0;
	const char *s;

	CHECK(parse("P=$HOME/bin\nHOME=/x\nQ=$HOME\nPATH=/a:$PATH\nR=${SHELL:-none}\n", &l) == 0);
	CHECK_STREQ(get(&l, "P"), "/root/bin");
	CHECK_STREQ(get(&l, "Q"), "/x"); /* the file's own HOME wins */
	CHECK_STREQ(get(&l, "PATH"), "/a:/usr/bin");
	CHECK_STREQ(get(&l, "R"), "/bin/sh");
	envlist_free(&l);

	/* Bare keys import from the inherited environment only when set there. */
	CHECK(parse("HOME\nNOPE\nEMPTY # c\n  export SHELL\n", &l) == 0);
	CHECK(errs.n == 0);
	CHECK(l.n == 3);
	CHECK_STREQ(get(&l, "HOME"), "/root");
	CHECK(get(&l, "NOPE") == NULL);
	CHECK_STREQ(get(&l, "EMPTY"), "");
	CHECK_STREQ(get(&l, "SHELL"), "/bin/sh");
	envlist_free(&l);

	/* Without a lookup function, unset names expand to nothing. */
	memset(&errs, 0, sizeof(errs));
	s = "A=$HOME.\nHOME\nB=${HOME:-d}";
	CHECK(dotenv_parse(s, strlen(s), NULL, &l, NULL, NULL, &errs) == 0);
	CHECK(errs.n == 0);
	CHECK(l.n == 2);
	CHECK_STREQ(get(&l, "A"), ".");
	CHECK_STREQ(get(&l, "B"), "d");
	envlist_free(&l);

	/* CTX reaches the lookup function untouched. */
	memset(&errs, 0, sizeof(errs));
	s = "A=$X$Y\nHOME";
	CHECK(dotenv_parse(s, strlen(s), NULL, &l, test_lookup, &calls, &errs) == 0);
	CHECK(calls == 3);
	CHECK_STREQ(get(&l, "HOME"), "/root");
	envlist_free(&l);
}

static void test_override(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A=1\nB=2\nA=3\n", &l) == 0);
	CHECK(l.n == 2);
	CHECK_STREQ(l.v[0].key, "A");
	CHECK_STREQ(l.v[0].value, "3");
	/* A second file into the same list: overrides in place, sees the first. */
	CHECK(parse("B=x\nC=$A$B\nHOME\n", &l) == 0);
	CHECK(l.n == 4);
	CHECK_STREQ(l.v[1].key, "B");
	CHECK_STREQ(l.v[1].value, "x");
	CHECK_STREQ(l.v[2].key, "C");
	CHECK_STREQ(l.v[2].value, "3x");
	CHECK_STREQ(l.v[3].key, "HOME");
	envlist_free(&l);
}

static void test_raw_bytes(void)
{
	struct envlist l = { 0 };

	/* Invalid UTF-8 passes through untouched. */
	CHECK(parse("A=\xff\xfe\xc3(\nB=\"\xc3\xa9\xed\xa0\x80\"\nC='\x80'\n", &l) == 0);
	CHECK_STREQ(get(&l, "A"), "\xff\xfe\xc3(");
	CHECK_STREQ(get(&l, "B"), "\xc3\xa9\xed\xa0\x80");
	CHECK_STREQ(get(&l, "C"), "\x80");
	envlist_free(&l);
}

static void test_long_value(void)
{
	struct envlist l = { 0 };
	size_t n = 100000, i;
	char *buf = malloc(n + 8);
	const char *v;
	int ok = 1;

	if (!buf) {
		CHECK(!"malloc");
		return;
	}
	memcpy(buf, "L=\"", 3);
	for (i = 0; i < n; i++)
		buf[3 + i] = (char)('a' + i % 26);
	memcpy(buf + 3 + n, "\"\n", 3);
	CHECK(parse(buf, &l) == 0);
	v = get(&l, "L");
	CHECK(v && strlen(v) == n);
	for (i = 0; v && i < n; i++)
		ok &= v[i] == (char)('a' + i % 26);
	CHECK(ok);
	envlist_free(&l);
	free(buf);
}

static void test_deep_nesting(void)
{
	struct envlist l = { 0 };
	size_t depth = 10000, i;
	char *buf = malloc(depth * 7 + 16);
	char *p = buf;

	if (!buf) {
		CHECK(!"malloc");
		return;
	}
	p += sprintf(p, "D=");
	for (i = 0; i < depth; i++)
		p += sprintf(p, "${N:-");
	*p++ = 'z';
	for (i = 0; i < depth; i++)
		*p++ = '}';
	*p = '\0';
	CHECK(parse(buf, &l) == 0);
	CHECK_STREQ(get(&l, "D"), "z");
	envlist_free(&l);

	/* The same without the braces: one error, at the outermost '$'. */
	p[-(long)depth] = '\0';
	CHECK(parse(buf, &l) == EINVAL);
	CHECK(errs.n == 1);
	CHECK_ERR(0, 1, 3, "unterminated ${...}");
	CHECK(l.n == 0);
	free(buf);
}

static void test_bad_keys(void)
{
	struct envlist l = { 0 };
	char longkey[120];

	CHECK(parse("x-y=1\n  1A=2\nA\x01"
		    "B=1\n\xc3\xa9=1\n=1\nA#b=1\nOK=1\n",
		    &l) == EINVAL);
	CHECK(errs.n == 6);
	CHECK_ERR(0, 1, 1, "invalid variable name 'x-y'");
	CHECK_ERR(1, 2, 3, "invalid variable name '1A'");
	CHECK_ERR(2, 3, 1, "invalid variable name 'A\\x01B'");
	CHECK_ERR(3, 4, 1, "invalid variable name '\\xc3\\xa9'");
	CHECK_ERR(4, 5, 1, "invalid variable name ''");
	CHECK_ERR(5, 6, 1, "invalid variable name 'A#b'");
	CHECK(l.n == 1);
	CHECK_STREQ(get(&l, "OK"), "1");
	envlist_free(&l);

	/* A long bad key is shown cut short, still inside the message. */
	memset(longkey, '-', sizeof(longkey));
	memcpy(longkey + 100, "=1", 3);
	CHECK(parse(longkey, &l) == EINVAL);
	CHECK(errs.n == 1);
	CHECK(strncmp(errs.v[0].msg, "invalid variable name '---", 26) == 0);
	CHECK(strlen(errs.v[0].msg) < 100);
	CHECK(strcmp(errs.v[0].msg + strlen(errs.v[0].msg) - 4, "...'") == 0);
	envlist_free(&l);

	/* Shown as the other parsers show tokens: quote and backslash escaped, 32 bytes. */
	CHECK(parse("a'b=1\nc\\d=2\n"
		    "0123456789012345678901234567890123456789=3\n",
		    &l) == EINVAL);
	CHECK(errs.n == 3);
	CHECK_ERR(0, 1, 1, "invalid variable name 'a\\x27b'");
	CHECK_ERR(1, 2, 1, "invalid variable name 'c\\x5cd'");
	CHECK_ERR(2, 3, 1, "invalid variable name '01234567890123456789012345678901...'");
	envlist_free(&l);
}

static void test_expected_kv(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A B=1\nHOME x\nC\rD=1\nexport\n", &l) == EINVAL);
	CHECK(errs.n == 3);
	CHECK_ERR(0, 1, 3, "expected KEY=VALUE");
	CHECK_ERR(1, 2, 6, "expected KEY=VALUE");
	CHECK_ERR(2, 3, 2, "expected KEY=VALUE");
	CHECK(l.n == 0); /* "export" alone is a bare key, unset in test_env */
	envlist_free(&l);
}

static void test_unterminated_quotes(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A=1\nB=\"abc\nC=2\nbad-key=3\n", &l) == EINVAL);
	CHECK(errs.n == 1); /* the rest of the file is inside the quote */
	CHECK_ERR(0, 2, 3, "unterminated double-quoted value");
	CHECK(l.n == 1);
	CHECK_STREQ(get(&l, "A"), "1");
	envlist_free(&l);

	CHECK(parse("x-y=1\n  S = 'x\n", &l) == EINVAL);
	CHECK(errs.n == 2);
	CHECK_ERR(0, 1, 1, "invalid variable name 'x-y'");
	CHECK_ERR(1, 2, 7, "unterminated single-quoted value");
	CHECK(l.n == 0);

	/* An escaped quote does not close; a trailing backslash escapes it. */
	CHECK(parse("E=\"a\\\"", &l) == EINVAL);
	CHECK_ERR(0, 1, 3, "unterminated double-quoted value");
	CHECK(parse("E='a\\'b", &l) == EINVAL);
	CHECK_ERR(0, 1, 7, "unexpected text after closing quote");
	envlist_free(&l);
}

static void test_after_quote(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A=\"v\"x\nB='w' y\nC=ok\nD=\"l1\nl2\"  junk\nE=1\nF='it''s'\n", &l) == EINVAL);
	CHECK(errs.n == 4);
	CHECK_ERR(0, 1, 6, "unexpected text after closing quote");
	CHECK_ERR(1, 2, 7, "unexpected text after closing quote");
	CHECK_ERR(2, 5, 6, "unexpected text after closing quote");
	CHECK_ERR(3, 7, 7, "unexpected text after closing quote");
	CHECK(l.n == 2);
	CHECK_STREQ(get(&l, "C"), "ok");
	CHECK_STREQ(get(&l, "E"), "1");
	envlist_free(&l);
}

static void test_brace_errors(void)
{
	struct envlist l = { 0 };

	CHECK(parse("A=${B\nB=x${B:-y\nC=\"${B:-${C}\"\nD=${\nE=${B:\nF=${A:-}${G\n", &l) == EINVAL);
	CHECK(errs.n == 6);
	CHECK_ERR(0, 1, 3, "unterminated ${...}");
	CHECK_ERR(1, 2, 4, "unterminated ${...}");
	CHECK_ERR(2, 3, 4, "unterminated ${...}");
	CHECK_ERR(3, 4, 3, "unterminated ${...}");
	CHECK_ERR(4, 5, 3, "unterminated ${...}");
	CHECK_ERR(5, 6, 9, "unterminated ${...}");
	CHECK(l.n == 0);

	CHECK(parse("A=${1}\nB=${}\nC=${B?x}\nD=\"${B x}\"\nE=${-x}\nF=${X:+y}\nG=ok\n", &l) ==
	      EINVAL);
	CHECK(errs.n == 6);
	CHECK_ERR(0, 1, 5, "invalid variable name in ${...}");
	CHECK_ERR(1, 2, 5, "invalid variable name in ${...}");
	CHECK_ERR(2, 3, 6, "invalid variable name in ${...}");
	CHECK_ERR(3, 4, 7, "invalid variable name in ${...}");
	CHECK_ERR(4, 5, 5, "invalid variable name in ${...}");
	CHECK_ERR(5, 6, 6, "invalid variable name in ${...}");
	CHECK(l.n == 1);
	CHECK_STREQ(get(&l, "G"), "ok");
	envlist_free(&l);

	/* In single quotes and unused text, nothing is parsed as ${...}. */
	CHECK(parse("A='${'\nB=$${\n", &l) == 0);
	CHECK_STREQ(get(&l, "A"), "${");
	CHECK_STREQ(get(&l, "B"), "${");
	envlist_free(&l);

	/* Errors in a multi-line value are placed on the right line. */
	CHECK(parse("M=\"one\ntwo ${X\"\n", &l) == EINVAL);
	CHECK(errs.n == 1);
	CHECK_ERR(0, 2, 5, "unterminated ${...}");
	envlist_free(&l);
}

static void test_nul(void)
{
	static const char one[] = "A=1\nB=x\0y\nC=3";
	static const char key[] = "\0=1\nK=2";
	static const char quoted[] = "A=\"x\ny\0\"\nB=1\n# c\0\n";
	static const char both[] = "Q='a\0\nb";
	struct envlist l = { 0 };

	CHECK(parse_len(one, sizeof(one) - 1, &l) == EINVAL);
	CHECK(errs.n == 1);
	CHECK_ERR(0, 2, 4, "NUL byte in line");
	CHECK(l.n == 2);
	CHECK_STREQ(get(&l, "A"), "1");
	CHECK(get(&l, "B") == NULL);
	CHECK_STREQ(get(&l, "C"), "3");
	envlist_free(&l);

	/* Only the NUL is reported, not the key it makes invalid. */
	CHECK(parse_len(key, sizeof(key) - 1, &l) == EINVAL);
	CHECK(errs.n == 1);
	CHECK_ERR(0, 1, 1, "NUL byte in line");
	CHECK_STREQ(get(&l, "K"), "2");
	envlist_free(&l);

	/* Inside a quoted value and in a comment; the quote still resyncs. */
	CHECK(parse_len(quoted, sizeof(quoted) - 1, &l) == EINVAL);
	CHECK(errs.n == 2);
	CHECK_ERR(0, 2, 2, "NUL byte in line");
	CHECK_ERR(1, 4, 4, "NUL byte in line");
	CHECK(l.n == 1);
	CHECK_STREQ(get(&l, "B"), "1");
	envlist_free(&l);

	CHECK(parse_len(both, sizeof(both) - 1, &l) == EINVAL);
	CHECK(errs.n == 2);
	CHECK_ERR(0, 1, 5, "NUL byte in line");
	CHECK_ERR(1, 1, 3, "unterminated single-quoted value");
	CHECK(l.n == 0);
	envlist_free(&l);
}

static void test_many_errors(void)
{
	struct envlist l = { 0 };
	char *buf = malloc(150 * 8 + 1);
	size_t i;

	CHECK(parse("ok=1\nbad-key=1\nA B\nC=\"x\"y\nD=${\nE=fine\nF='open\n", &l) == EINVAL);
	CHECK(errs.n == 5);
	CHECK_ERR(0, 2, 1, "invalid variable name 'bad-key'");
	CHECK_ERR(1, 3, 3, "expected KEY=VALUE");
	CHECK_ERR(2, 4, 6, "unexpected text after closing quote");
	CHECK_ERR(3, 5, 3, "unterminated ${...}");
	CHECK_ERR(4, 7, 3, "unterminated single-quoted value");
	CHECK(l.n == 2);
	CHECK_STREQ(get(&l, "ok"), "1");
	CHECK_STREQ(get(&l, "E"), "fine");
	envlist_free(&l);

	/* Past DIAG_LIMIT errors are counted, and the result is still EINVAL. */
	if (!buf) {
		CHECK(!"malloc");
		return;
	}
	for (i = 0; i < 150; i++)
		memcpy(buf + i * 6, "1bad\n\n", 6);
	buf[150 * 6] = '\0';
	CHECK(parse(buf, &l) == EINVAL);
	CHECK(errs.n == DIAG_LIMIT);
	CHECK(errs.dropped == 50);
	CHECK_ERR(99, 199, 1, "invalid variable name '1bad'");
	free(buf);
}

static void test_bom_and_bomb(void)
{
	struct envlist l = { 0 };
	char buf[2048];
	int n;

	/* A leading UTF-8 byte-order mark is skipped, not taken for a key. */
	CHECK(parse("\xef\xbb\xbfX=1\n", &l) == 0);
	CHECK_STREQ(get(&l, "X"), "1");
	envlist_free(&l);

	/* Doubling a value per line stops at DOTENV_VALUE_MAX, with an error. */
	n = snprintf(buf, sizeof(buf), "A=%064d\n", 0);
	for (int i = 0; i < 20; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "A=$A$A\n");
	CHECK(parse_len(buf, (size_t)n, &l) == EINVAL);
	CHECK(errs.n == 1 && errs.v[0].line == 16);
	CHECK(errs.n == 1 && strcmp(errs.v[0].msg, "value longer than 1048576 bytes") == 0);
	CHECK(get(&l, "A") && strlen(get(&l, "A")) == 64u << 14);
	envlist_free(&l);
}

/*
 * Copying a big value line after line stops at DOTENV_TOTAL_MAX: A is
 * 512 KiB after line 14 (1 MiB made so far), and B63 on line 77 passes 32 MiB.
 */
static void test_total_bound(void)
{
	struct envlist l = { 0 };
	struct qbuf b = { 0 };
	char line[32];
	int n;

	qb_add(&b, "A=", 2);
	for (int i = 0; i < 64; i++)
		qb_add(&b, "0", 1);
	qb_add(&b, "\n", 1);
	for (int i = 0; i < 13; i++)
		qb_add(&b, "A=$A$A\n", 7);
	for (int i = 1; i <= 1000; i++) {
		n = snprintf(line, sizeof(line), "B%d=$A\n", i);
		qb_add(&b, line, (size_t)n);
	}
	CHECK(!b.oom);
	CHECK(parse_len(b.p, b.len, &l) == EINVAL);
	CHECK(errs.n == 1 && errs.v[0].line == 77);
	CHECK(errs.n == 1 && strcmp(errs.v[0].msg, "values longer than 32 MiB in all") == 0);
	CHECK(get(&l, "B62") && !get(&l, "B63") && l.n == 63);
	envlist_free(&l);
	qb_free(&b);
}

/* Each variable remembers the file and line that set it last; envlist_set forgets them. */
static void test_where_set(void)
{
	struct envlist l = { 0 };
	const struct envvar *v;

	CHECK(parse("A=1\n\n# c\nexport B='x\ny'\n  C=3\nHOME\nA=2\n", &l) == 0);
	v = envlist_find(&l, "A", 1);
	CHECK(v && v->line == 8 && v->src && !strcmp(v->src, "t.env"));
	v = envlist_find(&l, "B", 1);
	CHECK(v && v->line == 4);
	v = envlist_find(&l, "C", 1);
	CHECK(v && v->line == 6);
	v = envlist_find(&l, "HOME", 4);
	CHECK(v && v->line == 7 && !strcmp(v->value, "/root"));
	CHECK(envlist_find(&l, "D", 1) == NULL);
	CHECK(envlist_set(&l, "C", 1, "4") == 0);
	v = envlist_find(&l, "C", 1);
	CHECK(v && v->line == 0 && v->src == NULL);
	envlist_free(&l);
}

int main(void)
{
	test_bom_and_bomb();
	test_total_bound();
	test_envlist();
	test_where_set();
	test_many_keys();
	test_basic();
	test_export_and_spaces();
	test_comments();
	test_crlf();
	test_single_quotes();
	test_double_quotes();
	test_multiline_line_numbers();
	test_expansion();
	test_expansion_names();
	test_lookup_fallback();
	test_override();
	test_raw_bytes();
	test_long_value();
	test_deep_nesting();
	test_bad_keys();
	test_expected_kv();
	test_unterminated_quotes();
	test_after_quote();
	test_brace_errors();
	test_nul();
	test_many_errors();
	return harness_report("test_dotenv");
}
