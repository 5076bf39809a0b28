/* SPDX-License-Identifier: MIT */
/*
 * lex: the parsers' shared tools. Pure: no I/O, no globals, no locks; any
 * thread. Nothing here exits: allocation failures come back as ENOMEM.
 */
#include "lex.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool lex_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

size_t lex_skip_blank(const char *s, size_t i, size_t end)
{
	while (i < end && lex_is_blank(s[i]))
		i++;
	return i;
}

void lex_trim(const char *s, size_t *b, size_t *e)
{
	*b = lex_skip_blank(s, *b, *e);
	while (*e > *b && lex_is_blank(s[*e - 1]))
		(*e)--;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

size_t lex_name_bad(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_name_char(s[i]))
		i++;
	return i;
}

int lex_name_width(size_t n)
{
	return n > 64 ? 64 : (int)n;
}

bool lex_is_var_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool lex_is_var_char(char c)
{
	return lex_is_var_start(c) || (c >= '0' && c <= '9');
}

size_t lex_bom(const char *buf, size_t len)
{
	return len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
}

unsigned lex_uint(size_t v)
{
	return v > UINT_MAX ? UINT_MAX : (unsigned)v;
}

int lex_parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	bool big = false;

	if (n == 0)
		return EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned long d;

		if (s[i] < '0' || s[i] > '9')
			return EINVAL;
		d = (unsigned long)(s[i] - '0');
		/* Past MAX: the rest is still read, for EINVAL on "99999999999x". */
		if (big || v > max / 10 || (v == max / 10 && d > max % 10))
			big = true;
		else
			v = v * 10 + d;
	}
	if (big)
		return ERANGE;
	*out = v;
	return 0;
}

char *lex_show(char *dst, const char *s, size_t n, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && i < max; i++) {
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
	return dst;
}

const char *lex_envp_lookup(const char *name, size_t len, void *ctx)
{
	for (char *const *e = ctx; *e; e++)
		if (!strncmp(*e, name, len) && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

char *lex_strndup(const char *s, size_t n)
{
	char *d;

	if (n == SIZE_MAX)
		return NULL;
	d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

int lex_reserve(void *vec, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 8;
	void *v, *nv;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return ENOMEM;
		ncap *= 2;
	}
	if (size && ncap > SIZE_MAX / size)
		return ENOMEM;
	/* Through memcpy: VEC points at a pointer of the caller's element type. */
	memcpy(&v, vec, sizeof(v));
	nv = realloc(v, ncap * size);
	if (!nv)
		return ENOMEM;
	memcpy(vec, &nv, sizeof(nv));
	*cap = ncap;
	return 0;
}

bool lex_next_item(const char *s, size_t len, size_t *pos, struct lex_item *item)
{
	const char *comma;

	if (*pos > len)
		return false;
	comma = memchr(s + *pos, ',', len - *pos);
	item->b = *pos;
	item->e = comma ? (size_t)(comma - s) : len;
	/* Past the comma; past LEN when this was the last item. */
	*pos = item->e + 1;
	return true;
}

/* 16 bytes (no length: keys are NUL-terminated), since the table stays half empty. */
struct lex_slot {
	const char *key; /* NUL-terminated; NULL: free */
	uint32_t hash, val;
};

/* FNV-1a: short names, no attacker to defend against (files are the operator's). */
static uint32_t hash_of(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* STORED (NUL-terminated) is KEY (N bytes); never reads past STORED's NUL. */
static bool same_key(const char *stored, const char *key, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (stored[i] != key[i] || stored[i] == '\0')
			return false;
	return stored[n] == '\0';
}

/* The slot holding KEY, or the free slot where it would go. CAP is a power of two. */
static struct lex_slot *probe(struct lex_slot *slot, size_t cap, const char *key, size_t n,
			      uint32_t hash)
{
	size_t i = hash & (cap - 1);

	while (slot[i].key && (slot[i].hash != hash || !same_key(slot[i].key, key, n)))
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

long lex_index_find(const struct lex_index *ix, const char *key, size_t n)
{
	const struct lex_slot *s;

	if (!ix->cap)
		return -1;
	s = probe(ix->slot, ix->cap, key, n, hash_of(key, n));
	return s->key ? (long)s->val : -1;
}

/* Doubles the table: kept at most half full so probe sequences stay short. */
static int grow(struct lex_index *ix)
{
	size_t ncap = ix->cap ? ix->cap * 2 : 16;
	struct lex_slot *ns;

	if (ncap > SIZE_MAX / sizeof(*ns))
		return ENOMEM;
	ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return ENOMEM;
	for (size_t i = 0; i < ix->cap; i++) {
		const struct lex_slot *o = &ix->slot[i];

		if (o->key)
			*probe(ns, ncap, o->key, strlen(o->key), o->hash) = *o;
	}
	free(ix->slot);
	ix->slot = ns;
	ix->cap = ncap;
	return 0;
}

int lex_index_add(struct lex_index *ix, const char *key, size_t n, size_t val)
{
	uint32_t hash = hash_of(key, n);
	struct lex_slot *s;

	if (val > UINT32_MAX)
		return ENOMEM;
	if ((ix->n + 1) * 2 > ix->cap && grow(ix))
		return ENOMEM;
	s = probe(ix->slot, ix->cap, key, n, hash);
	if (!s->key)
		ix->n++;
	*s = (struct lex_slot){ .key = key, .hash = hash, .val = (uint32_t)val };
	return 0;
}

void lex_index_free(struct lex_index *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->cap = ix->n = 0;
}
