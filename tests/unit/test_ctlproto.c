/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/ctlproto.c: every request form and every error with
 * its exact message, the client's word checks and the line it sends (read
 * back by the parser), the reply's first line, and the status formats
 * (aligned text, JSON with escaping). Single-threaded; no locks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ctlproto.h"
#include "harness.h"

/* String literals may hold NUL bytes, so the length comes from sizeof. */
#define PARSE(lit) parse((lit), sizeof(lit) - 1)
#define REJECT(lit, msg) CHECK(rejects((lit), sizeof(lit) - 1, (msg)))

static struct ctl_request req;
static char err[CTL_ERR_MAX];

static int parse(const char *line, size_t len)
{
	err[0] = '\0';
	int rc = ctlproto_parse(line, len, &req, err, sizeof(err));

	if (rc)
		fprintf(stderr, "  parse: %s\n", err);
	return rc;
}

static int rejects(const char *line, size_t len, const char *msg)
{
	struct ctl_request r;
	char e[CTL_ERR_MAX] = "";
	int rc = ctlproto_parse(line, len, &r, e, sizeof(e));

	if (rc == EINVAL && !strcmp(e, msg))
		return 1;
	fprintf(stderr, "  '%.*s': rc %d, '%s', wanted '%s'\n", (int)len, line, rc, e, msg);
	return 0;
}

static void test_verbs(void)
{
	CHECK(PARSE("status") == 0 && req.verb == CTL_STATUS && !req.json && req.n == 0);
	CHECK(PARSE("status json") == 0 && req.verb == CTL_STATUS && req.json);
	CHECK(PARSE("quit") == 0 && req.verb == CTL_QUIT && req.n == 0);
	CHECK(PARSE("restart web.1 worker") == 0 && req.verb == CTL_RESTART && req.n == 2);
	CHECK_STREQ(req.word[0], "web.1");
	CHECK_STREQ(req.word[1], "worker");
	CHECK(PARSE("stop web") == 0 && req.verb == CTL_STOP && req.n == 1);
	CHECK_STREQ(req.word[0], "web");
	CHECK(PARSE("scale web=2 worker=0") == 0 && req.verb == CTL_SCALE && req.n == 2);
	CHECK_STREQ(req.word[0], "web");
	CHECK(req.count[0] == 2);
	CHECK_STREQ(req.word[1], "worker");
	CHECK(req.count[1] == 0);
	/* The edges of counts and numbers. */
	CHECK(PARSE("scale web=10000") == 0 && req.count[0] == 10000);
	CHECK(PARSE("scale web=007") == 0 && req.count[0] == 7);
	CHECK(PARSE("restart web.10000") == 0);
	CHECK(PARSE("restart A-z_09.1") == 0);
	/* Spaces anywhere around words, and a CR before the line feed. */
	CHECK(PARSE("  restart   web.1  ") == 0 && req.n == 1);
	CHECK(PARSE("status json\r") == 0 && req.json);
	CHECK(PARSE("quit\r") == 0);
	/* A restart may name the same process twice: the supervisor takes it once. */
	CHECK(PARSE("restart web web.1") == 0 && req.n == 2);
}

static void test_errors(void)
{
	REJECT("", "empty request");
	REJECT("   ", "empty request");
	REJECT("\r", "empty request");
	REJECT("stat", "unknown request 'stat'");
	REJECT("STATUS", "unknown request 'STATUS'");
	REJECT("status\tjson", "control character in request");
	REJECT("status\x7f", "control character in request");
	REJECT("quit\r\r", "control character in request");
	REJECT("restart web\0.1", "control character in request");
	REJECT("status\n", "control character in request");
	REJECT("status yaml", "status: unexpected argument 'yaml'");
	REJECT("status json json", "status: unexpected argument 'json'");
	REJECT("quit now", "quit: unexpected argument 'now'");
	REJECT("restart", "restart needs a process name");
	REJECT("stop  ", "stop needs a process name");
	REJECT("scale", "scale needs NAME=N");
	REJECT("restart web.1 wbe$", "restart: no process 'wbe$'");
	REJECT("restart web.0", "restart: no process 'web.0'");
	REJECT("restart web.01", "restart: no process 'web.01'");
	REJECT("restart web.10001", "restart: no process 'web.10001'");
	REJECT("restart web.", "restart: no process 'web.'");
	REJECT("restart .1", "restart: no process '.1'");
	REJECT("restart web.1.2", "restart: no process 'web.1.2'");
	REJECT("stop w\xc3\xa9", "stop: no process 'w\\xc3\\xa9'");
	REJECT("stop it's\\", "stop: no process 'it\\x27s\\x5c'");
	REJECT("scale web", "scale: expected NAME=N, got 'web'");
	REJECT("scale =2", "scale: expected NAME=N, got '=2'");
	REJECT("scale web=", "scale: missing count for 'web'");
	REJECT("scale web=x", "scale: invalid count 'x' for 'web'");
	REJECT("scale web=-1", "scale: invalid count '-1' for 'web'");
	REJECT("scale web=1=2", "scale: invalid count '1=2' for 'web'");
	REJECT("scale web=10001", "scale: count 10001 for 'web' out of range 0..10000");
	REJECT("scale web=99999999999999999999999",
	       "scale: count 99999999999999999999999 for 'web' out of range 0..10000");
	REJECT("scale web.1=2", "scale: no process 'web.1'");
	REJECT("scale web=1 web=2", "scale: 'web' given twice");
	/* A 64-character type name is one too many. */
	REJECT("restart aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	       "restart: no process 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'");
	CHECK(PARSE("restart aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.10000") ==
	      0);
}

static void test_bounds(void)
{
	char line[CTL_LINE_MAX + 64];
	size_t len = 0;

	/* 64 names fit, the 65th does not. */
	len = (size_t)snprintf(line, sizeof(line), "stop");
	for (int i = 0; i < CTL_ARGS_MAX; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " w%d", i);
	CHECK(parse(line, len) == 0 && req.n == CTL_ARGS_MAX);
	len += (size_t)snprintf(line + len, sizeof(line) - len, " w64");
	CHECK(rejects(line, len, "stop: more than 64 names"));
	len = (size_t)snprintf(line, sizeof(line), "scale");
	for (int i = 0; i < CTL_ARGS_MAX + 1; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " w%d=1", i);
	CHECK(rejects(line, len, "scale: more than 64 items"));
	/* A line of CTL_LINE_MAX - 1 bytes is the longest: with its line feed it fills the buffer. */
	memset(line, ' ', sizeof(line));
	memcpy(line, "quit", 4);
	CHECK(parse(line, CTL_LINE_MAX - 1) == 0);
	CHECK(rejects(line, CTL_LINE_MAX, "request longer than 4095 bytes"));
	/* Messages quote at most 64 bytes, then "...". */
	memset(line, 'x', 200);
	CHECK(ctlproto_parse(line, 200, &req, err, sizeof(err)) == EINVAL);
	CHECK_STREQ(
		err,
		"unknown request 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'");
}

static void test_names(void)
{
	CHECK(ctlproto_type_name("web", 3));
	CHECK(!ctlproto_type_name("", 0));
	CHECK(!ctlproto_type_name("web.1", 5));
	CHECK(!ctlproto_type_name("we b", 4));
	CHECK(ctlproto_process_name("web.1", 5));
	CHECK(ctlproto_process_name("web", 3));
	CHECK(!ctlproto_process_name("web.1x", 6));
	CHECK(!ctlproto_process_name("web.+1", 6));
	CHECK(!ctlproto_process_name("web.", 4));
	CHECK(ctlproto_process_name("web.1", 3)); /* only the first LEN bytes count */
	CHECK_STREQ(ctlproto_verb_name(CTL_SCALE), "scale");
	CHECK_STREQ(ctlproto_verb_name((enum ctl_verb)99), "?");
}

static int builds(enum ctl_verb verb, bool json, char **words, size_t n, const char *line)
{
	struct ctl_request r, back;
	char buf[CTL_LINE_MAX + 1], e[CTL_ERR_MAX] = "";
	size_t len;

	if (ctlproto_build(verb, json, words, n, &r, e, sizeof(e))) {
		fprintf(stderr, "  build: %s\n", e);
		return 0;
	}
	len = ctlproto_format(&r, buf, sizeof(buf));
	if (len == 0 || strcmp(buf, line)) {
		fprintf(stderr, "  formatted '%s', wanted '%s'\n", buf, line);
		return 0;
	}
	/* What the client sends, the server reads back the same. */
	if (ctlproto_parse(buf, len - 1, &back, e, sizeof(e)) || memcmp(&back, &r, sizeof(r))) {
		fprintf(stderr, "  '%s' does not read back: %s\n", buf, e);
		return 0;
	}
	return 1;
}

static int build_fails(enum ctl_verb verb, char **words, size_t n, const char *msg)
{
	struct ctl_request r;
	char e[CTL_ERR_MAX] = "";

	if (ctlproto_build(verb, false, words, n, &r, e, sizeof(e)) == EINVAL && !strcmp(e, msg))
		return 1;
	fprintf(stderr, "  build: '%s', wanted '%s'\n", e, msg);
	return 0;
}

static void test_build(void)
{
	char *restart[] = { "web.1", "worker" };
	char *scale[] = { "web=02", "worker=0" };
	char *space[] = { "web.1 worker" };
	char *empty[] = { "" };
	char *dup[] = { "web=1", "web=3" };
	char *many[CTL_ARGS_MAX + 1];
	struct ctl_request r;
	char small[8];

	CHECK(builds(CTL_STATUS, false, NULL, 0, "status\n"));
	CHECK(builds(CTL_STATUS, true, NULL, 0, "status json\n"));
	CHECK(builds(CTL_QUIT, false, NULL, 0, "quit\n"));
	CHECK(builds(CTL_RESTART, false, restart, 2, "restart web.1 worker\n"));
	CHECK(builds(CTL_STOP, false, restart, 2, "stop web.1 worker\n"));
	CHECK(builds(CTL_SCALE, false, scale, 2, "scale web=2 worker=0\n"));
	/* A word with a space is one name, and no process has it. */
	CHECK(build_fails(CTL_RESTART, space, 1, "restart: no process 'web.1 worker'"));
	CHECK(build_fails(CTL_STOP, empty, 1, "stop: no process ''"));
	CHECK(build_fails(CTL_SCALE, space, 1, "scale: expected NAME=N, got 'web.1 worker'"));
	CHECK(build_fails(CTL_SCALE, dup, 2, "scale: 'web' given twice"));
	/* What `procinit scale` says: the CLI leaves every word to ctlproto_build. */
	CHECK(build_fails(CTL_SCALE, (char *[]){ "web" }, 1, "scale: expected NAME=N, got 'web'"));
	CHECK(build_fails(CTL_SCALE, (char *[]){ "=2" }, 1, "scale: expected NAME=N, got '=2'"));
	CHECK(build_fails(CTL_SCALE, empty, 1, "scale: expected NAME=N, got ''"));
	CHECK(build_fails(CTL_SCALE, (char *[]){ "web=" }, 1, "scale: missing count for 'web'"));
	CHECK(build_fails(CTL_SCALE, (char *[]){ "web=10001" }, 1,
			  "scale: count 10001 for 'web' out of range 0..10000"));
	CHECK(build_fails(CTL_SCALE, (char *[]){ "web=99999999999999999999" }, 1,
			  "scale: count 99999999999999999999 for 'web' out of range 0..10000"));
	CHECK(build_fails(CTL_SCALE, (char *[]){ "web=-1" }, 1,
			  "scale: invalid count '-1' for 'web'"));
	CHECK(build_fails(CTL_SCALE, (char *[]){ "web=1x" }, 1,
			  "scale: invalid count '1x' for 'web'"));
	CHECK(build_fails(CTL_SCALE, (char *[]){ "web=+1" }, 1,
			  "scale: invalid count '+1' for 'web'"));
	CHECK(build_fails(CTL_SCALE, (char *[]){ "web=x" }, 1,
			  "scale: invalid count 'x' for 'web'"));
	CHECK(build_fails(CTL_SCALE, NULL, 0, "scale needs NAME=N"));
	CHECK(build_fails(CTL_STOP, NULL, 0, "stop needs a process name"));
	CHECK(builds(CTL_SCALE, false, (char *[]){ "clock=10000" }, 1, "scale clock=10000\n"));
	CHECK(build_fails(CTL_RESTART, NULL, 0, "restart needs a process name"));
	CHECK(build_fails(CTL_QUIT, restart, 1, "quit: unexpected argument 'web.1'"));
	for (int i = 0; i <= CTL_ARGS_MAX; i++)
		many[i] = "web";
	CHECK(build_fails(CTL_RESTART, many, CTL_ARGS_MAX + 1, "restart: more than 64 names"));
	/* 64 names of 69 bytes do not fit one line: the client says so instead of sending. */
	for (int i = 0; i < CTL_ARGS_MAX; i++)
		many[i] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.10000";
	CHECK(ctlproto_build(CTL_RESTART, false, many, CTL_ARGS_MAX, &r, err, sizeof(err)) == 0);
	{
		char *big = malloc(2 * CTL_LINE_MAX);

		CHECK(big && ctlproto_format(&r, big, 2 * CTL_LINE_MAX) == 0);
		free(big);
	}
	CHECK(ctlproto_build(CTL_QUIT, false, NULL, 0, &r, err, sizeof(err)) == 0);
	CHECK(ctlproto_format(&r, small, 5) == 0); /* "quit\n" needs 6 with its NUL */
	CHECK(ctlproto_format(&r, small, 6) == 5);
	/* The longest message, a 64-byte quote of \xNN bytes and a 63-byte name, fits whole. */
	{
		char word[200], want[CTL_ERR_MAX + 64];
		size_t o;

		memset(word, 'a', 63);
		word[63] = '=';
		memset(word + 64, 0xff, 70);
		word[134] = '\0';
		o = (size_t)snprintf(want, sizeof(want), "scale: invalid count '");
		for (int i = 0; i < 64; i++)
			o += (size_t)snprintf(want + o, sizeof(want) - o, "\\xff");
		snprintf(want + o, sizeof(want) - o, "...' for '%.63s'", word);
		CHECK(build_fails(CTL_SCALE, (char *[]){ word }, 1, want));
	}
}

static int head_is(const char *buf, int rc, int code, bool error, size_t body)
{
	int c = -1;
	bool e = !error;
	size_t b = 0;
	int got = ctlproto_parse_head(buf, strlen(buf), &c, &e, &b);

	if (got != rc || (rc == 0 && (c != code || e != error || b != body))) {
		fprintf(stderr, "  head '%s': rc %d code %d error %d body %zu\n", buf, got, c, e, b);
		return 0;
	}
	return 1;
}

static void test_head(void)
{
	struct qbuf b = { 0 };

	ctlproto_reply_head(&b, 0, false);
	ctlproto_reply_head(&b, 2, true);
	CHECK_STREQ(b.p, "0 ok\n2 error\n");
	qb_free(&b);
	CHECK(head_is("0 ok\n", 0, 0, false, 5));
	CHECK(head_is("1 ok\nNAME\n", 0, 1, false, 5));
	CHECK(head_is("2 error\nrestart: no process 'wbe'\n", 0, 2, true, 8));
	CHECK(head_is("255 ok\n", 0, 255, false, 7));
	CHECK(head_is("0 o", EAGAIN, 0, false, 0));
	CHECK(head_is("", EAGAIN, 0, false, 0));
	CHECK(head_is("256 ok\n", EINVAL, 0, false, 0));
	CHECK(head_is("01 ok\n", EINVAL, 0, false, 0));
	CHECK(head_is("0 OK\n", EINVAL, 0, false, 0));
	CHECK(head_is("0  ok\n", EINVAL, 0, false, 0));
	CHECK(head_is("ok\n", EINVAL, 0, false, 0));
	CHECK(head_is("0 okay\n", EINVAL, 0, false, 0));
	CHECK(head_is("HTTP/1.1 200 OK\r\n", EINVAL, 0, false, 0));
	CHECK(head_is("0000000000000000000", EINVAL, 0, false, 0));
}

static void test_duration(void)
{
	char buf[32];

	ctlproto_duration(buf, sizeof(buf), 0.4);
	CHECK_STREQ(buf, "0s");
	ctlproto_duration(buf, sizeof(buf), -3);
	CHECK_STREQ(buf, "0s");
	ctlproto_duration(buf, sizeof(buf), 59.9);
	CHECK_STREQ(buf, "59s");
	ctlproto_duration(buf, sizeof(buf), 123);
	CHECK_STREQ(buf, "2m03s");
	ctlproto_duration(buf, sizeof(buf), 3600 + 120 + 5);
	CHECK_STREQ(buf, "1h02m");
	ctlproto_duration(buf, sizeof(buf), 3 * 86400 + 4 * 3600 + 59);
	CHECK_STREQ(buf, "3d04h");
}

static const struct ctl_status sample[] = {
	{ "web.1", "running", 4711, 123.4, 0, false, 0, true },
	{ "worker.10", "stopped", 0, -1, 2, true, 15 /* killed by SIGTERM */, false },
	{ "clock.1", "backoff", 0, -1, 1, true, 3 << 8, false },
};

static void test_status_text(void)
{
	struct qbuf b = { 0 };

	ctlproto_status_text(&b, sample, 3);
	CHECK_STREQ(b.p, "NAME       STATE      READY  PID      UPTIME   RESTARTS  LAST EXIT\n"
			 "web.1      running    yes    4711     2m03s    0         -\n"
			 "worker.10  stopped    no     -        -        2         SIGTERM\n"
			 "clock.1    backoff    no     -        -        1         exit 3\n");
	qb_free(&b);
	memset(&b, 0, sizeof(b));
	ctlproto_status_text(&b, NULL, 0);
	CHECK_STREQ(b.p, "NAME  STATE      READY  PID      UPTIME   RESTARTS  LAST EXIT\n");
	qb_free(&b);
}

static void test_status_json(void)
{
	struct qbuf b = { 0 };

	ctlproto_status_json(&b, sample, 3, 42, false);
	CHECK_STREQ(
		b.p,
		"{\"pid\":42,\"stopping\":false,\"instances\":["
		"{\"name\":\"web.1\",\"state\":\"running\",\"ready\":true,\"pid\":4711,\"uptime\":123.400,"
		"\"restarts\":0,\"last_exit\":null},"
		"{\"name\":\"worker.10\",\"state\":\"stopped\",\"ready\":false,\"pid\":null,\"uptime\":null,"
		"\"restarts\":2,\"last_exit\":{\"signal\":\"SIGTERM\"}},"
		"{\"name\":\"clock.1\",\"state\":\"backoff\",\"ready\":false,\"pid\":null,\"uptime\":null,"
		"\"restarts\":1,\"last_exit\":{\"code\":3}}]}\n");
	qb_free(&b);
	memset(&b, 0, sizeof(b));
	ctlproto_status_json(&b, NULL, 0, 1, true);
	CHECK_STREQ(b.p, "{\"pid\":1,\"stopping\":true,\"instances\":[]}\n");
	qb_free(&b);
}

static void test_json_string(void)
{
	struct qbuf b = { 0 };

	ctlproto_json_string(&b,
			     "a\"b\\c\n\t\x01\x7f/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\xff\xc3|");
	CHECK_STREQ(b.p, "\"a\\\"b\\\\c\\u000a\\u0009\\u0001\\u007f/\xc3\xa9\xe2\x82\xac"
			 "\xf0\x9f\x98\x80|\\ufffd\\ufffd|\"");
	qb_free(&b);
	memset(&b, 0, sizeof(b));
	ctlproto_json_string(&b, "");
	CHECK_STREQ(b.p, "\"\"");
	qb_free(&b);
}

int main(void)
{
	test_verbs();
	test_errors();
	test_bounds();
	test_names();
	test_build();
	test_head();
	test_duration();
	test_status_text();
	test_status_json();
	test_json_string();
	return harness_report("test_ctlproto");
}
