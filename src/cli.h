/* SPDX-License-Identifier: MIT */
/*
 * cli: the pure command-line parser. argv in, struct settings and one error
 * message out; reads no environment and no files. Main thread, before any
 * other thread exists.
 */
#ifndef PROCINIT_CLI_H
#define PROCINIT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#define CLI_MAX_ENV_ARGS 64
#define CLI_ERR_MAX 256
#define CLI_TIMEOUT_MAX 86400.0
#define CLI_MAX_EXPECT 32
#define CLI_NSIG 65 /* signals 1..64 */
#define CLI_MAX_LIST 64 /* -x, --can-die, --restart, --stop-signal options */
#define CLI_RESTART_MAX 10
#define CLI_RESTART_WINDOW 60.0

enum cli_command { CMD_START, CMD_RUN, CMD_CHECK, CMD_EXEC, CMD_HELP, CMD_VERSION,
	/* sysinit (h12, stand-in until h11-cli's verbs land): */
	CMD_POWEROFF, CMD_REBOOT, CMD_HALT };
enum cli_color { COLOR_AUTO, COLOR_ON, COLOR_OFF };
/* sysinit (h12, stand-in until h11-cli's --on-exit lands): the end of a real system's init. */
enum cli_on_exit { ON_EXIT_POWEROFF, ON_EXIT_REBOOT, ON_EXIT_HALT };

struct settings {
	enum cli_command cmd;
	const char *procfile; /* NULL: default */
	const char *root;     /* NULL: the Procfile's folder */
	const char *env_args[CLI_MAX_ENV_ARGS]; /* each FILE[,FILE...] as given */
	size_t n_env_args;
	const char *formation; /* NULL: 1 of each */
	long port;             /* 0: not given */
	double timeout;
	enum cli_color color;
	bool timestamp;
	char **names; /* start: the processes named (points into argv) */
	size_t n_names;
	char **run_argv; /* run, and -- COMMAND: COMMAND [ARG...] (points into argv) */
	size_t run_argc;
	/* Single-command mode (procinit -- COMMAND). */
	int expect_exit[CLI_MAX_EXPECT]; /* -E: codes that count as 0 */
	size_t n_expect;
	bool pgroup;               /* -g: signal the child's whole group */
	int rewrite[CLI_NSIG];     /* -r FROM:TO; -1 where not rewritten, 0 drops */
	int verbosity;             /* -v, repeatable */
	int pdeathsig;             /* --pdeathsig; 0: none */
	/* Procfile mode beyond foreman; lists are kept as given, app.c splits them. */
	const char *inline_procs[CLI_MAX_LIST]; /* -x 'NAME: COMMAND' */
	size_t n_inline;
	const char *can_die[CLI_MAX_LIST]; /* NAME[,NAME...] */
	size_t n_can_die;
	const char *restart[CLI_MAX_LIST]; /* NAME[,NAME...] or all */
	size_t n_restart;
	const char *stop_signals[CLI_MAX_LIST]; /* NAME=SIG[,...] */
	size_t n_stop_signals;
	unsigned restart_max;  /* --restart-limit N/SECONDS */
	double restart_window;
	bool tty;              /* --tty: a pseudo-terminal per child */
	enum cli_on_exit on_exit; /* sysinit (h12 stand-in): --on-exit poweroff|reboot|halt */
	/* Which settings came from flags, so the environment cannot override them. */
	bool timeout_set, pgroup_set, verbosity_set;
};

/*
 * Fills S from ARGV. Returns 0, or 2 with a one-line message in ERR (no
 * "procinit: " prefix, no newline). S->names is malloc'd; cli_free frees it.
 */
int cli_parse(int argc, char **argv, struct settings *s, char *err, size_t errlen);
void cli_free(struct settings *s);

/* Parses a timeout in seconds ("5", "0.5"): 0 or EINVAL/ERANGE. */
int cli_parse_timeout(const char *text, double *out);

#endif
