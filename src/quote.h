/* SPDX-License-Identifier: MIT */
/*
 * quote: the escaping rules of the files `procinit export` writes (POSIX sh,
 * systemd unit files, supervisord's INI + shlex, YAML double-quoted scalars)
 * and the growable byte buffer they append to, which the parsers (dotenv's
 * values, cmdline's words) build text in too. Pure: no I/O, no globals; any
 * thread; no locks.
 */
#ifndef PROCINIT_QUOTE_H
#define PROCINIT_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A growable byte buffer (zero-initialised is empty); it grows with
 * lex_reserve. An allocation failure, or a size past SIZE_MAX, sets OOM,
 * keeps what was there and drops later appends.
 */
struct qbuf {
	char *p; /* NUL-terminated while not OOM; NULL until the first append */
	size_t len, cap;
	bool oom;
};

void qb_add(struct qbuf *b, const char *s, size_t n);
/* Empties B and keeps its memory: P is "" afterwards (unless OOM). */
void qb_clear(struct qbuf *b);
void qb_puts(struct qbuf *b, const char *s);
void qb_printf(struct qbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void qb_free(struct qbuf *b);

/* Why a string cannot be written in some syntax; 0 when it can. */
enum quote_err {
	QUOTE_OK,
	QUOTE_UTF8,    /* not valid UTF-8 */
	QUOTE_NEWLINE, /* a line feed the syntax cannot hold */
	QUOTE_CR,      /* a carriage return (Python reads it as a line end) */
	QUOTE_CONTROL, /* another control character, where it cannot be escaped */
	QUOTE_EDGE,    /* leading or trailing white space an unquoted value would lose */
	QUOTE_COMMENT, /* ';' or '#' after white space: an INI inline comment */
	QUOTE_PERCENT, /* "%(" in an unquoted supervisord value (its expansions) */
};

/* "is not valid UTF-8", "contains a line feed", ...: completes "VAR's value ...". */
const char *quote_strerror(enum quote_err e);

/*
 * Decodes one UTF-8 sequence at S (at most N bytes): its length, with the
 * code point in *CP, or 0 when S does not start a valid sequence (overlong
 * forms, surrogates and values above U+10FFFF are invalid).
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
bool utf8_valid(const char *s);

/* POSIX sh: bare when only [A-Za-z0-9_./:=,+@%-] (and not empty), else '...'. */
void quote_sh(struct qbuf *b, const char *s);

/*
 * systemd ExecStart= word: bare when safe, else "..." with C escapes; '$'
 * doubled (no variable expansion) and '%' doubled (no specifiers).
 */
enum quote_err quote_systemd_word(struct qbuf *b, const char *s);

/* systemd Environment= assignment: "KEY=VALUE" with C escapes and '%' doubled. */
enum quote_err quote_systemd_env(struct qbuf *b, const char *key, const char *value);

/* systemd plain value (WorkingDirectory=, User=, a log path): '%' doubled, no escapes. */
enum quote_err quote_systemd_plain(struct qbuf *b, const char *s);

/*
 * supervisord command= word, read by configparser, then '%' expansion, then
 * shlex.split: single quotes, broken before ';' '#' (inline comments) and
 * around '%' (doubled, never followed by '('), a line feed carried in "\n"
 * across an indented continuation line. A carriage return cannot be carried.
 */
enum quote_err quote_supervisord_word(struct qbuf *b, const char *s);

/* supervisord plain value (directory=, user=, stdout_logfile=): '%' doubled, checked. */
enum quote_err quote_supervisord_plain(struct qbuf *b, const char *s);

/*
 * YAML double-quoted scalar. DOLLARS doubles every '$', for docker-compose's
 * interpolation and Kubernetes' $(VAR) expansion in command, args and env.
 */
enum quote_err quote_yaml(struct qbuf *b, const char *s, bool dollars);

#endif
