/* SPDX-License-Identifier: MIT */
/* Unit tests for the command-line parser. */
#include <math.h>

#include "cli.h"
#include "harness.h"

static struct settings s;
static char err[CLI_ERR_MAX];

static int parse(int argc, char **argv)
{
	cli_free(&s);
	return cli_parse(argc, argv, &s, err, sizeof(err));
}

#define PARSE(...) parse((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)), \
			 (char *[]){ __VA_ARGS__ })

static void test_defaults(void)
{
	CHECK(PARSE("procinit") == 0);
	CHECK(s.cmd == CMD_START);
	CHECK(s.procfile == NULL && s.root == NULL && s.formation == NULL);
	CHECK(s.n_env_args == 0 && s.port == 0 && s.n_names == 0);
	CHECK(s.timeout == 5.0 && s.color == COLOR_AUTO && !s.timestamp);
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
	CHECK(PARSE("procinit", "stop") == 2);
	CHECK_STREQ(err, "unknown command 'stop'");
	/* Control characters typed by the user never break the one-line message. */
	CHECK(PARSE("procinit", "\x1d\n") == 2);
	CHECK_STREQ(err, "unknown command '?" "?'");
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
	CHECK(s.pgroup && s.pgroup_set && s.verbosity == 2 && s.verbosity_set);
	CHECK(s.n_expect == 2 && s.expect_exit[0] == 143 && s.expect_exit[1] == 3);
	CHECK(s.rewrite[15] == 3 && s.rewrite[1] == 0 && s.rewrite[2] == -1);
	CHECK(s.pdeathsig == 15);
	/* After --, everything is the command's, options included. */
	CHECK(PARSE("procinit", "--", "ls", "-t", "--bogus") == 0 && s.run_argc == 3);
	CHECK(!s.timeout_set);
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
	CHECK(PARSE("procinit", "-x", "web: httpd", "--process=worker: ./w", "--can-die",
		    "migrate", "--restart", "web,worker", "--restart-limit", "3/7.5",
		    "--stop-signal", "web=INT", "--tty") == 0);
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

int main(void)
{
	test_defaults();
	test_options();
	test_commands();
	test_errors();
	test_timeout_values();
	test_single_mode();
	test_beyond_foreman();
	cli_free(&s);
	return harness_report("test_cli");
}
