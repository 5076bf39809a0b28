/* SPDX-License-Identifier: MIT */
/*
 * formation: parses foreman's -m "all=1,web=2" spec, answers how many
 * instances a type gets, and computes foreman's PORT numbers. Pure: no I/O,
 * no globals, no locks; called from main before any thread starts.
 */
#include "formation.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

#define PORT_BLOCK 100L /* foreman gives each process type 100 ports */

static long find_range(const struct formation *f, const char *name, size_t n)
{
	return lex_index_find(&f->index, name, n);
}

static int append(struct formation *f, size_t *cap, const char *name, size_t n, unsigned count)
{
	struct formation_entry *e;

	if (lex_reserve(&f->v, cap, f->n + 1, sizeof(*f->v)))
		return ENOMEM;
	e = &f->v[f->n];
	e->name = lex_strndup(name, n);
	if (!e->name || lex_index_add(&f->index, e->name, n, f->n)) {
		free(e->name);
		return ENOMEM;
	}
	e->count = count;
	f->n++;
	return 0;
}

/* Parses the item at offsets B..E of SPEC (blanks already trimmed). */
static int parse_item(const char *spec, size_t b, size_t e, struct formation *f, size_t *cap,
		      struct diags *errs)
{
	const char *eq = memchr(spec + b, '=', e - b);
	size_t ne, cb, i, namelen;
	char shown[LEX_SHOW_SIZE(LEX_SHOW_MAX)];
	unsigned long v;
	int err;

	if (!eq) {
		diag_add(errs, 0, lex_uint(b + 1), "expected name=count");
		return 0;
	}
	ne = (size_t)(eq - spec);
	while (ne > b && lex_is_blank(spec[ne - 1]))
		ne--;
	namelen = ne - b;
	if (namelen == 0) {
		diag_add(errs, 0, lex_uint(b + 1), "empty process name");
		return 0;
	}
	i = b + lex_name_bad(spec + b, namelen);
	if (i < ne) {
		diag_add(errs, 0, lex_uint(i + 1), "invalid character '%s' in process name",
			 lex_show(shown, spec + i, 1, 1));
		return 0;
	}

	cb = lex_skip_blank(spec, (size_t)(eq - spec) + 1, e);
	if (cb == e) {
		diag_add(errs, 0, lex_uint(cb + 1), "missing count for '%.*s'",
			 lex_name_width(namelen), spec + b);
		return 0;
	}
	err = lex_parse_uint(spec + cb, e - cb, FORMATION_MAX, &v);
	if (err == EINVAL) {
		diag_add(errs, 0, lex_uint(cb + 1), "invalid count '%s' for '%.*s'",
			 lex_show(shown, spec + cb, e - cb, LEX_SHOW_MAX), lex_name_width(namelen),
			 spec + b);
		return 0;
	}
	if (err) {
		diag_add(errs, 0, lex_uint(cb + 1), "count %s for '%.*s' out of range 0..%d",
			 lex_show(shown, spec + cb, e - cb, LEX_SHOW_MAX), lex_name_width(namelen),
			 spec + b, FORMATION_MAX);
		return 0;
	}

	if (find_range(f, spec + b, namelen) >= 0) {
		diag_add(errs, 0, lex_uint(b + 1), "'%.*s' given twice", lex_name_width(namelen),
			 spec + b);
		return 0;
	}
	return append(f, cap, spec + b, namelen, (unsigned)v);
}

int formation_parse(const char *spec, size_t len, struct formation *out, struct diags *errs)
{
	size_t errs_before = errs->n + errs->dropped;
	size_t cap = 0, pos = 0;
	struct lex_item it;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (lex_skip_blank(spec, 0, len) == len) {
		diag_add(errs, 0, 1, "empty formation");
		return EINVAL;
	}
	while (!err && lex_next_item(spec, len, &pos, &it)) {
		lex_trim(spec, &it.b, &it.e);
		if (it.b == it.e)
			diag_add(errs, 0, lex_uint(it.b + 1), "empty item");
		else
			err = parse_item(spec, it.b, it.e, out, &cap, errs);
	}

	if (err) {
		formation_free(out);
		return err;
	}
	return errs->n + errs->dropped != errs_before ? EINVAL : 0;
}

const struct formation_entry *formation_find(const struct formation *f, const char *name)
{
	long i;

	if (!f || !name)
		return NULL;
	i = find_range(f, name, strlen(name));
	if (i < 0)
		i = find_range(f, "all", 3);
	return i < 0 ? NULL : &f->v[i];
}

unsigned formation_count(const struct formation *f, const char *name)
{
	const struct formation_entry *e = formation_find(f, name);

	/* foreman's rule: a formation counts what it names, and nothing else. */
	if (e)
		return e->count;
	return f && f->n ? 0 : 1;
}

int formation_port(long base, size_t type_index, unsigned instance, long *port)
{
	long p;

	if (base < FORMATION_PORT_MIN || base > FORMATION_PORT_MAX || instance == 0)
		return ERANGE;
	/* Bounding both terms first keeps the sum far inside a long. */
	if (type_index > (size_t)(FORMATION_PORT_MAX / PORT_BLOCK) ||
	    instance - 1 > (unsigned)FORMATION_PORT_MAX)
		return ERANGE;
	p = base + PORT_BLOCK * (long)type_index + (long)(instance - 1);
	if (p > FORMATION_PORT_MAX)
		return ERANGE;
	*port = p;
	return 0;
}

unsigned formation_first_bad_port(long base, size_t type_index, unsigned count)
{
	long p;

	/* Ports grow with the instance number: if the last fits, all do. */
	if (count == 0 || formation_port(base, type_index, count, &p) == 0)
		return 0;
	if (formation_port(base, type_index, 1, &p))
		return 1;
	/* The first instance fits, so P = base + 100 * type_index <= FORMATION_PORT_MAX. */
	return (unsigned)(FORMATION_PORT_MAX - p + 2);
}

void formation_free(struct formation *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		free(f->v[i].name);
	free(f->v);
	lex_index_free(&f->index);
	memset(f, 0, sizeof(*f));
}
