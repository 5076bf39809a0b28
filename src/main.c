/* SPDX-License-Identifier: MIT */
/*
 * main: parses the command line, loads the app, and either checks it, execs
 * one command (run), or sets up the threads and hands over to the
 * supervisor (start). Until the first child exists it may exit with 2; from
 * then on the supervisor decides the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "announce.h"
#include "app.h"
#include "cli.h"
#include "events.h"
#include "output.h"
#include "pty.h"
#include "reaper.h"
#include "sigmask.h"
#include "sigthread.h"
#include "single.h"
#include "supervisor.h"
#include "sysinit.h"

static const char usage[] =
	"usage: procinit [OPTIONS] [start [PROCESS...]]   run the Procfile (default)\n"
	"       procinit [OPTIONS] run PROCESS|COMMAND [ARG...]\n"
	"       procinit [OPTIONS] check\n"
	"       procinit [OPTIONS] -- COMMAND [ARG...]     a plain init for one command\n"
	/* sysinit (h12 stand-in until h11-cli's usage lands) */
	"       procinit [OPTIONS] exec COMMAND [ARG...]   the same, for a kernel command line\n"
	"       procinit poweroff | reboot | halt          ask PID 1 (a system's init) to end\n"
	"       procinit --help | --version\n"
	"\n"
	"options:\n"
	"  -f, --procfile FILE        Procfile to use (default: ./Procfile)\n"
	"  -d, --root DIR             working folder (default: the Procfile's folder)\n"
	"  -e, --env FILE[,FILE...]   env files (default: ROOT/.env if it exists)\n"
	"  -m, --formation SPEC       instances, e.g. all=1,web=2,worker=0\n"
	"  -p, --port N               base port (default: $PORT, else 5000)\n"
	"  -t, --timeout SECONDS      grace before SIGKILL (default: 5)\n"
	"      --color, --no-color    force colour on or off\n"
	"      --timestamp            show HH:MM:SS before each line\n"
	"  -E, --expect-exit N        (--) exit code N counts as 0; repeatable\n"
	"  -g, --pgroup               (--) signal the command's whole process group\n"
	"  -r, --rewrite FROM:TO      (--) forward signal FROM as TO (0: drop)\n"
	"  -v, --verbose              (--) log reaped pids; twice: signals too\n"
	"      --pdeathsig SIGNAL     get SIGNAL when procinit's parent dies\n"
	"  -x, --process 'NAME: CMD'  define a process on the command line; repeatable\n"
	"      --can-die NAME[,...]   these may exit without stopping the others\n"
	"      --restart NAME[,...]   restart these (or all) when they exit, with backoff\n"
	"      --restart-limit N/SECS at most N restarts within SECS (default 10/60)\n"
	"      --stop-signal NAME=SIG signal NAME gets at shutdown instead of SIGTERM\n"
	"      --tty                  a pseudo-terminal per child instead of a pipe\n"
	/* sysinit (h12 stand-in) */
	"      --on-exit ACTION       as a system's init: poweroff (default), reboot, halt\n"
	"  -h, --help                 this help\n"
	"  -V, --version              print the version\n";


static bool env_true(const char *name, bool *value)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return false;
	*value = strcmp(v, "0") && strcasecmp(v, "false") && strcasecmp(v, "no");
	return true;
}

static bool want_color(enum cli_color flag)
{
	bool v;

	if (flag != COLOR_AUTO)
		return flag == COLOR_ON;
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		return false;
	if (env_true("COLOR", &v))
		return v;
	if (env_true("FORCE_COLOR", &v))
		return v;
	return isatty(1);
}

static int do_check(struct app *a)
{
	printf("valid procfile detected (");
	for (size_t i = 0; i < a->pf.n; i++)
		printf("%s%s", i ? ", " : "", a->pf.v[i].name);
	printf(")\n");
	return 0;
}

static int do_run(const struct settings *s, struct app *a)
{
	char **envp = app_run_env(a);
	long idx = a->have_procfile ? procfile_find(&a->pf, s->run_argv[0]) : -1;

	if (!envp) {
		fprintf(stderr, "procinit: out of memory\n");
		return 1;
	}
	if (chdir(a->root) < 0) {
		fprintf(stderr, "procinit: %s: %s\n", a->root, strerror(errno));
		return 2;
	}
	environ = envp;
	if (idx >= 0) {
		/* "$@" keeps each extra argument one word, unlike foreman's join. */
		size_t n = s->run_argc + 4;
		char **argv = calloc(n, sizeof(char *)), *cmd;

		if (!argv || asprintf(&cmd, "%s \"$@\"", a->pf.v[idx].command) < 0) {
			fprintf(stderr, "procinit: out of memory\n");
			return 1;
		}
		argv[0] = "sh";
		argv[1] = "-c";
		argv[2] = cmd;
		for (size_t i = 0; i < s->run_argc; i++)
			argv[3 + i] = s->run_argv[i];
		execv("/bin/sh", argv);
		int err = errno;

		fprintf(stderr, "procinit: /bin/sh: %s\n", strerror(err));
		free(cmd);
		free(argv);
		return err == ENOENT ? 127 : 126;
	}
	execvp(s->run_argv[0], s->run_argv);
	fprintf(stderr, "procinit: %s: %s\n", s->run_argv[0],
		errno == ENOENT ? "command not found" : strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/* What children read on stdin: /dev/null, or an empty pipe where there is no /dev. */
static int open_stdin_source(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int p[2];

	if (fd >= 0)
		return fd;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	close(p[1]);
	return p[0];
}

static bool runtime_started;

/*
 * Everything both runtime modes need before their first child: the signal
 * mask (before any thread, so all inherit it), SIGCHLD back to default, the
 * subreaper flag, and the events, reaper and signal threads.
 */
static int start_runtime(const struct settings *s, uint64_t wanted, sigset_t *orig,
			 bool *sigchld_ign)
{
	struct sigaction old;
	uint64_t mask = sigmask_original();
	int err;

	runtime_started = true;
	sigemptyset(orig);
	memcpy(orig, &mask, sizeof(mask));
	/* An inherited SIG_IGN for SIGCHLD would make the kernel reap for us. */
	*sigchld_ign = false;
	sigaction(SIGCHLD, NULL, &old);
	if (old.sa_handler == SIG_IGN) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		sigaction(SIGCHLD, &dfl, NULL);
		*sigchld_ign = true;
	}
	if (s->pdeathsig && prctl(PR_SET_PDEATHSIG, s->pdeathsig) < 0)
		fprintf(stderr, "procinit: warning: --pdeathsig: %s\n", strerror(errno));
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		fprintf(stderr, "procinit: warning: cannot become a child subreaper (%s): "
				"orphans will not be reaped\n", strerror(errno));
	err = events_init();
	if (!err)
		err = reaper_start();
	if (!err)
		err = sigthread_start(wanted);
	if (err)
		fprintf(stderr, "procinit: cannot start threads: %s\n", strerror(err));
	return err;
}

/*
 * Descriptors procinit inherited without close-on-exec must not reach the
 * Procfile's children: they see 0, 1 and 2 only.
 */
static void cloexec_inherited(void)
{
	struct rlimit rl;
	long max = 1024;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		max = rl.rlim_cur < 65536 ? (long)rl.rlim_cur : 65536;
	for (int fd = 3; fd < max; fd++) {
		int fl = fcntl(fd, F_GETFD);

		if (fl >= 0 && !(fl & FD_CLOEXEC))
			fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
}

static int do_start(const struct settings *s, struct app *a)
{
	struct sup_config cfg = { 0 };
	sigset_t orig;
	int err;

	if (app_plan(s, a))
		return 2;
	cloexec_inherited();
	if (s->tty) {
		int m, sl;

		err = pty_open(&m, &sl);
		if (err) {
			fprintf(stderr, "procinit: --tty: cannot open a pseudo-terminal (%s): "
					"is /dev/pts mounted?\n", strerror(err));
			return 2;
		}
		close(m);
		close(sl);
	}
	cfg.inst = a->inst;
	cfg.n = a->n_inst;
	cfg.dir = a->root;
	cfg.timeout = s->timeout;
	cfg.name_width = a->name_width;
	cfg.orig_mask = &orig;
	cfg.pid1 = getpid() == 1;
	cfg.tty = s->tty;
	cfg.restart_max = s->restart_max;
	cfg.restart_window = s->restart_window;
	cfg.stdin_fd = open_stdin_source();
	if (cfg.stdin_fd < 0) {
		fprintf(stderr, "procinit: cannot open /dev/null: %s\n", strerror(errno));
		return 1;
	}
	output_configure(1, want_color(s->color), s->timestamp, a->name_width);
	/* sysinit: | sysinit_signals(): on a real system SIGPWR asks for a power-off. */
	if (start_runtime(s, sigthread_procfile_set() | sysinit_signals(), &orig,
			  &cfg.sigchld_orig_ign))
		return 1;
	err = announce_start();
	if (err) {
		fprintf(stderr, "procinit: cannot start threads: %s\n", strerror(err));
		return 1;
	}
	sysinit_console_reader_start(); /* sysinit: ^C typed on the console */
	return supervisor_run(&cfg);
}

static int do_exec(const struct settings *s, struct app *a)
{
	struct single_config cfg = { 0 };
	sigset_t orig;

	cfg.argv = s->run_argv;
	cfg.dir = s->root;
	cfg.envp = app_run_env(a);
	if (!cfg.envp) {
		fprintf(stderr, "procinit: out of memory\n");
		return 1;
	}
	cfg.orig_mask = &orig;
	cfg.pid1 = getpid() == 1;
	cfg.pgroup = s->pgroup;
	cfg.verbosity = s->verbosity;
	cfg.timeout = s->timeout;
	cfg.rewrite = s->rewrite;
	cfg.expect = s->expect_exit;
	cfg.n_expect = s->n_expect;
	if (start_runtime(s, sigthread_forward_set(), &orig, &cfg.sigchld_orig_ign))
		return 1;
	return single_run(&cfg);
}

/* PROCINIT_* variables, for Docker users who cannot add flags; flags win. */
static int apply_environment(struct settings *s)
{
	const char *v;

	v = getenv("PROCINIT_TIMEOUT");
	if (v && *v && !s->timeout_set && cli_parse_timeout(v, &s->timeout)) {
		fprintf(stderr, "procinit: PROCINIT_TIMEOUT: invalid timeout '%.32s' (0..86400)\n", v);
		return 2;
	}
	if (!s->pgroup_set && !env_true("PROCINIT_PGROUP", &s->pgroup))
		s->pgroup = false;
	v = getenv("PROCINIT_VERBOSITY");
	if (v && *v && !s->verbosity_set) {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (*end || errno || n < 0 || n > 9 || *v < '0' || *v > '9') {
			fprintf(stderr, "procinit: PROCINIT_VERBOSITY: invalid level '%.32s' (0..9)\n", v);
			return 2;
		}
		s->verbosity = (int)n;
	}
	return 0;
}

/* sysinit: --on-exit's value as the action sysinit_end takes. */
static enum sysinit_action on_exit_action(enum cli_on_exit e)
{
	return e == ON_EXIT_REBOOT ? SYSINIT_REBOOT : e == ON_EXIT_HALT ? SYSINIT_HALT :
								 SYSINIT_POWEROFF;
}

int main(int argc, char **argv)
{
	struct settings s;
	char err[CLI_ERR_MAX];
	struct app a;
	int rc = 0;
	bool system_init;

	/* Before anything else: a signal in the first millisecond must find it blocked. */
	sigmask_setup();
	/* sysinit: as the first process of a real system, first what the kernel left undone. */
	system_init = sysinit_detect();
	if (system_init)
		sysinit_prepare();
	memset(&a, 0, sizeof(a));
	if (cli_parse(argc, argv, &s, err, sizeof(err))) {
		fprintf(stderr, "procinit: %s\n", err);
		rc = 2;
		goto out;
	}
	if (apply_environment(&s)) {
		rc = 2;
		goto out;
	}
	switch (s.cmd) {
	case CMD_HELP:
		fputs(usage, stdout);
		break;
	case CMD_VERSION:
		printf("procinit %s\n", PROCINIT_VERSION);
		break;
	case CMD_CHECK:
		/* Everything start would refuse: formation, names, per-type options. */
		rc = app_load(&s, &a, true);
		if (!rc)
			rc = app_plan(&s, &a);
		if (!rc)
			rc = do_check(&a);
		break;
	case CMD_RUN:
		rc = app_load(&s, &a, false);
		if (!rc)
			rc = do_run(&s, &a);
		break;
	case CMD_EXEC:
		/* Only named env files: an init must not pick up a stray ./.env. */
		rc = app_load_env_only(&s, &a);
		if (!rc)
			rc = do_exec(&s, &a);
		break;
	case CMD_START:
		rc = app_load(&s, &a, true);
		if (!rc)
			rc = do_start(&s, &a);
		break;
	case CMD_POWEROFF: /* sysinit (h12 stand-in verbs) */
	case CMD_REBOOT:
	case CMD_HALT:
		rc = sysinit_request(s.cmd == CMD_POWEROFF ? SYSINIT_POWEROFF :
				     s.cmd == CMD_REBOOT ? SYSINIT_REBOOT : SYSINIT_HALT);
		break;
	}
out:
	/* sysinit: a system's init never exits (the kernel would panic): it powers off. */
	if (system_init) {
		fflush(stdout);
		sysinit_end(on_exit_action(s.on_exit), rc, runtime_started && s.cmd == CMD_START);
	}
	if (runtime_started) {
		/* Threads may sit in blocked writes or waitpid: end without joining them. */
		fflush(stdout);
		_exit(rc);
	}
	app_free(&a);
	cli_free(&s);
	return rc;
}
