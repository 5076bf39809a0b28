/* SPDX-License-Identifier: MIT */
/*
 * ctlproto: the control socket's wire format. A request is one line of
 * words separated by spaces and ended by a line feed; the reply's first line
 * is "CODE ok" or "CODE error" (CODE: the exit status the client uses), the
 * rest of the reply is text, and the server closes. Parsing, building and
 * formatting only: pure, no I/O, no globals; any thread; no locks.
 */
#ifndef PROCINIT_CTLPROTO_H
#define PROCINIT_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "formation.h"
#include "lex.h"
#include "quote.h"

#define CTL_LINE_MAX 4096           /* a request with its line feed */
#define CTL_ARGS_MAX 64             /* names or NAME=N items in one request */
#define CTL_WORD_MAX 72             /* a word and its NUL: a 63-byte type name + ".10000" */
#define CTL_COUNT_MAX FORMATION_MAX /* scale NAME=N, as -m's counts */
#define CTL_SHOW_MAX 64             /* bytes of input a message quotes: a 63-byte name whole */
/* A message quotes at most two inputs, each up to LEX_SHOW_SIZE(CTL_SHOW_MAX) bytes. */
#define CTL_ERR_MAX (2 * LEX_SHOW_SIZE(CTL_SHOW_MAX) + 64)

/* The exit statuses a reply carries, beyond a plain 0. */
#define CTL_EXIT_NOT_ALL 1  /* status: something that should run does not; or refused now */
#define CTL_EXIT_USAGE 2    /* a bad request: unknown name, malformed line */
#define CTL_EXIT_NOANSWER 3 /* the client's own: no procinit answered */

enum ctl_verb { CTL_STATUS, CTL_RESTART, CTL_STOP, CTL_SCALE, CTL_QUIT };

struct ctl_request {
	enum ctl_verb verb;
	bool json; /* status json */
	size_t n;
	char word[CTL_ARGS_MAX][CTL_WORD_MAX]; /* restart, stop: NAME or NAME.N; scale: NAME */
	unsigned count[CTL_ARGS_MAX];          /* scale: N */
};

/*
 * Parses one request line (LEN bytes, without its line feed; a carriage
 * return before it is allowed). Returns 0, or EINVAL with a one-line
 * message in ERR ("restart: no process 'wbe'"), printable ASCII only
 * (CTL_ERR_MAX bytes hold every message).
 */
int ctlproto_parse(const char *line, size_t len, struct ctl_request *req, char *err, size_t errlen);

/*
 * The client's side: checks the words a user typed (one word each, the
 * same rules as the parser) into REQ. The only check of them: cli.c counts
 * the words and leaves their shape to this. Returns 0 or EINVAL with ERR.
 */
int ctlproto_build(enum ctl_verb verb, bool json, char *const *words, size_t n,
		   struct ctl_request *req, char *err, size_t errlen);

/* The request line of REQ, with its line feed, into LINE: its length, or 0 when it is too long. */
size_t ctlproto_format(const struct ctl_request *req, char *line, size_t cap);

const char *ctlproto_verb_name(enum ctl_verb verb);

/* [A-Za-z0-9_-]{1,63}: a Procfile type name. */
bool ctlproto_type_name(const char *s, size_t len);

/* TYPE or TYPE.N with N in 1..10000 written without leading zeros. */
bool ctlproto_process_name(const char *s, size_t len);

/* "CODE ok\n" or "CODE error\n". */
void ctlproto_reply_head(struct qbuf *b, int code, bool error);

/*
 * Reads a reply's first line from BUF: 0 with *CODE (0..255), *ERROR and
 * *BODY (the offset of the text after the line); EAGAIN when the line is
 * not complete yet; EINVAL when it is not a reply.
 */
int ctlproto_parse_head(const char *buf, size_t len, int *code, bool *error, size_t *body);

/* One instance in a status reply. */
struct ctl_status {
	const char *name;  /* web.1 */
	const char *state; /* running, stopped, ... */
	long pid;          /* the current run's leader; 0: none */
	double uptime;     /* seconds since it started; < 0: not running */
	unsigned restarts; /* runs after the first */
	bool have_exit;    /* a run has ended: LAST_EXIT holds its wait status */
	int last_exit;
	bool ready; /* the current run passed its --ready check (or has none) */
};

/* A header line, then one aligned line per instance. */
void ctlproto_status_text(struct qbuf *b, const struct ctl_status *v, size_t n);

/* One JSON document (and a line feed): procinit's pid, whether it is stopping, the instances. */
void ctlproto_status_json(struct qbuf *b, const struct ctl_status *v, size_t n, long pid,
			  bool stopping);

/* S as a JSON string, quotes included; bytes that are not UTF-8 become U+FFFD. */
void ctlproto_json_string(struct qbuf *b, const char *s);

/* "5s", "2m03s", "1h02m", "3d04h". */
void ctlproto_duration(char *buf, size_t cap, double seconds);

#endif
