/* SPDX-License-Identifier: MIT */
/*
 * supervisor: starts the instances, then consumes events (exits, signals,
 * pump reports) and deadlines until everything is gone. Main thread only;
 * it never blocks on output (system lines go through announce) and takes
 * only the events lock, inside events_wait. From the first spawn on it must
 * not die: every failure becomes a message and a documented exit status.
 */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "announce.h"
#include "events.h"
#include "io.h"
#include "pty.h"
#include "pump.h"
#include "restart.h"
#include "reaper.h"
#include "signames.h"
#include "spawn.h"
#include "sweep.h"
#include "sysinit.h"


enum phase { RUNNING, STOPPING, KILLING, SWEEP, DONE };

struct proc {
	const struct instance *in;
	struct pump *pump; /* this run's; an older run's may still drain a grandchild */
	int pty_fd;        /* --tty: our own handle on the master, for window sizes */
	pid_t pid;
	bool live;         /* forked and not reaped yet */
	bool exited;       /* reaped, or could not be started */
	bool pump_running; /* this run's pump thread has not reported EV_EOF */
	bool drained;      /* every byte it wrote is out */
	bool announced;    /* its exit line is queued */
	bool restart_pending;
	int status;
	struct timespec drain_deadline, started, restart_at;
	struct restart_state rs;
};

static struct {
	const struct sup_config *cfg;
	struct proc *procs;
	size_t n, live;
	enum phase phase;
	struct timespec deadline; /* of STOPPING and KILLING */
	struct sweep sweep;       /* in phase SWEEP, with its own deadline */
	bool nochild;             /* the reaper found no child at all */
	unsigned long gen;        /* spawn generation, to ignore stale EV_NOCHILD */
	bool by_signal, killed, have_first;
	bool stopped;             /* children stopped by a ctrl-z of ours */
	int first_status;
} sv;

static int width(void)
{
	return (int)sv.cfg->name_width;
}

static void signal_proc(struct proc *p, int sig)
{
	/* The group first, so grandchildren go too; a child that left it still gets it. */
	if (kill(-p->pid, sig) < 0 && errno == ESRCH)
		kill(p->pid, sig);
}

static void wake_pump(struct proc *p, uint64_t what)
{
	if (p->pump_running)
		io_write_all(p->pump->wake_fd, &what, sizeof(what));
}

static void announce_exit(struct proc *p)
{
	const char *name = p->in->name;

	if (WIFSIGNALED(p->status))
		announce(-1, "%-*s terminated by %s", width(), name, sig_name(WTERMSIG(p->status)));
	else
		announce(-1, "%-*s exited with code %d", width(), name, WEXITSTATUS(p->status));
}

static void begin_stop(bool by_signal)
{
	sv.phase = STOPPING;
	sv.deadline = mono_add(mono_now(), sv.cfg->timeout);
	if (by_signal)
		announce(-1, "sending SIGTERM for children");
	for (size_t i = 0; i < sv.n; i++) {
		struct proc *p = &sv.procs[i];

		p->restart_pending = false; /* a stop cancels every pending restart */
		if (!p->live)
			continue;
		announce(-1, "sending %s for %s at pid %d", sig_name(p->in->stop_signal),
			 p->in->name, (int)p->pid);
		signal_proc(p, p->in->stop_signal);
	}
}

static void kill_all_now(void)
{
	for (size_t i = 0; i < sv.n; i++) {
		struct proc *p = &sv.procs[i];

		if (!p->live)
			continue;
		announce(-1, "sending SIGKILL for %s at pid %d", p->in->name, (int)p->pid);
		signal_proc(p, SIGKILL);
		sv.killed = true;
	}
	sv.phase = KILLING;
	sv.deadline = mono_add(mono_now(), SWEEP_KILL_GRACE);
}

static bool restart_pending(void)
{
	for (size_t i = 0; i < sv.n; i++)
		if (sv.procs[i].restart_pending)
			return true;
	return false;
}

/* --restart: schedules the next run, or says the budget is spent (false). */
static bool schedule_restart(struct proc *p, struct timespec now)
{
	double delay = restart_next(&p->rs, sv.cfg->restart_window, p->started, now);

	if (delay < 0) {
		announce(-1, "%s restarted %u times within %g s: giving up", p->in->name,
			 sv.cfg->restart_max, sv.cfg->restart_window);
		return false;
	}
	p->restart_pending = true;
	p->restart_at = mono_add(now, delay);
	announce(-1, "restarting %s in %g s", p->in->name, delay);
	return true;
}

/* Announces an exit once the pump has written the child's last bytes. */
static void try_announce(struct proc *p, struct timespec now)
{
	if (!p->exited || p->announced)
		return;
	if (!p->drained && mono_cmp(now, p->drain_deadline) < 0)
		return;
	p->announced = true;
	announce_exit(p);
	if (sv.phase != RUNNING)
		return;
	if (p->in->restart && schedule_restart(p, now))
		return;
	if (p->in->can_die) {
		if (sv.live == 0 && !restart_pending())
			begin_stop(false); /* only can-die processes were left: a clean end */
		return;
	}
	if (!sv.have_first && !sv.by_signal) {
		sv.have_first = true;
		sv.first_status = p->status;
	}
	begin_stop(false);
}

static void proc_exited(struct proc *p, int status)
{
	double grace = sv.cfg->timeout > 1.0 ? sv.cfg->timeout : 1.0;

	p->exited = true;
	p->status = status;
	if (p->pty_fd >= 0) {
		close(p->pty_fd);
		p->pty_fd = -1;
	}
	/* A stdout nobody reads must not hold up the stop forever. */
	p->drain_deadline = mono_add(mono_now(), grace);
	if (p->pump_running)
		wake_pump(p, PUMP_WAKE_DRAIN);
	else
		p->drained = true;
	try_announce(p, mono_now());
}

static struct proc *find_live(pid_t pid)
{
	for (size_t i = 0; i < sv.n; i++)
		if (sv.procs[i].live && sv.procs[i].pid == pid)
			return &sv.procs[i];
	return NULL;
}

static void on_reaped(pid_t pid, int status)
{
	struct proc *p = find_live(pid);

	if (WIFSTOPPED(status) || WIFCONTINUED(status))
		return; /* job control of ours or of someone else: not an exit */
	if (!p) {
		/*
		 * An orphan we adopted. While we sweep with SIGKILL, its own
		 * children have just been handed to us: they must go too.
		 */
		if (sv.phase == SWEEP)
			sweep_reaped(&sv.sweep);
		return;
	}
	p->live = false;
	sv.live--;
	proc_exited(p, status);
}

static void report_sweep(int sig, size_t n)
{
	announce(-1, "sending %s to %zu orphaned processes", sig_name(sig), n);
	if (sig == SIGKILL)
		sv.killed = true;
}

static void start_sweep(void)
{
	sv.sweep.pid1 = sv.cfg->pid1;
	sv.sweep.timeout = sv.cfg->timeout;
	sv.sweep.report = report_sweep;
	sweep_begin(&sv.sweep, sv.nochild);
	sv.phase = sv.sweep.phase == SWEEP_OVER ? DONE : SWEEP;
}

/* The deadline of the current phase, if it has one. */
static const struct timespec *phase_deadline(void)
{
	switch (sv.phase) {
	case STOPPING:
	case KILLING:
		return &sv.deadline;
	case SWEEP:
		return &sv.sweep.deadline;
	default:
		return NULL;
	}
}

static void on_deadline(void)
{
	switch (sv.phase) {
	case STOPPING:
		kill_all_now();
		break;
	case KILLING:
		announce(-1, "%zu processes survived SIGKILL; giving up on them", sv.live);
		sv.live = 0;
		start_sweep();
		break;
	case SWEEP:
		sweep_advance(&sv.sweep);
		sv.phase = sv.sweep.phase == SWEEP_OVER ? DONE : SWEEP;
		break;
	default:
		break;
	}
}

/* ctrl-z: stop every child group, then ourselves, as a shell job would stop. */
static void job_stop(int sig)
{
	if (sv.cfg->pid1) {
		/* An init that stops takes the whole container with it. */
		announce(-1, "%s ignored: procinit is PID 1", sig_name(sig));
		return;
	}
	for (size_t i = 0; i < sv.n; i++)
		if (sv.procs[i].live)
			signal_proc(&sv.procs[i], SIGSTOP);
	sv.stopped = true;
	kill(getpid(), SIGSTOP);
}

/* fg / bg: we run again, so must they. */
static void job_continue(void)
{
	for (size_t i = 0; i < sv.n; i++)
		if (sv.procs[i].live)
			signal_proc(&sv.procs[i], SIGCONT);
	if (sv.stopped)
		announce(-1, "resumed");
	sv.stopped = false;
}

static void on_signal(int sig)
{
	/* sysinit: on a real system ^C, ctrl-alt-del and busybox's signals stop everything. */
	const char *sys = sysinit_stop_request(sig);

	if (sys || sig == SIGINT || sig == SIGTERM) {
		switch (sv.phase) {
		case RUNNING:
			announce(-1, "%s", sys ? sys : sig == SIGINT ? "ctrl-c detected" :
								"SIGTERM received");
			sv.by_signal = true;
			begin_stop(true);
			break;
		case STOPPING:
			announce(-1, "%s received again: killing everything",
				 sys ? sysinit_signal_label(sig) : sig == SIGINT ? "ctrl-c" : "SIGTERM");
			kill_all_now();
			break;
		case SWEEP:
			if (sv.sweep.phase == SWEEP_TERM)
				on_deadline(); /* hurry: SIGKILL now */
			break;
		default:
			break;
		}
		return;
	}
	if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		job_stop(sig);
		return;
	}
	if (sig == SIGCONT) {
		job_continue();
		return;
	}
	if (sig == SIGWINCH && sv.cfg->tty) {
		/* Resizing each pseudo-terminal makes the kernel signal its group. */
		for (size_t i = 0; i < sv.n; i++)
			if (sv.procs[i].live && sv.procs[i].pty_fd >= 0)
				pty_sync_size(sv.procs[i].pty_fd);
		return;
	}
	announce(-1, "%s received, forwarding to children", sig_name(sig));
	for (size_t i = 0; i < sv.n; i++)
		if (sv.procs[i].live)
			signal_proc(&sv.procs[i], sig);
}

static void on_event(const struct event *ev)
{
	struct proc *p;

	switch (ev->kind) {
	case EV_SIGNAL:
		on_signal(ev->signo);
		break;
	case EV_EXIT:
		on_reaped(ev->pid, ev->status);
		break;
	case EV_NOCHILD:
		if (ev->gen == sv.gen)
			sv.nochild = true;
		break;
	case EV_DRAINED:
	case EV_EOF:
		if (ev->proc >= sv.n)
			break;
		p = &sv.procs[ev->proc];
		if (ev->kind == EV_EOF) {
			/* The pump posts EV_EOF last and never touches itself after. */
			close(ev->pump->wake_fd);
			if (ev->pump != p->pump) {
				free(ev->pump); /* an earlier run's, held open by a grandchild */
				break;
			}
			p->pump_running = false;
		}
		if (ev->pump == p->pump && p->exited) {
			p->drained = true;
			try_announce(p, mono_now());
		}
		break;
	}
}

/*
 * Opens the child's output channel (a pipe, or with --tty a pseudo-terminal)
 * and the wake fd, and starts this run's pump; the child comes after.
 * *WRITE_END is what the child writes to.
 */
static int prepare_pump(struct proc *p, size_t idx, int *write_end)
{
	struct pump *pu;
	int fds[2], err;

	if (p->pump && !p->pump_running)
		free(p->pump); /* the previous run's pump is done */
	p->pump = NULL;
	pu = calloc(1, sizeof(*pu));
	if (!pu)
		return ENOMEM;
	if (sv.cfg->tty) {
		err = pty_open(&fds[0], &fds[1]);
		if (err) {
			free(pu);
			return err;
		}
	} else if (pipe2(fds, O_CLOEXEC) < 0) {
		free(pu);
		return errno;
	} else {
		/* Only our end is non-blocking: the child's write end is its own file. */
		fcntl(fds[0], F_SETFL, O_NONBLOCK);
	}
	pu->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (pu->wake_fd < 0) {
		err = errno;
		goto fail;
	}
	pu->fd = fds[0];
	pu->proc = idx;
	pu->color = output_color_for(p->in->type);
	snprintf(pu->name, sizeof(pu->name), "%s", p->in->name);
	if (sv.cfg->tty)
		p->pty_fd = fcntl(fds[0], F_DUPFD_CLOEXEC, 0);
	err = pump_start(pu);
	if (err) {
		close(pu->wake_fd);
		goto fail;
	}
	p->pump = pu;
	p->pump_running = true;
	*write_end = fds[1];
	return 0;
fail:
	close(fds[0]);
	close(fds[1]);
	free(pu);
	return err;
}

static void start_one(struct proc *p, size_t idx)
{
	char *argv[] = { "sh", "-c", (char *)p->in->command, NULL };
	struct spawn_failure fail;
	struct spawn_req req = {
		.path = "/bin/sh",
		.argv = argv,
		.envp = p->in->envp,
		.dir = sv.cfg->dir,
		.stdin_fd = sv.cfg->stdin_fd,
		.own_pgroup = true,
		.new_session = sv.cfg->tty,
		/* If procinit itself is killed, its children must not live on. */
		.pdeathsig = SIGKILL,
		.mask = sv.cfg->orig_mask,
		.sigchld_orig_ign = sv.cfg->sigchld_orig_ign,
	};
	int write_end = -1, err;

	err = prepare_pump(p, idx, &write_end);
	if (!err) {
		req.out_fd = write_end;
		err = spawn_child(&req, &p->pid, &fail);
		close(write_end); /* the pump sees EOF when the last writer is gone */
	}
	if (err) {
		announce(p->pump_running ? p->pump->wake_fd : -1, "%-*s could not start: %s",
			 width(), p->in->name, strerror(err));
		proc_exited(p, 126 << 8);
		return;
	}
	p->live = true;
	p->started = mono_now();
	sv.live++;
	sv.gen = reaper_children_added();
	sv.nochild = false; /* a "no child" of an earlier generation no longer holds */
	if (p->rs.total)
		announce(p->pump->wake_fd, "%-*s start at pid: %d (restart %u)", width(),
			 p->in->name, (int)p->pid, p->rs.total);
	else
		announce(p->pump->wake_fd, "%-*s start at pid: %d", width(), p->in->name,
			 (int)p->pid);
	if (fail.step)
		announce(-1, "%-*s could not start: %s: %s", width(), p->in->name, fail.step,
			 strerror(fail.err));
}

/* Starts an instance again: same name, PS and PORT, a fresh pipe and pump. */
static void restart_one(struct proc *p, size_t idx)
{
	p->restart_pending = false;
	p->exited = p->drained = p->announced = false;
	p->status = 0;
	start_one(p, idx);
}

static bool all_announced(void)
{
	for (size_t i = 0; i < sv.n; i++)
		if (!sv.procs[i].announced)
			return false;
	return true;
}

/* The earliest deadline we must wake up for, if any. */
static const struct timespec *next_deadline(struct timespec *buf)
{
	const struct timespec *phase = phase_deadline();
	bool have = phase != NULL;

	if (have)
		*buf = *phase;
	for (size_t i = 0; i < sv.n; i++) {
		struct proc *p = &sv.procs[i];

		if (p->exited && !p->announced &&
		    (!have || mono_cmp(p->drain_deadline, *buf) < 0)) {
			*buf = p->drain_deadline;
			have = true;
		}
		if (p->restart_pending && (!have || mono_cmp(p->restart_at, *buf) < 0)) {
			*buf = p->restart_at;
			have = true;
		}
	}
	return have ? buf : NULL;
}

static void on_timeouts(void)
{
	struct timespec now = mono_now();
	const struct timespec *phase = phase_deadline();

	for (size_t i = 0; i < sv.n; i++) {
		struct proc *p = &sv.procs[i];

		try_announce(p, now);
		if (p->restart_pending && sv.phase == RUNNING && mono_cmp(now, p->restart_at) >= 0)
			restart_one(p, i);
	}
	if (phase && mono_cmp(now, *phase) >= 0)
		on_deadline();
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

int supervisor_run(const struct sup_config *cfg)
{
	struct timespec buf;
	double flush;
	int code;

	memset(&sv, 0, sizeof(sv));
	sv.cfg = cfg;
	sv.n = cfg->n;
	sv.procs = calloc(cfg->n, sizeof(*sv.procs));
	if (!sv.procs) {
		announce(-1, "out of memory");
		return 1;
	}
	for (size_t i = 0; i < sv.n; i++) {
		sv.procs[i].in = &cfg->inst[i];
		sv.procs[i].pty_fd = -1;
		if (cfg->inst[i].restart && restart_init(&sv.procs[i].rs, cfg->restart_max)) {
			announce(-1, "out of memory");
			return 1;
		}
	}
	for (size_t i = 0; i < sv.n && sv.phase == RUNNING; i++)
		start_one(&sv.procs[i], i);
	/* Instances never started (a start failed) count as announced. */
	for (size_t i = 0; i < sv.n; i++)
		if (!sv.procs[i].live && !sv.procs[i].exited)
			sv.procs[i].announced = true;

	for (;;) {
		struct event ev;

		if ((sv.phase == STOPPING || sv.phase == KILLING) && sv.live == 0)
			start_sweep();
		if (sv.phase == SWEEP && sv.nochild)
			sv.phase = DONE;
		if (sv.phase == SWEEP)
			sweep_idle(&sv.sweep);
		if (sv.phase == DONE && all_announced())
			break;
		if (events_wait(&ev, next_deadline(&buf)) == 0)
			on_event(&ev);
		else
			on_timeouts();
	}

	code = exit_status();
	announce(-1, "exit %d", code);
	flush = cfg->timeout < 1.0 ? 1.0 : cfg->timeout > 5.0 ? 5.0 : cfg->timeout;
	announce_flush(mono_add(mono_now(), flush));
	/* Pumps still running are held by a grandchild's pipe: they die with us. */
	return code;
}
