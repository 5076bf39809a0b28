/* SPDX-License-Identifier: MIT */
/*
 * A tiny unit-test harness: CHECK records a failure with file:line and goes
 * on; harness_report prints "N passed, N failed" and returns the exit code.
 */
#ifndef PROCINIT_HARNESS_H
#define PROCINIT_HARNESS_H

#include <stdio.h>
#include <string.h>

static unsigned harness_passed, harness_failed;

static void harness_check(int ok, const char *expr, const char *file, int line)
{
	if (ok) {
		harness_passed++;
		return;
	}
	harness_failed++;
	fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, expr);
}

#define CHECK(expr) harness_check(!!(expr), #expr, __FILE__, __LINE__)
#define CHECK_STREQ(a, b) \
	harness_check((a) != NULL && (b) != NULL && strcmp((a), (b)) == 0, #a " == " #b, __FILE__, \
		      __LINE__)

static int harness_report(const char *name)
{
	printf("%s: %u passed, %u failed\n", name, harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}

#endif
