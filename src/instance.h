/* SPDX-License-Identifier: MIT */
/*
 * instance: what one instance of a process type runs, and its building:
 * its name, its environment (the shared one plus PORT, PS and the command's
 * leading assignments), how it is executed (cmdline.c: the program itself,
 * or /bin/sh -c) and its per-type options. Built by the main thread before
 * any child exists; read by the supervisor; no locks.
 */
#ifndef PROCINIT_INSTANCE_H
#define PROCINIT_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>

#include "cmdline.h"
#include "output.h"
#include "ready.h"

struct instance {
	char name[OUTPUT_NAME_MAX]; /* web.1 */
	size_t type;                /* index of its type in the Procfile */
	const char *command;        /* as written in the Procfile */
	enum cmdline_kind kind;     /* direct, or under /bin/sh -c (with exec or not) */
	const char *path;           /* what is executed: the program, or /bin/sh */
	char **argv;
	char **envp;
	struct cmdline cmd;      /* owns argv (direct) or the script */
	char *sh_argv[4];        /* "sh", "-c", script */
	char *port_var, *ps_var; /* "PORT=5000", "PS=web.1": ours, in envp */
	char *extra_var;         /* "NOTIFY_SOCKET=...": ours, in envp */
	const char *type_name;
	struct ready_check ready; /* --ready: when it counts as ready */
	const size_t *after;      /* --after: the types it waits for */
	size_t n_after;
	bool can_die;    /* --can-die: its exit stops nothing */
	bool restart;    /* --restart: started again when it exits on its own */
	int stop_signal; /* --stop-signal: what it gets at shutdown (SIGTERM) */
};


struct instance_spec {
	const char *type_name;
	size_t type;     /* index in the Procfile */
	unsigned number; /* web.N */
	const char *command;
	long port;
	char *const *base; /* the environment every instance shares */
	size_t nbase;
};

/* Fills IN (zeroed by the caller). Returns 0 or ENOMEM. */
int instance_build(struct instance *in, const struct instance_spec *spec);

/* Sets KEY=VALUE in IN's environment (before its next spawn). 0 or ENOMEM. */
int instance_setenv(struct instance *in, const char *key, const char *value);

void instance_free(struct instance *in);

#endif
