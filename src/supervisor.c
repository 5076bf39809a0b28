/* SPDX-License-Identifier: MIT */
/*
 * supervisor: the instances of a Procfile run. Everything that happens to
 * an instance is an event fed to lc_next; the actions it returns are done
 * here (timers, signals to the instance's process group, spawning) and the
 * policy is asked when an instance ends on its own. Main thread only; it
 * never blocks on output (system lines go through announce) and takes no
 * lock of its own. From the first spawn on it must not die: every failure
 * becomes a message and a documented exit status.
 */
#include "supervisor.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "announce.h"
#include "clock.h"
#include "control.h"
#include "instance.h"
#include "lifecycle.h"
#include "pty.h"
#include "notify.h"
#include "pump.h"
#include "readiness.h"
#include "restart.h"
#include "runtime.h"
#include "signames.h"
#include "sigthread.h"
#include "spawn.h"
#include "sysinit.h"

struct inst {
	const struct instance *in;
	size_t idx;
	enum lc_state state;
	enum lc_goal goal;
	enum lc_report report; /* of the current run's leader */
	pid_t pid;             /* the current run's leader, and its process group */
	int status;            /* the leader's wait status */
	struct pump *pump;     /* the current run's, until its EV_EOF */
	int pty_fd;            /* --tty: our handle on the master, for window sizes */
	struct timespec timer; /* of STOPPING, KILLING and BACKOFF */
	struct timespec drain_deadline, started;
	double restart_delay;
	struct restart_state rs;
	struct readiness ready;
	bool waiting_said; /* "waiting for DEP" is out */
	/* The control verbs (issue 13). */
	unsigned runs; /* runs started, a failed start included */
	bool asked;    /* a request stops this run: its SIGKILL is not the final stop's */
	bool retired;  /* scaled away: no longer named or listed */
	bool picked;   /* named in the request at hand */
};

static struct {
	const struct sup_config *cfg;
	struct inst *v;
	/* scale appends (up to cap); pumps name instances by index */
	size_t n, cap;
	bool stopping;    /* the stop of everything has begun */
	bool by_signal;   /* ... because of a signal, not an exit */
	bool killed;      /* something needed SIGKILL */
	bool have_first;  /* first_status holds the first exit that counts */
	bool job_stopped; /* children stopped by a ctrl-z of ours */
	bool starting;    /* start_waiting is under way (it may be reached again) */
	bool start_again;
	int first_status;
	size_t n_types;
	const char **type_names;            /* per type */
	size_t **dependents, *n_dependents; /* per type: the types that wait for it */
	size_t *not_ready, *alive;          /* per type: scratch of start_waiting, stop_in_order */
} sv;

static void feed(struct inst *p, enum lc_event ev);
static void start_waiting(void);
static void begin_stop(void);
static bool something_running(void);

static int width(void)
{
	return (int)sv.cfg->name_width;
}

static bool watched(const struct inst *p)
{
	return p->report == LC_REPORT_DONE && lc_alive(p->state);
}

/* The group first, so whatever the leader started goes too. */
static void signal_group(struct inst *p, int sig)
{
	if (p->pid <= 0)
		return; /* never started: kill(0) would signal procinit's own group */
	if (kill(-p->pid, sig) < 0 && errno == ESRCH && p->report != LC_REPORT_DONE)
		kill(p->pid, sig); /* a leader that left its group still gets it */
}

static bool group_empty(const struct inst *p)
{
	/* EPERM: members we may not signal are members still. */
	return p->pid <= 0 || (kill(-p->pid, 0) < 0 && errno == ESRCH);
}

static void send_stop(struct inst *p)
{
	int sig = p->in->stop_signal;

	if (p->report == LC_REPORT_DONE)
		announce(NULL, "sending %s for %s's process group %d", sig_name(sig), p->in->name,
			 (int)p->pid);
	else
		announce(NULL, "sending %s for %s at pid %d", sig_name(sig), p->in->name,
			 (int)p->pid);
	signal_group(p, sig);
	/* A stopped process would sit on its signal until SIGKILL (systemd does the same). */
	if (sig != SIGKILL && sig != SIGCONT)
		signal_group(p, SIGCONT);
}

static void send_kill(struct inst *p)
{
	announce(NULL, "sending SIGKILL for %s at pid %d", p->in->name, (int)p->pid);
	signal_group(p, SIGKILL);
	if (!p->asked)
		sv.killed = true; /* a restart's or a stop's SIGKILL is not the exit status' */
}

static void announce_exit(const struct inst *p)
{
	const char *name = p->in->name;

	if (WIFSIGNALED(p->status))
		announce(NULL, "%-*s terminated by %s", width(), name,
			 sig_name(WTERMSIG(p->status)));
	else
		announce(NULL, "%-*s exited with code %d", width(), name, WEXITSTATUS(p->status));
}

/* The exit line is out: the lifecycle hears of it, with the state of the group. */
static void reported(struct inst *p)
{
	announce_exit(p);
	feed(p, group_empty(p) ? LC_REPORTED_ALONE : LC_REPORTED_GROUP);
}

static void report_event(struct inst *p, enum lc_report_event ev)
{
	enum lc_report was = p->report;
	int due;

	p->report = lc_report_next(p->report, ev, &due);
	if (p->report == LC_REPORT_REAPED && was != LC_REPORT_REAPED) {
		/* A stdout nobody reads must not hold up the exit line forever. */
		double grace = sv.cfg->timeout > 1.0 ? sv.cfg->timeout : 1.0;

		p->drain_deadline = mono_add(mono_now(), grace);
	}
	if (due)
		reported(p);
}

static void exec_failed(struct inst *p, const struct spawn_failure *fail)
{
	const char *what = p->in->path;

	if (fail->step == SPAWN_EXEC && fail->err == ENOENT && p->in->kind == CMDLINE_DIRECT &&
	    !strchr(what, '/'))
		announce(NULL, "%-*s could not start: %s: command not found", width(), p->in->name,
			 what);
	else if (fail->step == SPAWN_EXEC)
		announce(NULL, "%-*s could not start: %s: %s", width(), p->in->name, what,
			 strerror(fail->err));
	else
		announce(NULL, "%-*s could not start: %s: %s", width(), p->in->name,
			 spawn_step_name(fail->step), strerror(fail->err));
}

/* No process came to be: the run ends at once, as an exit with code 126. */
static void not_started(struct inst *p, int err)
{
	announce(NULL, "%-*s could not start: %s", width(), p->in->name, strerror(err));
	p->pid = 0;
	p->status = 126 << 8;
	report_event(p, LC_R_REAPED);
	if (!p->pump)
		report_event(p, LC_R_OUTPUT_DONE);
}

static void spawn_run(struct inst *p)
{
	struct spawn_req req = {
		.path = p->in->path,
		.argv = p->in->argv,
		.envp = p->in->envp,
		.dir = sv.cfg->dir,
		.stdin_fd = sv.cfg->stdin_fd,
		.own_pgroup = true,
		.new_session = sv.cfg->tty,
		/* If procinit itself is killed, the program must not live on. */
		.pdeathsig = SIGKILL,
		.default_signals = true,
	};
	struct spawn_failure fail;
	int write_end, err;

	p->runs++;
	p->asked = false;
	p->report = LC_REPORT_LIVE;
	p->pump = NULL;
	err = pump_open(p->idx, p->in->name, output_color_for(p->in->type), sv.cfg->tty,
			p->in->ready.kind == READY_LOG ? p->in->ready.text : NULL, &p->pump,
			&write_end, &p->pty_fd);
	if (err) {
		not_started(p, err);
		return;
	}
	req.out_fd = write_end;
	err = spawn_child(&req, &p->pid, &fail);
	close(write_end); /* the pump sees EOF when the last writer is gone */
	if (err) {
		pump_release(p->pump); /* it reads the EOF and ends */
		not_started(p, err);
		return;
	}
	runtime_spawned();
	p->started = mono_now();
	p->waiting_said = false;
	if (p->rs.total)
		announce(p->pump, "%-*s start at pid: %d (restart %u)", width(), p->in->name,
			 (int)p->pid, p->rs.total);
	else
		announce(p->pump, "%-*s start at pid: %d", width(), p->in->name, (int)p->pid);
	if (fail.step != SPAWN_RAN)
		exec_failed(p, &fail);
	if (readiness_begin(&p->ready, p->started, sv.cfg->ready_timeout))
		start_waiting(); /* ready at once: its dependents may start */
}

/*
 * --ready and --after. An instance waits until every instance of each type
 * it is --after is ready; a type with no instance in this run holds nobody
 * up. Readiness is per run: a restarted dependency is not ready again until
 * its check passes again, but what already started keeps running.
 */
static bool deps_ready(const struct inst *p, const char **unmet)
{
	for (size_t i = 0; i < p->in->n_after; i++) {
		if (sv.not_ready[p->in->after[i]]) {
			*unmet = sv.type_names[p->in->after[i]];
			return false;
		}
	}
	return true;
}

static void count_not_ready(void)
{
	memset(sv.not_ready, 0, sv.n_types * sizeof(*sv.not_ready));
	for (size_t i = 0; i < sv.n; i++)
		if (!sv.v[i].ready.ready)
			sv.not_ready[sv.v[i].in->type]++;
}

/* Starts every waiting instance whose dependencies are ready, then says who waits. */
static void start_waiting(void)
{
	const char *unmet;

	if (sv.starting) {
		sv.start_again = true; /* a start made something ready at once */
		return;
	}
	sv.starting = true;
	do {
		sv.start_again = false;
		count_not_ready();
		for (size_t i = 0; i < sv.n && !sv.stopping; i++)
			if (sv.v[i].state == LC_WAITING && deps_ready(&sv.v[i], &unmet))
				feed(&sv.v[i], LC_START);
	} while (sv.start_again && !sv.stopping);
	sv.starting = false;
	count_not_ready();
	for (size_t i = 0; i < sv.n && !sv.stopping; i++) {
		struct inst *p = &sv.v[i];

		if (p->state == LC_WAITING && !p->waiting_said && !deps_ready(p, &unmet)) {
			p->waiting_said = true;
			announce(NULL, "%-*s waiting for %s", width(), p->in->name, unmet);
		}
	}
}

static void became_ready(struct inst *p)
{
	char how[96];

	readiness_describe(&p->ready, how, sizeof(how));
	readiness_passed(&p->ready);
	announce(NULL, "%-*s ready (%s)", width(), p->in->name, how);
	start_waiting();
}

/* An exit that counts: the first such gives procinit its exit status; the stop begins. */
static void stop_for_exit(int status)
{
	if (!sv.have_first) {
		sv.have_first = true;
		sv.first_status = status;
	}
	begin_stop();
}

/* --ready-timeout passed: it counts as an exit with code 1, and the usual stop follows. */
static void not_ready_in_time(struct inst *p)
{
	readiness_end(&p->ready);
	announce(NULL, "%-*s not ready after %g s", width(), p->in->name, sv.cfg->ready_timeout);
	if (!sv.stopping)
		stop_for_exit(1 << 8);
}

/*
 * With --after a stop goes in reverse: an instance gets its stop signal once
 * nothing that depends on its type is alive any more.
 */
static void stop_in_order(void)
{
	memset(sv.alive, 0, sv.n_types * sizeof(*sv.alive));
	for (size_t i = 0; i < sv.n; i++)
		if (lc_alive(sv.v[i].state))
			sv.alive[sv.v[i].in->type]++;
	for (size_t i = 0; i < sv.n; i++) {
		struct inst *p = &sv.v[i];
		size_t t = p->in->type, busy = 0;

		for (size_t k = 0; k < sv.n_dependents[t]; k++)
			busy += sv.alive[sv.dependents[t][k]];
		if (!busy)
			feed(p, LC_STOP);
	}
}

/* The first instance of its type speaks for it: its name, what it waits for. */
static bool learn_type(const struct instance *in)
{
	if (sv.type_names[in->type])
		return true;
	sv.type_names[in->type] = in->type_name;
	for (size_t k = 0; k < in->n_after; k++) {
		size_t dep = in->after[k];
		size_t *v = realloc(sv.dependents[dep], (sv.n_dependents[dep] + 1) * sizeof(*v));

		if (!v)
			return false;
		v[sv.n_dependents[dep]++] = in->type;
		sv.dependents[dep] = v;
	}
	return true;
}

/* Per type: names, who depends on whom, scratch. False when out of memory. */
static bool plan_types(void)
{
	/* Every type of the Procfile: scale may start one that start did not. */
	sv.n_types = sv.cfg->n_types;
	for (size_t i = 0; i < sv.n; i++)
		if (sv.v[i].in->type + 1 > sv.n_types)
			sv.n_types = sv.v[i].in->type + 1;
	sv.type_names = calloc(sv.n_types + 1, sizeof(*sv.type_names));
	sv.dependents = calloc(sv.n_types + 1, sizeof(*sv.dependents));
	sv.n_dependents = calloc(sv.n_types + 1, sizeof(*sv.n_dependents));
	sv.not_ready = calloc(sv.n_types + 1, sizeof(*sv.not_ready));
	sv.alive = calloc(sv.n_types + 1, sizeof(*sv.alive));
	if (!sv.type_names || !sv.dependents || !sv.n_dependents || !sv.not_ready || !sv.alive)
		return false;
	for (size_t i = 0; i < sv.n; i++)
		if (!learn_type(sv.v[i].in))
			return false;
	return true;
}

/* Running means: it is, or it will be again, or it is on its way out. */
static bool something_running(void)
{
	for (size_t i = 0; i < sv.n; i++) {
		enum lc_state s = sv.v[i].state;

		if (s != LC_EXITED && s != LC_LINGERING)
			return true;
	}
	return false;
}

static void begin_stop(void)
{
	if (sv.stopping)
		return;
	sv.stopping = true;
	if (sv.by_signal)
		announce(NULL, "sending SIGTERM for children");
	if (sv.cfg->ordered) {
		stop_in_order();
		return;
	}
	for (size_t i = 0; i < sv.n; i++)
		feed(&sv.v[i], LC_STOP);
}

static void kill_all(void)
{
	for (size_t i = 0; i < sv.n; i++)
		feed(&sv.v[i], LC_KILL);
}

/* --restart: the next run's delay, or false when the budget is spent. */
static bool plan_restart(struct inst *p)
{
	struct timespec now = mono_now();
	double delay = restart_next(&p->rs, sv.cfg->restart_window, p->started, now);

	if (delay < 0) {
		announce(NULL, "%s restarted %u times within %g s: giving up", p->in->name,
			 sv.cfg->restart_max, sv.cfg->restart_window);
		return false;
	}
	p->restart_delay = delay;
	announce(NULL, "restarting %s in %g s", p->in->name, delay);
	return true;
}

/* The leader ended on its own: the first exit stops everything, unless... */
static void decide(struct inst *p)
{
	if (sv.stopping)
		return;
	if (p->in->ready.kind == READY_EXIT && WIFEXITED(p->status) &&
	    WEXITSTATUS(p->status) == 0 && p->pid > 0) {
		/* A one-shot task that did its job: ready, and nothing stops. */
		became_ready(p);
		if (!something_running())
			begin_stop();
		return;
	}
	/* A run that could not start at all is not retried: it ends like any first exit. */
	if (p->in->restart && p->pid > 0 && plan_restart(p)) {
		feed(p, LC_RESPAWN);
		return;
	}
	if (p->in->can_die) {
		if (!something_running())
			begin_stop(); /* only can-die processes were left: a clean end */
		return;
	}
	stop_for_exit(p->status);
}

static void give_up(struct inst *p)
{
	announce(NULL, "%s did not end after SIGKILL; giving up on it", p->in->name);
	/* What is left of it is not an orphan: the sweep must not count or signal it. */
	runtime_sweep_skip_group(p->pid);
	p->report = LC_REPORT_DONE;
}

static void perform(struct inst *p, unsigned a)
{
	struct timespec now = mono_now();

	if (a & LC_A_TIMER_STOP)
		p->timer = mono_add(now, sv.cfg->timeout);
	if (a & LC_A_TIMER_KILL)
		p->timer = mono_add(now, RUNTIME_KILL_GRACE);
	if (a & LC_A_TIMER_RESTART)
		p->timer = mono_add(now, p->restart_delay);
	if (a & (LC_A_SIGNAL_STOP | LC_A_SIGNAL_KILL | LC_A_OVER))
		readiness_end(&p->ready);
	if (a & LC_A_SIGNAL_STOP)
		send_stop(p);
	if (a & LC_A_SIGNAL_KILL)
		send_kill(p);
	if (a & LC_A_GIVE_UP)
		give_up(p);
	if (a & LC_A_OVER && p->pty_fd >= 0) {
		close(p->pty_fd);
		p->pty_fd = -1;
	}
	if (a & LC_A_SPAWN)
		spawn_run(p);
	if (a & LC_A_DECIDE)
		decide(p);
}

/* SPAWN may feed P again: a start that fails ends the run at once. */
static void feed(struct inst *p, enum lc_event ev)
{
	struct lc_step st = lc_next(p->state, p->goal, ev);

	p->state = st.state;
	p->goal = st.goal;
	perform(p, st.actions);
}

/* PID is P's current leader, not reaped yet. */
static bool is_leader(const struct inst *p, pid_t pid)
{
	return p->pid == pid && (p->report == LC_REPORT_LIVE || p->report == LC_REPORT_EOF);
}

static void leader_exited(struct inst *p, int status)
{
	p->status = status;
	/*
	 * LIVE: its pump is still open (only its EV_EOF clears p->pump, and that
	 * moves the report to EOF, where this exit completes the report).
	 */
	if (p->report == LC_REPORT_LIVE)
		pump_drain(p->pump);
	report_event(p, LC_R_REAPED);
}

/*
 * One pass over the table. A leader goes before a readiness check: the
 * reaper frees a pid before we hear of its exit, so a new process may
 * already hold it.
 */
static void on_exit_event(pid_t pid, int status)
{
	struct inst *check = NULL;
	bool passed;

	for (size_t i = 0; i < sv.n; i++) {
		struct inst *p = &sv.v[i];

		if (is_leader(p, pid)) {
			leader_exited(p, status);
			return;
		}
		if (!check && p->ready.check_pid == pid)
			check = p;
	}
	/* A check's, or an orphan's or a group member's (on_idle looks at the groups). */
	if (check && readiness_check_exited(&check->ready, pid, status, &passed) && passed)
		became_ready(check);
}

static void on_output(const struct event *ev)
{
	struct inst *p = ev->owner < sv.n ? &sv.v[ev->owner] : NULL;
	bool current = p && ev->pump == p->pump;

	if (ev->kind == EV_EOF) {
		pump_destroy(ev->pump); /* EV_EOF is its last word */
		if (current)
			p->pump = NULL;
	}
	/* EV_DRAINED comes only after pump_drain, in REAPED (or DONE, where it changes nothing). */
	if (current)
		report_event(p, LC_R_OUTPUT_DONE);
}

static void on_ready(const struct event *ev)
{
	struct inst *p = ev->owner < sv.n ? &sv.v[ev->owner] : NULL;

	if (ev->kind == EV_STATUS) {
		if (p)
			announce(NULL, "%s status: %s", p->in->name, ev->text);
		free(ev->text);
		return;
	}
	if (p && readiness_event(&p->ready, ev, p->pump) && p->state == LC_RUNNING)
		became_ready(p);
}

/* Groups that outlived their leader: has the last member gone? */
static void on_idle(void)
{
	for (size_t i = 0; i < sv.n; i++)
		if (watched(&sv.v[i]) && group_empty(&sv.v[i]))
			feed(&sv.v[i], LC_GROUP_EMPTY);
	if (sv.stopping && sv.cfg->ordered)
		stop_in_order(); /* what waited for its dependents to end may go now */
}

static bool has_timer(const struct inst *p)
{
	return p->state == LC_STOPPING || p->state == LC_KILLING || p->state == LC_BACKOFF;
}

static int next_deadline(struct timespec *when)
{
	struct timespec t;
	int have = 0;

	for (size_t i = 0; i < sv.n; i++) {
		const struct inst *p = &sv.v[i];

		if (has_timer(p))
			mono_min(when, &have, p->timer);
		if (p->report == LC_REPORT_REAPED)
			mono_min(when, &have, p->drain_deadline);
		if (readiness_deadline(&p->ready, &t))
			mono_min(when, &have, t);
	}
	return have;
}

static void on_deadline(struct timespec now)
{
	for (size_t i = 0; i < sv.n; i++) {
		struct inst *p = &sv.v[i];

		if (p->report == LC_REPORT_REAPED && mono_cmp(now, p->drain_deadline) >= 0)
			report_event(p, LC_R_OUTPUT_DONE);
		if (has_timer(p) && mono_cmp(now, p->timer) >= 0)
			feed(p, LC_DEADLINE);
		if (readiness_on_time(&p->ready, now) == READINESS_TIMED_OUT)
			not_ready_in_time(p);
	}
}

static bool finished(void)
{
	if (!sv.stopping)
		return false;
	for (size_t i = 0; i < sv.n; i++)
		if (!lc_settled(sv.v[i].state))
			return false;
	return true;
}

static void on_sweep(int sig, size_t n)
{
	announce(NULL, "sending %s to %zu orphaned process%s", sig_name(sig), n, n == 1 ? "" : "es");
	if (sig == SIGKILL)
		sv.killed = true;
}

static void signal_alive(int sig)
{
	for (size_t i = 0; i < sv.n; i++)
		if (lc_alive(sv.v[i].state))
			signal_group(&sv.v[i], sig);
}

/* ctrl-z: stop every child group, then ourselves, as a shell job would stop. */
static void job_stop(int sig, unsigned long seq)
{
	if (sv.cfg->pid1) {
		/* An init that stops takes the whole container with it. */
		announce(NULL, "%s ignored: procinit is PID 1", sig_name(sig));
		return;
	}
	if (sigthread_continued_since(seq))
		return; /* a SIGCONT came after it: the kernel would have dropped it too */
	signal_alive(SIGSTOP);
	sv.job_stopped = true;
	kill(getpid(), SIGSTOP);
}

/* fg / bg: we run again, so must they. */
static void job_continue(void)
{
	signal_alive(SIGCONT);
	if (sv.job_stopped)
		announce(NULL, "resumed");
	sv.job_stopped = false;
}

/* What a stop request (a signal, quit) does: each one climbs a rung. */
enum stop_rung {
	RUNG_STOP,  /* the first: the graceful stop, as for SIGTERM */
	RUNG_KILL,  /* again during the stop: SIGKILL to everything */
	RUNG_HURRY, /* again during the sweep: SIGKILL to the orphans now */
};

static enum stop_rung next_rung(void)
{
	return runtime_sweeping() ? RUNG_HURRY : sv.stopping ? RUNG_KILL : RUNG_STOP;
}

/* After the caller said why. */
static void climb(enum stop_rung r)
{
	if (r == RUNG_HURRY) {
		runtime_sweep_hurry();
	} else if (r == RUNG_KILL) {
		kill_all();
	} else {
		sv.by_signal = true; /* "sending SIGTERM for children"; exit 0 if all goes well */
		begin_stop();
	}
}

/* Why the graceful stop begins: SYS, ctrl-c, SIGTERM or the --pdeathsig signal. */
static void announce_stop_request(int sig, const char *sys)
{
	if (sys)
		announce(NULL, "%s", sys);
	else if (sig == SIGINT)
		announce(NULL, "ctrl-c detected");
	else if (sig == SIGTERM)
		announce(NULL, "SIGTERM received");
	else
		announce(NULL, "%s received (--pdeathsig)", sig_name(sig));
}

/*
 * SIGINT, SIGTERM, the --pdeathsig signal, or on a real system one of the
 * init conventions (SYS: its announcement): the graceful stop; twice: SIGKILL.
 */
static void stop_request(int sig, const char *sys)
{
	enum stop_rung r = next_rung();

	if (r == RUNG_STOP)
		announce_stop_request(sig, sys);
	else if (r == RUNG_KILL)
		announce(NULL, "%s received again: killing everything",
			 sys           ? sysinit_signal_label(sig) :
			 sig == SIGINT ? "ctrl-c" :
					 sig_name(sig));
	climb(r);
}

static void on_signal(int sig, unsigned long seq)
{
	/* sysinit: on a real system ^C, ctrl-alt-del and busybox's signals stop everything. */
	const char *sys = sysinit_stop_request(sig);

	if (sys || sig == SIGINT || sig == SIGTERM ||
	    (sv.cfg->pdeathsig && sig == sv.cfg->pdeathsig)) {
		stop_request(sig, sys);
	} else if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		job_stop(sig, seq);
	} else if (sig == SIGCONT) {
		job_continue();
	} else if (sig == SIGWINCH) {
		/*
		 * Only pseudo-terminals have a size: resizing each makes the
		 * kernel signal its foreground group. Children on pipes have no
		 * terminal, and to some (Apache httpd) SIGWINCH means "stop".
		 */
		for (size_t i = 0; sv.cfg->tty && i < sv.n; i++)
			if (sv.v[i].pty_fd >= 0)
				pty_sync_size(sv.v[i].pty_fd);
	} else {
		announce(NULL, "%s received, forwarding to children", sig_name(sig));
		signal_alive(sig);
	}
}

static int exit_status(void)
{
	if (sv.have_first) {
		if (WIFSIGNALED(sv.first_status))
			return 128 + WTERMSIG(sv.first_status);
		return WEXITSTATUS(sv.first_status);
	}
	return sv.killed ? 137 : 0;
}

/* --ready NAME=notify: the instance's $NOTIFY_SOCKET, for all its runs. */
static void open_notify(struct instance *in, size_t owner)
{
	char path[128];
	int err = notify_open(owner, path, sizeof(path));

	if (!err)
		err = instance_setenv(in, "NOTIFY_SOCKET", path);
	if (err)
		announce(NULL, "%s: no notify socket (%s): it will not become ready", in->name,
			 strerror(err));
}

/* ---------------------------------------------------------------- control verbs (issue 13) */

/*
 * status, restart, stop, scale and quit, as the control thread hands them
 * over. Every name is checked before anything happens; a requested stop
 * or restart goes through the lifecycle as LC_HOLD or LC_RESTART, which
 * never asks the first-exit policy (only an exit from LC_RUNNING does).
 * scale appends to the instance table (pumps name instances by index, so
 * indices stay) and retires the highest numbers, which are then no longer
 * named or listed; scaling up again brings the retired ones back first.
 */

static unsigned inst_number(const struct inst *p)
{
	const char *dot = strrchr(p->in->name, '.');

	return dot ? (unsigned)strtoul(dot + 1, NULL, 10) : 0;
}

/* WORD names P: its own name, or its type (all instances of it). */
static bool names(const struct inst *p, const char *word)
{
	const char *name = p->in->name, *dot = strrchr(name, '.');
	size_t tl = dot ? (size_t)(dot - name) : strlen(name);

	if (!strcmp(name, word))
		return true;
	return !strchr(word, '.') && strlen(word) == tl && !strncmp(name, word, tl);
}

/* Marks what REQ's words name; each word naming nothing is an error line in ERR. */
static bool pick(const struct ctl_request *req, struct qbuf *err)
{
	bool ok = true;

	for (size_t i = 0; i < sv.n; i++)
		sv.v[i].picked = false;
	for (size_t k = 0; k < req->n; k++) {
		bool any = false;

		for (size_t i = 0; i < sv.n; i++) {
			if (!sv.v[i].retired && names(&sv.v[i], req->word[k])) {
				sv.v[i].picked = true;
				any = true;
			}
		}
		if (!any) {
			qb_printf(err, "%s: no process '%s'\n", ctlproto_verb_name(req->verb),
				  req->word[k]);
			ok = false;
		}
	}
	return ok;
}

/* restart or stop of what pick marked. */
static void act(const struct ctl_request *req, unsigned long uid)
{
	const char *verb = ctlproto_verb_name(req->verb);

	for (size_t i = 0; i < sv.n; i++) {
		struct inst *p = &sv.v[i];

		if (!p->picked)
			continue;
		announce(NULL, "%s of %s requested (uid %lu)", verb, p->in->name, uid);
		p->asked = true;
		/* LC_RESTART starts the next run at once, not after --restart's backoff. */
		feed(p, req->verb == CTL_RESTART ? LC_RESTART : LC_HOLD);
	}
}

/* Running and ready; or done when done is fine (--can-die, a one-shot --ready exit). */
static bool as_it_should_be(const struct inst *p)
{
	bool done = p->state == LC_EXITED || p->state == LC_LINGERING;

	if (p->state == LC_RUNNING)
		return p->ready.ready;
	return done && (p->in->can_die || (p->in->ready.kind == READY_EXIT && p->ready.ready));
}

static int by_type_and_number(const void *a, const void *b)
{
	const struct inst *p = *(struct inst *const *)a, *q = *(struct inst *const *)b;

	if (p->in->type != q->in->type)
		return p->in->type < q->in->type ? -1 : 1;
	return inst_number(p) < inst_number(q) ? -1 : inst_number(p) > inst_number(q);
}

static int status(const struct ctl_request *req, struct qbuf *b)
{
	struct inst **order = calloc(sv.n + 1, sizeof(*order));
	struct ctl_status *st = calloc(sv.n + 1, sizeof(*st));
	struct timespec now = mono_now();
	bool all = !sv.stopping;
	size_t n = 0;

	if (!order || !st) {
		free(order);
		free(st);
		b->oom = true;
		return 1;
	}
	for (size_t i = 0; i < sv.n; i++)
		if (!sv.v[i].retired)
			order[n++] = &sv.v[i];
	qsort(order, n, sizeof(*order), by_type_and_number);
	for (size_t i = 0; i < n; i++) {
		const struct inst *p = order[i];
		bool alive = lc_alive(p->state) && p->pid > 0;

		all = all && as_it_should_be(p);
		st[i].name = p->in->name;
		st[i].state = lc_state_name(p->state);
		st[i].pid = alive ? (long)p->pid : 0;
		st[i].uptime = alive ? mono_diff(p->started, now) : -1;
		st[i].restarts = p->runs > 1 ? p->runs - 1 : 0;
		/* p->status is the last run's until the current leader is reaped. */
		st[i].have_exit = p->runs > 1 || p->report == LC_REPORT_REAPED ||
				  p->report == LC_REPORT_DONE;
		st[i].last_exit = p->status;
		st[i].ready = p->ready.ready && (p->state == LC_RUNNING || p->state == LC_EXITED);
	}
	if (req->json)
		ctlproto_status_json(b, st, n, (long)getpid(), sv.stopping);
	else
		ctlproto_status_text(b, st, n);
	free(order);
	free(st);
	return all ? 0 : CTL_EXIT_NOT_ALL;
}

/* The listed (or, with RETIRED, the retired) instance NUMBER of TYPE. */
static struct inst *find_numbered(size_t type, unsigned number, bool retired)
{
	for (size_t i = 0; i < sv.n; i++)
		if (sv.v[i].in->type == type && sv.v[i].retired == retired &&
		    inst_number(&sv.v[i]) == number)
			return &sv.v[i];
	return NULL;
}

static unsigned listed_of(size_t type)
{
	unsigned n = 0;

	for (size_t i = 0; i < sv.n; i++)
		n += sv.v[i].in->type == type && !sv.v[i].retired;
	return n;
}

/* A new instance, complete but for its index, built before anything changes. */
static int fresh_inst(struct inst *p, size_t type, unsigned number)
{
	struct instance *in = calloc(1, sizeof(*in));
	int err;

	if (!in)
		return ENOMEM;
	err = sv.cfg->build_instance(sv.cfg->types, type, number, in);
	if (err) {
		free(in); /* the builder frees what it had built */
		return err;
	}
	if (in->restart && (err = restart_init(&p->rs, sv.cfg->restart_max)) != 0) {
		instance_free(in);
		free(in);
		return err;
	}
	p->in = in;
	p->pty_fd = -1;
	p->state = LC_WAITING;
	return 0;
}

static void fresh_free(struct inst *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		instance_free((struct instance *)v[i].in);
		free((struct instance *)v[i].in);
		restart_free(&v[i].rs);
	}
	free(v);
}

/* Room for N more instances; pointers into sv.v are stale afterwards. */
static bool make_room(size_t n)
{
	size_t cap = sv.cap ? sv.cap : 1;
	struct inst *v;

	while (cap < sv.n + n)
		cap *= 2;
	if (cap == sv.cap)
		return true;
	v = realloc(sv.v, cap * sizeof(*v));
	if (!v)
		return false;
	memset(v + sv.cap, 0, (cap - sv.cap) * sizeof(*v));
	sv.v = v;
	sv.cap = cap;
	return true;
}

/* NAME=N's types, and the instances no table entry holds yet, built (0), or an error in ERR. */
static int scale_prepare(const struct ctl_request *req, long *types, struct inst **fresh,
			 size_t *nfresh, struct qbuf *err)
{
	size_t want = 0, k;

	for (k = 0; k < req->n; k++) {
		types[k] = sv.cfg->find_type ? sv.cfg->find_type(sv.cfg->types, req->word[k]) : -1;
		if (types[k] < 0)
			qb_printf(err, "scale: no process '%s'\n", req->word[k]);
	}
	if (err->len)
		return CTL_EXIT_USAGE;
	for (k = 0; k < req->n; k++)
		for (unsigned m = listed_of((size_t)types[k]) + 1; m <= req->count[k]; m++)
			want += !find_numbered((size_t)types[k], m, true);
	*fresh = calloc(want + 1, sizeof(**fresh));
	if (!*fresh)
		return ENOMEM;
	*nfresh = 0;
	for (k = 0; k < req->n; k++) {
		for (unsigned m = listed_of((size_t)types[k]) + 1; m <= req->count[k]; m++) {
			int e;

			if (find_numbered((size_t)types[k], m, true))
				continue;
			e = fresh_inst(&(*fresh)[*nfresh], (size_t)types[k], m);
			if (e == ERANGE) {
				qb_printf(err, "scale: the port of %s.%u is out of range 1..65535\n",
					  req->word[k], m);
				return CTL_EXIT_USAGE;
			}
			if (e)
				return ENOMEM;
			(*nfresh)++;
		}
	}
	return make_room(*nfresh) ? 0 : ENOMEM;
}

static void scale_type(size_t type, const char *name, unsigned to, struct inst *fresh, size_t *used,
		       unsigned long uid)
{
	unsigned from = listed_of(type);

	announce(NULL, "scale of %s from %u to %u requested (uid %lu)", name, from, to, uid);
	/* The highest numbers go first. */
	for (unsigned m = from; m > to; m--) {
		struct inst *p = find_numbered(type, m, false);

		p->retired = true;
		p->asked = true;
		feed(p, LC_HOLD);
	}
	for (unsigned m = from + 1; m <= to; m++) {
		struct inst *p = find_numbered(type, m, true);

		if (!p) {
			p = &sv.v[sv.n];
			*p = fresh[(*used)++];
			p->idx = sv.n++;
			readiness_init(&p->ready, p->in, p->idx, sv.cfg->dir);
			if (p->in->ready.kind == READY_NOTIFY)
				open_notify((struct instance *)p->in, p->idx);
			if (!learn_type(p->in))
				announce(NULL, "out of memory: %s stops out of order", p->in->name);
		}
		p->retired = false;
		p->asked = true;
		/* A retired one still stopping starts once it is over; a new one now. */
		feed(p, p->state == LC_WAITING ? LC_START : LC_RESTART);
	}
}

static int scale(const struct ctl_request *req, unsigned long uid, struct qbuf *err)
{
	long types[CTL_ARGS_MAX];
	struct inst *fresh = NULL;
	size_t nfresh = 0, used = 0;
	int rc = scale_prepare(req, types, &fresh, &nfresh, err);

	if (rc) {
		fresh_free(fresh, nfresh);
		if (rc == ENOMEM)
			err->oom = true;
		return rc == ENOMEM ? 1 : rc;
	}
	for (size_t k = 0; k < req->n; k++)
		scale_type((size_t)types[k], req->word[k], req->count[k], fresh, &used, uid);
	free(fresh); /* its entries now live in sv.v */
	return 0;
}

/* As SIGTERM: the same rungs, with the uid in every message. */
static void quit(unsigned long uid)
{
	enum stop_rung r = next_rung();

	if (r == RUNG_HURRY)
		announce(NULL, "quit requested again (uid %lu): killing what is left", uid);
	else if (r == RUNG_KILL)
		announce(NULL, "quit requested again (uid %lu): killing everything", uid);
	else
		announce(NULL, "quit requested (uid %lu)", uid);
	climb(r);
}

static void on_control(struct ctl_call *c)
{
	const struct ctl_request *req = control_request(c);
	unsigned long uid = control_uid(c);
	struct qbuf b = { 0 };
	int code = 0;

	if (req->verb == CTL_STATUS) {
		code = status(req, &b);
		control_answer(c, code, false, &b);
	} else if (req->verb == CTL_QUIT) {
		control_answer(c, 0, false, NULL); /* answered before the stop begins */
		quit(uid);
	} else if (sv.stopping) {
		qb_printf(&b, "%s: procinit is stopping\n", ctlproto_verb_name(req->verb));
		control_answer(c, CTL_EXIT_NOT_ALL, true, &b);
	} else if (req->verb == CTL_SCALE) {
		code = scale(req, uid, &b);
		control_answer(c, code, code != 0, &b);
	} else if (!pick(req, &b)) {
		control_answer(c, CTL_EXIT_USAGE, true, &b);
	} else {
		act(req, uid);
		control_answer(c, 0, false, NULL);
	}
	qb_free(&b);
}

static const struct runtime_mode procfile_mode = {
	.on_signal = on_signal,
	.on_exit = on_exit_event,
	.on_output = on_output,
	.on_ready = on_ready,
	.on_idle = on_idle,
	.next_deadline = next_deadline,
	.on_deadline = on_deadline,
	.finished = finished,
	.on_sweep = on_sweep,
	.on_control = on_control,
};

int supervisor_run(const struct sup_config *cfg)
{
	double flush;
	int code;

	memset(&sv, 0, sizeof(sv));
	sv.cfg = cfg;
	sv.n = sv.cap = cfg->n;
	sv.v = calloc(cfg->n, sizeof(*sv.v));
	if (!sv.v) {
		announce(NULL, "out of memory");
		return 1;
	}
	for (size_t i = 0; i < sv.n; i++) {
		struct inst *p = &sv.v[i];

		p->in = &cfg->inst[i];
		p->idx = i;
		p->pty_fd = -1;
		p->state = LC_WAITING;
		readiness_init(&p->ready, p->in, i, cfg->dir);
		if (p->in->restart && restart_init(&p->rs, cfg->restart_max)) {
			announce(NULL, "out of memory");
			return 1;
		}
		if (p->in->ready.kind == READY_NOTIFY)
			open_notify(&cfg->inst[i], i);
	}
	if (!plan_types()) {
		announce(NULL, "out of memory");
		return 1;
	}
	start_waiting();
	runtime_run(&procfile_mode);
	notify_cleanup();

	code = exit_status();
	announce(NULL, "exit %d", code);
	flush = cfg->timeout < 1.0 ? 1.0 : cfg->timeout > 5.0 ? 5.0 : cfg->timeout;
	announce_flush(mono_add(mono_now(), flush));
	output_finish(); /* lines a full disk cost since the last report */
	/* Pumps still running are held by a grandchild's pipe: they die with us. */
	return code;
}
