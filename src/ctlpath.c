/* SPDX-License-Identifier: MIT */
/*
 * ctlpath: string work only. The private name is a hash of the absolute
 * ROOT, so two apps of one user get two sockets and the verbs, started from
 * anywhere with the same -d or -f, find the one of their app. Pure.
 */
#include "ctlpath.h"

#include <stdio.h>
#include <string.h>

uint64_t ctlpath_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* snprintf that says whether it fitted. */
static int fits(char *dst, size_t cap, int n)
{
	if (n < 0 || (size_t)n >= cap) {
		dst[0] = '\0';
		return 0;
	}
	return 1;
}

static size_t add_private(struct ctlpath *p, const char *base, const char *sub, unsigned long uid,
			  const char *abs_root)
{
	unsigned long long h = (unsigned long long)ctlpath_hash(abs_root);
	int n;

	p->kind = CTLPATH_PRIVATE;
	if (sub)
		n = snprintf(p->dir, sizeof(p->dir), "%s/%s", base, sub);
	else
		n = snprintf(p->dir, sizeof(p->dir), "%s/procinit-%lu", base, uid);
	if (!fits(p->dir, sizeof(p->dir), n))
		return 0;
	n = snprintf(p->path, sizeof(p->path), "%s/%016llx.sock", p->dir, h);
	return (size_t)fits(p->path, sizeof(p->path), n);
}

size_t ctlpath_places(const char *given, const char *root, const char *abs_root, const char *xdg,
		      unsigned long uid, struct ctlpath *out)
{
	size_t n = 0, rl = strlen(root);
	int k;

	memset(out, 0, CTLPATH_PLACES * sizeof(*out));
	if (given) {
		out[0].kind = CTLPATH_GIVEN;
		return (size_t)fits(out[0].path, sizeof(out[0].path),
				    snprintf(out[0].path, sizeof(out[0].path), "%s", given));
	}
	out[0].kind = CTLPATH_DEFAULT;
	k = snprintf(out[0].path, sizeof(out[0].path), "%s%s%s", root,
		     rl && root[rl - 1] == '/' ? "" : "/", CTLPATH_NAME);
	n += (size_t)fits(out[0].path, sizeof(out[0].path), k);
	if (!abs_root || abs_root[0] != '/')
		return n;
	/* $XDG_RUNTIME_DIR is the user's own by definition; relative values are to be ignored. */
	if (xdg && xdg[0] == '/')
		n += add_private(&out[n], xdg, "procinit", uid, abs_root);
	n += add_private(&out[n], "/tmp", NULL, uid, abs_root);
	return n;
}

const char *ctlpath_root(const char *root_opt, const char *procfile_opt, size_t *len)
{
	const char *slash;

	if (root_opt) {
		*len = strlen(root_opt);
		return root_opt;
	}
	if (!procfile_opt || !strcmp(procfile_opt, "-") || !(slash = strrchr(procfile_opt, '/'))) {
		*len = 1;
		return ".";
	}
	*len = slash == procfile_opt ? 1 : (size_t)(slash - procfile_opt);
	return procfile_opt;
}
