/* SPDX-License-Identifier: MIT */
/*
 * dotenv: the pure env-file parser (Docker Compose .env dialect) and the
 * ordered key/value list it fills. No I/O, no globals; safe from any thread.
 */
#ifndef PROCINIT_DOTENV_H
#define PROCINIT_DOTENV_H

#include <stddef.h>

#include "diag.h"
#include "lex.h"

#define DOTENV_VALUE_MAX (1024 * 1024)      /* bytes in one value, after expansion */
#define DOTENV_TOTAL_MAX (32 * 1024 * 1024) /* bytes of all values of one file, expanded */

struct envvar {
	char *key;
	char *value;
	const char *src; /* the file that set it (dotenv_parse's SRC), or NULL */
	unsigned line;   /* its line there; 0 when not set by dotenv_parse */
};

/* An ordered list of unique keys; setting a key again replaces its value. */
struct envlist {
	struct envvar *v;
	size_t n, cap;
	struct lex_index index; /* key -> position in v, so a lookup is O(1) */
};

/*
 * 0 or ENOMEM. Copies KEY (KEYLEN bytes) and VALUE (NUL-terminated); the
 * variable's SRC and LINE are cleared.
 */
int envlist_set(struct envlist *l, const char *key, size_t keylen, const char *value);
/* The variable KEY (KEYLEN bytes), or NULL. O(1). */
struct envvar *envlist_find(const struct envlist *l, const char *key, size_t keylen);
/* The value of KEY (KEYLEN bytes), or NULL. */
const char *envlist_get(const struct envlist *l, const char *key, size_t keylen);
void envlist_free(struct envlist *l);

/*
 * Parses LEN bytes of BUF into OUT, which may already hold variables from
 * earlier files (later definitions win). ${VAR} looks in OUT first, then
 * LOOKUP (may be NULL). Errors go to ERRS as line/col of BUF. Each variable
 * set records SRC (kept as a pointer: it must outlive OUT) and its line, so
 * that a value found wrong later can be reported where it was written.
 * Returns 0, EINVAL when ERRS got entries, or ENOMEM.
 */
int dotenv_parse(const char *buf, size_t len, const char *src, struct envlist *out,
		 lex_lookup_fn lookup, void *ctx, struct diags *errs);

#endif
