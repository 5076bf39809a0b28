/* SPDX-License-Identifier: MIT */
/*
 * procfile: the pure Procfile parser. Buffer in, process types and errors out.
 * No I/O, no globals; safe from any thread.
 */
#ifndef PROCINIT_PROCFILE_H
#define PROCINIT_PROCFILE_H

#include <stddef.h>

#include "diag.h"
#include "lex.h"

#define PROCFILE_NAME_MAX 63

struct proctype {
	char *name;    /* [A-Za-z0-9_-]{1,63}, unique in the file */
	char *command; /* run as /bin/sh -c COMMAND; never empty */
	unsigned line; /* where it was defined, for messages */
};

struct procfile {
	struct proctype *v; /* in file order: the order of PORT blocks and start-up */
	size_t n;
	struct lex_index index; /* name -> position in v: duplicates and lookups in O(1) */
};

/*
 * Parses LEN bytes of BUF (need not be NUL-terminated). Every problem found
 * is appended to ERRS; valid entries are still returned in OUT.
 * Returns 0 when the file is valid, EINVAL when ERRS got entries, ENOMEM.
 */
int procfile_parse(const char *buf, size_t len, struct procfile *out, struct diags *errs);

/* Index of the type called NAME, or -1. O(1). */
long procfile_find(const struct procfile *pf, const char *name);
/* The same for N bytes of NAME (an item of a comma list). */
long procfile_find_range(const struct procfile *pf, const char *name, size_t n);

void procfile_free(struct procfile *pf);

#endif
