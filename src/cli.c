/* SPDX-License-Identifier: MIT */
/*
 * cli: option parsing by hand rather than getopt, because `run COMMAND -x`
 * must leave -x to COMMAND while `start web -t 3` must not, and the parser
 * has to stay pure to be unit-tested and fuzzed. Main thread only.
 */
#include "cli.h"

#include "signames.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum opt_id {
	OPT_PROCFILE, OPT_ROOT, OPT_ENV, OPT_FORMATION, OPT_PORT, OPT_TIMEOUT,
	OPT_COLOR, OPT_NO_COLOR, OPT_TIMESTAMP, OPT_HELP, OPT_VERSION,
	OPT_EXPECT, OPT_PGROUP, OPT_REWRITE, OPT_VERBOSE, OPT_PDEATHSIG,
	OPT_PROCESS, OPT_CAN_DIE, OPT_RESTART, OPT_RESTART_LIMIT, OPT_STOP_SIGNAL, OPT_TTY,
	OPT_ON_EXIT, /* sysinit (h12 stand-in) */
};

struct opt {
	char short_name; /* 0: long only */
	const char *long_name;
	bool has_arg;
	enum opt_id id;
};

static const struct opt opts[] = {
	{ 'f', "procfile", true, OPT_PROCFILE },
	{ 'd', "root", true, OPT_ROOT },
	{ 'e', "env", true, OPT_ENV },
	{ 'm', "formation", true, OPT_FORMATION },
	{ 'p', "port", true, OPT_PORT },
	{ 't', "timeout", true, OPT_TIMEOUT },
	{ 0, "color", false, OPT_COLOR },
	{ 0, "no-color", false, OPT_NO_COLOR },
	{ 0, "timestamp", false, OPT_TIMESTAMP },
	{ 'h', "help", false, OPT_HELP },
	{ 'V', "version", false, OPT_VERSION },
	{ 'E', "expect-exit", true, OPT_EXPECT },
	{ 'g', "pgroup", false, OPT_PGROUP },
	{ 'r', "rewrite", true, OPT_REWRITE },
	{ 'v', "verbose", false, OPT_VERBOSE },
	{ 0, "pdeathsig", true, OPT_PDEATHSIG },
	{ 'x', "process", true, OPT_PROCESS },
	{ 0, "can-die", true, OPT_CAN_DIE },
	{ 0, "restart", true, OPT_RESTART },
	{ 0, "restart-limit", true, OPT_RESTART_LIMIT },
	{ 0, "stop-signal", true, OPT_STOP_SIGNAL },
	{ 0, "tty", false, OPT_TTY },
	{ 0, "on-exit", true, OPT_ON_EXIT }, /* sysinit (h12 stand-in) */
};

#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

int cli_parse_timeout(const char *text, double *out)
{
	/*
	 * Plain decimals only ("5", "0.25"), parsed by hand: strtod would pull
	 * musl's whole float scanner into a binary that wants to stay small,
	 * and would accept "inf", "0x1p3" and "1e2" besides.
	 */
	const char *p = text;
	double v = 0, scale = 1;
	bool big = false;

	if (*p < '0' || *p > '9')
		return EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > CLI_TIMEOUT_MAX)
			big = true;
		else
			v = v * 10 + (*p - '0');
	}
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return EINVAL;
		for (p++; *p >= '0' && *p <= '9'; p++)
			v += (*p - '0') * (scale /= 10);
	}
	if (*p)
		return EINVAL;
	if (big || v > CLI_TIMEOUT_MAX)
		return ERANGE;
	*out = v;
	return 0;
}

static int parse_port(const char *text, long *out)
{
	char *end;
	long v;

	if (!*text || *text < '0' || *text > '9')
		return EINVAL;
	errno = 0;
	v = strtol(text, &end, 10);
	if (*end)
		return EINVAL;
	if (errno == ERANGE || v < 1 || v > 65535)
		return ERANGE;
	*out = v;
	return 0;
}

static int parse_expect(struct settings *s, const char *flag, const char *val, char *err,
			size_t errlen)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (*val < '0' || *val > '9' || *end || errno || v > 255) {
		snprintf(err, errlen, "%s: invalid exit code '%.32s' (0..255)", flag, val);
		return 2;
	}
	if (s->n_expect == CLI_MAX_EXPECT) {
		snprintf(err, errlen, "%s: at most %d codes", flag, CLI_MAX_EXPECT);
		return 2;
	}
	s->expect_exit[s->n_expect++] = (int)v;
	return 0;
}

static int parse_rewrite(struct settings *s, const char *flag, const char *val, char *err,
			 size_t errlen)
{
	const char *colon = strchr(val, ':');
	char from_text[32];
	int from, to;

	if (!colon || (size_t)(colon - val) >= sizeof(from_text)) {
		snprintf(err, errlen, "%s: expected FROM:TO, got '%.32s'", flag, val);
		return 2;
	}
	memcpy(from_text, val, (size_t)(colon - val));
	from_text[colon - val] = '\0';
	from = sig_parse(from_text, 0);
	to = sig_parse(colon + 1, 1);
	if (from < 0 || to < 0) {
		snprintf(err, errlen, "%s: unknown signal '%.32s'", flag,
			 from < 0 ? from_text : colon + 1);
		return 2;
	}
	s->rewrite[from] = to;
	return 0;
}

static int add_to_list(const char **list, size_t *n, const char *flag, const char *val,
		       char *err, size_t errlen)
{
	if (*n == CLI_MAX_LIST) {
		snprintf(err, errlen, "%s: given more than %d times", flag, CLI_MAX_LIST);
		return 2;
	}
	list[(*n)++] = val;
	return 0;
}

/* N/SECONDS: at most N restarts of one instance within SECONDS. */
static int parse_restart_limit(struct settings *s, const char *flag, const char *val,
			       char *err, size_t errlen)
{
	const char *slash = strchr(val, '/');
	char *end;
	long n;

	errno = 0;
	n = strtol(val, &end, 10);
	if (!slash || end != slash || *val < '0' || *val > '9' || errno || n < 1 || n > 1000 ||
	    cli_parse_timeout(slash + 1, &s->restart_window) || s->restart_window <= 0) {
		snprintf(err, errlen, "%s: expected N/SECONDS (N 1..1000), got '%.32s'", flag, val);
		return 2;
	}
	s->restart_max = (unsigned)n;
	return 0;
}

static int apply(struct settings *s, const struct opt *o, const char *flag, const char *val,
		 char *err, size_t errlen)
{
	int e;

	switch (o->id) {
	case OPT_PROCFILE:
		s->procfile = val;
		break;
	case OPT_ROOT:
		s->root = val;
		break;
	case OPT_ENV:
		if (s->n_env_args == CLI_MAX_ENV_ARGS) {
			snprintf(err, errlen, "%s: at most %d env options", flag, CLI_MAX_ENV_ARGS);
			return 2;
		}
		s->env_args[s->n_env_args++] = val;
		break;
	case OPT_FORMATION:
		s->formation = val;
		break;
	case OPT_PORT:
		e = parse_port(val, &s->port);
		if (e == ERANGE)
			snprintf(err, errlen, "%s: port %.32s out of range 1..65535", flag, val);
		else if (e)
			snprintf(err, errlen, "%s: invalid port '%.32s'", flag, val);
		return e ? 2 : 0;
	case OPT_TIMEOUT:
		s->timeout_set = true;
		e = cli_parse_timeout(val, &s->timeout);
		if (e == ERANGE)
			snprintf(err, errlen, "%s: timeout %.32s out of range 0..%d", flag, val,
				 (int)CLI_TIMEOUT_MAX);
		else if (e)
			snprintf(err, errlen, "%s: invalid timeout '%.32s'", flag, val);
		return e ? 2 : 0;
	case OPT_COLOR:
		s->color = COLOR_ON;
		break;
	case OPT_NO_COLOR:
		s->color = COLOR_OFF;
		break;
	case OPT_TIMESTAMP:
		s->timestamp = true;
		break;
	case OPT_HELP:
		s->cmd = CMD_HELP;
		break;
	case OPT_VERSION:
		s->cmd = CMD_VERSION;
		break;
	case OPT_EXPECT:
		return parse_expect(s, flag, val, err, errlen);
	case OPT_PGROUP:
		s->pgroup = s->pgroup_set = true;
		break;
	case OPT_REWRITE:
		return parse_rewrite(s, flag, val, err, errlen);
	case OPT_VERBOSE:
		s->verbosity++;
		s->verbosity_set = true;
		break;
	case OPT_PROCESS:
		return add_to_list(s->inline_procs, &s->n_inline, flag, val, err, errlen);
	case OPT_CAN_DIE:
		return add_to_list(s->can_die, &s->n_can_die, flag, val, err, errlen);
	case OPT_RESTART:
		return add_to_list(s->restart, &s->n_restart, flag, val, err, errlen);
	case OPT_STOP_SIGNAL:
		return add_to_list(s->stop_signals, &s->n_stop_signals, flag, val, err, errlen);
	case OPT_RESTART_LIMIT:
		return parse_restart_limit(s, flag, val, err, errlen);
	case OPT_TTY:
		s->tty = true;
		break;
	case OPT_ON_EXIT: /* sysinit (h12 stand-in until h11-cli's lands) */
		if (!strcmp(val, "poweroff"))
			s->on_exit = ON_EXIT_POWEROFF;
		else if (!strcmp(val, "reboot"))
			s->on_exit = ON_EXIT_REBOOT;
		else if (!strcmp(val, "halt"))
			s->on_exit = ON_EXIT_HALT;
		else {
			snprintf(err, errlen, "%s: expected poweroff, reboot or halt, got '%.32s'",
				 flag, val);
			return 2;
		}
		break;
	case OPT_PDEATHSIG:
		s->pdeathsig = sig_parse(val, 0);
		if (s->pdeathsig < 0) {
			snprintf(err, errlen, "%s: unknown signal '%.32s'", flag, val);
			return 2;
		}
		break;
	}
	return 0;
}

/*
 * Parses the option at argv[*i] (which starts with '-'). Returns 0 or 2;
 * advances *i past the option and its value.
 */
static int parse_option(int argc, char **argv, int *i, struct settings *s, char *err,
			size_t errlen)
{
	const char *a = argv[*i], *val = NULL;
	const struct opt *o = NULL;
	char flag[40];

	if (a[1] == '-') {
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);

		for (size_t k = 0; k < N_OPTS && !o; k++)
			if (strlen(opts[k].long_name) == len && !strncmp(opts[k].long_name, name, len))
				o = &opts[k];
		if (!o) {
			snprintf(err, errlen, "unknown option '%.*s'", (int)(len + 2 > 64 ? 64 : len + 2), a);
			return 2;
		}
		snprintf(flag, sizeof(flag), "--%s", o->long_name);
		if (eq && !o->has_arg) {
			snprintf(err, errlen, "%s takes no value", flag);
			return 2;
		}
		if (eq)
			val = eq + 1;
	} else {
		for (size_t k = 0; k < N_OPTS && !o; k++)
			if (opts[k].short_name && opts[k].short_name == a[1])
				o = &opts[k];
		if (!o) {
			snprintf(err, errlen, "unknown option '-%c'", a[1]);
			return 2;
		}
		snprintf(flag, sizeof(flag), "-%c", o->short_name);
		if (a[2] && !o->has_arg) {
			/* Bundled flags, as in -vv or -gv: each must be a flag. */
			for (const char *c = a + 1; *c; c++) {
				const struct opt *b = NULL;

				for (size_t k = 0; k < N_OPTS && !b; k++)
					if (opts[k].short_name == *c && !opts[k].has_arg)
						b = &opts[k];
				if (!b) {
					snprintf(err, errlen, "unknown option '%.64s'", a);
					return 2;
				}
				snprintf(flag, sizeof(flag), "-%c", *c);
				apply(s, b, flag, NULL, err, errlen);
			}
			(*i)++;
			return 0;
		}
		if (a[2])
			val = a + 2;
	}
	if (o->has_arg && !val) {
		if (*i + 1 >= argc) {
			snprintf(err, errlen, "%s needs a value", flag);
			return 2;
		}
		val = argv[++*i];
	}
	(*i)++;
	return apply(s, o, flag, val, err, errlen);
}

static bool is_option(const char *a)
{
	return a[0] == '-' && a[1] != '\0';
}

static int parse_args(int argc, char **argv, struct settings *s, char *err, size_t errlen)
{
	bool have_cmd = false, no_more_opts = false;
	int i = 1, rc;

	memset(s, 0, sizeof(*s));
	for (int k = 0; k < CLI_NSIG; k++)
		s->rewrite[k] = -1;
	s->timeout = 5.0;
	s->restart_max = CLI_RESTART_MAX;
	s->restart_window = CLI_RESTART_WINDOW;
	s->cmd = CMD_START;
	err[0] = '\0';
	s->names = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
	if (!s->names) {
		snprintf(err, errlen, "out of memory");
		return 2;
	}
	while (i < argc) {
		const char *a = argv[i];

		if (!no_more_opts && !strcmp(a, "--")) {
			if (!have_cmd) {
				/* procinit [OPTIONS] -- COMMAND [ARG...]: a container init. */
				if (i + 1 >= argc) {
					snprintf(err, errlen, "-- needs a command");
					return 2;
				}
				s->cmd = CMD_EXEC;
				s->run_argv = argv + i + 1;
				s->run_argc = (size_t)(argc - i - 1);
				return 0;
			}
			no_more_opts = true;
			i++;
			continue;
		}
		if (!no_more_opts && is_option(a)) {
			rc = parse_option(argc, argv, &i, s, err, errlen);
			if (rc)
				return rc;
			if (s->cmd == CMD_HELP || s->cmd == CMD_VERSION)
				return 0;
			continue;
		}
		if (!have_cmd) {
			have_cmd = true;
			i++;
			if (!strcmp(a, "start")) {
				s->cmd = CMD_START;
			} else if (!strcmp(a, "check")) {
				s->cmd = CMD_CHECK;
			} else if (!strcmp(a, "run")) {
				s->cmd = CMD_RUN;
				/* Options may still come before the command word. */
				while (i < argc && is_option(argv[i]) && strcmp(argv[i], "--")) {
					rc = parse_option(argc, argv, &i, s, err, errlen);
					if (rc)
						return rc;
				}
				if (i < argc && !strcmp(argv[i], "--"))
					i++;
				if (i >= argc) {
					snprintf(err, errlen, "run needs a command");
					return 2;
				}
				s->run_argv = argv + i;
				s->run_argc = (size_t)(argc - i);
				return 0;
			} else if (!strcmp(a, "exec")) {
				/* sysinit (h12 stand-in): -- COMMAND as a kernel command line can spell it. */
				if (i < argc && !strcmp(argv[i], "--"))
					i++;
				if (i >= argc) {
					snprintf(err, errlen, "exec needs a command");
					return 2;
				}
				s->cmd = CMD_EXEC;
				s->run_argv = argv + i;
				s->run_argc = (size_t)(argc - i);
				return 0;
			} else if (!strcmp(a, "poweroff")) { /* sysinit (h12 stand-in) */
				s->cmd = CMD_POWEROFF;
			} else if (!strcmp(a, "reboot")) {
				s->cmd = CMD_REBOOT;
			} else if (!strcmp(a, "halt")) {
				s->cmd = CMD_HALT;
			} else if (!strcmp(a, "help")) {
				s->cmd = CMD_HELP;
				return 0;
			} else if (!strcmp(a, "version")) {
				s->cmd = CMD_VERSION;
				return 0;
			} else {
				snprintf(err, errlen, "unknown command '%.64s'", a);
				return 2;
			}
			continue;
		}
		if (s->cmd != CMD_START) {
			snprintf(err, errlen, "unexpected argument '%.64s'", a);
			return 2;
		}
		s->names[s->n_names++] = argv[i++];
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct settings *s, char *err, size_t errlen)
{
	int rc = parse_args(argc, argv, s, err, errlen);

	/* Messages quote what the user typed: keep them one printable line. */
	for (char *c = err; rc && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return rc;
}

void cli_free(struct settings *s)
{
	free(s->names);
	s->names = NULL;
}
