/* SPDX-License-Identifier: MIT */
/*
 * app: turns settings into what the supervisor runs: reads the Procfile and
 * env files, applies the formation and ports, builds each instance's
 * environment. Main thread, before any child or thread exists; it reports
 * every problem on stderr and lets main exit 2. Out of memory it exits 1
 * itself (log.h's x* allocators), which is allowed only this early.
 */
#ifndef PROCINIT_APP_H
#define PROCINIT_APP_H

#include <stdbool.h>

#include "cli.h"
#include "dotenv.h"
#include "formation.h"
#include "procfile.h"
#include "ready.h"
#include "instance.h"

struct app {
	char *procfile_path; /* as given; "-x" or "<stdin>" for those sources */
	char *inline_text;   /* the -x definitions as Procfile text, until parsed */
	char *root;
	bool have_procfile;
	struct procfile pf;
	struct envlist env; /* from the env files, later files win */
	char **env_files;   /* their names, for the envvar.src pointers into here */
	size_t n_env_files;
	struct formation fm;
	long base_port;
	struct instance *inst;
	size_t n_inst;
	size_t name_width;
	bool *can_die, *restart; /* per process type */
	int *stop_sig;
	struct ready_check *ready;      /* per type: --ready */
	size_t **after, *n_after;       /* per type: the types it waits for (--after) */
	bool ordered;                   /* some --after was given: stops go in reverse */
	char **base;                    /* the environment every instance shares */
	size_t base_n, base_owned_from; /* base[base_owned_from..] are ours */
};

/*
 * Loads everything START/CHECK/RUN need. With NEED_PROCFILE false a missing
 * default Procfile is fine (for run). Returns 0, or 2 after printing every
 * error as "procinit: FILE:LINE: message".
 */
int app_load(const struct settings *s, struct app *a, bool need_procfile);

/* For -- COMMAND: only the env files named with -e, no Procfile. 0 or 2. */
int app_load_env_only(const struct settings *s, struct app *a);

/* Builds the instances for `start` (names, ports, environments). 0 or 2. */
int app_plan(const struct settings *s, struct app *a);

/* The environment for `run`: inherited, overridden by the env files. Never NULL. */
char **app_run_env(struct app *a);

/*
 * Issue 13, for scale at run time (sup_config's callbacks, CTX an app that
 * app_plan filled): the index of the Procfile type NAME, or -1; and
 * instance NUMBER of TYPE built into IN (zeroed) as app_plan builds them.
 * app_build_instance returns 0, ERANGE (its port is out of range) or ENOMEM,
 * prints nothing and never exits: children run by then.
 */
long app_find_type(void *ctx, const char *name);
int app_build_instance(void *ctx, size_t type, unsigned number, struct instance *in);

/* Frees everything app_load and app_plan allocated. */
void app_free(struct app *a);

#endif
