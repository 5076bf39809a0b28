/* SPDX-License-Identifier: MIT */
/*
 * ready: when an instance counts as ready (--ready NAME=CHECK) and in which
 * order process types start (--after NAME=DEP). Pure: strings in, checks,
 * orders and one error message out; no I/O. Main thread, before any child.
 */
#ifndef PROCINIT_READY_H
#define PROCINIT_READY_H

#include <stdbool.h>
#include <stddef.h>

enum ready_kind {
	READY_NONE,   /* ready once started */
	READY_TCP,    /* tcp[:PORT]: a connect to 127.0.0.1 succeeds */
	READY_HTTP,   /* http:[PORT]/PATH: a GET answers 2xx or 3xx */
	READY_LOG,    /* log:TEXT: a line of its output contains TEXT */
	READY_EXEC,   /* exec:COMMAND: /bin/sh -c COMMAND exits 0 */
	READY_NOTIFY, /* notify: READY=1 over $NOTIFY_SOCKET */
	READY_EXIT,   /* exit: the process exits with code 0 */
};

struct ready_check {
	enum ready_kind kind;
	long port;        /* tcp:PORT, http:PORT/PATH; 0: the instance's PORT */
	const char *text; /* http: the path; log: the text; exec: the command (into CHECK) */
};

/* Parses CHECK ("tcp", "http:8080/health", "log:listening", ...). 0 or EINVAL. */
int ready_parse(const char *check, struct ready_check *out);

const char *ready_kind_name(enum ready_kind kind);

/* What --ready accepts, for messages. */
#define READY_SYNTAX "tcp[:PORT], http:[PORT]/PATH, log:TEXT, exec:COMMAND, notify, exit"

/*
 * The start order of N types: DEP[i] lists, as type indexes, what type i
 * waits for (one --after each; NDEP[i] of them). Finds a cycle: returns 0
 * when there is none, else 1 with the cycle's types, first repeated at the
 * end, in CYCLE (room for N + 1) and its length in *LEN.
 */
int ready_find_cycle(size_t n, const size_t *const *dep, const size_t *ndep, size_t *cycle,
		     size_t *len);

#endif
