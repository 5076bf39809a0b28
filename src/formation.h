/* SPDX-License-Identifier: MIT */
/*
 * formation: the pure parser for -m all=1,web=2,worker=0 and foreman's PORT
 * rule. No I/O, no globals; safe from any thread.
 */
#ifndef PROCINIT_FORMATION_H
#define PROCINIT_FORMATION_H

#include <stddef.h>

#include "diag.h"
#include "lex.h"

#define FORMATION_MAX 10000       /* instances of one type */
#define FORMATION_TOTAL_MAX 10000 /* instances in all: each is a process and a thread */
#define FORMATION_PORT_MIN 1L     /* the base port and every instance's port */
#define FORMATION_PORT_MAX 65535L

struct formation_entry {
	char *name; /* a process type name, or "all" */
	unsigned count;
};

struct formation {
	struct formation_entry *v;
	size_t n;
	struct lex_index index; /* name -> position in v */
};

/*
 * Parses "name=N[,name=N...]" (LEN bytes of SPEC). Names follow the Procfile
 * rule [A-Za-z0-9_-]+; N is a decimal in 0..FORMATION_MAX; whitespace around
 * items is allowed; a repeated name is an error. Errors go to ERRS with line 0
 * and col = 1-based byte offset in SPEC. Returns 0, EINVAL or ENOMEM.
 */
int formation_parse(const char *spec, size_t len, struct formation *out, struct diags *errs);

/* NAME's own entry, else the "all" entry, else NULL. F may be NULL. */
const struct formation_entry *formation_find(const struct formation *f, const char *name);

/*
 * Instances of NAME, foreman's rule: its own entry, else "all", else 0 -
 * a formation starts only what it names (-m web=2 starts web.1 and web.2
 * and nothing else). An empty formation (no -m; F NULL or empty) gives 1.
 */
unsigned formation_count(const struct formation *f, const char *name);

/*
 * foreman's rule: base + 100 * type_index + (instance - 1). Stores the port
 * in *PORT and returns 0, or returns ERANGE when it falls outside 1..65535.
 */
int formation_port(long base, size_t type_index, unsigned instance, long *port);

/*
 * The first instance (1..COUNT) of the type at TYPE_INDEX whose port falls
 * outside 1..65535, or 0 when all COUNT ports are in range. O(1), so ports
 * can be checked before any instance exists.
 */
unsigned formation_first_bad_port(long base, size_t type_index, unsigned count);

void formation_free(struct formation *f);

#endif
