/* SPDX-License-Identifier: MIT */
/*
 * procfile: parses "name: command" lines into struct procfile. Pure: no I/O,
 * no globals, no locks; main calls it once, the unit tests and the fuzzer
 * call it directly. Unlike foreman, a line is never dropped silently.
 */
#include "procfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

/* CR counts as blank so CRLF files and "web: x \r" both trim cleanly. */
static int is_blank(char c)
{
	return lex_is_blank(c) || c == '\r';
}

long procfile_find_range(const struct procfile *pf, const char *name, size_t n)
{
	return lex_index_find(&pf->index, name, n);
}

static int append(struct procfile *pf, size_t *cap, const char *name, size_t namelen,
		  const char *cmd, size_t cmdlen, unsigned line)
{
	struct proctype *t;

	if (lex_reserve(&pf->v, cap, pf->n + 1, sizeof(*pf->v)))
		return ENOMEM;
	t = &pf->v[pf->n];
	t->name = lex_strndup(name, namelen);
	t->command = lex_strndup(cmd, cmdlen);
	if (!t->name || !t->command || lex_index_add(&pf->index, t->name, namelen, pf->n)) {
		free(t->name);
		free(t->command);
		return ENOMEM;
	}
	t->line = line;
	pf->n++;
	return 0;
}

/*
 * Parses one line, S..S+N with the newline already cut off. Reports at most
 * one error per line: after a bad name, "empty command for process '...'"
 * would only repeat the same mistake.
 */
static int parse_line(const char *s, size_t n, unsigned line, struct procfile *pf, size_t *cap,
		      struct diags *errs)
{
	const char *nul = memchr(s, '\0', n);
	const char *colon, *cmd;
	size_t b = 0, e = n, i, namelen;
	char shown[LEX_SHOW_SIZE(1)];
	long first;

	/* Checked first: the rest of the parser, and the shell, stop at a NUL. */
	if (nul) {
		diag_add(errs, line, lex_uint((size_t)(nul - s) + 1), "NUL byte in line");
		return 0;
	}
	while (b < e && is_blank(s[b]))
		b++;
	while (e > b && is_blank(s[e - 1]))
		e--;
	if (b == e || s[b] == '#')
		return 0;

	colon = memchr(s + b, ':', e - b);
	if (!colon) {
		diag_add(errs, line, lex_uint(b + 1), "expected 'name: command'");
		return 0;
	}
	namelen = (size_t)(colon - (s + b));
	if (namelen == 0) {
		diag_add(errs, line, lex_uint(b + 1), "empty process name");
		return 0;
	}
	i = b + lex_name_bad(s + b, namelen);
	if (i < b + namelen) {
		diag_add(errs, line, lex_uint(i + 1), "invalid character '%s' in process name",
			 lex_show(shown, s + i, 1, 1));
		return 0;
	}
	if (namelen > PROCFILE_NAME_MAX) {
		/* Names become prefixes and PS values: keep the output column sane. */
		diag_add(errs, line, lex_uint(b + 1), "process name longer than %d characters",
			 PROCFILE_NAME_MAX);
		return 0;
	}

	i = (size_t)(colon - s) + 1;
	while (i < e && is_blank(s[i]))
		i++;
	cmd = s + i;
	if (i == e) {
		diag_add(errs, line, lex_uint(i + 1), "empty command for process '%.*s'",
			 lex_name_width(namelen), s + b);
		return 0;
	}

	first = procfile_find_range(pf, s + b, namelen);
	if (first >= 0) {
		diag_add(errs, line, lex_uint(b + 1),
			 "duplicate process '%.*s' (first defined on line %u)",
			 lex_name_width(namelen), s + b, pf->v[first].line);
		return 0;
	}
	return append(pf, cap, s + b, namelen, cmd, e - i, line);
}

int procfile_parse(const char *buf, size_t len, struct procfile *out, struct diags *errs)
{
	size_t errs_before = errs->n + errs->dropped;
	size_t cap = 0, off = lex_bom(buf, len), lineno = 0;
	int err;

	memset(out, 0, sizeof(*out));
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len;

		lineno++;
		err = parse_line(buf + off, end - off, lex_uint(lineno), out, &cap, errs);
		if (err) {
			procfile_free(out);
			return err;
		}
		off = nl ? end + 1 : len;
	}

	if (errs->n + errs->dropped != errs_before)
		return EINVAL;
	/* Only when nothing else was wrong: after bad lines it would just be noise. */
	if (out->n == 0) {
		diag_add(errs, 0, 0, "no processes defined");
		return EINVAL;
	}
	return 0;
}

long procfile_find(const struct procfile *pf, const char *name)
{
	if (!pf || !name)
		return -1;
	return procfile_find_range(pf, name, strlen(name));
}

void procfile_free(struct procfile *pf)
{
	size_t i;

	if (!pf)
		return;
	for (i = 0; i < pf->n; i++) {
		free(pf->v[i].name);
		free(pf->v[i].command);
	}
	free(pf->v);
	lex_index_free(&pf->index);
	memset(pf, 0, sizeof(*pf));
}
