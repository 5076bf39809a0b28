/* SPDX-License-Identifier: MIT */
/* Unit tests for the command-line parser: options, commands, PROCINIT_*, --help. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ctlpath.h"
#include "harness.h"

static struct settings s;
static char err[CLI_ERR_MAX];

static int parse(int argc, char **argv)
{
	cli_free(&s);
	return cli_parse(argc, argv, &s, err, sizeof(err));
}

#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(...) parse(ARGC(__VA_ARGS__), (char *[]){ __VA_ARGS__ })

/* A fake environment: "NAME=VALUE" strings, NULL-terminated. */
static const char *fake_env(const char *name, void *ctx)
{
	size_t n = strlen(name);

	for (const char *const *v = ctx; *v; v++)
		if (!strncmp(*v, name, n) && (*v)[n] == '=')
			return *v + n + 1;
	return NULL;
}

static int parse_env(const char *const *env, int argc, char **argv)
{
	cli_free(&s);
	return cli_parse_env(argc, argv, fake_env, (void *)env, &s, err, sizeof(err));
}

#define PARSE_ENV(env, ...) parse_env(env, ARGC(__VA_ARGS__), (char *[]){ __VA_ARGS__ })
#define ENV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_defaults(void)
{
	CHECK(PARSE("procinit") == 0);
	CHECK(s.cmd == CMD_START);
	CHECK(s.procfile == NULL && s.root == NULL && s.formation == NULL);
	CHECK(s.n_env_args == 0 && s.port == 0 && s.n_names == 0);
	CHECK(s.timeout == 5.0 && s.color == COLOR_AUTO && !s.timestamp);
	CHECK(s.ready_timeout == CLI_READY_TIMEOUT && s.on_exit == ON_EXIT_POWEROFF);
	CHECK(s.socket == NULL && !s.json && s.n_ready == 0 && s.n_after == 0);
	CHECK(s.export_format == NULL && s.export_dir == NULL && s.app_name == NULL);
	CHECK(s.user == NULL && s.log_dir == NULL && s.image == NULL && !s.force);
}

static void test_options(void)
{
	CHECK(PARSE("procinit", "-f", "P", "--root=/tmp", "-e", "a.env,b.env", "--env", "c.env",
		    "-mweb=2", "-p", "6000", "--timeout", "0.5", "--no-color", "--timestamp") == 0);
	CHECK_STREQ(s.procfile, "P");
	CHECK_STREQ(s.root, "/tmp");
	CHECK(s.n_env_args == 2);
	CHECK_STREQ(s.env_args[0], "a.env,b.env");
	CHECK_STREQ(s.env_args[1], "c.env");
	CHECK_STREQ(s.formation, "web=2");
	CHECK(s.port == 6000);
	CHECK(fabs(s.timeout - 0.5) < 1e-9);
	CHECK(s.color == COLOR_OFF && s.timestamp);
	CHECK(PARSE("procinit", "--color") == 0 && s.color == COLOR_ON);
	/* The last colour flag wins. */
	CHECK(PARSE("procinit", "--color", "--no-color") == 0 && s.color == COLOR_OFF);
}

static void test_commands(void)
{
	CHECK(PARSE("procinit", "start", "web", "-t", "3", "worker") == 0);
	CHECK(s.cmd == CMD_START && s.n_names == 2 && s.timeout == 3.0);
	CHECK_STREQ(s.names[0], "web");
	CHECK_STREQ(s.names[1], "worker");

	CHECK(PARSE("procinit", "check") == 0 && s.cmd == CMD_CHECK);
	CHECK(PARSE("procinit", "check", "extra") == 2);
	CHECK_STREQ(err, "unexpected argument 'extra'");

	/* Options after the command word of run belong to the command. */
	CHECK(PARSE("procinit", "-e", "x.env", "run", "-t", "1", "ls", "-la") == 0);
	CHECK(s.cmd == CMD_RUN && s.timeout == 1.0 && s.run_argc == 2);
	CHECK_STREQ(s.run_argv[0], "ls");
	CHECK_STREQ(s.run_argv[1], "-la");
	CHECK(PARSE("procinit", "run", "--", "-weird", "x") == 0 && s.run_argc == 2);
	CHECK_STREQ(s.run_argv[0], "-weird");
	CHECK(PARSE("procinit", "run") == 2);
	CHECK_STREQ(err, "run needs a command");

	CHECK(PARSE("procinit", "--help") == 0 && s.cmd == CMD_HELP);
	CHECK(PARSE("procinit", "-V") == 0 && s.cmd == CMD_VERSION);
	CHECK(PARSE("procinit", "frobnicate") == 2);
	CHECK_STREQ(err, "unknown command 'frobnicate'");
	CHECK(PARSE("procinit", "help") == 0 && s.cmd == CMD_HELP);
	CHECK(PARSE("procinit", "version") == 0 && s.cmd == CMD_VERSION);
	/* Control characters typed by the user never break the one-line message. */
	CHECK(PARSE("procinit", "\x1d\n") == 2);
	CHECK_STREQ(err, "unknown command '?\?'"); /* not a trigraph */
}

static void test_errors(void)
{
	CHECK(PARSE("procinit", "--bogus") == 2);
	CHECK_STREQ(err, "unknown option '--bogus'");
	CHECK(PARSE("procinit", "-z") == 2);
	CHECK_STREQ(err, "unknown option '-z'");
	CHECK(PARSE("procinit", "-f") == 2);
	CHECK_STREQ(err, "-f needs a value");
	CHECK(PARSE("procinit", "--procfile") == 2);
	CHECK_STREQ(err, "--procfile needs a value");
	CHECK(PARSE("procinit", "--color=yes") == 2);
	CHECK_STREQ(err, "--color takes no value");
	CHECK(PARSE("procinit", "-t", "abc") == 2);
	CHECK_STREQ(err, "-t: invalid timeout 'abc'");
	CHECK(PARSE("procinit", "-t", "-1") == 2);
	CHECK_STREQ(err, "-t: invalid timeout '-1'");
	CHECK(PARSE("procinit", "-t", "nan") == 2);
	CHECK(PARSE("procinit", "-t", "1e9") == 2);
	CHECK_STREQ(err, "-t: invalid timeout '1e9'");
	CHECK(PARSE("procinit", "-t", "100000") == 2);
	CHECK_STREQ(err, "-t: timeout 100000 out of range 0..86400");
	CHECK(PARSE("procinit", "-t", "99999999999999999999999999") == 2);
	CHECK_STREQ(err, "-t: timeout 99999999999999999999999999 out of range 0..86400");
	CHECK(PARSE("procinit", "-t", "") == 2);
	CHECK(PARSE("procinit", "-p", "70000") == 2);
	CHECK_STREQ(err, "-p: port 70000 out of range 1..65535");
	CHECK(PARSE("procinit", "--port", "0") == 2);
	CHECK_STREQ(err, "--port: port 0 out of range 1..65535");
	CHECK(PARSE("procinit", "-p", "12ab") == 2);
	CHECK_STREQ(err, "-p: invalid port '12ab'");
	CHECK(PARSE("procinit", "-p", "-5") == 2);
	CHECK(PARSE("procinit", "-p", "99999999999999999999999") == 2);
	CHECK_STREQ(err, "-p: port 99999999999999999999999 out of range 1..65535");
}

static void test_single_mode(void)
{
	CHECK(PARSE("procinit", "-g", "-vv", "-E", "143", "--expect-exit=3", "-r", "15:3", "-r",
		    "SIGHUP:0", "--pdeathsig", "TERM", "--", "java", "-jar", "x") == 0);
	CHECK(s.cmd == CMD_EXEC && s.run_argc == 3);
	CHECK_STREQ(s.run_argv[0], "java");
	CHECK_STREQ(s.run_argv[2], "x");
	CHECK(s.pgroup && s.verbosity == 2);
	CHECK(s.n_expect == 2 && s.expect_exit[0] == 143 && s.expect_exit[1] == 3);
	CHECK(s.rewrite[15] == 3 && s.rewrite[1] == 0 && s.rewrite[2] == -1);
	CHECK(s.pdeathsig == 15);
	/* After --, everything is the command's, options included. */
	CHECK(PARSE("procinit", "--", "ls", "-t", "--bogus") == 0 && s.run_argc == 3);
	CHECK(s.timeout == 5.0);
	CHECK(PARSE("procinit", "--") == 2);
	CHECK_STREQ(err, "-- needs a command");
	CHECK(PARSE("procinit", "-E", "256", "--", "x") == 2);
	CHECK_STREQ(err, "-E: invalid exit code '256' (0..255)");
	CHECK(PARSE("procinit", "-r", "15", "--", "x") == 2);
	CHECK_STREQ(err, "-r: expected FROM:TO, got '15'");
	CHECK(PARSE("procinit", "-r", "BOGUS:1", "--", "x") == 2);
	CHECK_STREQ(err, "-r: unknown signal 'BOGUS'");
	CHECK(PARSE("procinit", "-r", "0:1", "--", "x") == 2);
	CHECK(PARSE("procinit", "--pdeathsig", "99", "--", "x") == 2);
	CHECK_STREQ(err, "--pdeathsig: unknown signal '99'");
	CHECK(PARSE("procinit", "-vx") == 2);
	CHECK_STREQ(err, "unknown option '-vx'");
	/* In start, -- only ends the options. */
	CHECK(PARSE("procinit", "start", "--", "-web") == 0 && s.cmd == CMD_START && s.n_names == 1);
}

static void test_beyond_foreman(void)
{
	CHECK(PARSE("procinit", "-x", "web: httpd", "--process=worker: ./w", "--can-die", "migrate",
		    "--restart", "web,worker", "--restart-limit", "3/7.5", "--stop-signal",
		    "web=INT", "--tty") == 0);
	CHECK(s.n_inline == 2 && s.n_can_die == 1 && s.n_restart == 1 && s.n_stop_signals == 1);
	CHECK_STREQ(s.inline_procs[1], "worker: ./w");
	CHECK_STREQ(s.restart[0], "web,worker");
	CHECK(s.restart_max == 3 && s.restart_window == 7.5 && s.tty);
	CHECK(PARSE("procinit") == 0 && s.restart_max == CLI_RESTART_MAX && !s.tty);
	CHECK(PARSE("procinit", "--restart-limit", "0/10") == 2);
	CHECK_STREQ(err, "--restart-limit: expected N/SECONDS (N 1..1000), got '0/10'");
	CHECK(PARSE("procinit", "--restart-limit", "5") == 2);
	CHECK(PARSE("procinit", "--restart-limit", "5/0") == 2);
	CHECK(PARSE("procinit", "--restart-limit", "5/x") == 2);
	CHECK(PARSE("procinit", "--restart-limit", "1000/1") == 0 && s.restart_max == 1000);
	CHECK(PARSE("procinit", "--restart-limit", "007/1") == 0 && s.restart_max == 7);
	CHECK(PARSE("procinit", "--restart-limit", "1001/10") == 2);
	CHECK_STREQ(err, "--restart-limit: expected N/SECONDS (N 1..1000), got '1001/10'");
	CHECK(PARSE("procinit", "--restart-limit", "99999999999999999999/10") == 2);
	CHECK(PARSE("procinit", "--restart-limit", "+5/10") == 2);
	CHECK(PARSE("procinit", "--restart-limit", " 5/10") == 2);
	CHECK(PARSE("procinit", "--restart-limit", "5 /10") == 2);
	CHECK(PARSE("procinit", "--restart-limit", "/10") == 2);
}

static void test_timeout_values(void)
{
	double v = -1;

	CHECK(cli_parse_timeout("0", &v) == 0 && v == 0.0);
	CHECK(cli_parse_timeout("86400", &v) == 0 && v == 86400.0);
	CHECK(cli_parse_timeout("86400.5", &v) != 0);
	CHECK(cli_parse_timeout("0.25", &v) == 0 && v == 0.25);
	CHECK(cli_parse_timeout(" 1", &v) != 0);
	CHECK(cli_parse_timeout("1 ", &v) != 0);
	CHECK(cli_parse_timeout("inf", &v) != 0);
	CHECK(cli_parse_timeout("1.", &v) != 0);
	CHECK(cli_parse_timeout(".5", &v) != 0);
	CHECK(cli_parse_timeout("0x10", &v) != 0);
	CHECK(cli_parse_timeout("1.5.2", &v) != 0);
	CHECK(cli_parse_timeout("2.125", &v) == 0 && v == 2.125);
	CHECK(cli_parse_timeout("86400.0", &v) == 0 && v == 86400.0);
}

static void test_expect_exit_any_number(void)
{
	char *argv[2 + 2 * 300 + 2];
	char codes[256][4];
	int argc = 0;

	/* Every code 0..255, as tini's own test passes them, and then some again. */
	argv[argc++] = "procinit";
	for (int i = 0; i < 300; i++) {
		snprintf(codes[i % 256], sizeof(codes[0]), "%d", 255 - i % 256);
		argv[argc++] = "-E";
		argv[argc++] = codes[i % 256];
	}
	argv[argc++] = "--";
	argv[argc++] = "true";
	CHECK(parse(argc, argv) == 0 && s.cmd == CMD_EXEC);
	CHECK(s.n_expect == 256);
	CHECK(s.expect_exit[0] == 255 && s.expect_exit[255] == 0);
	/* Each code is kept once, in the order first given. */
	CHECK(PARSE("procinit", "-E", "3", "-E3", "--expect-exit=143", "-E", "3", "--", "x") == 0);
	CHECK(s.n_expect == 2 && s.expect_exit[0] == 3 && s.expect_exit[1] == 143);
	CHECK(PARSE("procinit", "-E", "0", "-E", "255", "--", "x") == 0 && s.n_expect == 2);
	CHECK(PARSE("procinit", "-E", "-1", "--", "x") == 2);
	CHECK_STREQ(err, "-E: invalid exit code '-1' (0..255)");
	CHECK(PARSE("procinit", "-E", "", "--", "x") == 2);
	CHECK_STREQ(err, "-E: invalid exit code '' (0..255)");
	CHECK(PARSE("procinit", "-E", "99999999999999999999", "--", "x") == 2);
	CHECK_STREQ(err, "-E: invalid exit code '99999999999999999999' (0..255)");
}

static void test_rewrite_refuses_what_is_never_forwarded(void)
{
	static const char *const faults[] = { "SEGV", "BUS", "FPE", "ILL", "ABRT", "SYS", "TRAP" };
	static const char *const full[] = { "SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL",
					    "SIGABRT", "SIGSYS", "SIGTRAP" };
	char rule[32], want[128];

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		snprintf(rule, sizeof(rule), "%s:TERM", faults[i]);
		snprintf(want, sizeof(want),
			 "-r: cannot rewrite %s: fault signals are never forwarded", full[i]);
		CHECK(PARSE("procinit", "-r", rule, "--", "x") == 2);
		CHECK_STREQ(err, want);
	}
	/* By number, and by its long name. */
	CHECK(PARSE("procinit", "--rewrite", "11:0", "--", "x") == 2);
	CHECK_STREQ(err, "--rewrite: cannot rewrite SIGSEGV: fault signals are never forwarded");
	CHECK(PARSE("procinit", "-r", "sigabrt:term", "--", "x") == 2);
	CHECK_STREQ(err, "-r: cannot rewrite SIGABRT: fault signals are never forwarded");
	CHECK(PARSE("procinit", "-r", "KILL:TERM", "--", "x") == 2);
	CHECK_STREQ(err, "-r: cannot rewrite SIGKILL: it cannot be caught");
	CHECK(PARSE("procinit", "-r", "STOP:TERM", "--", "x") == 2);
	CHECK_STREQ(err, "-r: cannot rewrite SIGSTOP: it cannot be caught");
	CHECK(PARSE("procinit", "-r", "CHLD:TERM", "--", "x") == 2);
	CHECK_STREQ(err, "-r: cannot rewrite SIGCHLD: procinit keeps it to reap children");
	/* A fault signal as TO is fine: it is only sent. */
	CHECK(PARSE("procinit", "-r", "USR1:SEGV", "-r", "RTMIN+1:0", "--", "x") == 0);
	CHECK(s.rewrite[10] == 11 && s.rewrite[35] == 0);
}

static void test_exec_verb(void)
{
	/* exec COMMAND is -- COMMAND, for a kernel command line (no second --). */
	CHECK(PARSE("procinit", "-t", "2", "exec", "/bin/sh", "-c", "exit 3") == 0);
	CHECK(s.cmd == CMD_EXEC && s.run_argc == 3 && s.timeout == 2.0);
	CHECK_STREQ(s.run_argv[0], "/bin/sh");
	CHECK_STREQ(s.run_argv[2], "exit 3");
	/* Everything after exec is the command's, options included. */
	CHECK(PARSE("procinit", "exec", "ls", "-t", "--bogus") == 0 && s.run_argc == 3);
	CHECK(s.timeout == 5.0);
	CHECK(PARSE("procinit", "exec", "--", "-weird") == 0 && s.run_argc == 1);
	CHECK_STREQ(s.run_argv[0], "-weird");
	CHECK(PARSE("procinit", "exec") == 2);
	CHECK_STREQ(err, "exec needs a command");
	CHECK(PARSE("procinit", "exec", "--") == 2);
	CHECK_STREQ(err, "exec needs a command");
	CHECK(PARSE("procinit", "-E", "3", "-g", "exec", "x") == 0 && s.n_expect == 1 && s.pgroup);
	CHECK(PARSE("procinit", "--ready", "web=tcp", "exec", "x") == 2);
	CHECK_STREQ(err, "--ready belongs to Procfile mode, not to single-command mode");
}

static void test_control_verbs(void)
{
	CHECK(PARSE("procinit", "status") == 0 && s.cmd == CMD_STATUS && !s.json);
	CHECK(PARSE("procinit", "status", "--json") == 0 && s.cmd == CMD_STATUS && s.json);
	/* The server's place comes from the options before the verb. */
	CHECK(PARSE("procinit", "-f", "app/Procfile", "status") == 0 && s.cmd == CMD_STATUS);
	CHECK_STREQ(s.procfile, "app/Procfile");
	CHECK(PARSE("procinit", "-d", "app", "--socket", "/run/p.sock", "quit") == 0);
	CHECK(s.cmd == CMD_QUIT);
	CHECK_STREQ(s.root, "app");
	CHECK_STREQ(s.socket, "/run/p.sock");
	CHECK(PARSE("procinit", "status", "extra") == 2);
	CHECK_STREQ(err, "unexpected argument 'extra'");
	CHECK(PARSE("procinit", "quit", "now") == 2);
	CHECK_STREQ(err, "unexpected argument 'now'");

	CHECK(PARSE("procinit", "restart", "web.1", "worker") == 0 && s.cmd == CMD_RESTART);
	CHECK(s.n_names == 2);
	CHECK_STREQ(s.names[0], "web.1");
	CHECK_STREQ(s.names[1], "worker");
	CHECK(PARSE("procinit", "stop", "web") == 0 && s.cmd == CMD_STOP && s.n_names == 1);
	CHECK(PARSE("procinit", "restart") == 2);
	CHECK_STREQ(err, "restart needs a process name");
	CHECK(PARSE("procinit", "-f", "P", "stop") == 2);
	CHECK_STREQ(err, "stop needs a process name");
	/* The words' shape is ctlproto_build's to check (test_ctlproto): the CLI counts them. */
	CHECK(PARSE("procinit", "stop", "web", "") == 0 && s.n_names == 2);
	CHECK_STREQ(s.names[1], "");

	CHECK(PARSE("procinit", "scale", "web=2", "worker=0", "clock=10000") == 0);
	CHECK(s.cmd == CMD_SCALE && s.n_names == 3);
	CHECK_STREQ(s.names[2], "clock=10000");
	CHECK(PARSE("procinit", "scale") == 2);
	CHECK_STREQ(err, "scale needs NAME=N");
	CHECK(PARSE("procinit", "scale", "web", "=2", "web=x") == 0 && s.n_names == 3);
	CHECK_STREQ(s.names[2], "web=x");

	/* Options that mean nothing to a verb are refused, naming both. */
	CHECK(PARSE("procinit", "-m", "web=2", "status") == 2);
	CHECK_STREQ(err, "-m belongs to Procfile mode, not to status");
	CHECK(PARSE("procinit", "restart", "web", "--timeout", "3") == 2);
	CHECK_STREQ(err,
		    "--timeout belongs to Procfile mode and single-command mode, not to restart");
	CHECK(PARSE("procinit", "-E", "3", "stop", "web") == 2);
	CHECK_STREQ(err, "-E belongs to single-command mode, not to stop");
	CHECK(PARSE("procinit", "--json", "scale", "web=1") == 2);
	CHECK_STREQ(err, "--json belongs to status, not to scale");
	CHECK(PARSE("procinit", "--json") == 2);
	CHECK_STREQ(err, "--json belongs to status, not to start");
	CHECK(PARSE("procinit", "--json", "--", "x") == 2);
	CHECK_STREQ(err, "--json belongs to status, not to single-command mode");
	/* -h still wins anywhere. */
	CHECK(PARSE("procinit", "scale", "-h") == 0 && s.cmd == CMD_HELP);
}

static void test_power_verbs(void)
{
	CHECK(PARSE("procinit", "poweroff") == 0 && s.cmd == CMD_POWEROFF);
	CHECK(PARSE("procinit", "reboot") == 0 && s.cmd == CMD_REBOOT);
	CHECK(PARSE("procinit", "halt") == 0 && s.cmd == CMD_HALT);
	CHECK(PARSE("procinit", "halt", "now") == 2);
	CHECK_STREQ(err, "unexpected argument 'now'");
	CHECK(PARSE("procinit", "-f", "P", "reboot") == 2);
	CHECK_STREQ(err, "-f belongs to Procfile mode and the control verbs, not to reboot");
	CHECK(PARSE("procinit", "--on-exit", "reboot", "poweroff") == 2);
	CHECK_STREQ(err,
		    "--on-exit belongs to Procfile mode and single-command mode, not to poweroff");
	CHECK(PARSE("procinit", "--socket", "/s", "halt") == 2);
	CHECK_STREQ(err, "--socket belongs to Procfile mode and the control verbs, not to halt");
	CHECK(PARSE("procinit", "-d", "app", "halt") == 2);
	CHECK_STREQ(err, "-d belongs to Procfile mode, single-command mode and the control verbs, "
			 "not to halt");
	CHECK_STREQ(cli_command_name(CMD_POWEROFF), "poweroff");
	CHECK_STREQ(cli_command_name(CMD_EXEC), "exec");
	CHECK_STREQ(cli_command_name(CMD_STATUS), "status");
}

static void test_export(void)
{
	CHECK(PARSE("procinit", "-f", "app/Procfile", "-m", "web=2", "export", "systemd", "out",
		    "--app", "shop", "--user", "www", "--log", "/var/log/shop", "--image", "shop:1",
		    "--force", "-t", "7", "--restart", "all") == 0);
	CHECK(s.cmd == CMD_EXPORT && s.n_names == 0);
	CHECK_STREQ(s.export_format, "systemd");
	CHECK_STREQ(s.export_dir, "out");
	CHECK_STREQ(s.app_name, "shop");
	CHECK_STREQ(s.user, "www");
	CHECK_STREQ(s.log_dir, "/var/log/shop");
	CHECK_STREQ(s.image, "shop:1");
	CHECK(s.force && s.timeout == 7.0 && s.n_restart == 1);
	CHECK_STREQ(s.formation, "web=2");
	CHECK(PARSE("procinit", "export") == 2);
	CHECK_STREQ(err, "export needs FORMAT and DIR");
	CHECK(PARSE("procinit", "export", "compose") == 2);
	CHECK_STREQ(err, "export needs FORMAT and DIR");
	CHECK(PARSE("procinit", "export", "compose", "out", "more") == 2);
	CHECK_STREQ(err, "unexpected argument 'more'");
	CHECK(PARSE("procinit", "export", "compose", "out", "--image=") == 2);
	CHECK_STREQ(err, "--image: empty value");
	CHECK(PARSE("procinit", "--image", "x", "start") == 2);
	CHECK_STREQ(err, "--image belongs to export, not to start");
	CHECK(PARSE("procinit", "--force", "--", "x") == 2);
	CHECK_STREQ(err, "--force belongs to export, not to single-command mode");
	CHECK(PARSE("procinit", "--app", "a", "check") == 2);
	CHECK_STREQ(err, "--app belongs to export, not to check");
	CHECK(PARSE("procinit", "export", "k8s", "out", "--tty") == 2);
	CHECK_STREQ(err, "--tty belongs to Procfile mode, not to export");
}

static void test_readiness_options(void)
{
	CHECK(PARSE("procinit", "--ready", "migrate=exit", "--ready=web=http:/health", "--after",
		    "web=migrate", "--after=worker=web", "--ready-timeout", "2.5", "check") == 0);
	CHECK(s.cmd == CMD_CHECK && s.n_ready == 2 && s.n_after == 2);
	CHECK_STREQ(s.ready[0], "migrate=exit");
	CHECK_STREQ(s.ready[1], "web=http:/health");
	CHECK_STREQ(s.after[1], "worker=web");
	CHECK(s.ready_timeout == 2.5);
	/* The value may itself hold '=': only the first one splits. */
	CHECK(PARSE("procinit", "--ready", "web=log:x=1") == 0);
	CHECK_STREQ(s.ready[0], "web=log:x=1");
	CHECK(PARSE("procinit", "--ready", "web") == 2);
	CHECK_STREQ(err, "--ready: expected NAME=CHECK, got 'web'");
	CHECK(PARSE("procinit", "--ready", "=tcp") == 2);
	CHECK_STREQ(err, "--ready: expected NAME=CHECK, got '=tcp'");
	CHECK(PARSE("procinit", "--after", "web=") == 2);
	CHECK_STREQ(err, "--after: expected NAME=DEP, got 'web='");
	CHECK(PARSE("procinit", "--ready-timeout", "86401") == 2);
	CHECK_STREQ(err, "--ready-timeout: timeout 86401 out of range 0..86400");
	CHECK(PARSE("procinit", "--ready-timeout", "1m") == 2);
	CHECK_STREQ(err, "--ready-timeout: invalid timeout '1m'");
	CHECK(PARSE("procinit", "--ready-timeout", "0") == 0 && s.ready_timeout == 0.0);
	/* Single-command mode has no process types to order. */
	CHECK(PARSE("procinit", "--ready", "web=tcp", "--", "x") == 2);
	CHECK_STREQ(err, "--ready belongs to Procfile mode, not to single-command mode");
	CHECK(PARSE("procinit", "--after", "web=db", "--", "x") == 2);
	CHECK_STREQ(err, "--after belongs to Procfile mode, not to single-command mode");
	CHECK(PARSE("procinit", "--ready-timeout", "5", "--", "x") == 2);
	CHECK_STREQ(err, "--ready-timeout belongs to Procfile mode, not to single-command mode");
}

static void test_lists_are_bounded(void)
{
	char *argv[1 + 2 * (CLI_MAX_LIST + 1)];
	int argc = 0;

	argv[argc++] = "procinit";
	for (int i = 0; i <= CLI_MAX_LIST; i++) {
		argv[argc++] = "--after";
		argv[argc++] = "a=b";
	}
	CHECK(parse(argc - 2, argv) == 0 && s.n_after == CLI_MAX_LIST);
	CHECK(parse(argc, argv) == 2);
	CHECK_STREQ(err, "--after: given more than 64 times");
}

static void test_on_exit_and_socket(void)
{
	CHECK(PARSE("procinit", "--on-exit", "reboot") == 0 && s.on_exit == ON_EXIT_REBOOT);
	CHECK(PARSE("procinit", "--on-exit=halt", "--", "sh") == 0 && s.on_exit == ON_EXIT_HALT);
	CHECK(PARSE("procinit", "--on-exit", "poweroff", "exec", "sh") == 0);
	CHECK(s.on_exit == ON_EXIT_POWEROFF);
	CHECK(PARSE("procinit", "--on-exit", "shutdown") == 2);
	CHECK_STREQ(err, "--on-exit: expected poweroff, reboot or halt, got 'shutdown'");
	CHECK(PARSE("procinit", "--on-exit", "Reboot") == 2);

	CHECK(PARSE("procinit", "--socket", "none") == 0);
	CHECK_STREQ(s.socket, "none");
	CHECK(PARSE("procinit", "--socket", "") == 2);
	CHECK_STREQ(err, "--socket: empty path");
	char path[CTLPATH_MAX + 1]; /* CTLPATH_MAX bytes: one too many for sun_path */

	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	CHECK(PARSE("procinit", "--socket", path, "status") == 2);
	CHECK_STREQ(err, "--socket: path longer than 107 bytes");
	path[CTLPATH_MAX - 1] = '\0';
	CHECK(PARSE("procinit", "--socket", path, "status") == 0);
	CHECK(PARSE("procinit", "--socket", "/s", "--", "x") == 2);
	CHECK_STREQ(
		err,
		"--socket belongs to Procfile mode and the control verbs, not to single-command mode");
}

static void test_environment(void)
{
	CHECK(PARSE_ENV(ENV("PROCINIT_TIMEOUT=1.5", "PROCINIT_PGROUP=1", "PROCINIT_VERBOSITY=2"),
			"procinit", "--", "x") == 0);
	CHECK(s.timeout == 1.5 && s.pgroup && s.verbosity == 2);
	/* A flag wins over its variable, even a malformed variable. */
	CHECK(PARSE_ENV(ENV("PROCINIT_TIMEOUT=bogus", "PROCINIT_VERBOSITY=x"), "procinit", "-t",
			"3", "-v", "--", "x") == 0);
	CHECK(s.timeout == 3.0 && s.verbosity == 1);
	CHECK(PARSE_ENV(ENV("PROCINIT_VERBOSITY=0"), "procinit", "-vv", "--", "x") == 0);
	CHECK(s.verbosity == 2);
	CHECK(PARSE_ENV(ENV("PROCINIT_PGROUP=0"), "procinit", "-g", "--", "x") == 0 && s.pgroup);
	/* Booleans: anything but 0, false or no (any case) is true; empty is unset. */
	CHECK(PARSE_ENV(ENV("PROCINIT_PGROUP=true"), "procinit", "--", "x") == 0 && s.pgroup);
	CHECK(PARSE_ENV(ENV("PROCINIT_PGROUP=yes"), "procinit", "--", "x") == 0 && s.pgroup);
	CHECK(PARSE_ENV(ENV("PROCINIT_PGROUP=FALSE"), "procinit", "--", "x") == 0 && !s.pgroup);
	CHECK(PARSE_ENV(ENV("PROCINIT_PGROUP=No"), "procinit", "--", "x") == 0 && !s.pgroup);
	CHECK(PARSE_ENV(ENV("PROCINIT_PGROUP=0"), "procinit", "--", "x") == 0 && !s.pgroup);
	CHECK(PARSE_ENV(ENV("PROCINIT_PGROUP="), "procinit", "--", "x") == 0 && !s.pgroup);
	CHECK(PARSE_ENV(ENV("PROCINIT_TIMEOUT="), "procinit", "--", "x") == 0 && s.timeout == 5.0);
	/* A malformed variable is an error naming it, with the range. */
	CHECK(PARSE_ENV(ENV("PROCINIT_TIMEOUT=86401"), "procinit", "--", "x") == 2);
	CHECK_STREQ(err, "PROCINIT_TIMEOUT: invalid timeout '86401' (0..86400)");
	CHECK(PARSE_ENV(ENV("PROCINIT_TIMEOUT= 1"), "procinit", "check") == 2);
	CHECK_STREQ(err, "PROCINIT_TIMEOUT: invalid timeout ' 1' (0..86400)");
	CHECK(PARSE_ENV(ENV("PROCINIT_VERBOSITY=10"), "procinit", "--", "x") == 2);
	CHECK_STREQ(err, "PROCINIT_VERBOSITY: invalid level '10' (0..9)");
	CHECK(PARSE_ENV(ENV("PROCINIT_VERBOSITY=-1"), "procinit", "--", "x") == 2);
	CHECK_STREQ(err, "PROCINIT_VERBOSITY: invalid level '-1' (0..9)");
	CHECK(PARSE_ENV(ENV("PROCINIT_VERBOSITY=\x01"), "procinit", "--", "x") == 2);
	CHECK_STREQ(err, "PROCINIT_VERBOSITY: invalid level '?' (0..9)");
	/* The socket's variable serves the server and the verbs alike. */
	CHECK(PARSE_ENV(ENV("PROCINIT_SOCKET=/run/app.sock"), "procinit", "status") == 0);
	CHECK_STREQ(s.socket, "/run/app.sock");
	CHECK(PARSE_ENV(ENV("PROCINIT_SOCKET=/run/app.sock"), "procinit", "start") == 0);
	CHECK_STREQ(s.socket, "/run/app.sock");
	CHECK(PARSE_ENV(ENV("PROCINIT_SOCKET=/env.sock"), "procinit", "--socket=none", "quit") == 0);
	CHECK_STREQ(s.socket, "none");
	/* A variable no flag of the command uses is not read, so cannot fail it. */
	CHECK(PARSE_ENV(ENV("PROCINIT_SOCKET=/s"), "procinit", "--", "x") == 0 && !s.socket);
	CHECK(PARSE_ENV(ENV("PROCINIT_TIMEOUT=bogus"), "procinit", "status") == 0);
	CHECK(PARSE_ENV(ENV("PROCINIT_TIMEOUT=bogus"), "procinit", "--help") == 0);
	CHECK(s.cmd == CMD_HELP);
	/* cli_parse reads no environment at all. */
	CHECK(PARSE("procinit", "--", "x") == 0 && s.timeout == 5.0);
}

static void test_help_text(void)
{
	static const char *const words[] = { "--procfile",
					     "--root",
					     "--env",
					     "--formation",
					     "--port",
					     "--timeout",
					     "--color",
					     "--no-color",
					     "--timestamp",
					     "--expect-exit",
					     "--pgroup",
					     "--rewrite",
					     "--verbose",
					     "--pdeathsig",
					     "--process",
					     "--can-die",
					     "--restart",
					     "--restart-limit",
					     "--stop-signal",
					     "--tty",
					     "--ready",
					     "--after",
					     "--ready-timeout",
					     "--socket",
					     "--on-exit",
					     "--app",
					     "--user",
					     "--log",
					     "--image",
					     "--force",
					     "--json",
					     "--help",
					     "--version",
					     "PROCINIT_TIMEOUT",
					     "PROCINIT_PGROUP",
					     "PROCINIT_VERBOSITY",
					     "PROCINIT_SOCKET",
					     "start",
					     "run",
					     "check",
					     "export",
					     "exec",
					     "status",
					     "restart",
					     "stop",
					     "scale",
					     "quit",
					     "poweroff",
					     "reboot",
					     "halt",
					     "Procfile mode",
					     "Single-command mode",
					     "-- COMMAND" };
	char *text = NULL, *line, *save = NULL;
	size_t len = 0, longest = 0;
	FILE *f = open_memstream(&text, &len);

	CHECK(f != NULL);
	if (!f)
		return;
	cli_help(f);
	fclose(f);
	CHECK(!strncmp(text, "usage: procinit ", 16));
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strstr(text, words[i]))
			CHECK_STREQ(words[i], "(missing from --help)");
	CHECK(strstr(text, "  -t, --timeout SECONDS ") != NULL);
	CHECK(strstr(text, "      --ready NAME=CHECK ") != NULL);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		longest = strlen(line) > longest ? strlen(line) : longest;
	CHECK(longest <= 100);
	free(text);
}

int main(void)
{
	test_defaults();
	test_options();
	test_commands();
	test_errors();
	test_timeout_values();
	test_single_mode();
	test_beyond_foreman();
	test_expect_exit_any_number();
	test_rewrite_refuses_what_is_never_forwarded();
	test_exec_verb();
	test_control_verbs();
	test_power_verbs();
	test_export();
	test_readiness_options();
	test_lists_are_bounded();
	test_on_exit_and_socket();
	test_environment();
	test_help_text();
	cli_free(&s);
	return harness_report("test_cli");
}
