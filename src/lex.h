/* SPDX-License-Identifier: MIT */
/*
 * lex: the small tools every parser shares (Procfile, env files, -m, the
 * comma lists of -e/--can-die/--restart/--stop-signal): the blank and name
 * rules, decimal numbers, bytes shown in messages, the BOM skip, variable
 * lookups, a growable array, a comma-list walker, and a name index that
 * keeps lookups O(1). Pure: no
 * I/O, no globals, no locks; any thread. What allocates returns 0 or ENOMEM
 * and never exits: the caller decides whether running out of memory is fatal.
 */
#ifndef PROCINIT_LEX_H
#define PROCINIT_LEX_H

#include <stdbool.h>
#include <stddef.h>

/* Space or tab. A CR is the caller's business (Procfile lines trim it, -m does not). */
bool lex_is_blank(char c);

/* Index of the first non-blank at or after I, or END. */
size_t lex_skip_blank(const char *s, size_t i, size_t end);

/* Narrows [*B, *E) of S by the blanks at both ends. */
void lex_trim(const char *s, size_t *b, size_t *e);

/*
 * Process names (Procfile, -m, the per-type options) are [A-Za-z0-9_-]:
 * ASCII, not <ctype.h>, so the locale cannot change what a name is. The
 * offset of the first byte of S (N bytes) that is not a name character, or N.
 */
size_t lex_name_bad(const char *s, size_t n);

/*
 * The precision for "%.*s" that shows a name of N bytes, at most 64 of them,
 * so a long name cannot push the rest out of a DIAG_MSG_MAX message.
 */
int lex_name_width(size_t n);

/* Variable names (env files, ${VAR}): [A-Za-z_][A-Za-z0-9_]*. */
bool lex_is_var_start(char c);
bool lex_is_var_char(char c);

/* 3 when BUF starts with a UTF-8 byte-order mark (Windows editors write one), else 0. */
size_t lex_bom(const char *buf, size_t len);

/* V as an unsigned for line and column numbers, saturating: 4 GiB in is not column 3. */
unsigned lex_uint(size_t v);

/*
 * N bytes of S as a decimal in 0..MAX: digits only (no sign, no blanks, at
 * least one digit), read without a NUL after them. 0 with the value in *OUT,
 * EINVAL when S is not all digits (even if those are too many), ERANGE when
 * the value is above MAX.
 */
int lex_parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out);

/* The bytes of a token a message shows at most, and the buffer lex_show needs for them. */
#define LEX_SHOW_MAX 32
#define LEX_SHOW_SIZE(max) (4 * (size_t)(max) + 4)

/*
 * Renders up to MAX bytes of S (N bytes) into DST, which holds
 * LEX_SHOW_SIZE(MAX) bytes, and returns DST. Printable ASCII stays as it is;
 * other bytes, the quote and the backslash become \xNN, so text between
 * quotes in a message is never ambiguous; "..." follows when S was longer.
 */
char *lex_show(char *dst, const char *s, size_t n, size_t max);

/*
 * Looks up the variable NAME (LEN bytes, not NUL-terminated) for an
 * expansion (dotenv's ${VAR}, cmdline's $VAR): its value, or NULL when it is
 * not set. CTX is the caller's.
 */
typedef const char *(*lex_lookup_fn)(const char *name, size_t len, void *ctx);

/* A lex_lookup_fn over CTX, an envp: a NULL-terminated array of "NAME=value". */
const char *lex_envp_lookup(const char *name, size_t len, void *ctx);

/* A NUL-terminated copy of N bytes of S, or NULL. */
char *lex_strndup(const char *s, size_t n);

/*
 * Makes room for NEED elements of SIZE bytes in an array that grows by
 * doubling. VEC is the address of the array's pointer (&pf->v), *CAP its
 * capacity. 0 or ENOMEM (the array is kept as it was). quote.h's qbuf, the
 * one growable byte buffer, grows with it.
 */
int lex_reserve(void *vec, size_t *cap, size_t need, size_t size);

/* One item of a comma-separated list: offsets [b, e) into the list. */
struct lex_item {
	size_t b, e;
};

/*
 * Walks the comma-separated items of S (LEN bytes). Start with *POS = 0;
 * each call stores the next item in *ITEM and returns true, then false once
 * the list is done. Empty items are returned (b == e: "", "a,,b", "a,") so
 * the caller can report them. Blanks are kept: lex_trim where they may occur.
 */
bool lex_next_item(const char *s, size_t len, size_t *pos, struct lex_item *item);

/*
 * A name index: a hash table from names to array indices, so "is this name
 * taken" and "where is it" cost O(1) instead of a walk over the array. It
 * does not copy names: each is a NUL-terminated string that must stay valid
 * and unchanged as long as the index (the arrays that use it own their
 * names). Zero-initialised is empty.
 */
struct lex_slot;
struct lex_index {
	struct lex_slot *slot;
	size_t cap, n;
};

/* The value KEY (N bytes) was added with, or -1. */
long lex_index_find(const struct lex_index *ix, const char *key, size_t n);

/*
 * Adds KEY (strlen(KEY) == N, not yet in IX) with value VAL (below 2^32).
 * 0 or ENOMEM.
 */
int lex_index_add(struct lex_index *ix, const char *key, size_t n, size_t val);

void lex_index_free(struct lex_index *ix);

#endif
