/* SPDX-License-Identifier: MIT */
/*
 * quote: escaping for the files `procinit export` writes. Each rule follows
 * the parser that reads the file back (systemd's extract_first_word with
 * C unescaping, Python's configparser + shlex as supervisord uses them,
 * YAML 1.1/1.2 double-quoted scalars), and refuses what that parser cannot
 * give back unchanged. Pure; any thread; no locks.
 */
#include "quote.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

void qb_add(struct qbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	/* One byte more than LEN + N, for the NUL. */
	if (n >= SIZE_MAX - b->len || lex_reserve(&b->p, &b->cap, b->len + n + 1, 1)) {
		b->oom = true;
		return;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void qb_clear(struct qbuf *b)
{
	b->len = 0;
	qb_add(b, "", 0);
}

void qb_puts(struct qbuf *b, const char *s)
{
	qb_add(b, s, strlen(s));
}

void qb_printf(struct qbuf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		qb_add(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);

	if (!big) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	qb_add(b, big, (size_t)n);
	free(big);
}

void qb_free(struct qbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

const char *quote_strerror(enum quote_err e)
{
	switch (e) {
	case QUOTE_OK:
		return "is fine";
	case QUOTE_UTF8:
		return "is not valid UTF-8";
	case QUOTE_NEWLINE:
		return "contains a line feed";
	case QUOTE_CR:
		return "contains a carriage return";
	case QUOTE_CONTROL:
		return "contains a control character";
	case QUOTE_EDGE:
		return "starts or ends with white space or ends with a backslash";
	case QUOTE_COMMENT:
		return "contains ';' or '#' after white space (an inline comment)";
	case QUOTE_PERCENT:
		return "contains '%('";
	}
	return "cannot be written";
}

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;
	uint32_t c, min;

	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		len = 2, c = u[0] & 0x1f, min = 0x80;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		len = 3, c = u[0] & 0x0f, min = 0x800;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		len = 4, c = u[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool utf8_valid(const char *s)
{
	size_t n = strlen(s), k;
	uint32_t cp;

	for (size_t i = 0; i < n; i += k) {
		k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return false;
	}
	return true;
}

/* What Python's str.isspace() calls white space: configparser strips it and
 * an inline comment needs it before ';' or '#'. */
static bool py_isspace(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
	       c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	       c == 0x202f || c == 0x205f || c == 0x3000;
}

static bool is_bare(const char *s, const char *extra)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("_./:=,+@-", c) || (extra && c && strchr(extra, c))))
			return false;
	}
	return true;
}

void quote_sh(struct qbuf *b, const char *s)
{
	if (is_bare(s, "%")) {
		qb_puts(b, s);
		return;
	}
	qb_add(b, "'", 1);
	for (const char *q; (q = strchr(s, '\'')); s = q + 1) {
		qb_add(b, s, (size_t)(q - s));
		qb_add(b, "'\\''", 4);
	}
	qb_puts(b, s);
	qb_add(b, "'", 1);
}

/*
 * The inside of a systemd double-quoted word: C escapes for the quote, the
 * backslash and control characters (a raw CR or LF would end the line),
 * '%' doubled against specifiers, '$' doubled where variables expand.
 */
static enum quote_err systemd_escape(struct qbuf *b, const char *s, bool dollars)
{
	size_t n = strlen(s), k;
	uint32_t cp;

	for (size_t i = 0; i < n; i += k) {
		unsigned char c = (unsigned char)s[i];

		k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return QUOTE_UTF8;
		if (c == '\\' || c == '"')
			qb_printf(b, "\\%c", c);
		else if (c == '%')
			qb_add(b, "%%", 2);
		else if (c == '$' && dollars)
			qb_add(b, "$$", 2);
		else if (c == '\n')
			qb_add(b, "\\n", 2);
		else if (c == '\t')
			qb_add(b, "\\t", 2);
		else if (c == '\r')
			qb_add(b, "\\r", 2);
		else if (c < 0x20 || c == 0x7f)
			qb_printf(b, "\\x%02x", c);
		else
			qb_add(b, s + i, k);
	}
	return QUOTE_OK;
}

enum quote_err quote_systemd_word(struct qbuf *b, const char *s)
{
	enum quote_err e;

	if (is_bare(s, NULL)) {
		qb_puts(b, s);
		return QUOTE_OK;
	}
	qb_add(b, "\"", 1);
	e = systemd_escape(b, s, true);
	qb_add(b, "\"", 1);
	return e;
}

enum quote_err quote_systemd_env(struct qbuf *b, const char *key, const char *value)
{
	enum quote_err e;

	/* Environment= takes '$' literally: only exec lines expand variables. */
	qb_add(b, "\"", 1);
	e = systemd_escape(b, key, false);
	qb_add(b, "=", 1);
	if (!e)
		e = systemd_escape(b, value, false);
	qb_add(b, "\"", 1);
	return e;
}

/* S with each '%' doubled: systemd's specifiers and supervisord's %(name)s read "%%" as '%'. */
static void add_percent_doubled(struct qbuf *b, const char *s)
{
	for (const char *q; (q = strchr(s, '%')); s = q + 1) {
		qb_add(b, s, (size_t)(q - s) + 1);
		qb_add(b, "%", 1);
	}
	qb_puts(b, s);
}

/* Control characters and UTF-8 validity, for values written without quotes. */
static enum quote_err plain_check(const char *s)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n')
			return QUOTE_NEWLINE;
		if (c == '\r')
			return QUOTE_CR;
		if (c < 0x20 || c == 0x7f)
			return QUOTE_CONTROL;
	}
	return utf8_valid(s) ? QUOTE_OK : QUOTE_UTF8;
}

enum quote_err quote_systemd_plain(struct qbuf *b, const char *s)
{
	size_t n = strlen(s);
	enum quote_err e = plain_check(s);

	if (e)
		return e;
	/* systemd strips blanks around a value; a final backslash continues the line. */
	if (n && (s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == '\\'))
		return QUOTE_EDGE;
	add_percent_doubled(b, s);
	return QUOTE_OK;
}

/*
 * supervisord reads command= with configparser (inline comments after
 * white space, stripped line ends, indented continuation lines joined by
 * "\n"), then expands '%(name)s' (after replacing "%(here)s" by a plain
 * search), then splits with shlex.split (POSIX rules).
 */
enum quote_err quote_supervisord_word(struct qbuf *b, const char *s)
{
	size_t n = strlen(s), k;
	bool prev_space = false;
	uint32_t cp;

	if (is_bare(s, NULL)) {
		qb_puts(b, s);
		return QUOTE_OK;
	}
	qb_add(b, "'", 1);
	for (size_t i = 0; i < n; i += k) {
		char c = s[i];

		k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return QUOTE_UTF8;
		if (c == '\r')
			return QUOTE_CR;
		if (c == '\'') {
			qb_add(b, "'\"'\"'", 5);
		} else if (c == '%') {
			/* Outside the quotes and followed by one, so never "%(". */
			qb_add(b, "'%%'", 4);
		} else if (c == '\n') {
			/* The line ends inside "..." and goes on, indented, with a '"'. */
			qb_add(b, "'\"\n\t\"'", 6);
		} else {
			if ((c == ';' || c == '#') && prev_space)
				qb_add(b, "''", 2);
			qb_add(b, s + i, k);
		}
		prev_space = py_isspace(cp);
	}
	qb_add(b, "'", 1);
	return QUOTE_OK;
}

enum quote_err quote_supervisord_plain(struct qbuf *b, const char *s)
{
	size_t n = strlen(s), k;
	enum quote_err e = plain_check(s);
	bool prev_space = false;
	uint32_t cp;

	if (e)
		return e;
	for (size_t i = 0; i < n; i += k) {
		k = utf8_decode(s + i, n - i, &cp);
		if ((i == 0 || i + k == n) && py_isspace(cp))
			return QUOTE_EDGE;
		if ((cp == ';' || cp == '#') && prev_space)
			return QUOTE_COMMENT;
		if (cp == '%' && s[i + 1] == '(')
			return QUOTE_PERCENT;
		prev_space = py_isspace(cp);
	}
	add_percent_doubled(b, s);
	return QUOTE_OK;
}

enum quote_err quote_yaml(struct qbuf *b, const char *s, bool dollars)
{
	size_t n = strlen(s), k;
	uint32_t cp;

	qb_add(b, "\"", 1);
	for (size_t i = 0; i < n; i += k) {
		k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			qb_add(b, "\"", 1);
			return QUOTE_UTF8;
		}
		if (cp == '"' || cp == '\\')
			qb_printf(b, "\\%c", (char)cp);
		else if (cp == '$' && dollars)
			qb_add(b, "$$", 2);
		else if (cp == '\n')
			qb_add(b, "\\n", 2);
		else if (cp == '\t')
			qb_add(b, "\\t", 2);
		else if (cp == '\r')
			qb_add(b, "\\r", 2);
		else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			qb_printf(b, "\\x%02x", (unsigned)cp);
		else if (cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
			 cp == 0xffff)
			/* Line breaks to YAML 1.1 readers, or not printable: escaped. */
			qb_printf(b, "\\u%04x", (unsigned)cp);
		else
			qb_add(b, s + i, k);
	}
	qb_add(b, "\"", 1);
	return QUOTE_OK;
}
