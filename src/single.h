/* SPDX-License-Identifier: MIT */
/*
 * single: single-command mode (procinit -- COMMAND), a drop-in for tini and
 * dumb-init, on the shared runtime. Runs in the main thread and owns the
 * child's state alone; the reaper and signal threads reach it only through
 * events.
 */
#ifndef PROCINIT_SINGLE_H
#define PROCINIT_SINGLE_H

#include <stdbool.h>
#include <stddef.h>

struct single_config {
	char **argv; /* COMMAND [ARG...], NULL-terminated */
	char **envp;
	const char *dir; /* -d: the command's working folder; NULL: ours */
	bool pid1;
	bool pgroup;        /* forward to the child's whole process group */
	int verbosity;      /* 1: reaped pids; 2: forwarded signals too */
	int pdeathsig;      /* --pdeathsig: forwarded as SIGTERM, a graceful stop */
	const int *rewrite; /* [65]: -1 keep, 0 drop, else the signal to send */
	const bool *expect; /* [256]: exit codes that count as 0 */
};

/* Runs the command to its end and the orphan sweep after it; returns the exit status. */
int single_run(const struct single_config *cfg);

#endif
