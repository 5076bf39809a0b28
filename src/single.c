/* SPDX-License-Identifier: MIT */
/*
 * single: exec one command with procinit's own stdio, forward every signal
 * to it, and exit with its status once it and the orphans it left are gone
 * (the runtime sweeps those). Main thread only; messages go to stderr,
 * since stdout belongs to the command. From the fork on it must not die:
 * failures are warnings.
 */
#include "single.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "runtime.h"
#include "signames.h"
#include "spawn.h"
#include "sysinit.h"

static struct {
	const struct single_config *cfg;
	pid_t child;
	int status;
	bool child_done, tty, child_stopped;
} st;

static void forward(int sig)
{
	int to = st.cfg->rewrite[sig] >= 0 ? st.cfg->rewrite[sig] : sig;
	pid_t target = st.cfg->pgroup ? -st.child : st.child;

	if (to == 0) {
		if (st.cfg->verbosity >= 2)
			log_info("dropping %s", sig_name(sig));
		return;
	}
	if (st.cfg->verbosity >= 2)
		log_info("forwarding %s as %s to %s %d", sig_name(sig), sig_name(to),
			 st.cfg->pgroup ? "group" : "pid", (int)st.child);
	if (kill(target, to) < 0)
		log_warn("cannot forward %s to %d: %m", sig_name(to), (int)st.child);
}

/*
 * The child stopped itself on the terminal (ctrl-z): hand the terminal back
 * to our own group and stop too, so the shell that started us regains it.
 */
static void on_job(pid_t pid, int status)
{
	if (pid != st.child || st.child_done || !WIFSTOPPED(status))
		return;
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

static void on_exit_event(pid_t pid, int status)
{
	if (pid == st.child && !st.child_done) {
		st.child_done = true;
		st.status = status;
		if (st.cfg->verbosity >= 1)
			log_info("child %d %s %d", (int)pid,
				 WIFSIGNALED(status) ? "killed by signal" : "exited with code",
				 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return;
	}
	if (st.cfg->verbosity >= 1)
		log_info("reaped orphan %d", (int)pid);
}

static void on_signal(int sig, unsigned long seq)
{
	/* sysinit: on a real system these stop everything instead of being forwarded. */
	const char *sys = sysinit_stop_request(sig);

	(void)seq;
	if (sys) {
		log_info("%s", sys);
		if (runtime_sweeping())
			runtime_sweep_hurry();
		else
			runtime_sweep_now(); /* SIGTERM to every process, the command too */
		return;
	}
	if (!st.child_done) {
		if (sig == SIGCONT)
			continued();
		else if (st.cfg->pdeathsig && sig == st.cfg->pdeathsig && sig != SIGTERM)
			forward(SIGTERM); /* the parent died: a graceful stop, whatever the signal */
		else
			forward(sig);
		return;
	}
	/* The command is gone; a stop request now just hurries the sweep. */
	if (sig == SIGTERM || sig == SIGINT)
		runtime_sweep_hurry();
}

static bool finished(void)
{
	return st.child_done;
}

static void on_sweep(int sig, size_t n)
{
	log_info("sending %s to %zu orphaned process%s", sig_name(sig), n, n == 1 ? "" : "es");
}

static int exit_code(void)
{
	int code = WIFSIGNALED(st.status) ? 128 + WTERMSIG(st.status) : WEXITSTATUS(st.status);

	return st.cfg->expect[code & 0xff] ? 0 : code;
}

static void start_failed(const struct spawn_failure *fail)
{
	const char *cmd = st.cfg->argv[0];

	if (fail->step == SPAWN_EXEC && fail->err == ENOENT)
		log_error("%s: command not found", cmd);
	else if (fail->step == SPAWN_EXEC)
		log_error("%s: %s", cmd, strerror(fail->err));
	else
		log_error("%s: %s: %s", cmd, spawn_step_name(fail->step), strerror(fail->err));
}

int single_run(const struct single_config *cfg)
{
	struct spawn_failure fail;
	struct spawn_req req = {
		.path = cfg->argv[0],
		.argv = cfg->argv,
		.envp = cfg->envp,
		.dir = cfg->dir,
		.stdin_fd = -1,
		.out_fd = -1,
		.own_pgroup = true,
		.pdeathsig = SIGKILL,
	};
	const struct runtime_mode mode = {
		.on_signal = on_signal,
		.on_exit = on_exit_event,
		.on_job = on_job,
		.finished = finished,
		.on_sweep = cfg->verbosity >= 1 ? on_sweep : NULL,
	};
	int err;

	memset(&st, 0, sizeof(st));
	st.cfg = cfg;
	/* Take the terminal only if it is ours to give: never from a background job. */
	st.tty = isatty(0) && tcgetpgrp(0) == getpgrp();
	req.tty_foreground = st.tty;
	err = spawn_child(&req, &st.child, &fail);
	if (err) {
		log_error("cannot start %s: %s", cfg->argv[0], strerror(err));
		return 126;
	}
	runtime_spawned();
	if (fail.step != SPAWN_RAN)
		start_failed(&fail);
	runtime_run(&mode);
	return exit_code();
}
