/* SPDX-License-Identifier: MIT */
/*
 * signames: one table of the classic signal names, used for messages and
 * for parsing -r/--rewrite and --pdeathsig. Pure; any thread.
 */
#include "signames.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	int sig;
	const char *name;
} table[] = {
	{ SIGHUP, "SIGHUP" },       { SIGINT, "SIGINT" },       { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" },       { SIGTRAP, "SIGTRAP" },     { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" },       { SIGFPE, "SIGFPE" },       { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" },     { SIGSEGV, "SIGSEGV" },     { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" },     { SIGALRM, "SIGALRM" },     { SIGTERM, "SIGTERM" },
	{ SIGSTKFLT, "SIGSTKFLT" }, { SIGCHLD, "SIGCHLD" },     { SIGCONT, "SIGCONT" },
	{ SIGSTOP, "SIGSTOP" },     { SIGTSTP, "SIGTSTP" },     { SIGTTIN, "SIGTTIN" },
	{ SIGTTOU, "SIGTTOU" },     { SIGURG, "SIGURG" },       { SIGXCPU, "SIGXCPU" },
	{ SIGXFSZ, "SIGXFSZ" },     { SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" },
	{ SIGWINCH, "SIGWINCH" },   { SIGIO, "SIGIO" },         { SIGPWR, "SIGPWR" },
	{ SIGSYS, "SIGSYS" },
};

#define N_TABLE (sizeof(table) / sizeof(table[0]))

const char *sig_name(int sig)
{
	/* One buffer per signal number keeps the result valid from any thread. */
	static char rt[65][16];

	for (size_t i = 0; i < N_TABLE; i++)
		if (table[i].sig == sig)
			return table[i].name;
	if (sig >= SIGRTMIN && sig <= SIGRTMAX && sig < 65) {
		snprintf(rt[sig], sizeof(rt[sig]), "SIGRTMIN+%d", sig - SIGRTMIN);
		return rt[sig];
	}
	if (sig > 0 && sig < 65) {
		/* 32-34: kept by libc for itself, but still signals someone can send. */
		snprintf(rt[sig], sizeof(rt[sig]), "signal %d", sig);
		return rt[sig];
	}
	return "unknown signal";
}

static int parse_number(const char *text, int max)
{
	char *end;
	long v;

	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtol(text, &end, 10);
	if (*end || errno || v > max)
		return -1;
	return (int)v;
}

int sig_parse(const char *text, int allow_zero)
{
	const char *name = text;
	int n;

	if (*text >= '0' && *text <= '9') {
		n = parse_number(text, 64);
		if (n == 0 && !allow_zero)
			return -1;
		return n;
	}
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (size_t i = 0; i < N_TABLE; i++)
		if (!strcasecmp(name, table[i].name + 3))
			return table[i].sig;
	if (!strncasecmp(name, "RTMIN", 5) || !strncasecmp(name, "RTMAX", 5)) {
		int base = !strncasecmp(name, "RTMIN", 5) ? SIGRTMIN : SIGRTMAX;

		if (!name[5])
			return base;
		n = parse_number(name + 6, 64);
		if (n < 0 || (name[5] != '+' && name[5] != '-'))
			return -1;
		n = name[5] == '+' ? base + n : base - n;
		return (n >= SIGRTMIN && n <= SIGRTMAX) ? n : -1;
	}
	return -1;
}
