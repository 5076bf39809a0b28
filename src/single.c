/* SPDX-License-Identifier: MIT */
/*
 * single: exec one command with procinit's own stdio, forward every signal
 * to it, reap everything, and after it exits sweep the orphans it left
 * (SIGTERM, then SIGKILL after --timeout). Main thread only; messages go to
 * stderr, since stdout belongs to the command. From the fork on it must not
 * die: failures are warnings.
 */
#include "single.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"
#include "log.h"
#include "reaper.h"
#include "signames.h"
#include "spawn.h"
#include "sweep.h"
#include "sysinit.h"

enum phase { RUNNING, SWEEP, DONE };

static struct {
	const struct single_config *cfg;
	pid_t child;
	int status;
	enum phase phase;
	struct sweep sweep;
	bool nochild, tty, child_stopped;
	unsigned long gen;
} st;

static void forward(int sig)
{
	int to = st.cfg->rewrite[sig] >= 0 ? st.cfg->rewrite[sig] : sig;
	pid_t target = st.cfg->pgroup ? -st.child : st.child;

	if (to == 0) {
		if (st.cfg->verbosity >= 2)
			fprintf(stderr, "procinit: dropping %s\n", sig_name(sig));
		return;
	}
	if (st.cfg->verbosity >= 2)
		fprintf(stderr, "procinit: forwarding %s as %s to %s %d\n", sig_name(sig),
			sig_name(to), st.cfg->pgroup ? "group" : "pid", (int)st.child);
	if (kill(target, to) < 0)
		fprintf(stderr, "procinit: warning: cannot forward %s to %d: %s\n", sig_name(to),
			(int)st.child, strerror(errno));
}

/*
 * The child stopped itself on the terminal (ctrl-z): hand the terminal back
 * to our own group and stop too, so the shell that started us regains it.
 */
static void child_stopped(void)
{
	st.child_stopped = true;
	if (!st.tty || st.cfg->pid1)
		return;
	tcsetpgrp(0, getpgrp());
	kill(getpid(), SIGSTOP);
}

/* We were continued (fg): give the terminal back to the child and wake it. */
static void continued(void)
{
	if (st.child_stopped && st.tty && !st.cfg->pid1) {
		tcsetpgrp(0, st.child);
		kill(-st.child, SIGCONT);
		st.child_stopped = false;
		return;
	}
	forward(SIGCONT);
}

static void report_sweep(int sig, size_t n)
{
	fprintf(stderr, "procinit: sending %s to %zu orphaned processes\n", sig_name(sig), n);
}

static void start_sweep(void)
{
	st.sweep.pid1 = st.cfg->pid1;
	st.sweep.timeout = st.cfg->timeout;
	st.sweep.report = st.cfg->verbosity >= 1 ? report_sweep : NULL;
	sweep_begin(&st.sweep, st.nochild);
	st.phase = st.sweep.phase == SWEEP_OVER ? DONE : SWEEP;
}

static void advance_sweep(void)
{
	sweep_advance(&st.sweep);
	if (st.sweep.phase == SWEEP_OVER)
		st.phase = DONE;
}

static void on_exit_event(pid_t pid, int status)
{
	/* sysinit: a stop request began the sweep before the command ended: keep its status. */
	if (pid == st.child && st.phase == SWEEP && !WIFSTOPPED(status) && !WIFCONTINUED(status))
		st.status = status;
	if (pid == st.child && st.phase == RUNNING) {
		if (WIFSTOPPED(status)) {
			child_stopped();
			return;
		}
		if (WIFCONTINUED(status))
			return;
		st.status = status;
		if (st.cfg->verbosity >= 1)
			fprintf(stderr, "procinit: child %d %s %d\n", (int)pid,
				WIFSIGNALED(status) ? "killed by signal" : "exited with code",
				WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		start_sweep();
		return;
	}
	if (WIFSTOPPED(status) || WIFCONTINUED(status))
		return;
	if (st.cfg->verbosity >= 1)
		fprintf(stderr, "procinit: reaped orphan %d\n", (int)pid);
	if (st.phase == SWEEP)
		sweep_reaped(&st.sweep);
}

static void on_signal(int sig)
{
	/* sysinit: on a real system these stop everything (the sweep) instead of being forwarded. */
	const char *sys = sysinit_stop_request(sig);

	if (sys) {
		log_info("%s", sys);
		if (st.phase == RUNNING)
			start_sweep();
		else if (st.phase == SWEEP && st.sweep.phase == SWEEP_TERM)
			advance_sweep();
		return;
	}
	if (st.phase == RUNNING) {
		if (sig == SIGCONT)
			continued();
		else
			forward(sig);
		return;
	}
	/* The command is gone; a stop request now just hurries the sweep. */
	if ((sig == SIGTERM || sig == SIGINT) && st.phase == SWEEP &&
	    st.sweep.phase == SWEEP_TERM)
		advance_sweep();
}

static int exit_code(void)
{
	int code = WIFSIGNALED(st.status) ? 128 + WTERMSIG(st.status) : WEXITSTATUS(st.status);

	for (size_t i = 0; i < st.cfg->n_expect; i++)
		if (st.cfg->expect[i] == code)
			return 0;
	return code;
}

int single_run(const struct single_config *cfg)
{
	struct spawn_failure fail;
	struct spawn_req req = {
		.path = cfg->argv[0],
		.search_path = true,
		.argv = cfg->argv,
		.envp = cfg->envp,
		.dir = cfg->dir,
		.stdin_fd = -1,
		.out_fd = -1,
		.own_pgroup = true,
		.pdeathsig = SIGKILL,
		.mask = cfg->orig_mask,
		.sigchld_orig_ign = cfg->sigchld_orig_ign,
	};
	int err;

	memset(&st, 0, sizeof(st));
	st.cfg = cfg;
	/* Take the terminal only if it is ours to give: never from a background job. */
	st.tty = isatty(0) && tcgetpgrp(0) == getpgrp();
	req.tty_foreground = st.tty;
	err = spawn_child(&req, &st.child, &fail);
	if (err) {
		fprintf(stderr, "procinit: cannot start %s: %s\n", cfg->argv[0], strerror(err));
		return 126;
	}
	st.gen = reaper_children_added();
	if (fail.step) {
		if (!strcmp(fail.step, "exec"))
			fprintf(stderr, "procinit: %s: %s\n", cfg->argv[0],
				fail.err == ENOENT ? "command not found" : strerror(fail.err));
		else
			fprintf(stderr, "procinit: %s: %s: %s\n", cfg->argv[0], fail.step,
				strerror(fail.err));
	}

	while (st.phase != DONE) {
		const struct timespec *dl = st.phase == SWEEP ? &st.sweep.deadline : NULL;
		struct event ev;

		if (st.phase == SWEEP)
			sweep_idle(&st.sweep);
		if (events_wait(&ev, dl) != 0) {
			advance_sweep();
			continue;
		}
		switch (ev.kind) {
		case EV_SIGNAL:
			on_signal(ev.signo);
			break;
		case EV_EXIT:
			on_exit_event(ev.pid, ev.status);
			break;
		case EV_NOCHILD:
			if (ev.gen == st.gen) {
				st.nochild = true;
				if (st.phase != RUNNING)
					st.phase = DONE;
			}
			break;
		default:
			break;
		}
	}
	return exit_code();
}
