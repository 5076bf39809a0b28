/* SPDX-License-Identifier: MIT */
/*
 * dotenv: the env-file parser (Docker Compose .env dialect, as in compose-go)
 * and the envlist it fills. Pure: buffer in, variables and diags out, no I/O
 * and no globals, so any thread may call it; it takes no locks. main runs it
 * before the first thread starts.
 */
#include "dotenv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "quote.h"

/* One open ${NAME:-default} whose closing brace is still ahead. */
struct frame {
	size_t dollar;   /* offset of its '$', for "unterminated" */
	bool outer_emit; /* whether text around it is being produced */
};

struct parser {
	const char *buf;
	size_t len;
	struct envlist *out;
	const char *src;
	lex_lookup_fn lookup;
	void *ctx;
	struct diags *errs;
	size_t nerr; /* counted here too: ERRS may be full and drop entries */
	/* Where the current entry starts, to turn byte offsets into line:col. */
	unsigned line;
	size_t ls;
	unsigned next_line; /* the line the next entry starts on, set by parse_entry */
	/*
	 * The current entry already has an error: report nothing more about
	 * it (one mistake, one message) and do not set it.
	 */
	bool failed;
	struct qbuf val; /* the value being built */
	size_t produced; /* bytes of every value so far, against DOTENV_TOTAL_MAX */
	struct frame *stack;
	size_t stack_cap;
};

/* Sets KEY to VALUE: the variable (SRC and LINE cleared), or NULL (no memory). */
static struct envvar *put(struct envlist *l, const char *key, size_t keylen, const char *value)
{
	char *v = lex_strndup(value, strlen(value));
	struct envvar *e;
	char *k;

	if (!v)
		return NULL;
	e = envlist_find(l, key, keylen);
	if (e) {
		/* VALUE may point into the old value: copied before freeing. */
		free(e->value);
		*e = (struct envvar){ .key = e->key, .value = v };
		return e;
	}
	k = lex_strndup(key, keylen);
	if (!k || lex_reserve(&l->v, &l->cap, l->n + 1, sizeof(*l->v)) ||
	    lex_index_add(&l->index, k, keylen, l->n)) {
		free(k);
		free(v);
		return NULL;
	}
	l->v[l->n] = (struct envvar){ .key = k, .value = v };
	return &l->v[l->n++];
}

int envlist_set(struct envlist *l, const char *key, size_t keylen, const char *value)
{
	return put(l, key, keylen, value) ? 0 : ENOMEM;
}

struct envvar *envlist_find(const struct envlist *l, const char *key, size_t keylen)
{
	long i = lex_index_find(&l->index, key, keylen);

	return i < 0 ? NULL : &l->v[i];
}

const char *envlist_get(const struct envlist *l, const char *key, size_t keylen)
{
	const struct envvar *v = envlist_find(l, key, keylen);

	return v ? v->value : NULL;
}

void envlist_free(struct envlist *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	lex_index_free(&l->index);
	memset(l, 0, sizeof(*l));
}

/*
 * Appends to the value being built. 0, ENOMEM, EFBIG past DOTENV_VALUE_MAX
 * or E2BIG past DOTENV_TOTAL_MAX.
 */
static int val_put(struct parser *p, const char *s, size_t n)
{
	/* $A$A$A... doubles per line: without a bound, 200 bytes ask for gigabytes. */
	if (n > DOTENV_VALUE_MAX || p->val.len > DOTENV_VALUE_MAX - n)
		return EFBIG;
	/* And B1=$A, B2=$A, ... copies a 1 MiB value per line of 5 bytes. */
	if (p->produced > DOTENV_TOTAL_MAX - n)
		return E2BIG;
	p->produced += n;
	qb_add(&p->val, s, n);
	return p->val.oom ? ENOMEM : 0;
}

static int val_putc(struct parser *p, char c)
{
	return val_put(p, &c, 1);
}

/* Keys may contain dots (compose-go allows them); bare $VAR names may not. */
static bool is_key_char(char c)
{
	return lex_is_var_char(c) || c == '.';
}

static bool valid_key(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !lex_is_var_start(s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!is_key_char(s[i]))
			return false;
	return true;
}

/* Offset of the '\n' ending the line that holds I, or LEN. */
static size_t line_end(const struct parser *p, size_t i)
{
	const char *nl = memchr(p->buf + i, '\n', p->len - i);

	return nl ? (size_t)(nl - p->buf) : p->len;
}

/* I is at the end of its line, counting a CR right before the LF as part of it. */
static bool at_eol(const struct parser *p, size_t i, size_t eol)
{
	return i == eol || (p->buf[i] == '\r' && i + 1 == eol);
}

__attribute__((format(printf, 4, 0))) static void vreport(struct parser *p, unsigned line,
							  unsigned col, const char *fmt, va_list ap)
{
	if (p->errs)
		diag_vadd(p->errs, line, col, fmt, ap);
	p->nerr++;
}

__attribute__((format(printf, 4, 5))) static void report(struct parser *p, unsigned line,
							 unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, line, col, fmt, ap);
	va_end(ap);
}

/* Line and column of OFF, counted from the start of the current entry. */
static void where(const struct parser *p, size_t off, unsigned *line, unsigned *col)
{
	size_t ls = p->ls, i;
	unsigned l = p->line;

	for (i = ls; i < off; i++) {
		if (p->buf[i] == '\n') {
			l++;
			ls = i + 1;
		}
	}
	*line = l;
	*col = lex_uint(off - ls + 1);
}

/* Reports the first error of the current entry; later ones would be noise. */
__attribute__((format(printf, 3, 4))) static void fail(struct parser *p, size_t off,
						       const char *fmt, ...)
{
	unsigned line, col;
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	where(p, off, &line, &col);
	va_start(ap, fmt);
	vreport(p, line, col, fmt, ap);
	va_end(ap);
}

/*
 * A NUL would silently cut the value short once it becomes a C string, so
 * the whole line is refused. Checked per physical line, also inside quotes.
 */
static void check_nul(struct parser *p, size_t from, size_t eol, unsigned line, size_t ls)
{
	const char *nul = memchr(p->buf + from, '\0', eol - from);

	if (!nul)
		return;
	report(p, line, lex_uint((size_t)(nul - p->buf) - ls + 1), "NUL byte in line");
	p->failed = true;
}

static void bad_key(struct parser *p, size_t ks, size_t n)
{
	char shown[LEX_SHOW_SIZE(LEX_SHOW_MAX)];

	fail(p, ks, "invalid variable name '%s'", lex_show(shown, p->buf + ks, n, LEX_SHOW_MAX));
}

/* ${NAME} looks at this file's (and earlier files') variables first. */
static const char *lookup_var(const struct parser *p, const char *name, size_t n)
{
	const char *v = envlist_get(p->out, name, n);

	if (v)
		return v;
	return p->lookup ? p->lookup(name, n, p->ctx) : NULL;
}

static int push_frame(struct parser *p, size_t depth, size_t dollar, bool outer_emit)
{
	if (lex_reserve(&p->stack, &p->stack_cap, depth + 1, sizeof(*p->stack)))
		return ENOMEM;
	p->stack[depth].dollar = dollar;
	p->stack[depth].outer_emit = outer_emit;
	return 0;
}

static char unescape(char c)
{
	switch (c) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	case '\\':
	case '"':
	case '$':
		return c;
	default:
		return '\0';
	}
}

/*
 * Handles the ${ at I (the '$'); on success *NEXT is where scanning resumes
 * and *DEPTH grows when a default follows. EMIT says whether the text is
 * being produced or only skipped (an unused default still has to be parsed
 * to find its closing brace). Returns 0, ENOMEM, or -1 after an error.
 */
static int expand_brace(struct parser *p, size_t i, size_t e, size_t *depth, bool *emit,
			size_t *next)
{
	const char *buf = p->buf;
	size_t ns = i + 2, ne = ns;
	const char *v;
	bool use_default;
	size_t oplen;

	while (ne < e && is_key_char(buf[ne]))
		ne++;
	if (ne == e || (buf[ne] == ':' && ne + 1 == e)) {
		fail(p, i, "unterminated ${...}");
		return -1;
	}
	if (ne == ns || !lex_is_var_start(buf[ns])) {
		fail(p, ns, "invalid variable name in ${...}");
		return -1;
	}
	v = lookup_var(p, buf + ns, ne - ns);
	if (buf[ne] == '}') {
		*next = ne + 1;
		return *emit && v ? val_put(p, v, strlen(v)) : 0;
	}
	if (buf[ne] == ':' && buf[ne + 1] == '-') {
		use_default = !v || !*v;
		oplen = 2;
	} else if (buf[ne] == '-') {
		use_default = !v;
		oplen = 1;
	} else {
		fail(p, ne, "invalid variable name in ${...}");
		return -1;
	}
	if (*emit && !use_default) {
		int rc = val_put(p, v, strlen(v));

		if (rc)
			return rc;
	}
	if (push_frame(p, *depth, i, *emit))
		return ENOMEM;
	(*depth)++;
	*emit = *emit && use_default;
	*next = ne + oplen;
	return 0;
}

/*
 * Expands BUF[S..E) into p->val: $VAR, ${VAR}, ${VAR:-def}, ${VAR-def}, $$,
 * and, when DQ, the double-quote escapes. Nested defaults use an explicit
 * stack rather than recursion so a hostile file cannot exhaust the C stack.
 * Returns 0 or ENOMEM; errors set p->failed.
 */
static int expand(struct parser *p, size_t s, size_t e, bool dq)
{
	const char *buf = p->buf;
	size_t i = s, depth = 0;
	bool emit = true;
	int rc = 0;

	qb_clear(&p->val);
	while (i < e && !rc) {
		char c = buf[i];

		if (dq && c == '\\' && i + 1 < e) {
			char t = unescape(buf[i + 1]);

			/* Unknown escapes stay as written, as compose-go keeps them. */
			if (emit)
				rc = t ? val_putc(p, t) : val_put(p, buf + i, 2);
			i += 2;
		} else if (c == '}' && depth > 0) {
			emit = p->stack[--depth].outer_emit;
			i++;
		} else if (c != '$' || i + 1 == e) {
			rc = emit ? val_putc(p, c) : 0;
			i++;
		} else if (buf[i + 1] == '$') {
			rc = emit ? val_putc(p, '$') : 0;
			i += 2;
		} else if (buf[i + 1] == '{') {
			rc = expand_brace(p, i, e, &depth, &emit, &i);
			if (rc < 0)
				return 0;
		} else if (lex_is_var_start(buf[i + 1])) {
			size_t ns = i + 1;
			const char *v;

			for (i = ns; i < e && lex_is_var_char(buf[i]); i++)
				;
			v = lookup_var(p, buf + ns, i - ns);
			if (emit && v)
				rc = val_put(p, v, strlen(v));
		} else {
			/* "$5", "$-": not a reference, so the dollar is literal. */
			rc = emit ? val_putc(p, c) : 0;
			i++;
		}
	}
	if (rc)
		return rc;
	if (depth > 0) {
		fail(p, p->stack[0].dollar, "unterminated ${...}");
		return 0;
	}
	return p->val.oom ? ENOMEM : 0;
}

/* Sets KEY (at KS) to VALUE and records where that happened. */
static int set_at(struct parser *p, size_t ks, size_t klen, const char *value)
{
	struct envvar *v = put(p->out, p->buf + ks, klen, value);
	unsigned col;

	if (!v)
		return ENOMEM;
	where(p, ks, &v->line, &col);
	v->src = p->src;
	return 0;
}

static int set_value(struct parser *p, size_t ks, size_t klen)
{
	if (p->failed)
		return 0;
	return set_at(p, ks, klen, p->val.p);
}

/*
 * The value at Q opens a quote. Quoted values may run over several lines;
 * *NEXT becomes the start of the line after the closing quote, or LEN when
 * the quote never closes (the rest of the file is then inside it, so
 * nothing after it could be parsed meaningfully).
 */
static int parse_quoted(struct parser *p, size_t ks, size_t klen, size_t q, size_t *next)
{
	const char *buf = p->buf;
	char quote = buf[q];
	unsigned qline, qcol, line;
	size_t i, ls, eol, j;
	int rc = 0;

	where(p, q, &qline, &qcol);
	line = qline;
	ls = q + 1 - qcol;
	for (i = q + 1; i < p->len && buf[i] != quote; i++) {
		if (buf[i] == '\n') {
			line++;
			ls = i + 1;
			check_nul(p, ls, line_end(p, ls), line, ls);
		} else if (quote == '"' && buf[i] == '\\' && i + 1 < p->len && buf[i + 1] != '\n') {
			i++;
		}
	}
	if (i == p->len) {
		/* Reported even after a NUL: it is a separate, file-wide problem. */
		report(p, qline, qcol, "unterminated %s-quoted value",
		       quote == '"' ? "double" : "single");
		*next = p->len;
		p->next_line = line;
		return 0;
	}
	if (!p->failed) {
		if (quote == '"') {
			rc = expand(p, q + 1, i, true);
		} else {
			qb_clear(&p->val);
			rc = val_put(p, buf + q + 1, i - q - 1);
		}
		if (rc)
			return rc;
	}
	eol = line_end(p, i);
	*next = eol < p->len ? eol + 1 : p->len;
	/* The value's own line feeds were counted above: none between I and EOL. */
	p->next_line = eol < p->len ? line + 1 : line;
	j = lex_skip_blank(buf, i + 1, eol);
	if (!at_eol(p, j, eol) && buf[j] != '#')
		fail(p, j, "unexpected text after closing quote");
	return set_value(p, ks, klen);
}

/* The value after KEY= starts at I; EOL ends the line. */
static int parse_value(struct parser *p, size_t ks, size_t klen, size_t i, size_t eol, size_t *next)
{
	const char *buf = p->buf;
	size_t e;
	int rc;

	i = lex_skip_blank(buf, i, eol);
	if (i < eol && (buf[i] == '"' || buf[i] == '\''))
		return parse_quoted(p, ks, klen, i, next);
	/* '#' starts a comment only after a blank, so URLs with #frag survive. */
	for (e = i; e < eol; e++)
		if (buf[e] == '#' && lex_is_blank(buf[e - 1]))
			break;
	while (e > i && (lex_is_blank(buf[e - 1]) || buf[e - 1] == '\r'))
		e--;
	if (p->failed)
		return 0;
	rc = expand(p, i, e, false);
	if (rc)
		return rc;
	return set_value(p, ks, klen);
}

/* A bare KEY line passes the inherited variable through, if there is one. */
static int import_key(struct parser *p, size_t ks, size_t klen)
{
	const char *v;

	if (p->failed || !p->lookup)
		return 0;
	v = p->lookup(p->buf + ks, klen, p->ctx);
	return v ? set_at(p, ks, klen, v) : 0;
}

/* "export KEY=..." as in shell files; "export=1" and "export" alone are keys. */
static size_t skip_export(const struct parser *p, size_t i, size_t eol)
{
	size_t j;

	if (eol - i < 7 || memcmp(p->buf + i, "export", 6) != 0 || !lex_is_blank(p->buf[i + 6]))
		return i;
	j = lex_skip_blank(p->buf, i + 6, eol);
	if (at_eol(p, j, eol) || p->buf[j] == '#' || p->buf[j] == '=')
		return i;
	return j;
}

/*
 * Parses the entry starting at line start START; sets *NEXT to the start of
 * the next entry. Returns 0 (errors go to the diags) or ENOMEM.
 */
static int parse_entry(struct parser *p, size_t start, size_t *next)
{
	const char *buf = p->buf;
	size_t eol = line_end(p, start);
	size_t i, ks, klen;

	*next = eol < p->len ? eol + 1 : p->len;
	p->next_line = eol < p->len ? p->line + 1 : p->line; /* parse_quoted may go further */
	p->failed = false;
	check_nul(p, start, eol, p->line, start);
	i = lex_skip_blank(buf, start, eol);
	if (at_eol(p, i, eol) || buf[i] == '#')
		return 0;
	i = skip_export(p, i, eol);
	ks = i;
	while (i < eol && buf[i] != '=' && !lex_is_blank(buf[i]) && buf[i] != '\r')
		i++;
	klen = i - ks;
	if (!valid_key(buf + ks, klen)) {
		bad_key(p, ks, klen);
		return 0;
	}
	i = lex_skip_blank(buf, i, eol);
	if (i < eol && buf[i] == '=')
		return parse_value(p, ks, klen, i + 1, eol, next);
	/* The key ended at a blank, '=' or CR, so a '#' here follows a blank. */
	if (at_eol(p, i, eol) || buf[i] == '#')
		return import_key(p, ks, klen);
	fail(p, i, "expected KEY=VALUE");
	return 0;
}

int dotenv_parse(const char *buf, size_t len, const char *src, struct envlist *out,
		 lex_lookup_fn lookup, void *ctx, struct diags *errs)
{
	struct parser p = {
		.buf = buf,
		.len = len,
		.src = src,
		.out = out,
		.lookup = lookup,
		.ctx = ctx,
		.errs = errs,
		.line = 1,
	};
	size_t pos = 0, next;
	int rc = 0;

	pos = lex_bom(buf, len);
	while (pos < len) {
		rc = parse_entry(&p, pos, &next);
		if (rc)
			break;
		p.line = p.next_line;
		p.ls = next;
		pos = next;
	}
	qb_free(&p.val);
	free(p.stack);
	if (rc == EFBIG) {
		report(&p, p.line, 0, "value longer than %d bytes", DOTENV_VALUE_MAX);
		return EINVAL;
	}
	if (rc == E2BIG) {
		report(&p, p.line, 0, "values longer than %d MiB in all", DOTENV_TOTAL_MAX >> 20);
		return EINVAL;
	}
	if (rc)
		return rc;
	return p.nerr ? EINVAL : 0;
}
