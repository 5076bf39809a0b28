/* SPDX-License-Identifier: MIT */
/*
 * runtime: what both modes share from their first child to their exit:
 * the set-up (subreaper, signal and reaper threads), the one event loop with
 * its deadlines and "no child left" gate, and the final sweep of orphans,
 * which goes through the same lifecycle (stop signal, --timeout, SIGKILL,
 * grace) as an instance. A mode plugs its handlers in. Main thread only.
 */
#ifndef PROCINIT_RUNTIME_H
#define PROCINIT_RUNTIME_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "events.h"

/* Seconds SIGKILLed processes get to vanish before procinit gives up on them. */
#define RUNTIME_KILL_GRACE 3.0

struct runtime_config {
	bool pid1;
	double timeout;   /* the sweep's SIGTERM to SIGKILL */
	uint64_t signals; /* the signals the mode acts on (bit N-1 for signal N) */
	int pdeathsig;    /* --pdeathsig; 0: none */
};

struct runtime_mode {
	void (*on_signal)(int sig, unsigned long seq); /* seq: see sigthread_continued_since */
	/* waitpid reported an exit of PID (a child of the mode's, or an orphan). */
	void (*on_exit)(pid_t pid, int status);
	/* waitpid reported a stop or a continue. */
	void (*on_job)(pid_t pid, int status);
	void (*on_output)(const struct event *ev); /* EV_DRAINED, EV_EOF */
	void (*on_ready)(const struct event *ev);  /* EV_READY, EV_STATUS */
	/* The event queue is empty: work batched over many events. */
	void (*on_idle)(void);
	/* The earliest deadline of the mode (1), or none (0). */
	int (*next_deadline)(struct timespec *when);
	void (*on_deadline)(struct timespec now);
	/* True once the mode's own processes are all done: the sweep begins. */
	bool (*finished)(void);
	/* The sweep sent SIG to N orphans (n > 0). NULL: nobody counts them. */
	void (*on_sweep)(int sig, size_t n);
	/* A control request (EV_CONTROL): answer it with control_answer. */
	void (*on_control)(struct ctl_call *call);
};

/*
 * Everything a mode needs before its first child: the subreaper flag,
 * --pdeathsig, and the event queue, reaper and
 * signal threads. Returns 0 or an errno value (nothing started then).
 */
int runtime_start(const struct runtime_config *cfg);

/* Runs the loop until the mode is finished and the sweep is over. */
void runtime_run(const struct runtime_mode *m);

/* A child was spawned: "no child left" no longer holds. */
void runtime_spawned(void);

/* The members of PGID are not orphans (an instance's given-up group). */
void runtime_sweep_skip_group(pid_t pgid);

/* True while the final sweep is under way. */
bool runtime_sweeping(void);

/*
 * The sweep now, though the mode is not finished: every process procinit
 * adopted (its own children too, as PID 1 every process) gets SIGTERM, then
 * SIGKILL after --timeout; the loop ends with the sweep. For a real
 * system's end in single-command mode, where the command may ignore SIGTERM.
 */
void runtime_sweep_now(void);

/* A second stop request during the sweep: SIGKILL what is left now. */
void runtime_sweep_hurry(void);

#endif
