/* SPDX-License-Identifier: MIT */
/*
 * lifecycle: the transition table. Every (state, event) pair is answered
 * in one switch per state, so what a target does in each situation can be
 * read in one place (s6-supervise keeps such a table too). Pairs that
 * cannot happen, or need nothing, leave everything as it is. Pure.
 */
#include "lifecycle.h"

static struct lc_step stay(enum lc_state s, enum lc_goal g)
{
	return (struct lc_step){ s, g, 0 };
}

static struct lc_step go(enum lc_state s, enum lc_goal g, unsigned actions)
{
	return (struct lc_step){ s, g, actions };
}

/* The run is over: where the goal says to go. */
static struct lc_step over(enum lc_goal g, unsigned extra)
{
	switch (g) {
	case LC_GOAL_RESTART:
		return go(LC_BACKOFF, g, extra | LC_A_OVER | LC_A_TIMER_RESTART);
	case LC_GOAL_HOLD:
		return go(LC_STOPPED, g, extra | LC_A_OVER);
	case LC_GOAL_START:
		return go(LC_RUNNING, LC_GOAL_NONE, extra | LC_A_OVER | LC_A_SPAWN);
	default:
		return go(LC_EXITED, LC_GOAL_NONE, extra | LC_A_OVER);
	}
}

static struct lc_step stop_now(enum lc_goal g)
{
	return go(LC_STOPPING, g, LC_A_SIGNAL_STOP | LC_A_TIMER_STOP);
}

static struct lc_step kill_now(enum lc_goal g)
{
	return go(LC_KILLING, g, LC_A_SIGNAL_KILL | LC_A_TIMER_KILL);
}

static struct lc_step spawn(void)
{
	return go(LC_RUNNING, LC_GOAL_NONE, LC_A_SPAWN);
}

static struct lc_step waiting(enum lc_goal g, enum lc_event ev)
{
	switch (ev) {
	case LC_START:
	case LC_RESTART:
		return spawn();
	case LC_HOLD:
		return go(LC_STOPPED, LC_GOAL_HOLD, 0);
	default:
		return stay(LC_WAITING, g);
	}
}

static struct lc_step running(enum lc_goal g, enum lc_event ev)
{
	switch (ev) {
	case LC_REPORTED_ALONE:
		return go(LC_EXITED, LC_GOAL_NONE, LC_A_DECIDE | LC_A_OVER);
	case LC_REPORTED_GROUP:
		return go(LC_LINGERING, LC_GOAL_NONE, LC_A_DECIDE);
	case LC_STOP:
		return stop_now(LC_GOAL_NONE);
	case LC_HOLD:
		return stop_now(LC_GOAL_HOLD);
	case LC_RESTART:
		return stop_now(LC_GOAL_START);
	case LC_KILL:
		return kill_now(LC_GOAL_NONE);
	default:
		return stay(LC_RUNNING, g);
	}
}

static struct lc_step lingering(enum lc_goal g, enum lc_event ev)
{
	switch (ev) {
	case LC_GROUP_EMPTY:
		return over(g, 0);
	case LC_STOP:
		return stop_now(LC_GOAL_NONE);
	case LC_HOLD:
		return stop_now(LC_GOAL_HOLD);
	/* What the old run left in its group goes before the new one starts. */
	case LC_RESTART:
		return stop_now(LC_GOAL_START);
	case LC_RESPAWN:
		return stop_now(LC_GOAL_RESTART);
	case LC_KILL:
		return kill_now(LC_GOAL_NONE);
	default:
		return stay(LC_LINGERING, g);
	}
}

/* STOPPING and KILLING: requests change only the goal; no second stop signal. */
static struct lc_step stopping(enum lc_state s, enum lc_goal g, enum lc_event ev)
{
	switch (ev) {
	case LC_REPORTED_ALONE:
	case LC_GROUP_EMPTY:
		return over(g, 0);
	case LC_STOP:
		return stay(s, LC_GOAL_NONE);
	case LC_HOLD:
		return stay(s, LC_GOAL_HOLD);
	case LC_RESTART:
		return stay(s, LC_GOAL_START);
	case LC_KILL:
		return s == LC_STOPPING ? kill_now(g) : stay(s, g);
	case LC_DEADLINE:
		return s == LC_STOPPING ? kill_now(g) : over(g, LC_A_GIVE_UP);
	case LC_ADOPTED:
		/* Only the orphan set grows: newcomers get what the others got. */
		return go(s, g, s == LC_STOPPING ? LC_A_SIGNAL_STOP : LC_A_SIGNAL_KILL);
	default:
		return stay(s, g);
	}
}

static struct lc_step exited(enum lc_state s, enum lc_goal g, enum lc_event ev)
{
	switch (ev) {
	case LC_START:
	case LC_RESTART:
		return spawn();
	case LC_RESPAWN:
		return s == LC_EXITED ? go(LC_BACKOFF, LC_GOAL_RESTART, LC_A_TIMER_RESTART) :
					stay(s, g);
	case LC_HOLD:
		return go(LC_STOPPED, LC_GOAL_HOLD, 0);
	default:
		return stay(s, g);
	}
}

static struct lc_step backoff(enum lc_goal g, enum lc_event ev)
{
	switch (ev) {
	case LC_DEADLINE:
	case LC_START:
	case LC_RESTART:
		return spawn();
	case LC_STOP:
		return go(LC_EXITED, LC_GOAL_NONE, 0);
	case LC_HOLD:
		return go(LC_STOPPED, LC_GOAL_HOLD, 0);
	default:
		return stay(LC_BACKOFF, g);
	}
}

struct lc_step lc_next(enum lc_state state, enum lc_goal goal, enum lc_event ev)
{
	switch (state) {
	case LC_WAITING:
		return waiting(goal, ev);
	case LC_RUNNING:
		return running(goal, ev);
	case LC_LINGERING:
		return lingering(goal, ev);
	case LC_STOPPING:
	case LC_KILLING:
		return stopping(state, goal, ev);
	case LC_EXITED:
	case LC_STOPPED:
		return exited(state, goal, ev);
	case LC_BACKOFF:
		return backoff(goal, ev);
	default:
		return stay(state, goal);
	}
}

enum lc_report lc_report_next(enum lc_report r, enum lc_report_event ev, int *announce)
{
	*announce = 0;
	if (r == LC_REPORT_DONE)
		return r;
	if (ev == LC_R_REAPED) {
		if (r == LC_REPORT_EOF) {
			*announce = 1;
			return LC_REPORT_DONE;
		}
		return LC_REPORT_REAPED;
	}
	if (r == LC_REPORT_REAPED) {
		*announce = 1;
		return LC_REPORT_DONE;
	}
	return LC_REPORT_EOF;
}

int lc_settled(enum lc_state state)
{
	return state == LC_WAITING || state == LC_EXITED || state == LC_STOPPED;
}

int lc_alive(enum lc_state state)
{
	return state == LC_RUNNING || state == LC_LINGERING || state == LC_STOPPING ||
	       state == LC_KILLING;
}

const char *lc_state_name(enum lc_state state)
{
	static const char *const names[LC_NSTATES] = {
		"waiting", "running", "lingering", "stopping",
		"killing", "exited",  "backoff",   "stopped",
	};

	return state < LC_NSTATES ? names[state] : "?";
}

const char *lc_event_name(enum lc_event ev)
{
	static const char *const names[LC_NEVENTS] = {
		"start",   "reported-alone", "reported-group", "group-empty", "stop",    "hold",
		"restart", "respawn",        "kill",           "deadline",    "adopted",
	};

	return ev < LC_NEVENTS ? names[ev] : "?";
}
