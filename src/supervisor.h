/* SPDX-License-Identifier: MIT */
/*
 * supervisor: Procfile mode on the shared runtime. Each instance is its
 * program and its process group, driven through the lifecycle table; the
 * supervisor adds the policies (the first exit stops everything, --can-die,
 * --restart) and the signals. Main thread only; it owns the instance table
 * alone, and other threads reach it only through events.
 */
#ifndef PROCINIT_SUPERVISOR_H
#define PROCINIT_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>

#include "instance.h"

struct sup_config {
	struct instance *inst; /* in start order */
	size_t n;
	const char *dir;   /* working folder of every child */
	double timeout;    /* seconds between the stop signal and SIGKILL */
	size_t name_width; /* column width of names in system lines */
	int stdin_fd;      /* what children read: /dev/null or an empty pipe */
	bool pid1;
	bool tty;             /* --tty: a pseudo-terminal per child instead of a pipe */
	int pdeathsig;        /* --pdeathsig: a graceful stop, whatever the signal */
	double ready_timeout; /* --ready-timeout: not ready by then counts as exit 1 */
	bool ordered;         /* --after given: a stop goes in reverse order */
	unsigned restart_max; /* --restart-limit N/SECONDS */
	double restart_window;
	/*
	 * Issue 13, scale: the Procfile's types, and instance NUMBER of TYPE
	 * built at run time (0, ERANGE for its port, ENOMEM). NULL: no scale.
	 */
	void *types;
	size_t n_types; /* in the Procfile, started or not */
	long (*find_type)(void *types, const char *name);
	int (*build_instance)(void *types, size_t type, unsigned number, struct instance *in);
};

/* Starts every instance, supervises them to the end; returns the exit status. */
int supervisor_run(const struct sup_config *cfg);

#endif
