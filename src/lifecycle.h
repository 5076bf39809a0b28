/* SPDX-License-Identifier: MIT */
/*
 * lifecycle: the life of one supervised target, as one state and one pure
 * transition function from (state, goal, event) to (state, goal, actions).
 * A target is an instance's process group (its leader and whatever the
 * leader left in its group) or the set of orphans of the final sweep; both
 * go through the same escalation: stop signal, timeout, SIGKILL, grace,
 * give up. No I/O, no clock, no globals: the caller performs the actions.
 * Any thread; in practice the supervisor thread.
 */
#ifndef PROCINIT_LIFECYCLE_H
#define PROCINIT_LIFECYCLE_H

enum lc_state {
	LC_WAITING,   /* not started yet (its turn has not come) */
	LC_RUNNING,   /* its leader is alive */
	LC_LINGERING, /* the leader's exit is reported; its group still has members */
	LC_STOPPING,  /* stop signal sent to the group; the timer is --timeout */
	LC_KILLING,   /* SIGKILL sent; the timer is the grace for the kernel */
	LC_EXITED,    /* the run is over: leader reported, group empty (or given up) */
	LC_BACKOFF,   /* the run is over; the timer says when to start again */
	LC_STOPPED,   /* the run is over and it stays so until asked to start */
	LC_NSTATES
};

/* What happens once the current run is over. */
enum lc_goal {
	LC_GOAL_NONE,    /* nothing: LC_EXITED */
	LC_GOAL_RESTART, /* start again after the timer: LC_BACKOFF */
	LC_GOAL_HOLD,    /* stay stopped: LC_STOPPED */
	LC_GOAL_START,   /* a requested restart: the next run starts at once, in the same step */
	LC_NGOALS
};

enum lc_event {
	LC_START,          /* its turn came: start a run */
	LC_REPORTED_ALONE, /* the leader's exit is reported and its group is empty */
	LC_REPORTED_GROUP, /* the leader's exit is reported; its group has members */
	LC_GROUP_EMPTY,    /* after the report: the last member of the group is gone */
	LC_STOP,           /* the stop of everything: stop, and then nothing */
	LC_HOLD,           /* asked to stop and stay stopped */
	LC_RESTART,        /* asked to restart: stop if running, then start at once */
	LC_RESPAWN,        /* the policy restarts it after an exit of its own */
	LC_KILL,           /* SIGKILL now (a second ctrl-c) */
	LC_DEADLINE,       /* the state's timer passed */
	LC_ADOPTED,        /* new members may have joined (the orphan set only) */
	LC_NEVENTS
};

/*
 * Actions, a bit set, performed in this order: timers, signals, spawn, calls.
 * A timer means something only in STOPPING, KILLING and BACKOFF, so leaving
 * those needs no action to clear it.
 */
enum lc_action {
	LC_A_TIMER_STOP = 1 << 0,    /* timer = now + --timeout */
	LC_A_TIMER_KILL = 1 << 1,    /* timer = now + the kill grace */
	LC_A_TIMER_RESTART = 1 << 2, /* timer = now + the restart delay */
	LC_A_SIGNAL_STOP = 1 << 3,   /* the stop signal (then SIGCONT) to the group */
	LC_A_SIGNAL_KILL = 1 << 4,   /* SIGKILL to the group */
	LC_A_SPAWN = 1 << 5,         /* start a new run */
	LC_A_DECIDE = 1 << 6,        /* it exited on its own: ask the policy */
	LC_A_GIVE_UP = 1 << 7,       /* members survived SIGKILL and the grace */
	LC_A_OVER = 1 << 8,          /* the run just ended (any way) */
};

struct lc_step {
	enum lc_state state;
	enum lc_goal goal;
	unsigned actions;
};

struct lc_step lc_next(enum lc_state state, enum lc_goal goal, enum lc_event ev);

/* True when the run is over and nothing is pending (what a stop waits for). */
int lc_settled(enum lc_state state);

/* True while processes of the current run may be alive. */
int lc_alive(enum lc_state state);

/*
 * The exit report of a run's leader, a join of two events in either order
 * (as tmux's job.c joins "process died" and "output closed"): the exit
 * line is printed once the leader is reaped and its output is out, so a
 * process's last bytes always come before its exit line.
 */
enum lc_report {
	LC_REPORT_LIVE,   /* neither yet */
	LC_REPORT_EOF,    /* its output is done; the leader is not reaped yet */
	LC_REPORT_REAPED, /* reaped; its output is not all out yet */
	LC_REPORT_DONE,   /* the exit line is out */
};

enum lc_report_event {
	LC_R_REAPED,      /* waitpid reported the leader's exit */
	LC_R_OUTPUT_DONE, /* its pump drained or closed, or gave up waiting */
};

/* Sets *ANNOUNCE when the exit line is due now. */
enum lc_report lc_report_next(enum lc_report r, enum lc_report_event ev, int *announce);

const char *lc_state_name(enum lc_state state);
const char *lc_event_name(enum lc_event ev);

#endif
