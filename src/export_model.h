/* SPDX-License-Identifier: MIT */
/*
 * export_model: what `procinit export` generates from. The model is pure
 * data built from the loaded app; each format's generator (export_*.c) is a
 * pure function from the model to a list of files (relative path, bytes,
 * mode), with the helpers of export_model.c. Main thread, before any child
 * or thread exists; no locks.
 */
#ifndef PROCINIT_EXPORT_MODEL_H
#define PROCINIT_EXPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "quote.h"
#include "ready.h"


#define EXPORT_ERR_MAX 512
#define EXPORT_NAME_MAX 63 /* app names, like Procfile names */


/* One Procfile entry. */
struct export_proc {
	const char *name;    /* as in the Procfile: [A-Za-z0-9_-]{1,63} */
	const char *command; /* run as /bin/sh -c COMMAND */
	size_t index;        /* its place in the Procfile: its PORT block */
	unsigned count;      /* instances, from the formation (may be 0) */
	bool restart;        /* --restart */
	int stop_signal;     /* --stop-signal; SIGTERM by default */
	struct ready_check ready;
};

/* An env-file variable (never the inherited environment, never PORT or PS). */
struct export_var {
	const char *key;
	const char *value;
};

struct export_model {
	const char *app;     /* [A-Za-z0-9_-]{1,63} */
	const char *root;    /* absolute: the working folder */
	const char *user;    /* NULL: not given */
	const char *log_dir; /* absolute, or NULL */
	const char *image;   /* NULL: not given (export.c requires it for compose and kubernetes) */
	double timeout;      /* -t: seconds between the stop signal and SIGKILL */
	unsigned restart_max;
	double restart_window;
	long base_port;
	const struct export_proc *procs;
	size_t n_procs;
	const struct export_var *env;
	size_t n_env;
};

struct export_file {
	char *path; /* relative to DIR, '/'-separated, no ".." */
	char *data;
	size_t len;
	unsigned mode; /* 0644, or 0755 for scripts */
};

/* What a generator returns: files, warnings, and the error that stopped it. */
struct export_out {
	struct export_file *v;
	size_t n;
	char **warnings;
	size_t n_warnings;
	char err[EXPORT_ERR_MAX];
};

/* A generator: 0, EINVAL with OUT->err set, or ENOMEM. Pure. */
typedef int (*export_gen_fn)(const struct export_model *m, struct export_out *out);

int export_systemd(const struct export_model *m, struct export_out *out);
int export_supervisord(const struct export_model *m, struct export_out *out);
int export_runit(const struct export_model *m, struct export_out *out);
int export_compose(const struct export_model *m, struct export_out *out);
int export_kubernetes(const struct export_model *m, struct export_out *out);

/* The generator of FORMAT ("systemd", ..., "kubernetes" or "k8s"), or NULL. */
export_gen_fn export_find_format(const char *format, const char **canonical);

/* The formats, for messages: "systemd, supervisord, runit, compose, kubernetes". */
extern const char export_format_list[];

/* --- helpers the generators share (export_model.c) --- */


/* The header every generated file starts with, as comment lines beginning with PREFIX. */
void export_header(struct qbuf *b, const char *prefix, const char *format);

/* PORT of instance NUM (1-based) of P: foreman's rule. */
long export_port(const struct export_model *m, const struct export_proc *p, unsigned num);

/*
 * A signal as kill -s and supervisord take it: "TERM", or the number for a
 * real-time one. Returns BUF.
 */
const char *export_signal(int sig, char buf[16]);

/* "5", "2.5", "0.001": seconds as the shortest decimal of whole milliseconds. */
void export_seconds(struct qbuf *b, double seconds);

/* Whole seconds, rounded up: for formats that take integers. */
long export_seconds_ceil(double seconds);

/* A fresh file PATH (printf-style) holding B's bytes; B is emptied. 0 or ENOMEM. */
int export_add_file(struct export_out *out, struct qbuf *b, unsigned mode, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Sets OUT->err (printf-style) and returns EINVAL. */
int export_fail(struct export_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Adds a warning (printf-style). 0 or ENOMEM. */
int export_warn(struct export_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * What a value cannot carry: 0 when E is QUOTE_OK, else EINVAL with
 * "WHAT contains ..., which CARRIER cannot carry" in OUT->err (CARRIER: "a
 * systemd unit", "a compose file", ...).
 */
int export_check(struct export_out *out, enum quote_err e, const char *what, const char *carrier);

/* The warning for P's --ready check: "--ready NAME=KIND has no WHAT; not exported". */
int export_warn_ready(struct export_out *out, const struct export_proc *p, const char *what);

/*
 * procinit's own arguments in a container, as the items of a YAML flow
 * list: "/procinit", "-g", ["-r", "TERM:SIG",] "-t", "SECONDS", "--". -g:
 * signals reach the command's whole group; -r: the stop signal when it is
 * not SIGTERM.
 */
void export_procinit_argv(struct qbuf *b, const struct export_model *m, const struct export_proc *p);

/*
 * Whole seconds a container runtime waits before its own SIGKILL: -t
 * rounded up, plus 2, so that procinit's escalation comes first.
 */
long export_container_grace(const struct export_model *m);

/*
 * The lowercase DNS label (RFC 1123, at most 63) for Kubernetes objects:
 * '_' becomes '-', letters go lowercase. Returns false when the result is
 * not a valid label (too long, or not starting and ending alphanumeric).
 */
bool export_dns_label(const char *name, char *out, size_t outlen);

void export_out_free(struct export_out *out);

#endif
