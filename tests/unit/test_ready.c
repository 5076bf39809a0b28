/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for ready.c: every --ready check kind, what is refused, and
 * the cycle search over --after (none, a loop to itself, a long cycle, a
 * cycle reached through a chain, a diamond that is no cycle).
 */
#include "harness.h"

#include "ready.h"

static void ok(const char *text, enum ready_kind kind, long port, const char *t)
{
	struct ready_check c;

	CHECK(ready_parse(text, &c) == 0);
	CHECK(c.kind == kind);
	CHECK(c.port == port);
	if (t)
		CHECK_STREQ(c.text, t);
	else
		CHECK(c.text == NULL);
}

static void bad(const char *text)
{
	struct ready_check c;

	if (ready_parse(text, &c) == 0)
		fprintf(stderr, "accepted: '%s'\n", text);
	CHECK(ready_parse(text, &c) != 0);
}

static void test_parse(void)
{
	ok("tcp", READY_TCP, 0, NULL);
	ok("tcp:5432", READY_TCP, 5432, NULL);
	ok("tcp:1", READY_TCP, 1, NULL);
	ok("tcp:65535", READY_TCP, 65535, NULL);
	ok("http:/", READY_HTTP, 0, "/");
	ok("http:/health?x=1", READY_HTTP, 0, "/health?x=1");
	ok("http:8080/health", READY_HTTP, 8080, "/health");
	ok("log:listening on", READY_LOG, 0, "listening on");
	ok("log::", READY_LOG, 0, ":");
	ok("exec:pg_isready -q", READY_EXEC, 0, "pg_isready -q");
	ok("notify", READY_NOTIFY, 0, NULL);
	ok("exit", READY_EXIT, 0, NULL);
	bad("");
	bad("tcp:");
	bad("tcp:0");
	bad("tcp:65536");
	bad("tcp:99999999999999999999");
	bad("tcp:80x");
	bad("tcp:-1");
	bad("http:");
	bad("http:health");
	bad("http:8080");
	bad("http:8080health");
	bad("http:/a b");
	bad("http:/a\r\nHost: x");
	bad("log:");
	bad("exec:");
	bad("notify:x");
	bad("exits");
	bad("TCP");
	CHECK_STREQ(ready_kind_name(READY_HTTP), "http");
	CHECK_STREQ(ready_kind_name(READY_NONE), "none");
	CHECK_STREQ(ready_kind_name((enum ready_kind)99), "none");
}

/* Types 0..N-1; EDGES pairs (a waits for b), -1 ended. */
static int cycle_of(size_t n, const int *edges, size_t *cycle, size_t *len)
{
	size_t dep[8][8], ndep[8] = { 0 };
	const size_t *rows[8];

	for (size_t i = 0; edges[i] >= 0; i += 2)
		dep[edges[i]][ndep[edges[i]]++] = (size_t)edges[i + 1];
	for (size_t i = 0; i < 8; i++)
		rows[i] = dep[i];
	return ready_find_cycle(n, rows, ndep, cycle, len);
}

static void test_cycles(void)
{
	size_t cyc[9], len;
	static const int none[] = { -1 };
	static const int chain[] = { 0, 1, 1, 2, 2, 3, -1 };
	static const int diamond[] = { 0, 1, 0, 2, 1, 3, 2, 3, -1 };
	static const int self[] = { 0, 1, 1, 1, -1 };
	static const int two[] = { 0, 1, 1, 0, -1 };
	static const int far[] = { 0, 1, 1, 2, 2, 3, 3, 1, 4, 0, -1 };

	CHECK(cycle_of(4, none, cyc, &len) == 0 && len == 0);
	CHECK(cycle_of(4, chain, cyc, &len) == 0);
	CHECK(cycle_of(4, diamond, cyc, &len) == 0);
	CHECK(cycle_of(2, self, cyc, &len) == 1);
	CHECK(len == 2 && cyc[0] == 1 && cyc[1] == 1);
	CHECK(cycle_of(2, two, cyc, &len) == 1);
	CHECK(len == 3 && cyc[0] == 0 && cyc[1] == 1 && cyc[2] == 0);
	/* 0 -> 1 -> 2 -> 3 -> 1: the cycle is 1 2 3, reported in edge order */
	CHECK(cycle_of(5, far, cyc, &len) == 1);
	CHECK(len == 4 && cyc[0] == 1 && cyc[1] == 2 && cyc[2] == 3 && cyc[3] == 1);
	CHECK(cycle_of(0, none, cyc, &len) == 0);
}

int main(void)
{
	test_parse();
	test_cycles();
	return harness_report("test_ready");
}
