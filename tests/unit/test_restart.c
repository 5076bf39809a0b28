/* SPDX-License-Identifier: MIT */
/* Unit tests for the restart policy: backoff, its reset, and the budget. */
#include "harness.h"
#include "restart.h"

static struct timespec at(double s)
{
	struct timespec t = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	return t;
}

static void test_backoff(void)
{
	struct restart_state st;

	CHECK(restart_init(&st, 100) == 0);
	/* Quick crashes: 0.1, 0.2, 0.4, ... doubling up to 30 s. */
	CHECK(restart_next(&st, 1000, at(0), at(1)) == 0.1);
	CHECK(restart_next(&st, 1000, at(1), at(2)) == 0.2);
	CHECK(restart_next(&st, 1000, at(2), at(3)) == 0.4);
	for (int i = 0; i < 20; i++)
		restart_next(&st, 1000, at(3), at(4));
	CHECK(restart_next(&st, 1000, at(4), at(5)) == RESTART_MAX_DELAY);
	/* A run of RESTART_RESET_AFTER seconds starts over. */
	CHECK(restart_next(&st, 1000, at(5), at(5 + RESTART_RESET_AFTER)) == 0.1);
	CHECK(restart_next(&st, 1000, at(16), at(16.5)) == 0.2);
	CHECK(st.total == 26);
	restart_free(&st);
}

static void test_budget(void)
{
	struct restart_state st;

	CHECK(restart_init(&st, 3) == 0);
	CHECK(restart_next(&st, 60, at(0), at(1)) > 0);
	CHECK(restart_next(&st, 60, at(1), at(2)) > 0);
	CHECK(restart_next(&st, 60, at(2), at(3)) > 0);
	/* A fourth within 60 s is past the budget; nothing is recorded for it. */
	CHECK(restart_next(&st, 60, at(3), at(4)) < 0);
	CHECK(st.total == 3);
	/* Once the first restart (t=1) is older than the window, one more is allowed. */
	CHECK(restart_next(&st, 60, at(4), at(61.5)) > 0);
	CHECK(restart_next(&st, 60, at(61.5), at(61.6)) < 0);
	restart_free(&st);
}

int main(void)
{
	test_backoff();
	test_budget();
	return harness_report("test_restart");
}
