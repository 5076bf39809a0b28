/* SPDX-License-Identifier: MIT */
/* Unit tests for the gate that orders "no child left" after the exits. */
#include "harness.h"
#include "nochild.h"

static void test_alone(void)
{
	struct nochild_gate g = { 0 };
	unsigned long gen = 0;

	nochild_enter(&g);
	CHECK(!nochild_leave(&g, false, 1, &gen)); /* reaped something: nothing to say */
	nochild_enter(&g);
	CHECK(nochild_leave(&g, true, 1, &gen) && gen == 1);
	/* said once: the next round starts clean */
	nochild_enter(&g);
	CHECK(!nochild_leave(&g, false, 2, &gen));
}

static void test_other_thread_still_busy(void)
{
	struct nochild_gate g = { 0 };
	unsigned long gen = 0;

	nochild_enter(&g); /* the waiter: reaping the last exits */
	nochild_enter(&g); /* the helper */
	/* The helper finds no child while the waiter holds unposted exits: wait. */
	CHECK(!nochild_leave(&g, true, 5, &gen));
	/* The waiter posts its exits and leaves: now it is said, with gen 5. */
	CHECK(nochild_leave(&g, false, 5, &gen) && gen == 5);
}

static void test_newest_generation_wins(void)
{
	struct nochild_gate g = { 0 };
	unsigned long gen = 0;

	nochild_enter(&g);
	nochild_enter(&g);
	CHECK(!nochild_leave(&g, true, 7, &gen));            /* looked after spawn 7 */
	CHECK(nochild_leave(&g, true, 6, &gen) && gen == 7); /* an older look: 7 stands */
	nochild_enter(&g);
	nochild_enter(&g);
	CHECK(!nochild_leave(&g, true, 8, &gen));
	nochild_enter(&g); /* a third look starts before the second ends */
	CHECK(!nochild_leave(&g, true, 9, &gen));
	CHECK(nochild_leave(&g, false, 9, &gen) && gen == 9);
}

static void test_unbalanced_leave_is_harmless(void)
{
	struct nochild_gate g = { 0 };
	unsigned long gen = 0;

	CHECK(nochild_leave(&g, true, 3, &gen) && gen == 3);
	CHECK(g.busy == 0);
}

int main(void)
{
	test_alone();
	test_other_thread_still_busy();
	test_newest_generation_wins();
	test_unbalanced_leave_is_harmless();
	return harness_report("test_nochild");
}
