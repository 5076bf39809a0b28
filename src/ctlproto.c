/* SPDX-License-Identifier: MIT */
/*
 * ctlproto: requests are parsed word by word with the same checks on both
 * sides (the client checks what the user typed before it connects, the
 * server checks what arrived), so a word the client would send is always
 * one the server reads back the same. Every message quotes input as
 * lex_show does (printable ASCII, other bytes as \xNN, cut at CTL_SHOW_MAX
 * bytes with "..."). Pure; any thread; no locks.
 */
#include "ctlproto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "lex.h"
#include "procfile.h"
#include "signames.h"

/* Input in a message: lex_show of at most CTL_SHOW_MAX bytes. */
#define SHOW_SIZE LEX_SHOW_SIZE(CTL_SHOW_MAX)

static const char *const verb_names[] = { "status", "restart", "stop", "scale", "quit" };

const char *ctlproto_verb_name(enum ctl_verb verb)
{
	return (unsigned)verb < sizeof(verb_names) / sizeof(verb_names[0]) ? verb_names[verb] : "?";
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return EINVAL;
}

bool ctlproto_type_name(const char *s, size_t len)
{
	return len > 0 && len <= PROCFILE_NAME_MAX && lex_name_bad(s, len) == len;
}

/* Digits only, no leading zero unless it is "0"; *V <= MAX. */
static bool number(const char *s, size_t len, unsigned max, unsigned *v)
{
	unsigned long n = 0;

	if ((len > 1 && s[0] == '0') || lex_parse_uint(s, len, max, &n))
		return false;
	*v = (unsigned)n;
	return true;
}

bool ctlproto_process_name(const char *s, size_t len)
{
	const char *dot = memchr(s, '.', len);
	unsigned n = 0;

	if (!dot)
		return ctlproto_type_name(s, len);
	return ctlproto_type_name(s, (size_t)(dot - s)) &&
	       number(dot + 1, len - (size_t)(dot - s) - 1, CTL_COUNT_MAX, &n) && n >= 1;
}

/* A count of scale: digits (leading zeros allowed), 0..CTL_COUNT_MAX. 0, EINVAL or ERANGE. */
static int count_of(const char *s, size_t len, unsigned *v)
{
	unsigned long n = 0;
	int rc = lex_parse_uint(s, len, CTL_COUNT_MAX, &n);

	if (!rc)
		*v = (unsigned)n;
	return rc;
}

/* NAME=N of scale. */
static int scale_item(struct ctl_request *req, const char *w, size_t len, char *err, size_t errlen)
{
	const char *eq = memchr(w, '=', len);
	size_t nlen = eq ? (size_t)(eq - w) : 0;
	char a[SHOW_SIZE], b[SHOW_SIZE];
	int rc;

	if (!eq || nlen == 0) {
		lex_show(a, w, len, CTL_SHOW_MAX);
		return fail(err, errlen, "scale: expected NAME=N, got '%s'", a);
	}
	lex_show(a, w, nlen, CTL_SHOW_MAX);
	if (!ctlproto_type_name(w, nlen))
		return fail(err, errlen, "scale: no process '%s'", a);
	lex_show(b, eq + 1, len - nlen - 1, CTL_SHOW_MAX);
	rc = count_of(eq + 1, len - nlen - 1, &req->count[req->n]);
	if (rc && len - nlen - 1 == 0)
		return fail(err, errlen, "scale: missing count for '%s'", a);
	if (rc == ERANGE)
		return fail(err, errlen, "scale: count %s for '%s' out of range 0..%d", b, a,
			    CTL_COUNT_MAX);
	if (rc)
		return fail(err, errlen, "scale: invalid count '%s' for '%s'", b, a);
	for (size_t i = 0; i < req->n; i++)
		if (strlen(req->word[i]) == nlen && !memcmp(req->word[i], w, nlen))
			return fail(err, errlen, "scale: '%s' given twice", a);
	memcpy(req->word[req->n], w, nlen);
	req->word[req->n][nlen] = '\0';
	req->n++;
	return 0;
}

/* One word after the verb. */
static int take_word(struct ctl_request *req, const char *w, size_t len, char *err, size_t errlen)
{
	const char *verb = ctlproto_verb_name(req->verb);
	char a[SHOW_SIZE];

	lex_show(a, w, len, CTL_SHOW_MAX);
	switch (req->verb) {
	case CTL_STATUS:
		if (len == 4 && !memcmp(w, "json", 4) && !req->json) {
			req->json = true;
			return 0;
		}
		return fail(err, errlen, "status: unexpected argument '%s'", a);
	case CTL_QUIT:
		return fail(err, errlen, "quit: unexpected argument '%s'", a);
	default:
		break;
	}
	if (req->n == CTL_ARGS_MAX)
		return fail(err, errlen, "%s: more than %d %s", verb, CTL_ARGS_MAX,
			    req->verb == CTL_SCALE ? "items" : "names");
	if (req->verb == CTL_SCALE)
		return scale_item(req, w, len, err, errlen);
	if (!ctlproto_process_name(w, len))
		return fail(err, errlen, "%s: no process '%s'", verb, a);
	memcpy(req->word[req->n], w, len);
	req->word[req->n][len] = '\0';
	req->n++;
	return 0;
}

static int finish(const struct ctl_request *req, char *err, size_t errlen)
{
	if (req->n == 0 && (req->verb == CTL_RESTART || req->verb == CTL_STOP))
		return fail(err, errlen, "%s needs a process name", ctlproto_verb_name(req->verb));
	if (req->n == 0 && req->verb == CTL_SCALE)
		return fail(err, errlen, "scale needs NAME=N");
	return 0;
}

static bool find_verb(const char *w, size_t len, enum ctl_verb *verb)
{
	for (size_t k = 0; k < sizeof(verb_names) / sizeof(verb_names[0]); k++) {
		if (strlen(verb_names[k]) == len && !memcmp(verb_names[k], w, len)) {
			*verb = (enum ctl_verb)k;
			return true;
		}
	}
	return false;
}

int ctlproto_parse(const char *line, size_t len, struct ctl_request *req, char *err, size_t errlen)
{
	size_t i = 0;
	bool have_verb = false;
	int rc;

	memset(req, 0, sizeof(*req));
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len >= CTL_LINE_MAX)
		return fail(err, errlen, "request longer than %d bytes", CTL_LINE_MAX - 1);
	for (size_t k = 0; k < len; k++)
		if ((unsigned char)line[k] < 0x20 || line[k] == 0x7f)
			return fail(err, errlen, "control character in request");
	while (i < len) {
		size_t start, wlen;

		if (line[i] == ' ') {
			i++;
			continue;
		}
		start = i;
		while (i < len && line[i] != ' ')
			i++;
		wlen = i - start;
		if (have_verb) {
			rc = take_word(req, line + start, wlen, err, errlen);
			if (rc)
				return rc;
			continue;
		}
		if (!find_verb(line + start, wlen, &req->verb)) {
			char a[SHOW_SIZE];

			lex_show(a, line + start, wlen, CTL_SHOW_MAX);
			return fail(err, errlen, "unknown request '%s'", a);
		}
		have_verb = true;
	}
	if (!have_verb)
		return fail(err, errlen, "empty request");
	return finish(req, err, errlen);
}

int ctlproto_build(enum ctl_verb verb, bool json, char *const *words, size_t n,
		   struct ctl_request *req, char *err, size_t errlen)
{
	int rc;

	memset(req, 0, sizeof(*req));
	req->verb = verb;
	req->json = json && verb == CTL_STATUS;
	for (size_t k = 0; k < n; k++) {
		size_t len = strlen(words[k]);

		/* A space would make two words of one; take_word refuses the rest. */
		if (memchr(words[k], ' ', len) || len == 0) {
			char a[SHOW_SIZE];

			lex_show(a, words[k], len, CTL_SHOW_MAX);
			if (verb == CTL_SCALE)
				return fail(err, errlen, "scale: expected NAME=N, got '%s'", a);
			if (verb == CTL_RESTART || verb == CTL_STOP)
				return fail(err, errlen, "%s: no process '%s'",
					    ctlproto_verb_name(verb), a);
		}
		rc = take_word(req, words[k], len, err, errlen);
		if (rc)
			return rc;
	}
	return finish(req, err, errlen);
}

size_t ctlproto_format(const struct ctl_request *req, char *line, size_t cap)
{
	size_t len;
	int n;

	n = snprintf(line, cap, "%s%s", ctlproto_verb_name(req->verb), req->json ? " json" : "");
	if (n < 0 || (size_t)n >= cap)
		return 0;
	len = (size_t)n;
	for (size_t k = 0; k < req->n; k++) {
		if (req->verb == CTL_SCALE)
			n = snprintf(line + len, cap - len, " %s=%u", req->word[k], req->count[k]);
		else
			n = snprintf(line + len, cap - len, " %s", req->word[k]);
		if (n < 0 || (size_t)n >= cap - len)
			return 0;
		len += (size_t)n;
	}
	if (len + 1 >= cap || len + 1 > CTL_LINE_MAX)
		return 0;
	line[len++] = '\n';
	line[len] = '\0';
	return len;
}

void ctlproto_reply_head(struct qbuf *b, int code, bool error)
{
	qb_printf(b, "%d %s\n", code, error ? "error" : "ok");
}

int ctlproto_parse_head(const char *buf, size_t len, int *code, bool *error, size_t *body)
{
	const char *nl = memchr(buf, '\n', len < 16 ? len : 16);
	size_t i = 0;
	unsigned v;

	if (!nl)
		return len < 16 ? EAGAIN : EINVAL;
	while (i < (size_t)(nl - buf) && buf[i] >= '0' && buf[i] <= '9')
		i++;
	if (!number(buf, i, 255, &v) || buf[i] != ' ')
		return EINVAL;
	if ((size_t)(nl - buf) - i - 1 == 2 && !memcmp(buf + i + 1, "ok", 2))
		*error = false;
	else if ((size_t)(nl - buf) - i - 1 == 5 && !memcmp(buf + i + 1, "error", 5))
		*error = true;
	else
		return EINVAL;
	*code = (int)v;
	*body = (size_t)(nl - buf) + 1;
	return 0;
}

/* ---------------------------------------------------------------- status */

void ctlproto_duration(char *buf, size_t cap, double seconds)
{
	unsigned long s = seconds > 0 ? (unsigned long)seconds : 0;

	if (s < 60)
		snprintf(buf, cap, "%lus", s);
	else if (s < 3600)
		snprintf(buf, cap, "%lum%02lus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, cap, "%luh%02lum", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, cap, "%lud%02luh", s / 86400, s % 86400 / 3600);
}

static void exit_text(char *buf, size_t cap, const struct ctl_status *st)
{
	if (!st->have_exit)
		snprintf(buf, cap, "-");
	else if (WIFSIGNALED(st->last_exit))
		snprintf(buf, cap, "%s", sig_name(WTERMSIG(st->last_exit)));
	else
		snprintf(buf, cap, "exit %d", WEXITSTATUS(st->last_exit));
}

void ctlproto_status_text(struct qbuf *b, const struct ctl_status *v, size_t n)
{
	int w = 4; /* "NAME" */

	for (size_t i = 0; i < n; i++)
		if (strlen(v[i].name) > (size_t)w)
			w = (int)strlen(v[i].name);
	qb_printf(b, "%-*s  %-9s  %-5s  %-7s  %-7s  %-8s  %s\n", w, "NAME", "STATE", "READY", "PID",
		  "UPTIME", "RESTARTS", "LAST EXIT");
	for (size_t i = 0; i < n; i++) {
		const struct ctl_status *st = &v[i];
		char pid[24] = "-", up[24] = "-", ex[40];

		if (st->pid > 0)
			snprintf(pid, sizeof(pid), "%ld", st->pid);
		if (st->uptime >= 0)
			ctlproto_duration(up, sizeof(up), st->uptime);
		exit_text(ex, sizeof(ex), st);
		qb_printf(b, "%-*s  %-9s  %-5s  %-7s  %-7s  %-8u  %s\n", w, st->name, st->state,
			  st->ready ? "yes" : "no", pid, up, st->restarts, ex);
	}
}

void ctlproto_json_string(struct qbuf *b, const char *s)
{
	size_t len = strlen(s);

	qb_add(b, "\"", 1);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t k;

		if (c == '"' || c == '\\') {
			qb_add(b, "\\", 1);
			qb_add(b, s + i, 1);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			qb_printf(b, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			qb_add(b, s + i, 1);
			i++;
		} else if ((k = utf8_decode(s + i, len - i, &cp)) > 0) {
			qb_add(b, s + i, k);
			i += k;
		} else {
			qb_puts(b, "\\ufffd");
			i++;
		}
	}
	qb_add(b, "\"", 1);
}

static void json_exit(struct qbuf *b, const struct ctl_status *st)
{
	if (!st->have_exit) {
		qb_puts(b, "null");
	} else if (WIFSIGNALED(st->last_exit)) {
		qb_puts(b, "{\"signal\":");
		ctlproto_json_string(b, sig_name(WTERMSIG(st->last_exit)));
		qb_puts(b, "}");
	} else {
		qb_printf(b, "{\"code\":%d}", WEXITSTATUS(st->last_exit));
	}
}

void ctlproto_status_json(struct qbuf *b, const struct ctl_status *v, size_t n, long pid,
			  bool stopping)
{
	qb_printf(b, "{\"pid\":%ld,\"stopping\":%s,\"instances\":[", pid,
		  stopping ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		const struct ctl_status *st = &v[i];

		qb_puts(b, i ? ",{\"name\":" : "{\"name\":");
		ctlproto_json_string(b, st->name);
		qb_puts(b, ",\"state\":");
		ctlproto_json_string(b, st->state);
		qb_printf(b, ",\"ready\":%s", st->ready ? "true" : "false");
		if (st->pid > 0)
			qb_printf(b, ",\"pid\":%ld", st->pid);
		else
			qb_puts(b, ",\"pid\":null");
		if (st->uptime >= 0)
			qb_printf(b, ",\"uptime\":%.3f", st->uptime);
		else
			qb_puts(b, ",\"uptime\":null");
		qb_printf(b, ",\"restarts\":%u,\"last_exit\":", st->restarts);
		json_exit(b, st);
		qb_puts(b, "}");
	}
	qb_puts(b, "]}\n");
}
