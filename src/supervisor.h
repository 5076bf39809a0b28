/* SPDX-License-Identifier: MIT */
/*
 * supervisor: the state machine of a Procfile run (running -> stopping ->
 * killing -> sweeping orphans -> done). Runs in the main thread, which owns
 * the process table alone; other threads reach it only through events.
 */
#ifndef PROCINIT_SUPERVISOR_H
#define PROCINIT_SUPERVISOR_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "output.h"

struct instance {
	char name[OUTPUT_NAME_MAX]; /* web.1 */
	size_t type;                /* index of its type in the Procfile */
	const char *command;
	char **envp;
	bool can_die;     /* --can-die: its exit stops nothing */
	bool restart;     /* --restart: started again when it exits on its own */
	int stop_signal;  /* --stop-signal: what it gets at shutdown (SIGTERM) */
};

struct sup_config {
	const struct instance *inst; /* in start order */
	size_t n;
	const char *dir;      /* working folder of every child */
	double timeout;       /* seconds between SIGTERM and SIGKILL */
	size_t name_width;    /* column width of names in system lines */
	int stdin_fd;         /* what children read: /dev/null or an empty pipe */
	const sigset_t *orig_mask;
	bool sigchld_orig_ign;
	bool pid1;
	bool tty;               /* --tty: a pseudo-terminal per child instead of a pipe */
	unsigned restart_max;   /* --restart-limit N/SECONDS */
	double restart_window;
};

/* Starts every instance, supervises them to the end; returns the exit status. */
int supervisor_run(const struct sup_config *cfg);

#endif
