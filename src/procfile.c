/* SPDX-License-Identifier: MIT */
/*
 * procfile: parses "name: command" lines into struct procfile. Pure: no I/O,
 * no globals, no locks; main calls it once, the unit tests and the fuzzer
 * call it directly. Unlike foreman, a line is never dropped silently.
 */
#include "procfile.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
	/* CR counts as blank so CRLF files and "web: x \r" both trim cleanly. */
	return c == ' ' || c == '\t' || c == '\r';
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Saturates rather than wraps: a 4 GiB line must not report column 3. */
static unsigned to_uint(size_t v)
{
	return v > UINT_MAX ? UINT_MAX : (unsigned)v;
}

/*
 * Renders byte C for a message. Quote and backslash are escaped too, so
 * "'\x27'" is never confused with a literal sequence in the name.
 */
static void show_byte(char *dst, size_t dstlen, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	if (dstlen < 5)
		return;
	if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
		dst[0] = (char)c;
		dst[1] = '\0';
		return;
	}
	dst[0] = '\\';
	dst[1] = 'x';
	dst[2] = hex[c >> 4];
	dst[3] = hex[c & 0xf];
	dst[4] = '\0';
}

/* Keeps a long name from pushing the line number out of a DIAG_MSG_MAX message. */
static int name_width(size_t n)
{
	return n > 64 ? 64 : (int)n;
}

static char *dup_range(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/*
 * Linear on purpose: a Procfile has a handful of entries, and a hash table
 * would be more code than the whole parser.
 */
static long find_range(const struct procfile *pf, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < pf->n; i++) {
		if (strlen(pf->v[i].name) == n && memcmp(pf->v[i].name, name, n) == 0)
			return (long)i;
	}
	return -1;
}

static int append(struct procfile *pf, size_t *cap, const char *name, size_t namelen,
		  const char *cmd, size_t cmdlen, unsigned line)
{
	struct proctype *t;

	if (pf->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct proctype *nv;

		if (ncap > SIZE_MAX / sizeof(*nv))
			return ENOMEM;
		nv = realloc(pf->v, ncap * sizeof(*nv));
		if (!nv)
			return ENOMEM;
		pf->v = nv;
		*cap = ncap;
	}
	t = &pf->v[pf->n];
	t->name = dup_range(name, namelen);
	t->command = dup_range(cmd, cmdlen);
	if (!t->name || !t->command) {
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
static int parse_line(const char *s, size_t n, unsigned line, struct procfile *pf,
		      size_t *cap, struct diags *errs)
{
	const char *nul = memchr(s, '\0', n);
	const char *colon, *cmd;
	size_t b = 0, e = n, i, namelen;
	char shown[8];
	long first;

	/* Checked first: the rest of the parser, and the shell, stop at a NUL. */
	if (nul) {
		diag_add(errs, line, to_uint((size_t)(nul - s) + 1), "NUL byte in line");
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
		diag_add(errs, line, to_uint(b + 1), "expected 'name: command'");
		return 0;
	}
	namelen = (size_t)(colon - (s + b));
	if (namelen == 0) {
		diag_add(errs, line, to_uint(b + 1), "empty process name");
		return 0;
	}
	for (i = b; i < b + namelen; i++) {
		if (!is_name_char(s[i])) {
			show_byte(shown, sizeof(shown), (unsigned char)s[i]);
			diag_add(errs, line, to_uint(i + 1),
				 "invalid character '%s' in process name", shown);
			return 0;
		}
	}
	if (namelen > PROCFILE_NAME_MAX) {
		/* Names become prefixes and PS values: keep the output column sane. */
		diag_add(errs, line, to_uint(b + 1), "process name longer than %d characters",
			 PROCFILE_NAME_MAX);
		return 0;
	}

	i = (size_t)(colon - s) + 1;
	while (i < e && is_blank(s[i]))
		i++;
	cmd = s + i;
	if (i == e) {
		diag_add(errs, line, to_uint(i + 1), "empty command for process '%.*s'",
			 name_width(namelen), s + b);
		return 0;
	}

	first = find_range(pf, s + b, namelen);
	if (first >= 0) {
		diag_add(errs, line, to_uint(b + 1),
			 "duplicate process '%.*s' (first defined on line %u)",
			 name_width(namelen), s + b, pf->v[first].line);
		return 0;
	}
	return append(pf, cap, s + b, namelen, cmd, e - i, line);
}

int procfile_parse(const char *buf, size_t len, struct procfile *out, struct diags *errs)
{
	size_t errs_before = errs->n + errs->dropped;
	size_t cap = 0, off = 0, lineno = 0;
	int err;

	out->v = NULL;
	out->n = 0;
	/* Editors on Windows like to start files with a UTF-8 byte-order mark. */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		off = 3;
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len;

		lineno++;
		err = parse_line(buf + off, end - off, to_uint(lineno), out, &cap, errs);
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
	return find_range(pf, name, strlen(name));
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
	pf->v = NULL;
	pf->n = 0;
}
