/* SPDX-License-Identifier: MIT */
/*
 * spawn: starts one child the way musl's posix_spawn does it from a threaded
 * program. Called by the supervisor thread only; takes no locks.
 */
#ifndef PROCINIT_SPAWN_H
#define PROCINIT_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

struct spawn_req {
	const char *path; /* executable; a name without '/' is searched in PATH */
	char *const *argv;
	char *const *envp;    /* also gives the PATH searched (a default when unset) */
	const char *dir;      /* chdir here first; NULL: stay */
	int stdin_fd;         /* dup2'd to 0; -1: inherit */
	int out_fd;           /* dup2'd to 1 and 2; -1: inherit 1 and 2 */
	bool own_pgroup;      /* setpgid(0, 0) */
	bool new_session;     /* setsid() and take OUT_FD as controlling terminal */
	bool tty_foreground;  /* make its group the foreground group of fd 0 */
	int pdeathsig;        /* 0: none */
	bool default_signals; /* every signal default and unblocked, not procinit's original ones */
};

/* Where a child failed before its program ran. */
enum spawn_step {
	SPAWN_RAN,    /* it did not fail: exec succeeded */
	SPAWN_PGROUP, /* setpgid / setsid / TIOCSCTTY */
	SPAWN_FDS,    /* dup2 */
	SPAWN_CHDIR,
	SPAWN_EXEC,
};

struct spawn_failure {
	enum spawn_step step;
	int err;
};

/*
 * Forks and execs. Returns 0 with *PID set once the child exists: if it then
 * failed before exec, *FAIL says why and the child has _exit'ed with 127
 * (ENOENT) or 126 (anything else), to be reaped like any other. Returns an
 * errno value when no child was created (fork or pipe failed).
 *
 * Like execvp, a file the kernel cannot execute (ENOEXEC: a script without
 * "#!") is run by /bin/sh.
 */
int spawn_child(const struct spawn_req *r, pid_t *pid, struct spawn_failure *fail);

/* "chdir", "exec", ... */
const char *spawn_step_name(enum spawn_step step);

#endif
