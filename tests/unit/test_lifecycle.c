/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lifecycle.c: the whole transition table, written out for
 * every (state, event) pair (goal none, the goal a running target has),
 * the goal-dependent rows, and properties checked over every (state, goal,
 * event) triple; then the exit-report join.
 */
#include "harness.h"

#include "lifecycle.h"

#define N LC_GOAL_NONE
#define R LC_GOAL_RESTART
#define H LC_GOAL_HOLD
#define S LC_GOAL_START

enum {
	TS = LC_A_TIMER_STOP,
	TK = LC_A_TIMER_KILL,
	TR = LC_A_TIMER_RESTART,
	SS = LC_A_SIGNAL_STOP,
	SK = LC_A_SIGNAL_KILL,
	SP = LC_A_SPAWN,
	DE = LC_A_DECIDE,
	GU = LC_A_GIVE_UP,
	OV = LC_A_OVER,
};

struct row {
	enum lc_state from;
	enum lc_goal goal;
	enum lc_event ev;
	enum lc_state to;
	enum lc_goal goal_to;
	unsigned actions;
};

/* Every (state, event) pair with goal none. */
static const struct row none_rows[] = {
	{ LC_WAITING, N, LC_START, LC_RUNNING, N, SP },
	{ LC_WAITING, N, LC_REPORTED_ALONE, LC_WAITING, N, 0 },
	{ LC_WAITING, N, LC_REPORTED_GROUP, LC_WAITING, N, 0 },
	{ LC_WAITING, N, LC_GROUP_EMPTY, LC_WAITING, N, 0 },
	{ LC_WAITING, N, LC_STOP, LC_WAITING, N, 0 },
	{ LC_WAITING, N, LC_HOLD, LC_STOPPED, H, 0 },
	{ LC_WAITING, N, LC_RESTART, LC_RUNNING, N, SP },
	{ LC_WAITING, N, LC_RESPAWN, LC_WAITING, N, 0 },
	{ LC_WAITING, N, LC_KILL, LC_WAITING, N, 0 },
	{ LC_WAITING, N, LC_DEADLINE, LC_WAITING, N, 0 },
	{ LC_WAITING, N, LC_ADOPTED, LC_WAITING, N, 0 },

	{ LC_RUNNING, N, LC_START, LC_RUNNING, N, 0 },
	{ LC_RUNNING, N, LC_REPORTED_ALONE, LC_EXITED, N, DE | OV },
	{ LC_RUNNING, N, LC_REPORTED_GROUP, LC_LINGERING, N, DE },
	{ LC_RUNNING, N, LC_GROUP_EMPTY, LC_RUNNING, N, 0 },
	{ LC_RUNNING, N, LC_STOP, LC_STOPPING, N, SS | TS },
	{ LC_RUNNING, N, LC_HOLD, LC_STOPPING, H, SS | TS },
	{ LC_RUNNING, N, LC_RESTART, LC_STOPPING, S, SS | TS },
	{ LC_RUNNING, N, LC_RESPAWN, LC_RUNNING, N, 0 },
	{ LC_RUNNING, N, LC_KILL, LC_KILLING, N, SK | TK },
	{ LC_RUNNING, N, LC_DEADLINE, LC_RUNNING, N, 0 },
	{ LC_RUNNING, N, LC_ADOPTED, LC_RUNNING, N, 0 },

	{ LC_LINGERING, N, LC_START, LC_LINGERING, N, 0 },
	{ LC_LINGERING, N, LC_REPORTED_ALONE, LC_LINGERING, N, 0 },
	{ LC_LINGERING, N, LC_REPORTED_GROUP, LC_LINGERING, N, 0 },
	{ LC_LINGERING, N, LC_GROUP_EMPTY, LC_EXITED, N, OV },
	{ LC_LINGERING, N, LC_STOP, LC_STOPPING, N, SS | TS },
	{ LC_LINGERING, N, LC_HOLD, LC_STOPPING, H, SS | TS },
	{ LC_LINGERING, N, LC_RESTART, LC_STOPPING, S, SS | TS },
	{ LC_LINGERING, N, LC_RESPAWN, LC_STOPPING, R, SS | TS },
	{ LC_LINGERING, N, LC_KILL, LC_KILLING, N, SK | TK },
	{ LC_LINGERING, N, LC_DEADLINE, LC_LINGERING, N, 0 },
	{ LC_LINGERING, N, LC_ADOPTED, LC_LINGERING, N, 0 },

	{ LC_STOPPING, N, LC_START, LC_STOPPING, N, 0 },
	{ LC_STOPPING, N, LC_REPORTED_ALONE, LC_EXITED, N, OV },
	{ LC_STOPPING, N, LC_REPORTED_GROUP, LC_STOPPING, N, 0 },
	{ LC_STOPPING, N, LC_GROUP_EMPTY, LC_EXITED, N, OV },
	{ LC_STOPPING, N, LC_STOP, LC_STOPPING, N, 0 },
	{ LC_STOPPING, N, LC_HOLD, LC_STOPPING, H, 0 },
	{ LC_STOPPING, N, LC_RESTART, LC_STOPPING, S, 0 },
	{ LC_STOPPING, N, LC_RESPAWN, LC_STOPPING, N, 0 },
	{ LC_STOPPING, N, LC_KILL, LC_KILLING, N, SK | TK },
	{ LC_STOPPING, N, LC_DEADLINE, LC_KILLING, N, SK | TK },
	{ LC_STOPPING, N, LC_ADOPTED, LC_STOPPING, N, SS },

	{ LC_KILLING, N, LC_START, LC_KILLING, N, 0 },
	{ LC_KILLING, N, LC_REPORTED_ALONE, LC_EXITED, N, OV },
	{ LC_KILLING, N, LC_REPORTED_GROUP, LC_KILLING, N, 0 },
	{ LC_KILLING, N, LC_GROUP_EMPTY, LC_EXITED, N, OV },
	{ LC_KILLING, N, LC_STOP, LC_KILLING, N, 0 },
	{ LC_KILLING, N, LC_HOLD, LC_KILLING, H, 0 },
	{ LC_KILLING, N, LC_RESTART, LC_KILLING, S, 0 },
	{ LC_KILLING, N, LC_RESPAWN, LC_KILLING, N, 0 },
	{ LC_KILLING, N, LC_KILL, LC_KILLING, N, 0 },
	{ LC_KILLING, N, LC_DEADLINE, LC_EXITED, N, GU | OV },
	{ LC_KILLING, N, LC_ADOPTED, LC_KILLING, N, SK },

	{ LC_EXITED, N, LC_START, LC_RUNNING, N, SP },
	{ LC_EXITED, N, LC_REPORTED_ALONE, LC_EXITED, N, 0 },
	{ LC_EXITED, N, LC_REPORTED_GROUP, LC_EXITED, N, 0 },
	{ LC_EXITED, N, LC_GROUP_EMPTY, LC_EXITED, N, 0 },
	{ LC_EXITED, N, LC_STOP, LC_EXITED, N, 0 },
	{ LC_EXITED, N, LC_HOLD, LC_STOPPED, H, 0 },
	{ LC_EXITED, N, LC_RESTART, LC_RUNNING, N, SP },
	{ LC_EXITED, N, LC_RESPAWN, LC_BACKOFF, R, TR },
	{ LC_EXITED, N, LC_KILL, LC_EXITED, N, 0 },
	{ LC_EXITED, N, LC_DEADLINE, LC_EXITED, N, 0 },
	{ LC_EXITED, N, LC_ADOPTED, LC_EXITED, N, 0 },

	{ LC_BACKOFF, N, LC_START, LC_RUNNING, N, SP },
	{ LC_BACKOFF, N, LC_REPORTED_ALONE, LC_BACKOFF, N, 0 },
	{ LC_BACKOFF, N, LC_REPORTED_GROUP, LC_BACKOFF, N, 0 },
	{ LC_BACKOFF, N, LC_GROUP_EMPTY, LC_BACKOFF, N, 0 },
	{ LC_BACKOFF, N, LC_STOP, LC_EXITED, N, 0 },
	{ LC_BACKOFF, N, LC_HOLD, LC_STOPPED, H, 0 },
	{ LC_BACKOFF, N, LC_RESTART, LC_RUNNING, N, SP },
	{ LC_BACKOFF, N, LC_RESPAWN, LC_BACKOFF, N, 0 },
	{ LC_BACKOFF, N, LC_KILL, LC_BACKOFF, N, 0 },
	{ LC_BACKOFF, N, LC_DEADLINE, LC_RUNNING, N, SP },
	{ LC_BACKOFF, N, LC_ADOPTED, LC_BACKOFF, N, 0 },

	{ LC_STOPPED, N, LC_START, LC_RUNNING, N, SP },
	{ LC_STOPPED, N, LC_REPORTED_ALONE, LC_STOPPED, N, 0 },
	{ LC_STOPPED, N, LC_REPORTED_GROUP, LC_STOPPED, N, 0 },
	{ LC_STOPPED, N, LC_GROUP_EMPTY, LC_STOPPED, N, 0 },
	{ LC_STOPPED, N, LC_STOP, LC_STOPPED, N, 0 },
	{ LC_STOPPED, N, LC_HOLD, LC_STOPPED, H, 0 },
	{ LC_STOPPED, N, LC_RESTART, LC_RUNNING, N, SP },
	{ LC_STOPPED, N, LC_RESPAWN, LC_STOPPED, N, 0 },
	{ LC_STOPPED, N, LC_KILL, LC_STOPPED, N, 0 },
	{ LC_STOPPED, N, LC_DEADLINE, LC_STOPPED, N, 0 },
	{ LC_STOPPED, N, LC_ADOPTED, LC_STOPPED, N, 0 },
};

/* Where the goal matters: how a run ends, and what a new request changes. */
static const struct row goal_rows[] = {
	{ LC_STOPPING, R, LC_REPORTED_ALONE, LC_BACKOFF, R, OV | TR },
	{ LC_STOPPING, H, LC_REPORTED_ALONE, LC_STOPPED, H, OV },
	{ LC_STOPPING, R, LC_GROUP_EMPTY, LC_BACKOFF, R, OV | TR },
	{ LC_STOPPING, H, LC_GROUP_EMPTY, LC_STOPPED, H, OV },
	{ LC_KILLING, R, LC_GROUP_EMPTY, LC_BACKOFF, R, OV | TR },
	{ LC_KILLING, H, LC_DEADLINE, LC_STOPPED, H, GU | OV },
	{ LC_KILLING, R, LC_DEADLINE, LC_BACKOFF, R, GU | OV | TR },
	{ LC_STOPPING, R, LC_STOP, LC_STOPPING, N, 0 },
	{ LC_STOPPING, H, LC_STOP, LC_STOPPING, N, 0 },
	{ LC_STOPPING, R, LC_HOLD, LC_STOPPING, H, 0 },
	{ LC_STOPPING, H, LC_RESTART, LC_STOPPING, S, 0 },
	/* A requested restart during the policy's: at once, not after the backoff. */
	{ LC_STOPPING, R, LC_RESTART, LC_STOPPING, S, 0 },
	{ LC_KILLING, R, LC_RESTART, LC_KILLING, S, 0 },
	{ LC_STOPPING, R, LC_DEADLINE, LC_KILLING, R, SK | TK },
	{ LC_STOPPING, H, LC_KILL, LC_KILLING, H, SK | TK },
	{ LC_LINGERING, R, LC_GROUP_EMPTY, LC_BACKOFF, R, OV | TR },
	{ LC_BACKOFF, R, LC_DEADLINE, LC_RUNNING, N, SP },
	{ LC_BACKOFF, R, LC_STOP, LC_EXITED, N, 0 },
	{ LC_STOPPED, H, LC_RESTART, LC_RUNNING, N, SP },
	{ LC_STOPPED, H, LC_STOP, LC_STOPPED, H, 0 },
};

/*
 * A requested restart (goal start) lives only in STOPPING and KILLING: every
 * event there, in the order of the events. The run's end starts the next.
 */
static const struct row start_rows[] = {
	{ LC_STOPPING, S, LC_START, LC_STOPPING, S, 0 },
	{ LC_STOPPING, S, LC_REPORTED_ALONE, LC_RUNNING, N, OV | SP },
	{ LC_STOPPING, S, LC_REPORTED_GROUP, LC_STOPPING, S, 0 },
	{ LC_STOPPING, S, LC_GROUP_EMPTY, LC_RUNNING, N, OV | SP },
	{ LC_STOPPING, S, LC_STOP, LC_STOPPING, N, 0 },
	{ LC_STOPPING, S, LC_HOLD, LC_STOPPING, H, 0 },
	{ LC_STOPPING, S, LC_RESTART, LC_STOPPING, S, 0 },
	{ LC_STOPPING, S, LC_RESPAWN, LC_STOPPING, S, 0 },
	{ LC_STOPPING, S, LC_KILL, LC_KILLING, S, SK | TK },
	{ LC_STOPPING, S, LC_DEADLINE, LC_KILLING, S, SK | TK },
	{ LC_STOPPING, S, LC_ADOPTED, LC_STOPPING, S, SS },

	{ LC_KILLING, S, LC_START, LC_KILLING, S, 0 },
	{ LC_KILLING, S, LC_REPORTED_ALONE, LC_RUNNING, N, OV | SP },
	{ LC_KILLING, S, LC_REPORTED_GROUP, LC_KILLING, S, 0 },
	{ LC_KILLING, S, LC_GROUP_EMPTY, LC_RUNNING, N, OV | SP },
	{ LC_KILLING, S, LC_STOP, LC_KILLING, N, 0 },
	{ LC_KILLING, S, LC_HOLD, LC_KILLING, H, 0 },
	{ LC_KILLING, S, LC_RESTART, LC_KILLING, S, 0 },
	{ LC_KILLING, S, LC_RESPAWN, LC_KILLING, S, 0 },
	{ LC_KILLING, S, LC_KILL, LC_KILLING, S, 0 },
	{ LC_KILLING, S, LC_DEADLINE, LC_RUNNING, N, GU | OV | SP },
	{ LC_KILLING, S, LC_ADOPTED, LC_KILLING, S, SK },
};

static void check_row(const struct row *r)
{
	struct lc_step st = lc_next(r->from, r->goal, r->ev);
	int ok = st.state == r->to && st.goal == r->goal_to && st.actions == r->actions;

	if (!ok)
		fprintf(stderr, "%s/%d + %s: got %s/%d actions %#x, want %s/%d actions %#x\n",
			lc_state_name(r->from), r->goal, lc_event_name(r->ev),
			lc_state_name(st.state), st.goal, st.actions, lc_state_name(r->to),
			r->goal_to, r->actions);
	CHECK(ok);
}

static int stopping_state(enum lc_state s)
{
	return s == LC_STOPPING || s == LC_KILLING;
}

/* Properties that must hold for every (state, goal, event). */
static void check_properties(void)
{
	for (int s = 0; s < LC_NSTATES; s++) {
		for (int g = 0; g < LC_NGOALS; g++) {
			for (int e = 0; e < LC_NEVENTS; e++) {
				struct lc_step st = lc_next(s, g, e);
				unsigned a = st.actions;

				/* A stop signal reaches a group once per run (the orphan set excepted). */
				if ((a & LC_A_SIGNAL_STOP) && s == LC_STOPPING)
					CHECK(e == LC_ADOPTED);
				if ((a & LC_A_SIGNAL_STOP) && s != LC_STOPPING)
					CHECK(s == LC_RUNNING || s == LC_LINGERING);
				/* Entering STOPPING or KILLING sends the signal and arms the timer. */
				if (st.state == LC_STOPPING && s != LC_STOPPING)
					CHECK((a & (LC_A_SIGNAL_STOP | LC_A_TIMER_STOP)) ==
					      (LC_A_SIGNAL_STOP | LC_A_TIMER_STOP));
				if (st.state == LC_KILLING && s != LC_KILLING)
					CHECK((a & (LC_A_SIGNAL_KILL | LC_A_TIMER_KILL)) ==
					      (LC_A_SIGNAL_KILL | LC_A_TIMER_KILL));
				/*
				 * Only a target with nothing alive spawns, or one whose run
				 * ends in this step with a restart requested; a spawn runs.
				 */
				if (a & LC_A_SPAWN) {
					CHECK(!lc_alive(s) ||
					      (g == LC_GOAL_START && (a & LC_A_OVER)));
					CHECK(st.state == LC_RUNNING && st.goal == LC_GOAL_NONE);
				}
				/* A requested restart is set only by LC_RESTART, while a stop is under way. */
				if (st.goal == LC_GOAL_START && g != LC_GOAL_START)
					CHECK(e == LC_RESTART && stopping_state(st.state));
				/* ... and never waits in BACKOFF. */
				if (e == LC_RESTART || (g == LC_GOAL_START && stopping_state(s)))
					CHECK(st.state != LC_BACKOFF || s == LC_BACKOFF);
				if (st.state == LC_RUNNING && s != LC_RUNNING)
					CHECK(a & LC_A_SPAWN);
				/* BACKOFF is entered with its timer. */
				if (st.state == LC_BACKOFF && s != LC_BACKOFF)
					CHECK(a & LC_A_TIMER_RESTART);
				/* OVER exactly when an alive run ends (into the next with a spawn). */
				CHECK(!!(a & LC_A_OVER) ==
				      (lc_alive(s) && (!lc_alive(st.state) || (a & LC_A_SPAWN))));
				/* A run never ends while a stop is still under way except by these. */
				if (stopping_state(s) && !stopping_state(st.state))
					CHECK(e == LC_REPORTED_ALONE || e == LC_GROUP_EMPTY ||
					      (s == LC_KILLING && e == LC_DEADLINE));
				/* Giving up only after SIGKILL's grace. */
				if (a & LC_A_GIVE_UP)
					CHECK(s == LC_KILLING && e == LC_DEADLINE);
				/* The policy is asked once per run: when the leader ends on its own. */
				if (a & LC_A_DECIDE)
					CHECK(s == LC_RUNNING);
				/* A settled state is left only by a request or its timer. */
				if (lc_settled(s) && st.state != (enum lc_state)s)
					CHECK(e == LC_START || e == LC_RESTART || e == LC_HOLD ||
					      e == LC_RESPAWN);
				/* The stop of everything ends in a settled state, never a restart. */
				if (e == LC_STOP)
					CHECK(st.goal == LC_GOAL_NONE || lc_settled(st.state));
				/* Nothing is ever sent to a target with nothing alive. */
				if (!lc_alive(s))
					CHECK(!(a & (LC_A_SIGNAL_STOP | LC_A_SIGNAL_KILL)));
			}
		}
	}
}

static void check_names(void)
{
	for (int s = 0; s < LC_NSTATES; s++)
		CHECK(strcmp(lc_state_name(s), "?") != 0);
	for (int e = 0; e < LC_NEVENTS; e++)
		CHECK(strcmp(lc_event_name(e), "?") != 0);
	CHECK_STREQ(lc_state_name(LC_NSTATES), "?");
	CHECK_STREQ(lc_state_name(LC_BACKOFF), "backoff");
}

static void check_report(void)
{
	int ann;
	enum lc_report r;

	/* Reaped first, then the output. */
	r = lc_report_next(LC_REPORT_LIVE, LC_R_REAPED, &ann);
	CHECK(r == LC_REPORT_REAPED && !ann);
	r = lc_report_next(r, LC_R_OUTPUT_DONE, &ann);
	CHECK(r == LC_REPORT_DONE && ann);
	/* Output first, then reaped. */
	r = lc_report_next(LC_REPORT_LIVE, LC_R_OUTPUT_DONE, &ann);
	CHECK(r == LC_REPORT_EOF && !ann);
	r = lc_report_next(r, LC_R_REAPED, &ann);
	CHECK(r == LC_REPORT_DONE && ann);
	/* Repeats change nothing and never announce twice. */
	r = lc_report_next(LC_REPORT_EOF, LC_R_OUTPUT_DONE, &ann);
	CHECK(r == LC_REPORT_EOF && !ann);
	r = lc_report_next(LC_REPORT_REAPED, LC_R_REAPED, &ann);
	CHECK(r == LC_REPORT_REAPED && !ann);
	r = lc_report_next(LC_REPORT_DONE, LC_R_REAPED, &ann);
	CHECK(r == LC_REPORT_DONE && !ann);
	r = lc_report_next(LC_REPORT_DONE, LC_R_OUTPUT_DONE, &ann);
	CHECK(r == LC_REPORT_DONE && !ann);
}

int main(void)
{
	size_t n = sizeof(none_rows) / sizeof(none_rows[0]);

	/* The table above lists each (state, event) pair exactly once. */
	CHECK(n == (size_t)LC_NSTATES * LC_NEVENTS);
	for (size_t i = 0; i < n; i++) {
		CHECK(none_rows[i].from == (enum lc_state)(i / LC_NEVENTS));
		CHECK(none_rows[i].ev == (enum lc_event)(i % LC_NEVENTS));
		check_row(&none_rows[i]);
	}
	for (size_t i = 0; i < sizeof(goal_rows) / sizeof(goal_rows[0]); i++)
		check_row(&goal_rows[i]);
	/* Every event from each of the two states, in order. */
	CHECK(sizeof(start_rows) / sizeof(start_rows[0]) == 2 * (size_t)LC_NEVENTS);
	for (size_t i = 0; i < sizeof(start_rows) / sizeof(start_rows[0]); i++) {
		CHECK(start_rows[i].from == (i < LC_NEVENTS ? LC_STOPPING : LC_KILLING));
		CHECK(start_rows[i].ev == (enum lc_event)(i % LC_NEVENTS));
		check_row(&start_rows[i]);
	}
	check_properties();
	check_names();
	check_report();
	return harness_report("test_lifecycle");
}
