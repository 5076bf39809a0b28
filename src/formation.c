/* SPDX-License-Identifier: MIT */
/*
 * formation: parses foreman's -m "all=1,web=2" spec, answers how many
 * instances a type gets, and computes foreman's PORT numbers. Pure: no I/O,
 * no globals, no locks; called from main before any thread starts.
 */
#include "formation.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PORT_MIN 1L
#define PORT_MAX 65535L
#define PORT_BLOCK 100L /* foreman gives each process type 100 ports */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static unsigned to_uint(size_t v)
{
	return v > UINT_MAX ? UINT_MAX : (unsigned)v;
}

/* Keeps a long name from pushing the rest out of a DIAG_MSG_MAX message. */
static int name_width(size_t n)
{
	return n > 64 ? 64 : (int)n;
}

/*
 * Renders up to 32 bytes of S for a message, non-printables (and quote and
 * backslash, to stay unambiguous) as \xNN, "..." when cut short. DST must
 * hold at least 4 * 32 + 4 bytes.
 */
static void show_token(char *dst, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && i < 32; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
			dst[o++] = (char)c;
			continue;
		}
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 0xf];
	}
	if (i < n) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

static long find_range(const struct formation *f, const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (strlen(f->v[i].name) == n && memcmp(f->v[i].name, name, n) == 0)
			return (long)i;
	}
	return -1;
}

static int append(struct formation *f, size_t *cap, const char *name, size_t n,
		  unsigned count)
{
	struct formation_entry *e;

	if (f->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct formation_entry *nv;

		if (ncap > SIZE_MAX / sizeof(*nv))
			return ENOMEM;
		nv = realloc(f->v, ncap * sizeof(*nv));
		if (!nv)
			return ENOMEM;
		f->v = nv;
		*cap = ncap;
	}
	e = &f->v[f->n];
	e->name = malloc(n + 1);
	if (!e->name)
		return ENOMEM;
	memcpy(e->name, name, n);
	e->name[n] = '\0';
	e->count = count;
	f->n++;
	return 0;
}

/*
 * Parses the item at offsets B..E of SPEC (blanks already trimmed). COPY is
 * SPEC with a NUL after it, because strtoul needs a terminated string; it
 * stops at the ',' or blank that ends the count, and endptr tells us so.
 */
static int parse_item(const char *spec, const char *copy, size_t b, size_t e,
		      struct formation *f, size_t *cap, struct diags *errs)
{
	const char *eq = memchr(spec + b, '=', e - b);
	size_t ne, cb, i, namelen;
	char shown[4 * 32 + 4];
	unsigned long v;
	char *end;

	if (!eq) {
		diag_add(errs, 0, to_uint(b + 1), "expected name=count");
		return 0;
	}
	ne = (size_t)(eq - spec);
	while (ne > b && is_blank(spec[ne - 1]))
		ne--;
	namelen = ne - b;
	if (namelen == 0) {
		diag_add(errs, 0, to_uint(b + 1), "empty process name");
		return 0;
	}
	for (i = b; i < ne; i++) {
		if (!is_name_char(spec[i])) {
			show_token(shown, spec + i, 1);
			diag_add(errs, 0, to_uint(i + 1),
				 "invalid character '%s' in process name", shown);
			return 0;
		}
	}

	cb = (size_t)(eq - spec) + 1;
	while (cb < e && is_blank(spec[cb]))
		cb++;
	if (cb == e) {
		diag_add(errs, 0, to_uint(cb + 1), "missing count for '%.*s'",
			 name_width(namelen), spec + b);
		return 0;
	}
	/* strtoul would accept leading blanks, a sign, and "-1" as ULONG_MAX. */
	if (spec[cb] < '0' || spec[cb] > '9')
		goto bad_count;
	errno = 0;
	v = strtoul(copy + cb, &end, 10);
	if (end != copy + e)
		goto bad_count;
	if (errno == ERANGE || v > FORMATION_MAX) {
		show_token(shown, spec + cb, e - cb);
		diag_add(errs, 0, to_uint(cb + 1), "count %s for '%.*s' out of range 0..%d",
			 shown, name_width(namelen), spec + b, FORMATION_MAX);
		return 0;
	}

	if (find_range(f, spec + b, namelen) >= 0) {
		diag_add(errs, 0, to_uint(b + 1), "'%.*s' given twice",
			 name_width(namelen), spec + b);
		return 0;
	}
	return append(f, cap, spec + b, namelen, (unsigned)v);

bad_count:
	show_token(shown, spec + cb, e - cb);
	diag_add(errs, 0, to_uint(cb + 1), "invalid count '%s' for '%.*s'", shown,
		 name_width(namelen), spec + b);
	return 0;
}

int formation_parse(const char *spec, size_t len, struct formation *out, struct diags *errs)
{
	size_t errs_before = errs->n + errs->dropped;
	size_t cap = 0, off = 0, i;
	char *copy;
	int err = 0;

	out->v = NULL;
	out->n = 0;
	for (i = 0; i < len && is_blank(spec[i]); i++)
		;
	if (i == len) {
		diag_add(errs, 0, 1, "empty formation");
		return EINVAL;
	}
	copy = malloc(len + 1);
	if (!copy)
		return ENOMEM;
	memcpy(copy, spec, len);
	copy[len] = '\0';

	for (;;) {
		const char *comma = memchr(spec + off, ',', len - off);
		size_t b = off, e = comma ? (size_t)(comma - spec) : len;

		while (b < e && is_blank(spec[b]))
			b++;
		while (e > b && is_blank(spec[e - 1]))
			e--;
		if (b == e)
			diag_add(errs, 0, to_uint(b + 1), "empty item");
		else
			err = parse_item(spec, copy, b, e, out, &cap, errs);
		if (err || !comma)
			break;
		off = (size_t)(comma - spec) + 1;
	}
	free(copy);

	if (err) {
		formation_free(out);
		return err;
	}
	return errs->n + errs->dropped != errs_before ? EINVAL : 0;
}

unsigned formation_count(const struct formation *f, const char *name)
{
	long i;

	if (!f || !name)
		return 1;
	i = find_range(f, name, strlen(name));
	if (i < 0)
		i = find_range(f, "all", 3);
	return i < 0 ? 1 : f->v[i].count;
}

int formation_port(long base, size_t type_index, unsigned instance, long *port)
{
	long p;

	if (base < PORT_MIN || base > PORT_MAX || instance == 0)
		return ERANGE;
	/* Bounding both terms first keeps the sum far inside a long. */
	if (type_index > (size_t)(PORT_MAX / PORT_BLOCK) || instance - 1 > (unsigned)PORT_MAX)
		return ERANGE;
	p = base + PORT_BLOCK * (long)type_index + (long)(instance - 1);
	if (p > PORT_MAX)
		return ERANGE;
	*port = p;
	return 0;
}

void formation_free(struct formation *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		free(f->v[i].name);
	free(f->v);
	f->v = NULL;
	f->n = 0;
}
