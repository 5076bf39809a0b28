/* SPDX-License-Identifier: MIT */
/*
 * cli: the pure command-line parser. argv (and the PROCINIT_* variables,
 * through a lookup the caller passes) in, struct settings and one error
 * message out; reads no environment and no files by itself. One table in
 * cli.c describes every option: parsing, --help and PROCINIT_* come from it.
 * Main thread, before any other thread exists.
 */
#ifndef PROCINIT_CLI_H
#define PROCINIT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CLI_MAX_ENV_ARGS 64
#define CLI_ERR_MAX 256
#define CLI_TIMEOUT_MAX 86400.0
#define CLI_MAX_EXPECT 256 /* -E: every exit code 0..255, each kept once */
#define CLI_NSIG 65        /* signals 1..64 */
#define CLI_MAX_LIST 64    /* -x, --can-die, --restart, --stop-signal, --ready, --after */
#define CLI_RESTART_MAX 10
#define CLI_RESTART_WINDOW 60.0
#define CLI_READY_TIMEOUT 60.0

enum cli_command {
	CMD_START,
	CMD_RUN,
	CMD_CHECK,
	CMD_EXEC,
	CMD_HELP,
	CMD_VERSION,
	/* This round's verbs; main dispatches them. */
	CMD_EXPORT,
	CMD_STATUS,
	CMD_RESTART,
	CMD_STOP,
	CMD_SCALE,
	CMD_QUIT,
	CMD_POWEROFF,
	CMD_REBOOT,
	CMD_HALT,
};
enum cli_color { COLOR_AUTO, COLOR_ON, COLOR_OFF };
enum cli_on_exit { ON_EXIT_POWEROFF, ON_EXIT_REBOOT, ON_EXIT_HALT };

struct settings {
	enum cli_command cmd;
	const char *procfile;                   /* NULL: default */
	const char *root;                       /* NULL: the Procfile's folder */
	const char *env_args[CLI_MAX_ENV_ARGS]; /* each FILE[,FILE...] as given */
	size_t n_env_args;
	const char *formation; /* NULL: 1 of each */
	long port;             /* 0: not given */
	double timeout;
	enum cli_color color;
	bool timestamp;
	/*
	 * start: the processes named; restart, stop: NAME or NAME.N; scale:
	 * NAME=N (ctlproto_build checks them). As given, pointing into argv;
	 * cli_free frees the array.
	 */
	char **names;
	size_t n_names;
	char **run_argv; /* run, -- COMMAND, exec COMMAND: COMMAND [ARG...] (into argv) */
	size_t run_argc;
	/* Single-command mode (procinit -- COMMAND). */
	int expect_exit[CLI_MAX_EXPECT]; /* -E: codes that count as 0, each once */
	size_t n_expect;
	bool pgroup;           /* -g: signal the child's whole group */
	int rewrite[CLI_NSIG]; /* -r FROM:TO; -1 where not rewritten, 0 drops */
	int verbosity;         /* -v, repeatable */
	int pdeathsig;         /* --pdeathsig; 0: none */
	/* Procfile mode beyond foreman; lists are kept as given, app.c splits them. */
	const char *inline_procs[CLI_MAX_LIST]; /* -x 'NAME: COMMAND' */
	size_t n_inline;
	const char *can_die[CLI_MAX_LIST]; /* NAME[,NAME...] */
	size_t n_can_die;
	const char *restart[CLI_MAX_LIST]; /* NAME[,NAME...] or all */
	size_t n_restart;
	const char *stop_signals[CLI_MAX_LIST]; /* NAME=SIG[,...] */
	size_t n_stop_signals;
	unsigned restart_max; /* --restart-limit N/SECONDS */
	double restart_window;
	bool tty; /* --tty: a pseudo-terminal per child */
	/* Readiness and order (issue 14): NAME=VALUE, shape checked, kept as given. */
	const char *ready[CLI_MAX_LIST]; /* --ready NAME=CHECK */
	size_t n_ready;
	const char *after[CLI_MAX_LIST]; /* --after NAME=DEP */
	size_t n_after;
	double ready_timeout; /* --ready-timeout, default CLI_READY_TIMEOUT */
	/* The control socket (issue 13). */
	const char *socket; /* --socket or PROCINIT_SOCKET; "none": off; NULL: default */
	bool json;          /* status --json */
	/* As the init of a system (issue 12). */
	enum cli_on_exit on_exit; /* --on-exit, default ON_EXIT_POWEROFF */
	/* export FORMAT DIR (issue 15). */
	const char *export_format; /* as given; the exporter checks it */
	const char *export_dir;
	const char *app_name; /* --app; NULL: the root folder's name */
	const char *user;     /* --user */
	const char *log_dir;  /* --log */
	const char *image;    /* --image */
	bool force;           /* --force: overwrite files export did not write */
};

/*
 * Looks NAME up in the environment the caller chooses: NULL when unset.
 * cli treats an empty value as unset.
 */
typedef const char *cli_env_fn(const char *name, void *ctx);

/*
 * Fills S from ARGV, then fills what no flag set from the PROCINIT_*
 * variables ENV returns (ENV may be NULL: no environment). Returns 0, or 2
 * with a one-line message in ERR (no "procinit: " prefix, no newline).
 * S->names is malloc'd; cli_free frees it.
 */
int cli_parse_env(int argc, char **argv, cli_env_fn *env, void *ctx, struct settings *s, char *err,
		  size_t errlen);

/* cli_parse_env without an environment: argv only. */
int cli_parse(int argc, char **argv, struct settings *s, char *err, size_t errlen);
void cli_free(struct settings *s);

/* The --help text, derived from the option and command tables. */
void cli_help(FILE *out);

/* The word of a command: "start", "status", "exec", ... */
const char *cli_command_name(enum cli_command cmd);

/* Parses a timeout in seconds ("5", "0.5"): 0 or EINVAL/ERANGE. */
int cli_parse_timeout(const char *text, double *out);

#endif
