/* SPDX-License-Identifier: MIT */
/*
 * single: single-command mode (procinit -- COMMAND), a drop-in for tini and
 * dumb-init. Runs in the main thread and owns the child's state alone; the
 * reaper and signal threads reach it only through events.
 */
#ifndef PROCINIT_SINGLE_H
#define PROCINIT_SINGLE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct single_config {
	char **argv;      /* COMMAND [ARG...], NULL-terminated */
	char **envp;
	const char *dir;  /* -d: the command's working folder; NULL: ours */
	const sigset_t *orig_mask;
	bool sigchld_orig_ign;
	bool pid1;
	bool pgroup;      /* forward to the child's whole process group */
	int verbosity;    /* 1: reaped pids; 2: forwarded signals too */
	double timeout;   /* orphans: seconds from SIGTERM to SIGKILL */
	const int *rewrite; /* [65]: -1 keep, 0 drop, else the signal to send */
	const int *expect;  /* exit codes that count as 0 */
	size_t n_expect;
};

/* Runs the command to its end and the orphan sweep after it; returns the exit status. */
int single_run(const struct single_config *cfg);

#endif
