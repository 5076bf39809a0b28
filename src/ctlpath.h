/* SPDX-License-Identifier: MIT */
/*
 * ctlpath: where the control socket is, computed the same way by the server
 * (control.c) and the verbs (ctlclient.c): --socket PATH; else
 * ROOT/.procinit.sock; else, where ROOT cannot hold it, a private folder
 * under $XDG_RUNTIME_DIR or /tmp with a name derived from the absolute ROOT.
 * Pure: the caller passes realpath, getenv and geteuid's answers. Any
 * thread; no locks.
 */
#ifndef PROCINIT_CTLPATH_H
#define PROCINIT_CTLPATH_H

#include <stddef.h>
#include <stdint.h>

#define CTLPATH_MAX 108 /* sun_path, with its NUL */
#define CTLPATH_NAME ".procinit.sock"
#define CTLPATH_PLACES 3

enum ctlpath_kind {
	CTLPATH_GIVEN,   /* --socket PATH or PROCINIT_SOCKET: the only place */
	CTLPATH_DEFAULT, /* ROOT/.procinit.sock */
	CTLPATH_PRIVATE, /* DIR/HASH.sock, DIR private to the user */
};

struct ctlpath {
	enum ctlpath_kind kind;
	char path[CTLPATH_MAX];
	char dir[CTLPATH_MAX]; /* CTLPATH_PRIVATE: the folder to create and check */
};

/*
 * The places to try, in order, into OUT (CTLPATH_PLACES at most); returns
 * how many. GIVEN (NULL: none) is the only place when set. ROOT is the app's
 * folder as given (relative is fine); ABS_ROOT its absolute path (NULL when
 * unknown: no private place then); XDG is $XDG_RUNTIME_DIR (NULL or empty:
 * unset). A place whose path would not fit sun_path is left out.
 */
size_t ctlpath_places(const char *given, const char *root, const char *abs_root, const char *xdg,
		      unsigned long uid, struct ctlpath *out);

/*
 * The app's folder, the one rule for both sides: app_load (start, check,
 * run, export) takes it as the working folder and the socket's place, the
 * verbs look for the socket there. ROOT_OPT (-d) when given; else the folder
 * of PROCFILE_OPT (-f), "/" for a file at the root; else "." (no -f, -f -,
 * a -f without a '/', and -x, which allows no -f). Returns the folder's
 * first byte and its length in *LEN: it may be the start of PROCFILE_OPT,
 * not NUL-terminated there.
 */
const char *ctlpath_root(const char *root_opt, const char *procfile_opt, size_t *len);

/* 64-bit FNV-1a: the private socket's name, as 16 hex digits of the absolute ROOT. */
uint64_t ctlpath_hash(const char *s);

#endif
