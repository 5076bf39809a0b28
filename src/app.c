/* SPDX-License-Identifier: MIT */
/*
 * app: configuration loading for main. Everything here happens before the
 * first child exists, so failing (exit 2 with a message) is still allowed.
 * Main thread only; no locks.
 */
#include "app.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "instance.h"
#include "io.h"
#include "signames.h"

extern char **environ;

/* How a Procfile read from standard input (-f -) is named in messages. */
#define STDIN_LABEL "<stdin>"

static void print_diags(const char *path, const struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].line)
			fprintf(stderr, "procinit: %s:%u: %s\n", path, d->v[i].line, d->v[i].msg);
		else
			fprintf(stderr, "procinit: %s: %s\n", path, d->v[i].msg);
	}
	if (d->dropped)
		fprintf(stderr, "procinit: %s: %zu more errors not shown\n", path, d->dropped);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fprintf(stderr, "procinit: out of memory\n");
		exit(2);
	}
	return d;
}

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p) {
		fprintf(stderr, "procinit: out of memory\n");
		exit(2);
	}
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	d = xstrdup(path);
	d[slash - path] = '\0';
	return d;
}

static const char *lookup_environ(const char *name, size_t len, void *ctx)
{
	(void)ctx;
	for (char **e = environ; *e; e++)
		if (!strncmp(*e, name, len) && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static int load_procfile(struct app *a)
{
	struct diags *d = calloc(1, sizeof(*d));
	char *buf;
	size_t len;
	int err, rc = 0;

	if (!d) {
		fprintf(stderr, "procinit: out of memory\n");
		return 2;
	}
	if (a->inline_text) {
		buf = a->inline_text;
		len = strlen(buf);
		a->inline_text = NULL;
		err = 0;
	} else if (!strcmp(a->procfile_path, STDIN_LABEL)) {
		err = io_read_fd(0, &buf, &len);
	} else {
		err = io_read_file(a->procfile_path, &buf, &len);
	}
	if (err) {
		fprintf(stderr, "procinit: %s: %s\n", a->procfile_path, strerror(err));
		free(d);
		return 2;
	}
	err = procfile_parse(buf, len, &a->pf, d);
	if (err) {
		if (err == ENOMEM)
			fprintf(stderr, "procinit: out of memory\n");
		print_diags(a->procfile_path, d);
		rc = 2;
	}
	free(buf);
	free(d);
	return rc;
}

static int load_env_file(struct app *a, const char *path)
{
	struct diags *d = calloc(1, sizeof(*d));
	char **files = realloc(a->env_files, (a->n_env_files + 1) * sizeof(*files));
	char *buf;
	size_t len;
	int err, rc = 0;

	if (files)
		a->env_files = files;
	if (!d || !files) {
		free(d);
		fprintf(stderr, "procinit: out of memory\n");
		return 2;
	}
	/* Kept for the life of the app: each variable points at its file's name. */
	path = files[a->n_env_files++] = xstrdup(path);
	err = io_read_file(path, &buf, &len);
	if (err) {
		fprintf(stderr, "procinit: %s: %s\n", path, strerror(err));
		free(d);
		return 2;
	}
	err = dotenv_parse(buf, len, path, &a->env, lookup_environ, NULL, d);
	if (err) {
		if (err == ENOMEM)
			fprintf(stderr, "procinit: out of memory\n");
		print_diags(path, d);
		rc = 2;
	}
	free(buf);
	free(d);
	return rc;
}

/* Every FILE of every -e FILE[,FILE...], in order; a missing one is an error. */
static int load_env_files(const struct settings *s, struct app *a)
{
	struct stat st;
	int rc = 0;

	if (s->n_env_args == 0) {
		char *def = join_path(a->root, ".env");

		if (stat(def, &st) == 0 && !S_ISDIR(st.st_mode))
			rc = load_env_file(a, def);
		free(def);
		return rc;
	}
	for (size_t i = 0; i < s->n_env_args; i++) {
		const char *arg = s->env_args[i];
		char *list, *save = NULL;
		size_t n = strlen(arg);

		/* strtok_r would skip empty items silently: "-e ''" names no file. */
		if (!n || arg[0] == ',' || arg[n - 1] == ',' || strstr(arg, ",,")) {
			fprintf(stderr, "procinit: -e: empty file name in '%s'\n", arg);
			rc = 2;
			continue;
		}
		list = xstrdup(arg);
		for (char *f = strtok_r(list, ",", &save); f; f = strtok_r(NULL, ",", &save))
			if (load_env_file(a, f))
				rc = 2;
		free(list);
	}
	return rc;
}

static int resolve_port(const struct settings *s, struct app *a)
{
	const struct envvar *var = envlist_find(&a->env, "PORT", 4);
	const char *v;
	char *end;
	long p;

	a->base_port = 5000;
	if (s->port) {
		a->base_port = s->port;
		return 0;
	}
	v = var ? var->value : getenv("PORT");
	if (!v || !*v)
		return 0;
	errno = 0;
	p = strtol(v, &end, 10);
	if (*end || errno || p < 1 || p > 65535 || *v < '0' || *v > '9') {
		if (var && var->src)
			fprintf(stderr, "procinit: %s:%u: PORT: invalid base port '%.32s' (1..65535)\n",
				var->src, var->line, v);
		else
			fprintf(stderr, "procinit: PORT%s: invalid base port '%.32s' (1..65535)\n",
				var ? "" : " (environment)", v);
		return 2;
	}
	a->base_port = p;
	return 0;
}

/*
 * -x 'NAME: COMMAND' items become one Procfile text, one item per line, so
 * the same parser checks them and its line numbers count the -x options.
 */
static int inline_procfile(const struct settings *s, struct app *a)
{
	size_t len = 1;
	char *t;

	if (s->procfile) {
		fprintf(stderr, "procinit: -x cannot be combined with -f: put the processes in one place\n");
		return 2;
	}
	for (size_t i = 0; i < s->n_inline; i++) {
		if (strchr(s->inline_procs[i], '\n')) {
			fprintf(stderr, "procinit: -x:%zu: newline in process definition\n", i + 1);
			return 2;
		}
		len += strlen(s->inline_procs[i]) + 1;
	}
	t = malloc(len);
	if (!t) {
		fprintf(stderr, "procinit: out of memory\n");
		return 2;
	}
	t[0] = '\0';
	for (size_t i = 0; i < s->n_inline; i++) {
		strcat(t, s->inline_procs[i]);
		strcat(t, "\n");
	}
	a->inline_text = t;
	a->procfile_path = xstrdup("-x");
	return 0;
}

int app_load(const struct settings *s, struct app *a, bool need_procfile)
{
	struct stat st;
	int rc = 0;

	memset(a, 0, sizeof(*a));
	if (s->n_inline) {
		if (inline_procfile(s, a))
			return 2;
		a->have_procfile = true;
		a->root = xstrdup(s->root ? s->root : ".");
		if (s->root && (stat(s->root, &st) < 0 || !S_ISDIR(st.st_mode))) {
			fprintf(stderr, "procinit: %s: %s\n", s->root,
				stat(s->root, &st) < 0 ? strerror(errno) : strerror(ENOTDIR));
			return 2;
		}
		rc = load_procfile(a);
		rc |= load_env_files(s, a);
		return rc ? 2 : resolve_port(s, a);
	}
	if (s->procfile && !strcmp(s->procfile, "-"))
		a->procfile_path = xstrdup(STDIN_LABEL);
	else if (s->procfile)
		a->procfile_path = xstrdup(s->procfile);
	else if (s->root)
		a->procfile_path = join_path(s->root, "Procfile");
	else
		a->procfile_path = xstrdup("Procfile");
	/* An explicit root is checked first; else the Procfile's own error says it all. */
	if (s->root && (stat(s->root, &st) < 0 || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "procinit: %s: %s\n", s->root,
			stat(s->root, &st) < 0 ? strerror(errno) : strerror(ENOTDIR));
		return 2;
	}
	if (need_procfile || s->procfile || stat(a->procfile_path, &st) == 0) {
		a->have_procfile = true;
		rc = load_procfile(a);
	}
	if (s->root)
		a->root = xstrdup(s->root);
	else if (!strcmp(a->procfile_path, STDIN_LABEL))
		a->root = xstrdup(".");
	else
		a->root = dir_of(a->procfile_path);
	rc |= load_env_files(s, a);
	if (rc)
		return 2;
	return resolve_port(s, a);
}

int app_load_env_only(const struct settings *s, struct app *a)
{
	memset(a, 0, sizeof(*a));
	a->root = xstrdup(".");
	if (s->n_env_args == 0)
		return 0;
	return load_env_files(s, a);
}

static int check_formation(const struct settings *s, struct app *a)
{
	struct diags *d;
	int rc = 0;

	if (!s->formation)
		return 0;
	d = calloc(1, sizeof(*d));
	if (!d) {
		fprintf(stderr, "procinit: out of memory\n");
		return 2;
	}
	if (formation_parse(s->formation, strlen(s->formation), &a->fm, d)) {
		for (size_t i = 0; i < d->n; i++)
			fprintf(stderr, "procinit: -m: %s\n", d->v[i].msg);
		rc = 2;
	}
	for (size_t i = 0; i < a->fm.n; i++) {
		if (strcmp(a->fm.v[i].name, "all") && procfile_find(&a->pf, a->fm.v[i].name) < 0) {
			fprintf(stderr, "procinit: -m: unknown process '%s'\n", a->fm.v[i].name);
			rc = 2;
		}
	}
	free(d);
	return rc;
}

/*
 * Marks the types named in LIST (each item NAME[,NAME...]; "all" when
 * ALLOW_ALL) in MARKS. Unknown names are errors naming FLAG.
 */
static int mark_types(const struct app *a, const char *flag, const char *const *list, size_t n,
		      bool *marks)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		char *copy = xstrdup(list[i]), *save = NULL;

		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			long idx = procfile_find(&a->pf, t);

			if (!strcmp(t, "all")) {
				for (size_t k = 0; k < a->pf.n; k++)
					marks[k] = true;
			} else if (idx < 0) {
				fprintf(stderr, "procinit: %s: unknown process '%s'\n", flag, t);
				rc = 2;
			} else {
				marks[idx] = true;
			}
		}
		free(copy);
	}
	return rc;
}

/* --stop-signal NAME=SIG[,NAME=SIG...] into SIGS (one per type). */
static int stop_signals(const struct settings *s, const struct app *a, int *sigs)
{
	int rc = 0;

	for (size_t i = 0; i < s->n_stop_signals; i++) {
		char *copy = xstrdup(s->stop_signals[i]), *save = NULL;

		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(t, '=');
			long idx;
			int sig;

			if (!eq) {
				fprintf(stderr, "procinit: --stop-signal: expected NAME=SIGNAL, got '%.32s'\n", t);
				rc = 2;
				continue;
			}
			*eq = '\0';
			idx = procfile_find(&a->pf, t);
			sig = sig_parse(eq + 1, 0);
			if (idx < 0 && strcmp(t, "all")) {
				fprintf(stderr, "procinit: --stop-signal: unknown process '%s'\n", t);
				rc = 2;
			} else if (sig < 0) {
				fprintf(stderr, "procinit: --stop-signal: unknown signal '%.32s'\n", eq + 1);
				rc = 2;
			} else {
				for (size_t k = 0; k < a->pf.n; k++)
					if (idx < 0 || (size_t)idx == k)
						sigs[k] = sig;
			}
		}
		free(copy);
	}
	return rc;
}

/* The per-type options: --can-die, --restart, --stop-signal. */
static int type_options(const struct settings *s, struct app *a)
{
	int rc;

	a->can_die = calloc(a->pf.n, sizeof(bool));
	a->restart = calloc(a->pf.n, sizeof(bool));
	a->stop_sig = calloc(a->pf.n, sizeof(int));
	if (!a->can_die || !a->restart || !a->stop_sig) {
		fprintf(stderr, "procinit: out of memory\n");
		return 2;
	}
	for (size_t k = 0; k < a->pf.n; k++)
		a->stop_sig[k] = SIGTERM;
	rc = mark_types(a, "--can-die", s->can_die, s->n_can_die, a->can_die);
	rc |= mark_types(a, "--restart", s->restart, s->n_restart, a->restart);
	rc |= stop_signals(s, a, a->stop_sig);
	return rc;
}

static bool selected(const struct settings *s, const char *name)
{
	if (s->n_names == 0)
		return true;
	for (size_t i = 0; i < s->n_names; i++)
		if (!strcmp(s->names[i], name))
			return true;
	return false;
}

/* The inherited environment minus what the env files set, plus the env files. */
static char **base_env(struct app *a, size_t extra, size_t *n_out)
{
	size_t n = 0, k = 0;
	char **v;

	for (char **e = environ; *e; e++)
		n++;
	v = calloc(n + a->env.n + extra + 1, sizeof(char *));
	if (!v)
		return NULL;
	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t klen = eq ? (size_t)(eq - *e) : strlen(*e);

		if (envlist_get(&a->env, *e, klen))
			continue;
		if (extra && ((klen == 4 && !strncmp(*e, "PORT", 4)) ||
			      (klen == 2 && !strncmp(*e, "PS", 2))))
			continue;
		v[k++] = *e;
	}
	/* The inherited strings belong to environ; from here on they are ours. */
	a->base_owned_from = k;
	for (size_t i = 0; i < a->env.n; i++) {
		const struct envvar *ev = &a->env.v[i];
		size_t len = strlen(ev->key) + strlen(ev->value) + 2;
		char *s;

		if (extra && (!strcmp(ev->key, "PORT") || !strcmp(ev->key, "PS")))
			continue;
		s = malloc(len);
		if (!s)
			return NULL;
		snprintf(s, len, "%s=%s", ev->key, ev->value);
		v[k++] = s;
	}
	*n_out = k;
	a->base = v;
	a->base_n = k;
	return v;
}

char **app_run_env(struct app *a)
{
	size_t n;

	return base_env(a, 0, &n);
}

static int add_instance(struct app *a, size_t type, unsigned num, char **base, size_t nbase)
{
	struct instance *in = &a->inst[a->n_inst];
	const struct proctype *t = &a->pf.v[type];
	struct instance_spec spec = {
		.type_name = t->name, .type = type, .number = num, .command = t->command,
		.base = base, .nbase = nbase,
	};

	if (formation_port(a->base_port, type, num, &spec.port)) {
		fprintf(stderr, "procinit: port for %s.%u out of range (base port %ld)\n", t->name,
			num, a->base_port);
		return 2;
	}
	a->n_inst++; /* counted first, so that app_free frees a half-built one */
	if (instance_build(in, &spec)) {
		fprintf(stderr, "procinit: out of memory\n");
		return 2;
	}
	in->can_die = a->can_die[type];
	in->restart = a->restart[type];
	in->stop_signal = a->stop_sig[type];
	if (strlen(in->name) > a->name_width)
		a->name_width = strlen(in->name);
	return 0;
}

int app_plan(const struct settings *s, struct app *a)
{
	size_t total = 0, nbase;
	char **base;
	int rc = 0;

	for (size_t i = 0; i < s->n_names; i++) {
		if (procfile_find(&a->pf, s->names[i]) < 0) {
			fprintf(stderr, "procinit: no process '%s' in %s\n", s->names[i],
				a->procfile_path);
			rc = 2;
		}
	}
	rc |= check_formation(s, a);
	rc |= type_options(s, a);
	if (rc)
		return 2;
	for (size_t i = 0; i < a->pf.n; i++)
		if (selected(s, a->pf.v[i].name))
			total += formation_count(&a->fm, a->pf.v[i].name);
	if (total == 0) {
		fprintf(stderr, "procinit: nothing to run\n");
		return 2;
	}
	a->inst = calloc(total, sizeof(*a->inst));
	base = base_env(a, 2, &nbase);
	if (!a->inst || !base) {
		fprintf(stderr, "procinit: out of memory\n");
		return 2;
	}
	a->name_width = 6; /* strlen("system") */
	for (size_t i = 0; i < a->pf.n; i++) {
		unsigned count;

		if (!selected(s, a->pf.v[i].name))
			continue;
		count = formation_count(&a->fm, a->pf.v[i].name);
		for (unsigned n = 1; n <= count; n++)
			if (add_instance(a, i, n, base, nbase))
				return 2;
	}
	return 0;
}

long app_find_type(void *ctx, const char *name)
{
	const struct app *a = ctx;

	return procfile_find(&a->pf, name);
}

/* add_instance's work without its messages or its array: the supervisor owns IN. */
int app_build_instance(void *ctx, size_t type, unsigned number, struct instance *in)
{
	const struct app *a = ctx;
	const struct proctype *t = &a->pf.v[type];
	struct instance_spec spec = {
		.type_name = t->name,
		.type = type,
		.number = number,
		.command = t->command,
		.base = a->base,
		.nbase = a->base_n,
	};
	int err;

	if (formation_port(a->base_port, type, number, &spec.port))
		return ERANGE;
	err = instance_build(in, &spec);
	if (err) {
		instance_free(in);
		return err;
	}
	in->can_die = a->can_die[type];
	in->restart = a->restart[type];
	in->stop_signal = a->stop_sig[type];
	return 0;
}

void app_free(struct app *a)
{
	for (size_t i = a->base_owned_from; a->base && i < a->base_n; i++)
		free(a->base[i]);
	free(a->base);
	for (size_t i = 0; i < a->n_inst; i++)
		instance_free(&a->inst[i]);
	free(a->inst);
	procfile_free(&a->pf);
	envlist_free(&a->env);
	for (size_t i = 0; i < a->n_env_files; i++)
		free(a->env_files[i]);
	free(a->env_files);
	formation_free(&a->fm);
	free(a->procfile_path);
	free(a->root);
	free(a->inline_text);
	free(a->can_die);
	free(a->restart);
	free(a->stop_sig);
	memset(a, 0, sizeof(*a));
}
