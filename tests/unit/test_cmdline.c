/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for cmdline.c: which commands run without a shell, with
 * "exec" under one, or as written; the words DIRECT builds; and, for every
 * DIRECT case, the same words from /bin/sh itself (`set -- WORDS` with the
 * same environment), so procinit's expansion is checked against the shell's.
 */
#include "harness.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmdline.h"

static char *const test_env[] = {
	"PORT=5000",    "PS=web.1", "SPACED=  a  b\tc ",  "EMPTY=", "GLOB=*.c", "QUOTE=it's",
	"DOLLAR=$HOME", "NL=x\ny",  "PATH=/usr/bin:/bin", NULL,
};

static struct cmdline plan(const char *text)
{
	struct cmdline c;

	CHECK(cmdline_plan(text, strlen(text), lex_envp_lookup, (void *)test_env, &c) == 0);
	return c;
}

static void expect_kind(const char *text, enum cmdline_kind kind)
{
	struct cmdline c = plan(text);

	if (c.kind != kind)
		fprintf(stderr, "'%s': %s (%s), want %s\n", text, cmdline_kind_name(c.kind),
			c.why ? c.why : "-", cmdline_kind_name(kind));
	CHECK(c.kind == kind);
	if (kind != CMDLINE_DIRECT)
		CHECK(c.script != NULL && c.argv == NULL);
	cmdline_free(&c);
}

/* ARGV: the words joined with '|'. */
static void expect_words(const char *text, const char *words)
{
	struct cmdline c = plan(text);
	char got[512] = "";

	CHECK(c.kind == CMDLINE_DIRECT);
	for (size_t i = 0; i < c.argc; i++) {
		if (i)
			strcat(got, "|");
		strcat(got, c.argv[i]);
	}
	if (strcmp(got, words))
		fprintf(stderr, "'%s': words '%s', want '%s'\n", text, got, words);
	CHECK_STREQ(got, words);
	CHECK(c.argv != NULL && c.argv[c.argc] == NULL);
	cmdline_free(&c);
}

static void expect_script(const char *text, const char *script)
{
	struct cmdline c = plan(text);

	if (!c.script || strcmp(c.script, script))
		fprintf(stderr, "'%s': script '%s', want '%s'\n", text, c.script ? c.script : "",
			script);
	CHECK_STREQ(c.script, script);
	cmdline_free(&c);
}

/* What /bin/sh makes of TEXT's words: `set -- TEXT` then print them. */
static int shell_words(const char *text, char *out, size_t cap)
{
	char script[1024];
	int p[2], status;
	size_t have = 0;
	ssize_t n;
	pid_t pid;

	snprintf(script, sizeof(script), "set -- %s; for a; do printf '%%s|' \"$a\"; done", text);
	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execle("/bin/sh", "sh", "-c", script, (char *)NULL, test_env);
		_exit(127);
	}
	close(p[1]);
	while (have + 1 < cap && (n = read(p[0], out + have, cap - have - 1)) > 0)
		have += (size_t)n;
	close(p[0]);
	waitpid(pid, &status, 0);
	out[have] = '\0';
	if (have && out[have - 1] == '|')
		out[have - 1] = '\0';
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* DIRECT and the shell agree, word for word. */
static void expect_same_as_shell(const char *text)
{
	struct cmdline c = plan(text);
	char got[512] = "", want[512];

	CHECK(c.kind == CMDLINE_DIRECT);
	for (size_t i = 0; c.kind == CMDLINE_DIRECT && i < c.argc; i++) {
		if (i)
			strcat(got, "|");
		strcat(got, c.argv[i]);
	}
	CHECK(shell_words(text, want, sizeof(want)) == 0);
	if (strcmp(got, want))
		fprintf(stderr, "'%s': procinit '%s', sh '%s'\n", text, got, want);
	CHECK_STREQ(got, want);
	cmdline_free(&c);
}

static void test_direct(void)
{
	expect_words("sleep 4242", "sleep|4242");
	expect_words("  python3   w.py\t--port $PORT  ", "python3|w.py|--port|5000");
	expect_words("./server --port=${PORT} --name \"$PS\"", "./server|--port=5000|--name|web.1");
	expect_words("exec sleep 4242", "sleep|4242");
	expect_words("prog $SPACED", "prog|a|b|c");
	expect_words("prog \"$SPACED\"", "prog|  a  b\tc ");
	expect_words("prog x$SPACED", "prog|x|a|b|c");
	expect_words("prog $EMPTY end", "prog|end");
	expect_words("prog \"$EMPTY\" end", "prog||end");
	expect_words("prog '' \"\" end", "prog|||end");
	expect_words("prog $UNSET", "prog");
	expect_words("prog 'a b' \"c d\" e\\ f", "prog|a b|c d|e f");
	expect_words("prog \"it's\" 'say \"hi\"'", "prog|it's|say \"hi\"");
	expect_words("prog \"\\$HOME \\\\ \\\" \\x\"", "prog|$HOME \\ \" \\x");
	expect_words("prog $QUOTE $DOLLAR", "prog|it's|$HOME");
	expect_words("prog $NL", "prog|x|y");
	expect_words("prog a$ b$ \"c$\"", "prog|a$|b$|c$");
	expect_words("prog 50% a,b a:b a=b --x=1", "prog|50%|a,b|a:b|a=b|--x=1");
	expect_words("$PS arg", "web.1|arg");
	expect_words("prog caf\xc3\xa9", "prog|caf\xc3\xa9");
	expect_words("prog a#b", "prog|a#b");
}

static void test_assignments(void)
{
	struct cmdline c = plan("A=1 B='x y' prog $PORT");

	CHECK(c.kind == CMDLINE_DIRECT);
	CHECK(c.nassign == 2);
	CHECK(c.nassign == 2 && !strcmp(c.assign[0], "A=1") && !strcmp(c.assign[1], "B=x y"));
	CHECK(c.argc == 2 && !strcmp(c.argv[0], "prog") && !strcmp(c.argv[1], "5000"));
	cmdline_free(&c);
	/* An assignment after the command word is an argument. */
	expect_words("prog A=1", "prog|A=1");
	/* Expansions in assignments: their order is the shell's business. */
	expect_kind("A=$PORT prog", CMDLINE_EXEC);
	expect_script("A=$PORT prog x", "A=$PORT exec prog x");
	expect_kind("A=1", CMDLINE_SHELL);
	expect_kind("A=1 B=2", CMDLINE_SHELL);
}

static void test_exec(void)
{
	expect_script("prog > log 2>&1", "exec prog > log 2>&1");
	expect_script("prog 2>/dev/null", "exec prog 2>/dev/null");
	expect_script(">log prog", ">log exec prog");
	expect_script("A=1 >log prog", "A=1 >log exec prog");
	expect_script("prog *.c", "exec prog *.c");
	expect_script("prog ~/x", "exec prog ~/x");
	expect_script("prog $(cat f)", "exec prog $(cat f)");
	expect_script("prog `cat f`", "exec prog `cat f`");
	expect_script("prog ${X:-def}", "exec prog ${X:-def}");
	expect_script("prog \"$@\"", "exec prog \"$@\"");
	expect_script("prog $1", "exec prog $1");
	expect_script("prog $GLOB", "exec prog $GLOB");
	expect_script("prog {a,b}", "exec prog {a,b}");
	expect_script("prog # a comment; with a semicolon", "prog # a comment; with a semicolon");
	expect_script("exec prog > log", "exec prog > log");
	expect_script("prog $'a\\tb'", "exec prog $'a\\tb'");
	expect_script("prog ${X:-a;b}", "exec prog ${X:-a;b}");
	expect_script("prog $(a; b)", "exec prog $(a; b)");
	expect_script("prog \"$(a && b)\"", "exec prog \"$(a && b)\"");
}

static void test_shell(void)
{
	expect_kind("cd . && python3 w.py", CMDLINE_SHELL);
	expect_kind("a | b", CMDLINE_SHELL);
	expect_kind("a; b", CMDLINE_SHELL);
	expect_kind("a &", CMDLINE_SHELL);
	expect_kind("(a)", CMDLINE_SHELL);
	expect_kind("if true; then a; fi", CMDLINE_SHELL);
	expect_kind("while :; do sleep 1; done", CMDLINE_SHELL);
	expect_kind("for i in 1 2; do echo $i; done", CMDLINE_SHELL);
	expect_kind("{ a; }", CMDLINE_SHELL);
	expect_kind("! a", CMDLINE_SHELL);
	expect_kind("time a", CMDLINE_SHELL);
	expect_kind("echo hello", CMDLINE_SHELL);
	expect_kind("echo $PORT > x", CMDLINE_SHELL);
	expect_kind("\"echo\" hi", CMDLINE_SHELL);
	expect_kind("printf '%s\\n' x", CMDLINE_SHELL);
	expect_kind("cd /tmp", CMDLINE_SHELL);
	expect_kind("trap '' TERM", CMDLINE_SHELL);
	expect_kind("kill -0 1", CMDLINE_SHELL);
	expect_kind("exec", CMDLINE_SHELL);
	expect_kind("exec -a name prog", CMDLINE_SHELL);
	expect_kind("prog 'unterminated", CMDLINE_SHELL);
	expect_kind("prog \"unterminated", CMDLINE_SHELL);
	expect_kind("cat <<EOF", CMDLINE_SHELL);
	expect_kind("$(which prog) arg", CMDLINE_SHELL);
	expect_kind("${CMD:-prog} arg", CMDLINE_SHELL);
	expect_kind("$EMPTY", CMDLINE_SHELL);
	expect_kind("a\nb", CMDLINE_SHELL);
	expect_kind("> log", CMDLINE_SHELL);
	expect_kind("", CMDLINE_SHELL);
	/* Scripts are kept as written. */
	expect_script("cd . && python3 w.py", "cd . && python3 w.py");
}

static void test_ifs(void)
{
	static char *const env[] = { "IFS=:", "X=a:b", NULL };
	struct cmdline c;

	CHECK(cmdline_plan("prog $X", 7, lex_envp_lookup, (void *)env, &c) == 0);
	CHECK(c.kind == CMDLINE_EXEC);
	cmdline_free(&c);
}

static void test_against_shell(void)
{
	static const char *const cases[] = {
		"prog a b c",
		"prog $PORT ${PS} \"$PS\" '$PS'",
		"prog $SPACED \"$SPACED\" x$SPACED'y' ${SPACED}z",
		"prog $EMPTY \"$EMPTY\" '' a$EMPTY\"\" \"\"$UNSET",
		"prog \"a \\\" b \\$ c \\\\ d \\q\"",
		"prog a\\ b c\\'d \\\"e",
		"prog $QUOTE \"$QUOTE\" $DOLLAR",
		"prog $NL \"$NL\"",
		"prog 'it''s' \"a\"'b'c",
		"prog a$ \"b$\" $ c",
		"prog --flag=\"$PS\" x=$PORT",
		"prog caf\xc3\xa9 \xff",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_same_as_shell(cases[i]);
}

static void test_uses_args(void)
{
	CHECK(cmdline_uses_args("exec server \"$@\""));
	CHECK(cmdline_uses_args("echo $*"));
	CHECK(cmdline_uses_args("echo $1"));
	CHECK(cmdline_uses_args("echo \"${1:-default}\""));
	CHECK(cmdline_uses_args("echo ${@}"));
	CHECK(cmdline_uses_args("echo ${10}"));
	CHECK(cmdline_uses_args("for a; do echo \"$a\"; done; echo \"$9\""));
	CHECK(cmdline_uses_args("echo 'it''s' $2"));
	CHECK(!cmdline_uses_args("exec server"));
	CHECK(!cmdline_uses_args("echo $0 $# $$ $? $HOME ${PORT}"));
	CHECK(!cmdline_uses_args("echo '$@ $1'"));
	CHECK(!cmdline_uses_args("echo \\$@ \\$1"));
	CHECK(!cmdline_uses_args("echo $$1"));
	CHECK(!cmdline_uses_args("echo 'unterminated $@"));
	CHECK(!cmdline_uses_args("echo \"'\"$HOME\"'\""));
	CHECK(cmdline_uses_args("echo \"'$@'\""));
	CHECK(!cmdline_uses_args(""));
	CHECK(!cmdline_uses_args("echo $"));
}

int main(void)
{
	test_direct();
	test_assignments();
	test_exec();
	test_shell();
	test_ifs();
	test_against_shell();
	test_uses_args();
	CHECK_STREQ(cmdline_kind_name(CMDLINE_EXEC), "exec");
	return harness_report("test_cmdline");
}
