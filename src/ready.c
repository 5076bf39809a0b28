/* SPDX-License-Identifier: MIT */
/*
 * ready: the --ready check syntax and the cycle search over --after. The
 * search is a depth-first walk with the usual three colours, linear in
 * types plus dependencies. Pure; main thread.
 */
#include "ready.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* "PORT" at the start of S, 1..65535, then *REST. */
static int port_prefix(const char *s, long *port, const char **rest)
{
	long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > 65535)
			return EINVAL;
	}
	if (v < 1)
		return EINVAL;
	*port = v;
	*rest = p;
	return 0;
}

int ready_parse(const char *check, struct ready_check *out)
{
	const char *rest;

	memset(out, 0, sizeof(*out));
	if (!strcmp(check, "tcp")) {
		out->kind = READY_TCP;
	} else if (!strncmp(check, "tcp:", 4)) {
		out->kind = READY_TCP;
		if (port_prefix(check + 4, &out->port, &rest) || *rest)
			return EINVAL;
	} else if (!strncmp(check, "http:", 5)) {
		out->kind = READY_HTTP;
		out->text = check + 5;
		if (check[5] >= '0' && check[5] <= '9') {
			if (port_prefix(check + 5, &out->port, &rest) || *rest != '/')
				return EINVAL;
			out->text = rest;
		}
		if (out->text[0] != '/')
			return EINVAL;
		for (const char *c = out->text; *c; c++)
			if ((unsigned char)*c <= ' ' || *c == 0x7f)
				return EINVAL; /* it goes into a request line as is */
	} else if (!strncmp(check, "log:", 4) && check[4]) {
		out->kind = READY_LOG;
		out->text = check + 4;
	} else if (!strncmp(check, "exec:", 5) && check[5]) {
		out->kind = READY_EXEC;
		out->text = check + 5;
	} else if (!strcmp(check, "notify")) {
		out->kind = READY_NOTIFY;
	} else if (!strcmp(check, "exit")) {
		out->kind = READY_EXIT;
	} else {
		return EINVAL;
	}
	return 0;
}

const char *ready_kind_name(enum ready_kind kind)
{
	static const char *const names[] = { "none", "tcp", "http", "log", "exec", "notify", "exit" };

	return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "none";
}

enum { WHITE, GREY, BLACK };

struct walk {
	size_t n;
	const size_t *const *dep;
	const size_t *ndep;
	unsigned char *colour;
	size_t *from; /* the type we came from, to print the cycle */
};

/* Iterative DFS from ROOT; on a back edge U -> V fills CYCLE. */
static int visit(struct walk *w, size_t root, size_t *stack, size_t *next, size_t *cycle,
		 size_t *len)
{
	size_t top = 0;

	stack[top] = root;
	next[top] = 0;
	w->colour[root] = GREY;
	while (top != (size_t)-1) {
		size_t u = stack[top];

		if (next[top] == w->ndep[u]) {
			w->colour[u] = BLACK;
			top--;
			continue;
		}
		size_t v = w->dep[u][next[top]++];

		if (w->colour[v] == GREY) {
			/* v ... u -> v: walk back from u to v, then reverse. */
			size_t k = 0, x = u;

			cycle[k++] = v;
			while (x != v) {
				cycle[k++] = x;
				x = w->from[x];
			}
			for (size_t i = 1, j = k - 1; i < j; i++, j--) {
				size_t t = cycle[i];

				cycle[i] = cycle[j];
				cycle[j] = t;
			}
			cycle[k++] = v;
			*len = k;
			return 1;
		}
		if (w->colour[v] == WHITE) {
			w->colour[v] = GREY;
			w->from[v] = u;
			top++;
			stack[top] = v;
			next[top] = 0;
		}
	}
	return 0;
}

int ready_find_cycle(size_t n, const size_t *const *dep, const size_t *ndep, size_t *cycle,
		     size_t *len)
{
	struct walk w = { n, dep, ndep, calloc(n + 1, 1), calloc(n + 1, sizeof(size_t)) };
	size_t *stack = calloc(n + 1, sizeof(size_t)), *next = calloc(n + 1, sizeof(size_t));
	int found = 0;

	*len = 0;
	if (!w.colour || !w.from || !stack || !next) {
		found = -1;
		goto out;
	}
	for (size_t i = 0; i < n && !found; i++)
		if (w.colour[i] == WHITE)
			found = visit(&w, i, stack, next, cycle, len);
out:
	free(w.colour);
	free(w.from);
	free(stack);
	free(next);
	return found;
}
