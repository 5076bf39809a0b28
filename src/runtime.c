/* SPDX-License-Identifier: MIT */
/*
 * runtime: the loop both modes run on. It waits for the next event or the
 * next deadline, hands each to the mode, does batched work when the queue
 * runs dry, and once the mode is finished sweeps the orphans through the
 * lifecycle table, like any other target. Main thread only; it takes only
 * the events lock (inside events_wait) and the reaper's (when spawning).
 */
#include "runtime.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "lifecycle.h"
#include "log.h"
#include "reaper.h"
#include "sigthread.h"
#include "sweep.h"

enum rt_phase { RT_RUN, RT_SWEEP, RT_DONE };

static struct {
	struct runtime_config cfg;
	const struct runtime_mode *m;
	enum rt_phase phase;
	unsigned long gen; /* spawn generation, to ignore a stale EV_NOCHILD */
	bool nochild;      /* the reaper found no child at all */
	/* the sweep, as a lifecycle target */
	enum lc_state state;
	enum lc_goal goal;
	struct timespec timer;
	bool adopted; /* orphans were reaped since the last idle */
	struct sweep sweep;
} rt;

int runtime_start(const struct runtime_config *cfg)
{
	int err;

	rt.cfg = *cfg;
	if (cfg->pdeathsig && prctl(PR_SET_PDEATHSIG, cfg->pdeathsig) < 0)
		log_warn("--pdeathsig: %m");
	if (!cfg->pid1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_warn("cannot become a child subreaper (%m): orphans will not be reaped");
	err = events_init();
	if (!err)
		err = reaper_start();
	if (!err)
		err = sigthread_start(cfg->signals);
	return err;
}

void runtime_spawned(void)
{
	rt.gen = reaper_children_added();
	rt.nochild = false; /* a "no child" of an earlier generation no longer holds */
}

void runtime_sweep_skip_group(pid_t pgid)
{
	sweep_skip_group(&rt.sweep, pgid);
}

bool runtime_sweeping(void)
{
	return rt.phase == RT_SWEEP;
}

static void sweep_report(int sig, size_t n)
{
	if (n && rt.m->on_sweep)
		rt.m->on_sweep(sig, n);
}

static void sweep_feed(enum lc_event ev)
{
	struct lc_step st = lc_next(rt.state, rt.goal, ev);
	struct timespec now = mono_now();

	rt.state = st.state;
	rt.goal = st.goal;
	if (st.actions & LC_A_TIMER_STOP)
		rt.timer = mono_add(now, rt.cfg.timeout);
	if (st.actions & LC_A_TIMER_KILL)
		rt.timer = mono_add(now, RUNTIME_KILL_GRACE);
	if (st.actions & LC_A_SIGNAL_STOP)
		sweep_report(SIGTERM, sweep_signal(&rt.sweep, SIGTERM, ev == LC_ADOPTED));
	if (st.actions & LC_A_SIGNAL_KILL)
		sweep_report(SIGKILL, sweep_signal(&rt.sweep, SIGKILL, false));
	if (!lc_alive(rt.state))
		rt.phase = RT_DONE;
}

/* Given-up processes never leave, so "no child" will not come: end when only they are. */
static void sweep_end_if_only_given_up(void)
{
	if (rt.phase == RT_SWEEP && rt.sweep.n_skip && sweep_empty(&rt.sweep))
		sweep_feed(LC_GROUP_EMPTY);
}

static void sweep_begin(void)
{
	rt.phase = RT_SWEEP;
	rt.state = LC_LINGERING;
	rt.goal = LC_GOAL_NONE;
	if (rt.nochild || sweep_blind(&rt.sweep)) {
		/* Blind (no /proc): waiting would only keep procinit, not them. */
		rt.phase = RT_DONE;
		return;
	}
	/*
	 * Something may be left. When none of it is an orphan (only exits the
	 * reaper has taken but we have not heard of yet), the stop signal
	 * reaches nobody and the reaper's "no child", which comes after every
	 * exit it reaped, ends the sweep; the timer is then only a backstop.
	 */
	sweep_feed(LC_STOP);
	sweep_end_if_only_given_up();
}

void runtime_sweep_now(void)
{
	if (rt.phase == RT_RUN)
		sweep_begin();
}

void runtime_sweep_hurry(void)
{
	if (rt.phase == RT_SWEEP)
		sweep_feed(LC_KILL);
}

/* Batched: the newcomers of a whole batch of reaped orphans get one pass. */
static void sweep_idle(void)
{
	if (rt.phase != RT_SWEEP || !rt.adopted)
		return;
	rt.adopted = false;
	sweep_feed(LC_ADOPTED);
	sweep_end_if_only_given_up();
}

static void on_child(pid_t pid, int status)
{
	if (WIFSTOPPED(status) || WIFCONTINUED(status)) {
		if (rt.m->on_job)
			rt.m->on_job(pid, status);
		return;
	}
	if (rt.phase == RT_SWEEP)
		rt.adopted = true; /* its children were just handed to us */
	rt.m->on_exit(pid, status);
}

static void dispatch(const struct event *ev)
{
	switch (ev->kind) {
	case EV_SIGNAL:
		rt.m->on_signal(ev->signo, ev->seq);
		break;
	case EV_CHILD:
		on_child(ev->pid, ev->status);
		break;
	case EV_NOCHILD:
		if (ev->gen != rt.gen)
			break;
		rt.nochild = true;
		if (rt.phase == RT_SWEEP)
			sweep_feed(LC_GROUP_EMPTY);
		break;
	case EV_DRAINED:
	case EV_EOF:
		if (rt.m->on_output)
			rt.m->on_output(ev);
		break;
	case EV_READY:
	case EV_STATUS:
		if (rt.m->on_ready)
			rt.m->on_ready(ev);
		else
			free(ev->text);
		break;
	case EV_CONTROL:
		/* Only a mode with a socket posts these. */
		if (rt.m->on_control)
			rt.m->on_control(ev->call);
		break;
	}
}

static const struct timespec *next_deadline(struct timespec *buf)
{
	struct timespec mode;
	int have = 0;

	if (rt.m->next_deadline && rt.m->next_deadline(&mode))
		mono_min(buf, &have, mode);
	if (rt.phase == RT_SWEEP && (rt.state == LC_STOPPING || rt.state == LC_KILLING))
		mono_min(buf, &have, rt.timer);
	return have ? buf : NULL;
}

static void on_deadlines(void)
{
	struct timespec now = mono_now();

	if (rt.m->on_deadline)
		rt.m->on_deadline(now);
	if (rt.phase == RT_SWEEP && (rt.state == LC_STOPPING || rt.state == LC_KILLING) &&
	    mono_cmp(now, rt.timer) >= 0)
		sweep_feed(LC_DEADLINE);
}

void runtime_run(const struct runtime_mode *m)
{
	rt.m = m;
	rt.phase = RT_RUN;
	/* Counting costs a /proc scan as PID 1: only for a mode that reports the numbers. */
	sweep_init(&rt.sweep, rt.cfg.pid1, m->on_sweep != NULL);
	for (;;) {
		struct timespec buf;
		struct event ev;

		if (!events_pending()) {
			if (m->on_idle)
				m->on_idle();
			sweep_idle();
			if (rt.phase == RT_RUN && m->finished())
				sweep_begin();
			if (rt.phase == RT_DONE)
				break;
		}
		if (events_wait(&ev, next_deadline(&buf)) == 0)
			dispatch(&ev);
		else
			on_deadlines();
	}
	sweep_free(&rt.sweep);
}
