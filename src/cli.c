/* SPDX-License-Identifier: MIT */
/*
 * cli: option parsing by hand rather than getopt, because `run COMMAND -x`
 * must leave -x to COMMAND while `start web -t 3` must not, and the parser
 * has to stay pure to be unit-tested and fuzzed. Every option is one entry
 * of `options` below: how its value is parsed and stored, the commands it
 * belongs to, its --help line and its PROCINIT_* variable. Main thread only.
 */
#include "cli.h"

#include "ctlpath.h"
#include "lex.h"
#include "signames.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The commands an option or a word belongs to: one bit per enum cli_command. */
#define M(cmd) (1u << (cmd))
#define M_PROCFILE (M(CMD_START) | M(CMD_CHECK) | M(CMD_RUN))
#define M_SINGLE M(CMD_EXEC)
#define M_EXPORT M(CMD_EXPORT)
#define M_CONTROL (M(CMD_STATUS) | M(CMD_RESTART) | M(CMD_STOP) | M(CMD_SCALE) | M(CMD_QUIT))
#define M_POWER (M(CMD_POWEROFF) | M(CMD_REBOOT) | M(CMD_HALT))
#define M_ALL (M_PROCFILE | M_SINGLE | M_EXPORT | M_CONTROL | M_POWER)

enum opt_kind {
	K_FLAG,    /* bool = true; variable: true unless 0, false or no */
	K_COUNT,   /* int += 1; variable: a level lo..hi */
	K_ENUM,    /* int = value; the last one given wins */
	K_STRING,  /* const char *, optionally checked */
	K_LIST,    /* appended to const char *[CLI_MAX_LIST]; the count at off_n */
	K_NUMBER,  /* long in lo..hi */
	K_SECONDS, /* double in 0..CLI_TIMEOUT_MAX */
	K_SIGNAL,  /* int, a signal 1..64 */
	K_CHOICE,  /* int, the index of the value in choices */
	K_CUSTOM,  /* parse() does it all */
};

struct parse;
struct cli_option;

/* A value's own parser or check; FLAG is how the user spelled the option (or the verb). */
typedef int value_fn(struct parse *p, const struct cli_option *o, const char *flag, const char *val);

struct cli_option {
	const char *long_name;
	const char *arg; /* the value's name in --help and messages; NULL: takes none */
	const char *help;
	const char *env; /* its PROCINIT_* variable, or NULL */
	union {
		const char *noun;           /* in messages: "port", "timeout", "level" */
		const char *const *choices; /* K_CHOICE, NULL-terminated */
	};
	value_fn *fn;              /* K_CUSTOM: parses and stores; K_STRING, K_LIST: checks first */
	int lo, hi;                /* K_NUMBER's range; K_COUNT's variable's range */
	unsigned short off, off_n; /* where in struct settings; off_n: K_LIST's count */
	unsigned short modes;      /* the commands it belongs to */
	char short_name;           /* 0: long only */
	unsigned char kind;        /* enum opt_kind */
	signed char value;         /* K_ENUM */
	/*
	 * Options older than the control verbs were taken by every Procfile and
	 * single-command run, meaningful or not; scripts and images pass them
	 * that way, so those commands still accept them. New ones are refused
	 * where they mean nothing.
	 */
	bool old;
};

#define WORDS_ANY 255 /* max_words: no limit */

struct cli_verb {
	const char *word;
	const char *synopsis; /* after the word, in --help */
	const char *help;
	const char *needs;                  /* the message when fewer: "WORD needs NEEDS" */
	unsigned char cmd;                  /* enum cli_command */
	unsigned char min_words, max_words; /* words after the verb (not options) */
};

struct parse {
	struct settings *s;
	char *err;
	size_t errlen;
	unsigned char given[64]; /* per option: 0, or 1 given as -x, 2 as --long */
	bool expect_seen[256];
};

#define OFF(field) offsetof(struct settings, field)

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return 2;
}

/* ---------------------------------------------------------------- value checks and parsers */

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

/* A decimal in LO..HI (0 <= LO <= HI), digits only: 0, EINVAL or ERANGE. */
static int parse_long(const char *text, long lo, long hi, long *out)
{
	unsigned long v;
	int err = lex_parse_uint(text, strlen(text), (unsigned long)hi, &v);

	if (err)
		return err;
	if (v < (unsigned long)lo)
		return ERANGE;
	*out = (long)v;
	return 0;
}

/* NAME=VALUE with both sides non-empty: --ready NAME=CHECK, --after NAME=DEP. */
static int check_pair(struct parse *p, const struct cli_option *o, const char *flag, const char *val)
{
	const char *eq = strchr(val, '=');

	if (eq && eq != val && eq[1])
		return 0;
	return fail(p, "%s: expected %s, got '%.32s'", flag, o->arg, val);
}

static int check_nonempty(struct parse *p, const struct cli_option *o, const char *flag,
			  const char *val)
{
	return *val ? 0 : fail(p, "%s: empty value", flag);
}

/* The socket's path must fit sockaddr_un; "none" turns the socket off. */
static int check_socket(struct parse *p, const struct cli_option *o, const char *flag,
			const char *val)
{
	if (!*val)
		return fail(p, "%s: empty path", flag);
	if (strlen(val) >= CTLPATH_MAX)
		return fail(p, "%s: path longer than %d bytes", flag, CTLPATH_MAX - 1);
	return 0;
}

/* -E: any number of codes; each is kept once, so 256 entries always suffice. */
static int parse_expect(struct parse *p, const struct cli_option *o, const char *flag,
			const char *val)
{
	struct settings *s = p->s;
	long v;

	if (parse_long(val, 0, 255, &v))
		return fail(p, "%s: invalid exit code '%.32s' (0..255)", flag, val);
	if (!p->expect_seen[v]) {
		p->expect_seen[v] = true;
		s->expect_exit[s->n_expect++] = (int)v;
	}
	return 0;
}

/*
 * Signals procinit never receives to forward (sigthread_forward_set): the
 * faults stay unblocked and kill procinit itself (sigmask.c keeps the same
 * list), SIGKILL and SIGSTOP cannot be caught, SIGCHLD is the reaper's.
 */
static const char *unforwardable(int sig)
{
	switch (sig) {
	case SIGSEGV:
	case SIGBUS:
	case SIGFPE:
	case SIGILL:
	case SIGABRT:
	case SIGSYS:
	case SIGTRAP:
		return "fault signals are never forwarded";
	case SIGKILL:
	case SIGSTOP:
		return "it cannot be caught";
	case SIGCHLD:
		return "procinit keeps it to reap children";
	default:
		return NULL;
	}
}

static int parse_rewrite(struct parse *p, const struct cli_option *o, const char *flag,
			 const char *val)
{
	const char *colon = strchr(val, ':'), *why;
	char from_text[32];
	int from, to;

	if (!colon || (size_t)(colon - val) >= sizeof(from_text))
		return fail(p, "%s: expected FROM:TO, got '%.32s'", flag, val);
	memcpy(from_text, val, (size_t)(colon - val));
	from_text[colon - val] = '\0';
	from = sig_parse(from_text, 0);
	to = sig_parse(colon + 1, 1);
	if (from < 0 || to < 0)
		return fail(p, "%s: unknown signal '%.32s'", flag, from < 0 ? from_text : colon + 1);
	why = unforwardable(from);
	if (why)
		return fail(p, "%s: cannot rewrite %s: %s", flag, sig_name(from), why);
	p->s->rewrite[from] = to;
	return 0;
}

/* N/SECONDS: at most N restarts of one instance within SECONDS. */
static int parse_restart_limit(struct parse *p, const struct cli_option *o, const char *flag,
			       const char *val)
{
	struct settings *s = p->s;
	const char *slash = strchr(val, '/');
	unsigned long n;

	if (!slash || lex_parse_uint(val, (size_t)(slash - val), 1000, &n) || n < 1 ||
	    cli_parse_timeout(slash + 1, &s->restart_window) || s->restart_window <= 0)
		return fail(p, "%s: expected N/SECONDS (N 1..1000), got '%.32s'", flag, val);
	s->restart_max = (unsigned)n;
	return 0;
}

/* ---------------------------------------------------------------- the tables */

static const char *const on_exit_choices[] = { "poweroff", "reboot", "halt", NULL };

/*
 * The order is --help's order within each section. A field's type follows
 * from the kind: bool (K_FLAG), int (K_COUNT, K_ENUM, K_SIGNAL, K_CHOICE),
 * const char * (K_STRING), long (K_NUMBER), double (K_SECONDS).
 */
#define LIST(list, count) .kind = K_LIST, .off = OFF(list), .off_n = OFF(count)
#define BOTH_MODES (M_PROCFILE | M_SINGLE)

/* One option, one paragraph: clang-format would give each field a line. */
/* clang-format off */
static const struct cli_option options[] = {
	/* Both modes. */
	{ .short_name = 'd', .long_name = "root", .arg = "DIR",
	  .help = "working folder (default: the Procfile's folder)",
	  .modes = BOTH_MODES | M_CONTROL | M_EXPORT, .old = true,
	  .kind = K_STRING, .off = OFF(root) },
	{ .short_name = 'e', .long_name = "env", .arg = "FILE[,FILE...]",
	  .help = "env files (Procfile mode: ROOT/.env if none is named)",
	  .modes = BOTH_MODES | M_EXPORT, .old = true,
	  LIST(env_args, n_env_args) },
	{ .short_name = 't', .long_name = "timeout", .arg = "SECONDS",
	  .help = "grace before SIGKILL (default: 5)",
	  .modes = BOTH_MODES | M_EXPORT, .old = true, .env = "PROCINIT_TIMEOUT",
	  .kind = K_SECONDS, .off = OFF(timeout), .noun = "timeout" },
	{ .long_name = "pdeathsig", .arg = "SIGNAL",
	  .help = "get SIGNAL when procinit's parent dies",
	  .modes = BOTH_MODES, .old = true,
	  .kind = K_SIGNAL, .off = OFF(pdeathsig) },
	{ .long_name = "on-exit", .arg = "ACTION",
	  .help = "as a system's init: poweroff (default), reboot or halt",
	  .modes = BOTH_MODES,
	  .kind = K_CHOICE, .off = OFF(on_exit), .choices = on_exit_choices },
	/* Procfile mode. */
	{ .short_name = 'f', .long_name = "procfile", .arg = "FILE",
	  .help = "Procfile to use (default: ./Procfile; -: stdin)",
	  .modes = M_PROCFILE | M_CONTROL | M_EXPORT, .old = true,
	  .kind = K_STRING, .off = OFF(procfile) },
	{ .short_name = 'm', .long_name = "formation", .arg = "SPEC",
	  .help = "instances, e.g. all=1,web=2,worker=0",
	  .modes = M_PROCFILE | M_EXPORT, .old = true,
	  .kind = K_STRING, .off = OFF(formation) },
	{ .short_name = 'p', .long_name = "port", .arg = "N",
	  .help = "base port (default: $PORT, else 5000)",
	  .modes = M_PROCFILE | M_EXPORT, .old = true,
	  .kind = K_NUMBER, .off = OFF(port), .lo = 1, .hi = 65535, .noun = "port" },
	{ .long_name = "color",
	  .help = "force colour on",
	  .modes = M_PROCFILE, .old = true,
	  .kind = K_ENUM, .off = OFF(color), .value = COLOR_ON },
	{ .long_name = "no-color",
	  .help = "force colour off",
	  .modes = M_PROCFILE, .old = true,
	  .kind = K_ENUM, .off = OFF(color), .value = COLOR_OFF },
	{ .long_name = "timestamp",
	  .help = "show HH:MM:SS before each line",
	  .modes = M_PROCFILE, .old = true,
	  .kind = K_FLAG, .off = OFF(timestamp) },
	{ .short_name = 'x', .long_name = "process", .arg = "'NAME: CMD'",
	  .help = "define a process on the command line; repeatable",
	  .modes = M_PROCFILE | M_EXPORT, .old = true,
	  LIST(inline_procs, n_inline) },
	{ .long_name = "can-die", .arg = "NAME[,...]",
	  .help = "these may exit without stopping the others",
	  .modes = M_PROCFILE | M_EXPORT, .old = true,
	  LIST(can_die, n_can_die) },
	{ .long_name = "restart", .arg = "NAME[,...]",
	  .help = "restart these (or all) when they exit, with backoff",
	  .modes = M_PROCFILE | M_EXPORT, .old = true,
	  LIST(restart, n_restart) },
	{ .long_name = "restart-limit", .arg = "N/SECS",
	  .help = "at most N restarts within SECS (default 10/60)",
	  .modes = M_PROCFILE | M_EXPORT, .old = true,
	  .kind = K_CUSTOM, .fn = parse_restart_limit },
	{ .long_name = "stop-signal", .arg = "NAME=SIG",
	  .help = "signal NAME gets at shutdown instead of SIGTERM",
	  .modes = M_PROCFILE | M_EXPORT, .old = true,
	  LIST(stop_signals, n_stop_signals) },
	{ .long_name = "tty",
	  .help = "a pseudo-terminal per child instead of a pipe",
	  .modes = M_PROCFILE, .old = true,
	  .kind = K_FLAG, .off = OFF(tty) },
	{ .long_name = "ready", .arg = "NAME=CHECK",
	  .help = "ready when CHECK passes: tcp, http, log, exec, notify, exit",
	  .modes = M_PROCFILE | M_EXPORT,
	  LIST(ready, n_ready), .fn = check_pair },
	{ .long_name = "after", .arg = "NAME=DEP",
	  .help = "start NAME once every DEP is ready, stop it before them",
	  .modes = M_PROCFILE | M_EXPORT,
	  LIST(after, n_after), .fn = check_pair },
	{ .long_name = "ready-timeout", .arg = "SECONDS",
	  .help = "not ready by then counts as exit 1 (default: 60)",
	  .modes = M_PROCFILE | M_EXPORT,
	  .kind = K_SECONDS, .off = OFF(ready_timeout), .noun = "timeout" },
	{ .long_name = "socket", .arg = "PATH|none",
	  .help = "control socket (default: ROOT/.procinit.sock)",
	  .modes = M_PROCFILE | M_CONTROL, .env = "PROCINIT_SOCKET",
	  .kind = K_STRING, .off = OFF(socket), .fn = check_socket },
	/* Single-command mode. */
	{ .short_name = 'E', .long_name = "expect-exit", .arg = "N",
	  .help = "exit code N (0..255) counts as 0; repeatable",
	  .modes = M_SINGLE, .old = true,
	  .kind = K_CUSTOM, .fn = parse_expect },
	{ .short_name = 'g', .long_name = "pgroup",
	  .help = "signal the command's whole process group",
	  .modes = M_SINGLE, .old = true, .env = "PROCINIT_PGROUP",
	  .kind = K_FLAG, .off = OFF(pgroup) },
	{ .short_name = 'r', .long_name = "rewrite", .arg = "FROM:TO",
	  .help = "forward signal FROM as TO (0: drop); repeatable",
	  .modes = M_SINGLE, .old = true,
	  .kind = K_CUSTOM, .fn = parse_rewrite },
	{ .short_name = 'v', .long_name = "verbose",
	  .help = "log reaped pids; twice: signals too",
	  .modes = M_SINGLE, .old = true, .env = "PROCINIT_VERBOSITY",
	  .kind = K_COUNT, .off = OFF(verbosity), .lo = 0, .hi = 9, .noun = "level" },
	/* export. */
	{ .long_name = "app", .arg = "NAME",
	  .help = "application name (default: the root folder's name)",
	  .modes = M_EXPORT,
	  .kind = K_STRING, .off = OFF(app_name), .fn = check_nonempty },
	{ .long_name = "user", .arg = "USER",
	  .help = "run the processes as USER",
	  .modes = M_EXPORT,
	  .kind = K_STRING, .off = OFF(user), .fn = check_nonempty },
	{ .long_name = "log", .arg = "DIR",
	  .help = "log folder, for the formats that write logs",
	  .modes = M_EXPORT,
	  .kind = K_STRING, .off = OFF(log_dir), .fn = check_nonempty },
	{ .long_name = "image", .arg = "IMAGE",
	  .help = "container image (compose, kubernetes)",
	  .modes = M_EXPORT,
	  .kind = K_STRING, .off = OFF(image), .fn = check_nonempty },
	{ .long_name = "force",
	  .help = "overwrite files that export did not write",
	  .modes = M_EXPORT,
	  .kind = K_FLAG, .off = OFF(force) },
	/* Control verbs. */
	{ .long_name = "json",
	  .help = "status: one JSON document instead of lines",
	  .modes = M(CMD_STATUS),
	  .kind = K_FLAG, .off = OFF(json) },
	/* Anywhere. */
	{ .short_name = 'h', .long_name = "help",
	  .help = "this help",
	  .modes = M_ALL, .old = true,
	  .kind = K_ENUM, .off = OFF(cmd), .value = CMD_HELP },
	{ .short_name = 'V', .long_name = "version",
	  .help = "print the version",
	  .modes = M_ALL, .old = true,
	  .kind = K_ENUM, .off = OFF(cmd), .value = CMD_VERSION },
};
/* clang-format on */

#define N_OPTS (sizeof(options) / sizeof(options[0]))

_Static_assert(N_OPTS <= sizeof(((struct parse *)0)->given), "struct parse: given[] too small");
_Static_assert(CLI_MAX_ENV_ARGS == CLI_MAX_LIST, "-e is a K_LIST of CLI_MAX_LIST");
_Static_assert(sizeof(enum cli_command) == sizeof(int) && sizeof(enum cli_color) == sizeof(int) &&
		       sizeof(enum cli_on_exit) == sizeof(int),
	       "K_ENUM and K_CHOICE store an int");
_Static_assert(CMD_HALT < 16, "a command is one bit of modes");
_Static_assert(sizeof(struct settings) <= 65535, "off and off_n are unsigned short");

#define WORDS(min, max, what) .min_words = min, .max_words = max, .needs = what

/* clang-format off */
static const struct cli_verb verbs[] = {
	{ .word = "start", .cmd = CMD_START, .synopsis = "[PROCESS...]",
	  .help = "run the Procfile: every type, or those named",
	  WORDS(0, WORDS_ANY, NULL) },
	{ .word = "run", .cmd = CMD_RUN, .synopsis = "PROCESS|COMMAND [ARG...]",
	  .help = "one command with the app's environment" },
	{ .word = "check", .cmd = CMD_CHECK, .synopsis = "",
	  .help = "validate the Procfile and the env files" },
	{ .word = "export", .cmd = CMD_EXPORT, .synopsis = "FORMAT DIR",
	  .help = "systemd, supervisord, runit, compose or kubernetes files",
	  WORDS(2, 2, "FORMAT and DIR") },
	{ .word = "exec", .cmd = CMD_EXEC, .synopsis = "COMMAND [ARG...]",
	  .help = "the same, written for a kernel command line" },
	{ .word = "status", .cmd = CMD_STATUS, .synopsis = "[--json]",
	  .help = "every process's state (exit 0: all running and ready)" },
	{ .word = "restart", .cmd = CMD_RESTART, .synopsis = "NAME|NAME.N...",
	  .help = "restart these; the others keep running",
	  WORDS(1, WORDS_ANY, "a process name") },
	{ .word = "stop", .cmd = CMD_STOP, .synopsis = "NAME|NAME.N...",
	  .help = "stop these and leave them stopped",
	  WORDS(1, WORDS_ANY, "a process name") },
	{ .word = "scale", .cmd = CMD_SCALE, .synopsis = "NAME=N...",
	  .help = "run N instances of type NAME (0..10000)",
	  WORDS(1, WORDS_ANY, "NAME=N") },
	{ .word = "quit", .cmd = CMD_QUIT, .synopsis = "",
	  .help = "stop everything, as SIGTERM does" },
	{ .word = "poweroff", .cmd = CMD_POWEROFF, .synopsis = "",
	  .help = "as a system's init: stop everything, power off" },
	{ .word = "reboot", .cmd = CMD_REBOOT, .synopsis = "",
	  .help = "the same, then reboot" },
	{ .word = "halt", .cmd = CMD_HALT, .synopsis = "",
	  .help = "the same, then halt" },
	{ .word = "help", .cmd = CMD_HELP, .synopsis = "", .help = "this help" },
	{ .word = "version", .cmd = CMD_VERSION, .synopsis = "", .help = "the version" },
};
/* clang-format on */

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

const char *cli_command_name(enum cli_command cmd)
{
	for (size_t k = 0; k < N_VERBS; k++)
		if (verbs[k].cmd == cmd)
			return verbs[k].word;
	return "?";
}

static const struct cli_verb *find_verb(const char *word)
{
	for (size_t k = 0; k < N_VERBS; k++)
		if (!strcmp(verbs[k].word, word))
			return &verbs[k];
	return NULL;
}

/* ---------------------------------------------------------------- storing values */

static void *field(struct settings *s, size_t off)
{
	return (char *)s + off;
}

/* One of o->choices; the message lists them: "expected poweroff, reboot or halt". */
static int store_choice(struct parse *p, const struct cli_option *o, const char *flag,
			const char *val)
{
	char list[128];
	size_t len = 0;
	int k;

	for (k = 0; o->choices[k]; k++) {
		if (!strcmp(o->choices[k], val)) {
			*(int *)field(p->s, o->off) = k;
			return 0;
		}
	}
	list[0] = '\0';
	for (int j = 0; j < k && len < sizeof(list); j++) {
		const char *sep = j == 0 ? "" : j == k - 1 ? " or " : ", ";

		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", sep, o->choices[j]);
	}
	return fail(p, "%s: expected %s, got '%.32s'", flag, list, val);
}

static int store(struct parse *p, const struct cli_option *o, const char *flag, const char *val)
{
	struct settings *s = p->s;
	double d;
	long n;
	int e;

	if (o->fn && o->kind != K_CUSTOM && o->fn(p, o, flag, val))
		return 2;
	switch (o->kind) {
	case K_FLAG:
		*(bool *)field(s, o->off) = true;
		return 0;
	case K_COUNT:
		++*(int *)field(s, o->off);
		return 0;
	case K_ENUM:
		*(int *)field(s, o->off) = o->value;
		return 0;
	case K_STRING:
		*(const char **)field(s, o->off) = val;
		return 0;
	case K_LIST: {
		size_t *len = field(s, o->off_n);

		if (*len == CLI_MAX_LIST)
			return fail(p, "%s: given more than %d times", flag, CLI_MAX_LIST);
		((const char **)field(s, o->off))[(*len)++] = val;
		return 0;
	}
	case K_NUMBER:
		e = parse_long(val, o->lo, o->hi, &n);
		if (e == ERANGE)
			return fail(p, "%s: %s %.32s out of range %d..%d", flag, o->noun, val,
				    o->lo, o->hi);
		if (e)
			return fail(p, "%s: invalid %s '%.32s'", flag, o->noun, val);
		*(long *)field(s, o->off) = n;
		return 0;
	case K_SECONDS:
		e = cli_parse_timeout(val, &d);
		if (e == ERANGE)
			return fail(p, "%s: %s %.32s out of range 0..%d", flag, o->noun, val,
				    (int)CLI_TIMEOUT_MAX);
		if (e)
			return fail(p, "%s: invalid %s '%.32s'", flag, o->noun, val);
		*(double *)field(s, o->off) = d;
		return 0;
	case K_SIGNAL:
		e = sig_parse(val, 0);
		if (e < 0)
			return fail(p, "%s: unknown signal '%.32s'", flag, val);
		*(int *)field(s, o->off) = e;
		return 0;
	case K_CHOICE:
		return store_choice(p, o, flag, val);
	case K_CUSTOM:
		return o->fn(p, o, flag, val);
	}
	return 0;
}

/*
 * A PROCINIT_* variable, for Docker users who cannot add flags. Its messages
 * name the variable and the accepted range in one form for every kind.
 */
static int store_env(struct parse *p, const struct cli_option *o, const char *var, const char *val)
{
	struct settings *s = p->s;
	long n;

	switch (o->kind) {
	case K_FLAG:
		*(bool *)field(s, o->off) = strcmp(val, "0") && strcasecmp(val, "false") &&
					    strcasecmp(val, "no");
		return 0;
	case K_COUNT:
		if (parse_long(val, o->lo, o->hi, &n))
			return fail(p, "%s: invalid %s '%.32s' (%d..%d)", var, o->noun, val, o->lo,
				    o->hi);
		*(int *)field(s, o->off) = (int)n;
		return 0;
	case K_SECONDS:
		if (cli_parse_timeout(val, (double *)field(s, o->off)))
			return fail(p, "%s: invalid %s '%.32s' (0..%d)", var, o->noun, val,
				    (int)CLI_TIMEOUT_MAX);
		return 0;
	default:
		return store(p, o, var, val);
	}
}

/* ---------------------------------------------------------------- reading argv */

static const struct cli_option *find_long(const char *name, size_t len)
{
	for (size_t k = 0; k < N_OPTS; k++)
		if (strlen(options[k].long_name) == len && !strncmp(options[k].long_name, name, len))
			return &options[k];
	return NULL;
}

static const struct cli_option *find_short(char c)
{
	for (size_t k = 0; k < N_OPTS; k++)
		if (options[k].short_name && options[k].short_name == c)
			return &options[k];
	return NULL;
}

static void spell(const struct cli_option *o, unsigned char how, char *flag, size_t n)
{
	if (how == 1)
		snprintf(flag, n, "-%c", o->short_name);
	else
		snprintf(flag, n, "--%s", o->long_name);
}

static int given(struct parse *p, const struct cli_option *o, unsigned char how, const char *val)
{
	char flag[40];

	p->given[o - options] = how;
	spell(o, how, flag, sizeof(flag));
	return store(p, o, flag, val);
}

/* Bundled flags, as in -vv or -gv: each must take no value. */
static int parse_bundle(struct parse *p, const char *a)
{
	for (const char *c = a + 1; *c; c++) {
		const struct cli_option *b = find_short(*c);

		if (!b || b->arg)
			return fail(p, "unknown option '%.64s'", a);
	}
	for (const char *c = a + 1; *c; c++)
		given(p, find_short(*c), 1, NULL);
	return 0;
}

/*
 * Parses the option at argv[*i] (which starts with '-'). Returns 0 or 2;
 * advances *i past the option and its value.
 */
static int parse_option(struct parse *p, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *val = NULL;
	const struct cli_option *o;
	unsigned char how;

	if (a[1] == '-') {
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);

		o = find_long(name, len);
		if (!o)
			return fail(p, "unknown option '%.*s'", (int)(len + 2 > 64 ? 64 : len + 2),
				    a);
		how = 2;
		if (eq && !o->arg)
			return fail(p, "--%s takes no value", o->long_name);
		if (eq)
			val = eq + 1;
	} else {
		o = find_short(a[1]);
		if (!o)
			return fail(p, "unknown option '-%c'", a[1]);
		how = 1;
		if (a[2] && !o->arg) {
			(*i)++;
			return parse_bundle(p, a);
		}
		if (a[2])
			val = a + 2;
	}
	if (o->arg && !val) {
		if (*i + 1 >= argc) {
			char flag[40];

			spell(o, how, flag, sizeof(flag));
			return fail(p, "%s needs a value", flag);
		}
		val = argv[++*i];
	}
	(*i)++;
	return given(p, o, how, val);
}

static bool is_option(const char *a)
{
	return a[0] == '-' && a[1] != '\0';
}

/*
 * What an option belongs to, for "--ready belongs to Procfile mode" and
 * "-f belongs to Procfile mode and the control verbs". Export reads the
 * Procfile: it is named only for its own options.
 */
static void modes_text(unsigned modes, char *buf, size_t n)
{
	const char *part[4];
	size_t np = 0, len = 0;

	if (modes & M_PROCFILE)
		part[np++] = "Procfile mode";
	if (modes & M_SINGLE)
		part[np++] = "single-command mode";
	if ((modes & M_EXPORT) && !(modes & M_PROCFILE))
		part[np++] = "export";
	if ((modes & M_CONTROL) == M(CMD_STATUS))
		part[np++] = "status";
	else if (modes & M_CONTROL)
		part[np++] = "the control verbs";
	buf[0] = '\0';
	for (size_t k = 0; k < np && len < n; k++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					k == 0      ? "" :
					k == np - 1 ? " and " :
						      ", ",
					part[k]);
}

static unsigned accepted(const struct cli_option *o)
{
	return o->modes | (o->old ? M_PROCFILE | M_SINGLE : 0);
}

/* An option given to a command it means nothing to is an error. */
static int check_modes(struct parse *p)
{
	unsigned cmd = M(p->s->cmd);

	for (size_t k = 0; k < N_OPTS; k++) {
		const struct cli_option *o = &options[k];
		char flag[40], modes[96];

		if (!p->given[k] || (accepted(o) & cmd))
			continue;
		spell(o, p->given[k], flag, sizeof(flag));
		modes_text(o->modes, modes, sizeof(modes));
		return fail(p, "%s belongs to %s, not to %s", flag, modes,
			    p->s->cmd == CMD_EXEC ? "single-command mode" :
						    cli_command_name(p->s->cmd));
	}
	return 0;
}

/* The PROCINIT_* variables of the options no flag set, where the command takes them. */
static int apply_env(struct parse *p, cli_env_fn *env, void *ctx)
{
	unsigned cmd = M(p->s->cmd);

	for (size_t k = 0; k < N_OPTS; k++) {
		const struct cli_option *o = &options[k];
		const char *val;

		if (!o->env || p->given[k] || !(accepted(o) & cmd))
			continue;
		val = env(o->env, ctx);
		if (val && *val && store_env(p, o, o->env, val))
			return 2;
	}
	return 0;
}

/*
 * The words after a verb: their number only. What a control verb's words
 * must look like is ctlproto's to say (ctlproto_build), the one rule the
 * client and the server share.
 */
static int finish_words(struct parse *p, const struct cli_verb *v)
{
	struct settings *s = p->s;

	if (s->n_names < v->min_words)
		return fail(p, "%s needs %s", v->word, v->needs);
	if (v->max_words != WORDS_ANY && s->n_names > v->max_words)
		return fail(p, "unexpected argument '%.64s'", s->names[v->max_words]);
	if (s->cmd == CMD_EXPORT) {
		s->export_format = s->names[0];
		s->export_dir = s->names[1];
		s->n_names = 0;
	}
	return 0;
}

static void set_defaults(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	for (int k = 0; k < CLI_NSIG; k++)
		s->rewrite[k] = -1;
	s->cmd = CMD_START;
	s->timeout = 5.0;
	s->restart_max = CLI_RESTART_MAX;
	s->restart_window = CLI_RESTART_WINDOW;
	s->ready_timeout = CLI_READY_TIMEOUT;
	s->on_exit = ON_EXIT_POWEROFF;
}

/* COMMAND [ARG...] from argv[i] on, for run, -- and exec. */
static int take_command(struct parse *p, int argc, char **argv, int i, const char *what)
{
	if (i >= argc)
		return fail(p, "%s needs a command", what);
	p->s->run_argv = argv + i;
	p->s->run_argc = (size_t)(argc - i);
	return 0;
}

/* After the command word of run, options may still come before the command. */
static int parse_run(struct parse *p, int argc, char **argv, int i)
{
	int rc;

	while (i < argc && is_option(argv[i]) && strcmp(argv[i], "--")) {
		rc = parse_option(p, argc, argv, &i);
		if (rc)
			return rc;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	return take_command(p, argc, argv, i, "run");
}

/*
 * Reads argv into P->s: options, the command word (*VERB, NULL when none was
 * given) and the words after it. Returns 0 or 2.
 */
static int parse_argv(struct parse *p, int argc, char **argv, const struct cli_verb **verb)
{
	struct settings *s = p->s;
	bool no_more_opts = false;
	int i = 1, rc;

	*verb = NULL;
	while (i < argc) {
		const char *a = argv[i];

		if (!no_more_opts && !strcmp(a, "--")) {
			if (!*verb) {
				/* procinit [OPTIONS] -- COMMAND [ARG...]: a container init. */
				s->cmd = CMD_EXEC;
				return take_command(p, argc, argv, i + 1, "--");
			}
			no_more_opts = true;
			i++;
			continue;
		}
		if (!no_more_opts && is_option(a)) {
			rc = parse_option(p, argc, argv, &i);
			if (rc || s->cmd == CMD_HELP || s->cmd == CMD_VERSION)
				return rc;
			continue;
		}
		i++;
		if (*verb) {
			s->names[s->n_names++] = argv[i - 1];
			continue;
		}
		*verb = find_verb(a);
		if (!*verb)
			return fail(p, "unknown command '%.64s'", a);
		s->cmd = (*verb)->cmd;
		if (s->cmd == CMD_HELP || s->cmd == CMD_VERSION)
			return 0;
		if (s->cmd == CMD_RUN)
			return parse_run(p, argc, argv, i);
		if (s->cmd == CMD_EXEC) {
			/* Everything after exec is the command, as after --. */
			if (i < argc && !strcmp(argv[i], "--"))
				i++;
			return take_command(p, argc, argv, i, "exec");
		}
	}
	return 0;
}

int cli_parse_env(int argc, char **argv, cli_env_fn *env, void *ctx, struct settings *s, char *err,
		  size_t errlen)
{
	struct parse p = { .s = s, .err = err, .errlen = errlen };
	const struct cli_verb *verb;
	int rc;

	set_defaults(s);
	err[0] = '\0';
	s->names = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
	if (!s->names)
		return fail(&p, "out of memory");
	rc = parse_argv(&p, argc, argv, &verb);
	if (!rc && s->cmd != CMD_HELP && s->cmd != CMD_VERSION) {
		rc = check_modes(&p);
		if (!rc)
			rc = finish_words(&p, verb ? verb : &verbs[0]);
		if (!rc && env)
			rc = apply_env(&p, env, ctx);
	}
	/* Messages quote what the user typed: keep them one printable line. */
	for (char *c = err; rc && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return rc;
}

int cli_parse(int argc, char **argv, struct settings *s, char *err, size_t errlen)
{
	return cli_parse_env(argc, argv, NULL, NULL, s, err, errlen);
}

void cli_free(struct settings *s)
{
	free(s->names);
	s->names = NULL;
}

/* ---------------------------------------------------------------- --help */

/* "-x, --process 'NAME: CMD'": an option as --help's left column shows it. */
static void option_left(const struct cli_option *o, char *buf, size_t n)
{
	if (o->short_name)
		snprintf(buf, n, "-%c, --%s%s%s", o->short_name, o->long_name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	else
		snprintf(buf, n, "    --%s%s%s", o->long_name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
}

static void verb_left(const struct cli_verb *v, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s", v->word, *v->synopsis ? " " : "", v->synopsis);
}

/* The left column's width: its longest entry. */
static int help_width(void)
{
	char left[64];
	size_t w = 0;

	for (size_t k = 0; k < N_OPTS; k++) {
		option_left(&options[k], left, sizeof(left));
		w = strlen(left) > w ? strlen(left) : w;
	}
	for (size_t k = 0; k < N_VERBS; k++) {
		verb_left(&verbs[k], left, sizeof(left));
		w = strlen(left) > w ? strlen(left) : w;
	}
	return (int)w;
}

/*
 * The sections of --help, by the commands an option belongs to: each option
 * is shown once, under the mode it serves.
 */
static bool in_both(unsigned m)
{
	return (m & M_PROCFILE) && (m & M_SINGLE) && m != M_ALL;
}

static bool in_procfile(unsigned m)
{
	return (m & M_PROCFILE) && !(m & M_SINGLE);
}

static bool in_single(unsigned m)
{
	return m == M_SINGLE;
}

static bool in_export(unsigned m)
{
	return m == M_EXPORT;
}

static bool in_control(unsigned m)
{
	return !(m & (M_PROCFILE | M_SINGLE | M_EXPORT)) && (m & M_CONTROL);
}

static bool in_general(unsigned m)
{
	return m == M_ALL;
}

static void help_section(FILE *out, int width, const char *title, bool (*takes)(unsigned))
{
	char left[64];

	fprintf(out, "\n%s\n", title);
	for (size_t k = 0; k < N_OPTS; k++) {
		if (!takes(options[k].modes))
			continue;
		option_left(&options[k], left, sizeof(left));
		fprintf(out, "  %-*s %s\n", width, left, options[k].help);
	}
}

/* "-d, -f, --socket": the options every one of CMDS takes, in one string. */
static void help_list(unsigned cmds, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < N_OPTS && len < n; k++) {
		const struct cli_option *o = &options[k];
		const char *sep = len ? ", " : "";

		if ((o->modes & cmds) != cmds || o->modes == M_ALL)
			continue;
		if (o->short_name)
			len += (size_t)snprintf(buf + len, n - len, "%s-%c", sep, o->short_name);
		else
			len += (size_t)snprintf(buf + len, n - len, "%s--%s", sep, o->long_name);
	}
}

static void help_env(FILE *out, int width)
{
	fprintf(out, "\nEnvironment (a flag wins over its variable; a bad value is an error):\n");
	for (size_t k = 0; k < N_OPTS; k++) {
		const struct cli_option *o = &options[k];
		char flag[40];

		if (!o->env)
			continue;
		spell(o, o->short_name ? 1 : 2, flag, sizeof(flag));
		if (o->kind == K_FLAG)
			fprintf(out, "  %-*s as %s when not 0, false or no\n", width, o->env, flag);
		else if (o->kind == K_COUNT)
			fprintf(out, "  %-*s as that many %s (%d..%d)\n", width, o->env, flag,
				o->lo, o->hi);
		else
			fprintf(out, "  %-*s as %s\n", width, o->env, flag);
	}
}

void cli_help(FILE *out)
{
	int width = help_width();
	char left[64];

	fprintf(out, "usage: procinit [OPTIONS] [COMMAND [ARG...]]\n"
		     "       procinit [OPTIONS] -- COMMAND [ARG...]\n"
		     "\nCommands (start when none is given):\n");
	for (size_t k = 0; k < N_VERBS; k++) {
		const struct cli_verb *v = &verbs[k];

		if (v->cmd == CMD_HELP || v->cmd == CMD_VERSION)
			continue;
		if (v->cmd == CMD_EXEC)
			fprintf(out, "  %-*s %s\n", width, "-- COMMAND [ARG...]",
				"single-command mode: a plain init for one command");
		verb_left(v, left, sizeof(left));
		fprintf(out, "  %-*s %s\n", width, left, v->help);
	}
	help_section(out, width, "Options of both modes:", in_both);
	help_section(out, width, "Procfile mode (start, check, run, export):", in_procfile);
	help_section(out, width, "Single-command mode (-- COMMAND, exec COMMAND):", in_single);
	help_section(out, width, "export:", in_export);
	help_section(out, width, "Control verbs (status, restart, stop, scale, quit):", in_control);
	help_list(M_CONTROL, left, sizeof(left));
	fprintf(out, "  %-*s %s\n", width, left, "before the verb: where the socket is");
	help_section(out, width, "Anywhere:", in_general);
	help_env(out, width);
}
