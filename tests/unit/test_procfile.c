/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/procfile.c: exact names, commands, line numbers, and the
 * exact line/col/message of every error, lookups in a file of 50,000 entries.
 * Single-threaded; no locks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "procfile.h"
#include "quote.h"

/* String literals may hold NUL bytes, so the length comes from sizeof. */
#define PARSE(lit, pf, d) parse((lit), sizeof(lit) - 1, (pf), (d))

static struct diags d;

static int parse(const char *buf, size_t len, struct procfile *pf, struct diags *errs)
{
	memset(errs, 0, sizeof(*errs));
	return procfile_parse(buf, len, pf, errs);
}

/* One CHECK per diagnostic, with the actual values printed when it differs. */
static int diag_is(const struct diags *errs, size_t i, unsigned line, unsigned col, const char *msg)
{
	if (i >= errs->n) {
		fprintf(stderr, "  diag %zu missing (have %zu)\n", i, errs->n);
		return 0;
	}
	if (errs->v[i].line == line && errs->v[i].col == col && strcmp(errs->v[i].msg, msg) == 0)
		return 1;
	fprintf(stderr, "  diag %zu is %u:%u: %s\n", i, errs->v[i].line, errs->v[i].col,
		errs->v[i].msg);
	return 0;
}

static int proc_is(const struct procfile *pf, size_t i, const char *name, const char *cmd,
		   unsigned line)
{
	if (i >= pf->n) {
		fprintf(stderr, "  proc %zu missing (have %zu)\n", i, pf->n);
		return 0;
	}
	if (strcmp(pf->v[i].name, name) == 0 && strcmp(pf->v[i].command, cmd) == 0 &&
	    pf->v[i].line == line)
		return 1;
	fprintf(stderr, "  proc %zu is line %u '%s' -> '%s'\n", i, pf->v[i].line, pf->v[i].name,
		pf->v[i].command);
	return 0;
}

static void test_basic(void)
{
	struct procfile pf;

	CHECK(PARSE("web: bundle exec rails s -p $PORT\nworker:   sidekiq -q a\n", &pf, &d) == 0);
	CHECK(d.n == 0);
	CHECK(pf.n == 2);
	CHECK(proc_is(&pf, 0, "web", "bundle exec rails s -p $PORT", 1));
	CHECK(proc_is(&pf, 1, "worker", "sidekiq -q a", 2));
	CHECK(procfile_find(&pf, "web") == 0);
	CHECK(procfile_find(&pf, "worker") == 1);
	CHECK(procfile_find(&pf, "work") == -1);
	CHECK(procfile_find(&pf, "workers") == -1);
	CHECK(procfile_find(&pf, "") == -1);
	procfile_free(&pf);
	CHECK(pf.v == NULL && pf.n == 0);
	procfile_free(&pf); /* freeing twice must be harmless */
	CHECK(pf.v == NULL && pf.n == 0);
}

static void test_layout(void)
{
	struct procfile pf;

	/* Comments, blank lines of every kind, CRLF, indentation, no final newline. */
	CHECK(PARSE("# comment\r\n\r\n  \t \r\n  web:\techo hi  \r\n   # web: not this\n"
		    "clock: ruby clock.rb",
		    &pf, &d) == 0);
	CHECK(d.n == 0);
	CHECK(pf.n == 2);
	CHECK(proc_is(&pf, 0, "web", "echo hi", 4));
	CHECK(proc_is(&pf, 1, "clock", "ruby clock.rb", 6));
	procfile_free(&pf);

	CHECK(PARSE("web: x\r", &pf, &d) == 0);
	CHECK(proc_is(&pf, 0, "web", "x", 1));
	procfile_free(&pf);

	CHECK(PARSE("web:x\n\n\n", &pf, &d) == 0);
	CHECK(pf.n == 1 && proc_is(&pf, 0, "web", "x", 1));
	procfile_free(&pf);
}

static void test_command_content(void)
{
	struct procfile pf;
	static const char raw[] = "web: echo \xff\xfe caf\xc3\xa9 \xc3";

	CHECK(PARSE("web: echo a:b\nurl: curl http://h:80/ # not a comment\n", &pf, &d) == 0);
	CHECK(proc_is(&pf, 0, "web", "echo a:b", 1));
	CHECK(proc_is(&pf, 1, "url", "curl http://h:80/ # not a comment", 2));
	procfile_free(&pf);

	/* Inner blanks and a CR in the middle are the user's business. */
	CHECK(PARSE("web: a\tb  c\rd \n", &pf, &d) == 0);
	CHECK(proc_is(&pf, 0, "web", "a\tb  c\rd", 1));
	procfile_free(&pf);

	CHECK(PARSE("My_web-2: x\n0: y\n", &pf, &d) == 0);
	CHECK(proc_is(&pf, 0, "My_web-2", "x", 1));
	CHECK(proc_is(&pf, 1, "0", "y", 2));
	procfile_free(&pf);

	/* Invalid UTF-8 goes through byte for byte. */
	CHECK(PARSE(raw, &pf, &d) == 0);
	CHECK(pf.n == 1 && strcmp(pf.v[0].command, raw + 5) == 0);
	procfile_free(&pf);
}

static void test_long_line(void)
{
	size_t cmdlen = 200000, len = 5 + cmdlen;
	struct procfile pf;
	char *buf = malloc(len);

	if (!buf) {
		CHECK(!"out of memory");
		return;
	}
	memcpy(buf, "web: ", 5);
	memset(buf + 5, 'x', cmdlen);
	buf[len - 1] = 'y';
	CHECK(parse(buf, len, &pf, &d) == 0);
	CHECK(pf.n == 1 && strlen(pf.v[0].command) == cmdlen);
	CHECK(pf.n == 1 && pf.v[0].command[cmdlen - 1] == 'y' && pf.v[0].command[0] == 'x');
	procfile_free(&pf);
	free(buf);
}

static void test_line_errors(void)
{
	struct procfile pf;

	CHECK(PARSE("web echo hi\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 1, "expected 'name: command'"));
	CHECK(pf.n == 0 && pf.v == NULL);
	procfile_free(&pf);

	CHECK(PARSE("\n   web\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 2, 4, "expected 'name: command'"));
	procfile_free(&pf);

	CHECK(PARSE("  foo.bar: x\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 6, "invalid character '.' in process name"));
	procfile_free(&pf);

	CHECK(PARSE("web : x\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 4, "invalid character ' ' in process name"));
	procfile_free(&pf);

	CHECK(PARSE("w\x01"
		    "b: x\n",
		    &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 2, "invalid character '\\x01' in process name"));
	procfile_free(&pf);

	CHECK(PARSE("w\xc3\xa9"
		    "b: x\n",
		    &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 2, "invalid character '\\xc3' in process name"));
	procfile_free(&pf);

	CHECK(PARSE("it's: x\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 3, "invalid character '\\x27' in process name"));
	procfile_free(&pf);

	CHECK(PARSE("web\t: x\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 4, "invalid character '\\x09' in process name"));
	procfile_free(&pf);

	CHECK(PARSE("  : x\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 3, "empty process name"));
	procfile_free(&pf);

	CHECK(PARSE("web:   \r\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 5, "empty command for process 'web'"));
	procfile_free(&pf);

	CHECK(PARSE("web:", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 5, "empty command for process 'web'"));
	procfile_free(&pf);
}

static void test_duplicate(void)
{
	struct procfile pf;
	char buf[400], want[DIAG_MSG_MAX];
	int n;

	CHECK(PARSE("web: a\nworker: w\n\nweb: b\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 4, 1, "duplicate process 'web' (first defined on line 1)"));
	/* The first definition stays; the duplicate is not added. */
	CHECK(pf.n == 2);
	CHECK(proc_is(&pf, 0, "web", "a", 1));
	CHECK(proc_is(&pf, 1, "worker", "w", 2));
	procfile_free(&pf);

	/* Names are at most 63 characters: 63 is fine, 64 is an error. */
	n = snprintf(buf, sizeof(buf), "%063d: a\n%064d: b\n", 7, 7);
	CHECK(parse(buf, (size_t)n, &pf, &d) == EINVAL);
	snprintf(want, sizeof(want), "process name longer than 63 characters");
	CHECK(d.n == 1 && diag_is(&d, 0, 2, 1, want));
	CHECK(pf.n == 1 && strlen(pf.v[0].name) == 63);
	procfile_free(&pf);
}

/* 50,000 entries: each found at its index, a late duplicate names the first line. */
static void test_many_entries(void)
{
	struct qbuf b = { 0 };
	struct procfile pf;
	char line[64];
	int ok = 1, n;

	for (int i = 0; i < 50000; i++) {
		n = snprintf(line, sizeof(line), "p%d: run %d\n", i, i);
		qb_add(&b, line, (size_t)n);
	}
	qb_add(&b, "p49999: again\n", 14);
	CHECK(!b.oom);
	CHECK(parse(b.p, b.len, &pf, &d) == EINVAL);
	CHECK(d.n == 1 &&
	      diag_is(&d, 0, 50001, 1, "duplicate process 'p49999' (first defined on line 50000)"));
	CHECK(pf.n == 50000);
	for (int i = 0; i < 50000; i++) {
		snprintf(line, sizeof(line), "p%d", i);
		ok &= procfile_find(&pf, line) == i;
	}
	CHECK(ok);
	CHECK(procfile_find(&pf, "p50000") == -1);
	CHECK(procfile_find(&pf, "p") == -1);
	CHECK(procfile_find(&pf, NULL) == -1);
	procfile_free(&pf);
	CHECK(pf.v == NULL && pf.n == 0 && procfile_find(&pf, "p0") == -1);
	qb_free(&b);
}

static void test_bom(void)
{
	struct procfile pf;

	CHECK(PARSE("\xef\xbb\xbfweb: a\n", &pf, &d) == 0);
	CHECK(pf.n == 1 && proc_is(&pf, 0, "web", "a", 1));
	procfile_free(&pf);
}

static void test_nul(void)
{
	struct procfile pf;

	CHECK(PARSE("web: a\0b\nworker: c\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 7, "NUL byte in line"));
	CHECK(pf.n == 1 && proc_is(&pf, 0, "worker", "c", 2));
	procfile_free(&pf);

	/* Even in a comment: the file is not text. */
	CHECK(PARSE("# a\0\nweb: x", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 1, 4, "NUL byte in line"));
	CHECK(pf.n == 1);
	procfile_free(&pf);

	/* The length is honoured: bytes after LEN are never read. */
	CHECK(parse("web: x\nbad line", 7, &pf, &d) == 0);
	CHECK(pf.n == 1 && proc_is(&pf, 0, "web", "x", 1));
	procfile_free(&pf);
}

static void test_no_processes(void)
{
	struct procfile pf;

	CHECK(parse("", 0, &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 0, 0, "no processes defined"));
	procfile_free(&pf);

	CHECK(PARSE("# only\n\n  # comments\r\n \t\n", &pf, &d) == EINVAL);
	CHECK(d.n == 1 && diag_is(&d, 0, 0, 0, "no processes defined"));
	CHECK(pf.n == 0);
	procfile_free(&pf);
}

static void test_many_errors(void)
{
	struct procfile pf;

	CHECK(PARSE("web: ok\n"
		    "nocolon\n"
		    "# fine\n"
		    "a.b: x\n"
		    ": x\n"
		    "empty:\n"
		    "web: again\n"
		    "nul: \0\n"
		    "worker: ok too\n",
		    &pf, &d) == EINVAL);
	CHECK(d.n == 6);
	CHECK(diag_is(&d, 0, 2, 1, "expected 'name: command'"));
	CHECK(diag_is(&d, 1, 4, 2, "invalid character '.' in process name"));
	CHECK(diag_is(&d, 2, 5, 1, "empty process name"));
	CHECK(diag_is(&d, 3, 6, 7, "empty command for process 'empty'"));
	CHECK(diag_is(&d, 4, 7, 1, "duplicate process 'web' (first defined on line 1)"));
	CHECK(diag_is(&d, 5, 8, 6, "NUL byte in line"));
	CHECK(pf.n == 2);
	CHECK(proc_is(&pf, 0, "web", "ok", 1));
	CHECK(proc_is(&pf, 1, "worker", "ok too", 9));
	procfile_free(&pf);
}

static void test_diag_limit(void)
{
	size_t lines = DIAG_LIMIT + 50, len = 4 * lines + 6;
	struct procfile pf;
	char *buf = malloc(len);
	size_t i;

	if (!buf) {
		CHECK(!"out of memory");
		return;
	}
	for (i = 0; i < lines; i++)
		memcpy(buf + 4 * i, "bad\n", 4);
	memcpy(buf + 4 * lines, "ok: x\n", 6);
	CHECK(parse(buf, len, &pf, &d) == EINVAL);
	CHECK(d.n == DIAG_LIMIT);
	CHECK(d.dropped == 50);
	CHECK(diag_is(&d, DIAG_LIMIT - 1, DIAG_LIMIT, 1, "expected 'name: command'"));
	CHECK(pf.n == 1 && proc_is(&pf, 0, "ok", "x", (unsigned)lines + 1));
	procfile_free(&pf);

	/* With the list full, an error that is only counted still means EINVAL... */
	CHECK(procfile_parse("web\nok: x\n", 10, &pf, &d) == EINVAL);
	CHECK(d.n == DIAG_LIMIT && d.dropped == 51);
	CHECK(pf.n == 1);
	procfile_free(&pf);
	/* ...and a clean file is still clean. */
	CHECK(procfile_parse("ok: x\n", 6, &pf, &d) == 0);
	CHECK(d.n == DIAG_LIMIT && d.dropped == 51);
	procfile_free(&pf);
	free(buf);
}

static void test_earlier_errors(void)
{
	struct procfile pf;

	/* Errors from another file already in the list are not this file's. */
	memset(&d, 0, sizeof(d));
	diag_add(&d, 9, 9, "from elsewhere");
	CHECK(procfile_parse("web: x\n", 7, &pf, &d) == 0);
	CHECK(d.n == 1 && pf.n == 1);
	procfile_free(&pf);
}

int main(void)
{
	test_basic();
	test_layout();
	test_command_content();
	test_long_line();
	test_line_errors();
	test_duplicate();
	test_many_entries();
	test_nul();
	test_bom();
	test_no_processes();
	test_many_errors();
	test_diag_limit();
	test_earlier_errors();
	return harness_report("test_procfile");
}
