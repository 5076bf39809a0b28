/* SPDX-License-Identifier: MIT */
/*
 * spawn: starts one child the way musl's posix_spawn does it from a threaded
 * program. Called by the supervisor thread only; takes no locks.
 */
#ifndef PROCINIT_SPAWN_H
#define PROCINIT_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct spawn_req {
	const char *path;   /* executable; searched in $PATH when SEARCH_PATH */
	bool search_path;
	char *const *argv;
	char *const *envp;
	const char *dir;    /* chdir here first; NULL: stay */
	int stdin_fd;       /* dup2'd to 0; -1: inherit */
	int out_fd;         /* dup2'd to 1 and 2; -1: inherit 1 and 2 */
	bool own_pgroup;    /* setpgid(0, 0) */
	bool new_session;   /* setsid() and take OUT_FD as controlling terminal */
	bool tty_foreground; /* make its group the foreground group of fd 0 */
	int pdeathsig;      /* 0: none */
	const sigset_t *mask; /* the mask to exec with (procinit's original one) */
	int sigchld_orig_ign; /* restore SIGCHLD to SIG_IGN before exec */
};

/* Why a child could not exec; filled when spawn_child returns 0 with a pid. */
struct spawn_failure {
	const char *step; /* "chdir", "exec", ... or NULL when exec succeeded */
	int err;
};

/*
 * Forks and execs. Returns 0 with *PID set once the child exists: if it then
 * failed before exec, *FAIL says why and the child has _exit'ed with 127
 * (ENOENT) or 126 (anything else), to be reaped like any other. Returns an
 * errno value when no child was created (fork or pipe failed).
 */
int spawn_child(const struct spawn_req *r, pid_t *pid, struct spawn_failure *fail);

#endif
