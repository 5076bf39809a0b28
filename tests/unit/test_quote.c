/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for quote.c: the exact bytes each escaping rule writes, and
 * what each refuses. The round trips through the real parsers are in
 * tests/export/test_export_tools.py.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "quote.h"

/* The result of one quoting call, as a fresh string ("" after an error). */
static char out[4096];

#define Q(call) \
	do { \
		struct qbuf b_ = { 0 }; \
		int e_ = (call); \
		snprintf(out, sizeof(out), "%s", e_ || !b_.p ? "" : b_.p); \
		last_err = e_; \
		qb_free(&b_); \
	} while (0)

static int last_err;

static int sh(struct qbuf *b, const char *s)
{
	quote_sh(b, s);
	return 0;
}

static void test_buffer(void)
{
	struct qbuf b = { 0 };
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	qb_puts(&b, "a");
	qb_printf(&b, "%s%d", big, 7);
	CHECK(b.len == 1 + 999 + 1 && b.p[0] == 'a' && b.p[1000] == '7' && b.p[1001] == '\0');
	CHECK(!b.oom);
	qb_free(&b);
	CHECK(b.p == NULL && b.len == 0);
}

/* Growth one byte at a time, the empty string, clearing, and a size past SIZE_MAX. */
static void test_buffer_growth(void)
{
	struct qbuf b = { 0 };
	int ok = 1;

	qb_clear(&b);
	CHECK_STREQ(b.p, "");
	CHECK(b.len == 0 && !b.oom);
	qb_add(&b, "ab", 2);
	qb_add(&b, "c", 1);
	CHECK_STREQ(b.p, "abc");
	for (int i = 0; i < 100000; i++) {
		char c = (char)('a' + i % 26);

		qb_add(&b, &c, 1);
		ok &= !b.oom;
	}
	CHECK(ok);
	CHECK(b.len == 100003 && strlen(b.p) == 100003 && b.cap > b.len);
	CHECK(b.p[100002] == (char)('a' + 99999 % 26));
	qb_add(&b, "x", SIZE_MAX - 1);
	CHECK(b.oom && b.len == 100003 && b.p[100002] == (char)('a' + 99999 % 26));
	qb_add(&b, "y", 1);
	CHECK(b.len == 100003); /* dropped after OOM */
	qb_free(&b);
	CHECK(b.p == NULL && b.len == 0 && b.cap == 0 && !b.oom);

	qb_add(&b, "abc", 3);
	qb_clear(&b);
	CHECK_STREQ(b.p, "");
	CHECK(b.len == 0 && b.cap > 0);
	qb_free(&b);
}

static void test_utf8(void)
{
	uint32_t cp;

	CHECK(utf8_decode("\xc3\xa9", 2, &cp) == 2 && cp == 0xe9);
	CHECK(utf8_decode("\xf0\x9f\x92\xa5", 4, &cp) == 4 && cp == 0x1f4a5);
	CHECK(utf8_decode("\xc0\xaf", 2, &cp) == 0);         /* overlong '/' */
	CHECK(utf8_decode("\xed\xa0\x80", 3, &cp) == 0);     /* a surrogate */
	CHECK(utf8_decode("\xf4\x90\x80\x80", 4, &cp) == 0); /* above U+10FFFF */
	CHECK(utf8_decode("\xe2\x9c", 2, &cp) == 0);         /* cut short */
	CHECK(utf8_valid("caf\xc3\xa9 \xe2\x9c\x93"));
	CHECK(!utf8_valid("caf\xe9"));
}

static void test_sh(void)
{
	Q(sh(&b_, "web.1"));
	CHECK_STREQ(out, "web.1");
	Q(sh(&b_, ""));
	CHECK_STREQ(out, "''");
	Q(sh(&b_, "it's $HOME"));
	CHECK_STREQ(out, "'it'\\''s $HOME'");
	Q(sh(&b_, "a\nb\rc"));
	CHECK_STREQ(out, "'a\nb\rc'");
}

static void test_systemd(void)
{
	Q(quote_systemd_word(&b_, "/bin/sh"));
	CHECK_STREQ(out, "/bin/sh");
	Q(quote_systemd_word(&b_, "echo \"$HOME\" 100% \\ 'x'\t\x01"));
	CHECK_STREQ(out, "\"echo \\\"$$HOME\\\" 100%% \\\\ 'x'\\t\\x01\"");
	Q(quote_systemd_word(&b_, "caf\xe9"));
	CHECK(last_err == QUOTE_UTF8);
	/* Environment=: '$' is literal there, '%' is a specifier. */
	Q(quote_systemd_env(&b_, "K", "a\nb $X 5%\r"));
	CHECK_STREQ(out, "\"K=a\\nb $X 5%%\\r\"");
	Q(quote_systemd_plain(&b_, "/srv/100%"));
	CHECK_STREQ(out, "/srv/100%%");
	Q(quote_systemd_plain(&b_, "%a%%b"));
	CHECK_STREQ(out, "%%a%%%%b");
	Q(quote_systemd_plain(&b_, ""));
	CHECK(last_err == QUOTE_OK && !strcmp(out, ""));
	Q(quote_systemd_plain(&b_, "/srv/x "));
	CHECK(last_err == QUOTE_EDGE);
	Q(quote_systemd_plain(&b_, "/srv/x\\"));
	CHECK(last_err == QUOTE_EDGE);
	Q(quote_systemd_plain(&b_, "/srv/a\nb"));
	CHECK(last_err == QUOTE_NEWLINE);
}

static void test_supervisord(void)
{
	Q(quote_supervisord_word(&b_, "/bin/sh"));
	CHECK_STREQ(out, "/bin/sh");
	/* '%' outside the quotes and followed by one: never "%(". */
	Q(quote_supervisord_word(&b_, "100%(here)s"));
	CHECK_STREQ(out, "'100'%%'(here)s'");
	Q(quote_supervisord_word(&b_, "it's"));
	CHECK_STREQ(out, "'it'\"'\"'s'");
	/* ';' and '#' after white space would start an inline comment. */
	Q(quote_supervisord_word(&b_, "a ;b #c d;e"));
	CHECK_STREQ(out, "'a '';b ''#c d;e'");
	/* A line feed: inside "..." across an indented continuation line. */
	Q(quote_supervisord_word(&b_, "a\nb"));
	CHECK_STREQ(out, "'a'\"\n\t\"'b'");
	Q(quote_supervisord_word(&b_, "a\rb"));
	CHECK(last_err == QUOTE_CR);
	/* U+00A0 is white space to Python, so it counts before ';'. */
	Q(quote_supervisord_word(&b_, "a\xc2\xa0;"));
	CHECK_STREQ(out, "'a\xc2\xa0'';'");
	Q(quote_supervisord_plain(&b_, "/srv/100%"));
	CHECK_STREQ(out, "/srv/100%%");
	Q(quote_supervisord_plain(&b_, "%%x%"));
	CHECK_STREQ(out, "%%%%x%%");
	Q(quote_supervisord_plain(&b_, "/srv/a ;b"));
	CHECK(last_err == QUOTE_COMMENT);
	Q(quote_supervisord_plain(&b_, "/srv/%(here)s"));
	CHECK(last_err == QUOTE_PERCENT);
	Q(quote_supervisord_plain(&b_, " /srv"));
	CHECK(last_err == QUOTE_EDGE);
}

static void test_yaml(void)
{
	Q(quote_yaml(&b_, "", true));
	CHECK_STREQ(out, "\"\"");
	Q(quote_yaml(&b_, "say \"hi\" $X \\ \n\t\r\x07", true));
	CHECK_STREQ(out, "\"say \\\"hi\\\" $$X \\\\ \\n\\t\\r\\x07\"");
	Q(quote_yaml(&b_, "$X", false));
	CHECK_STREQ(out, "\"$X\"");
	/* C1 controls, line and paragraph separators, BOM: escaped; the rest as is. */
	Q(quote_yaml(&b_, "\xc2\x85\xe2\x80\xa8\xef\xbb\xbf\xc3\xa9\xf0\x9f\x92\xa5", false));
	CHECK_STREQ(out, "\"\\x85\\u2028\\ufeff\xc3\xa9\xf0\x9f\x92\xa5\"");
	Q(quote_yaml(&b_, "caf\xe9", false));
	CHECK(last_err == QUOTE_UTF8);
}

static void test_strerror(void)
{
	CHECK_STREQ(quote_strerror(QUOTE_CR), "contains a carriage return");
	CHECK_STREQ(quote_strerror(QUOTE_UTF8), "is not valid UTF-8");
}

int main(void)
{
	test_buffer();
	test_buffer_growth();
	test_utf8();
	test_sh();
	test_systemd();
	test_supervisord();
	test_yaml();
	test_strerror();
	return harness_report("test_quote");
}
