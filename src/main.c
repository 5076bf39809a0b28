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
#include "clock.h"
#include "cmdline.h"
#include "control.h"
#include "ctlclient.h"
#include "export.h"
#include "log.h"
#include "output.h"
#include "pty.h"
#include "runtime.h"
#include "sigmask.h"
#include "sigthread.h"
#include "single.h"
#include "supervisor.h"
#include "sysinit.h"

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

/*
 * run NAME ARGS: the entry under /bin/sh with ARGS as its positional
 * parameters, plus "$@" at its end unless it already uses them itself
 * (cmdline_uses_args), so that `web: exec server "$@"` gets ARGS once.
 */
static char *run_script(const char *command)
{
	char *cmd;

	if (cmdline_uses_args(command))
		return strdup(command);
	/* "$@" keeps each extra argument one word, unlike foreman's join. */
	if (asprintf(&cmd, "%s \"$@\"", command) < 0)
		return NULL;
	return cmd;
}

/*
 * exec failed with ERR (saved at once: the message's write may change errno):
 * 127 when there is nothing to run, 126 when it cannot be run.
 */
static int exec_failed(const char *what, int err, bool searched)
{
	if (err == ENOENT && searched)
		log_error("%s: command not found", what);
	else
		log_error("%s: %s", what, strerror(err));
	return err == ENOENT ? 127 : 126;
}

static int do_run(const struct settings *s, struct app *a)
{
	char **envp = app_run_env(a);
	long idx = a->have_procfile ? procfile_find(&a->pf, s->run_argv[0]) : -1;
	int err;

	if (chdir(a->root) < 0) {
		log_error("%s: %m", a->root);
		return 2;
	}
	environ = envp;
	if (idx >= 0) {
		char **argv = calloc(s->run_argc + 4, sizeof(char *));
		char *cmd = run_script(a->pf.v[idx].command);

		if (!argv || !cmd) {
			log_error("out of memory");
			return 1;
		}
		argv[0] = "sh";
		argv[1] = "-c";
		argv[2] = cmd;
		/* NAME becomes $0, ARGS $1... */
		for (size_t i = 0; i < s->run_argc; i++)
			argv[3 + i] = s->run_argv[i];
		execv("/bin/sh", argv);
		err = errno;
		free(cmd);
		free(argv);
		return exec_failed("/bin/sh", err, false);
	}
	execvp(s->run_argv[0], s->run_argv);
	err = errno;
	return exec_failed(s->run_argv[0], err, true);
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

/* Threads and the loop's machinery, before the first child. */
static int start_runtime(const struct settings *s, uint64_t signals)
{
	struct runtime_config rc = {
		.pid1 = getpid() == 1,
		.timeout = s->timeout,
		.signals = signals,
		.pdeathsig = s->pdeathsig,
	};
	int err;

	runtime_started = true;
	if (s->pdeathsig)
		rc.signals |= sigmask_bit(s->pdeathsig); /* it must act, whatever it is */
	err = runtime_start(&rc);
	if (err)
		log_error("cannot start threads: %s", strerror(err));
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
	int err;

	if (app_plan(s, a))
		return 2;
	cloexec_inherited();
	if (s->tty) {
		int m, sl;

		err = pty_open(&m, &sl);
		if (err) {
			log_error("--tty: cannot open a pseudo-terminal (%s): is /dev/pts mounted?",
				  strerror(err));
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
	cfg.pid1 = getpid() == 1;
	cfg.tty = s->tty;
	cfg.pdeathsig = s->pdeathsig;
	cfg.ready_timeout = s->ready_timeout;
	cfg.ordered = a->ordered;
	cfg.restart_max = s->restart_max;
	cfg.restart_window = s->restart_window;
	cfg.stdin_fd = open_stdin_source();
	if (cfg.stdin_fd < 0) {
		log_error("cannot open /dev/null: %m");
		return 1;
	}
	/* Issue 13: scale builds instances at run time from the app. */
	cfg.types = a;
	cfg.n_types = a->pf.n;
	cfg.find_type = app_find_type;
	cfg.build_instance = app_build_instance;
	output_configure(1, want_color(s->color), s->timestamp, a->name_width);
	/* Before any thread (it sets the umask a moment) and any child: a live one exits 2 here. */
	if (control_open(s->socket, a->root))
		return 2;
	/* sysinit: on a real system SIGPWR asks for a power-off too. */
	if (start_runtime(s, sigthread_procfile_set() | sysinit_signals())) {
		control_close(mono_now());
		return 1;
	}
	err = announce_start();
	if (err) {
		log_error("cannot start threads: %s", strerror(err));
		control_close(mono_now());
		return 1;
	}
	control_start();
	sysinit_console_reader_start(); /* sysinit: ^C typed on the console */
	err = supervisor_run(&cfg);
	/* A reply handed over at the end (quit's) goes out first; 2 s for a loaded machine. */
	control_close(mono_add(mono_now(), 2.0));
	return err;
}

static int do_exec(const struct settings *s, struct app *a)
{
	struct single_config cfg = { 0 };
	bool expect[256] = { false };

	for (size_t i = 0; i < s->n_expect; i++)
		expect[s->expect_exit[i] & 0xff] = true;
	cfg.argv = s->run_argv;
	cfg.dir = s->root;
	cfg.envp = app_run_env(a);
	cfg.pid1 = getpid() == 1;
	cfg.pgroup = s->pgroup;
	cfg.verbosity = s->verbosity;
	cfg.pdeathsig = s->pdeathsig;
	cfg.rewrite = s->rewrite;
	cfg.expect = expect;
	if (start_runtime(s, sigthread_forward_set()))
		return 1;
	return single_run(&cfg);
}

/* PROCINIT_* variables reach cli through this; cli itself stays pure. */
static const char *env_lookup(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

/* sysinit: --on-exit's value as the action sysinit_end takes. */
static enum sysinit_action on_exit_action(enum cli_on_exit e)
{
	return e == ON_EXIT_REBOOT ? SYSINIT_REBOOT :
	       e == ON_EXIT_HALT   ? SYSINIT_HALT :
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
	if (cli_parse_env(argc, argv, env_lookup, NULL, &s, err, sizeof(err))) {
		log_error("%s", err);
		rc = 2;
		goto out;
	}
	switch (s.cmd) {
	case CMD_HELP:
		cli_help(stdout);
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
		/* -- or exec. Only named env files: an init must not pick up a stray ./.env. */
		rc = app_load_env_only(&s, &a);
		if (!rc)
			rc = do_exec(&s, &a);
		break;
	case CMD_START:
		rc = app_load(&s, &a, true);
		if (!rc)
			rc = do_start(&s, &a);
		break;
	case CMD_EXPORT:
		rc = export_main(&s);
		break;
	case CMD_STATUS:
	case CMD_RESTART:
	case CMD_STOP:
	case CMD_SCALE:
	case CMD_QUIT:
		rc = ctlclient_main(&s);
		break;
	case CMD_POWEROFF:
	case CMD_REBOOT:
	case CMD_HALT:
		rc = sysinit_request(sysinit_action_parse(cli_command_name(s.cmd)));
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
