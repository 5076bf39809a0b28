/* SPDX-License-Identifier: MIT */
/*
 * app: configuration loading for main. Everything here happens before the
 * first child exists, so failing is still allowed: bad input exits 2 with a
 * message, running out of memory exits 1 (log.h's x* allocators).
 * Main thread only; no locks.
 */
#include "app.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctlpath.h"
#include "diag.h"
#include "instance.h"
#include "io.h"
#include "lex.h"
#include "log.h"
#include "signames.h"

extern char **environ;

/* How a Procfile read from standard input (-f -) is named in messages. */
#define STDIN_LABEL "<stdin>"

static void print_diags(const char *path, const struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].line)
			log_error("%s:%u: %s", path, d->v[i].line, d->v[i].msg);
		else
			log_error("%s: %s", path, d->v[i].msg);
	}
	if (d->dropped)
		log_error("%s: %zu more errors not shown", path, d->dropped);
}

/* The parsers return ENOMEM rather than exit; here, before any child, it is fatal. */
static int parsed(int err)
{
	if (err == ENOMEM)
		log_die(1, "out of memory");
	return err;
}

/* A copy of N bytes of S (an item of a comma list), NUL-terminated. */
static char *item_dup(const char *s, size_t n)
{
	char *d = lex_strndup(s, n);

	if (!d)
		log_die(1, "out of memory");
	return d;
}

/* Whether the comma list LIST has an empty item: "", ",", "a,,b", "a,". */
static bool has_empty_item(const char *list)
{
	size_t pos = 0, n = strlen(list);
	struct lex_item it;

	while (lex_next_item(list, n, &pos, &it))
		if (it.b == it.e)
			return true;
	return false;
}

/* PATH could not be read: ERR from io_read_file/io_read_fd. */
static void read_failed(const char *path, int err)
{
	if (err == EFBIG)
		log_error("%s: larger than %d MiB", path, IO_READ_MAX >> 20);
	else
		log_error("%s: %s", path, strerror(err));
}

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* The app's folder: ctlpath_root's rule, by which the verbs find the control socket. */
static char *root_of(const struct settings *s)
{
	size_t n;
	const char *r = ctlpath_root(s->root, s->procfile, &n);
	char *d = lex_strndup(r, n);

	if (!d)
		log_die(1, "out of memory");
	return d;
}

static int load_procfile(struct app *a)
{
	struct diags *d = xcalloc(1, sizeof(*d));
	char *buf;
	size_t len;
	int err, rc = 0;

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
		read_failed(a->procfile_path, err);
		free(d);
		return 2;
	}
	if (parsed(procfile_parse(buf, len, &a->pf, d))) {
		print_diags(a->procfile_path, d);
		rc = 2;
	}
	free(buf);
	free(d);
	return rc;
}

/* Loads the env file PATH (taken over: freed with the app). 0 or 2. */
static int load_env_file(struct app *a, char *path)
{
	struct diags *d = xcalloc(1, sizeof(*d));
	char *buf;
	size_t len;
	int err, rc = 0;

	/* Kept for the life of the app: each variable points at its file's name. */
	a->env_files = xrealloc(a->env_files, (a->n_env_files + 1) * sizeof(*a->env_files));
	a->env_files[a->n_env_files++] = path;
	err = io_read_file(path, &buf, &len);
	if (err) {
		read_failed(path, err);
		free(d);
		return 2;
	}
	if (parsed(dotenv_parse(buf, len, path, &a->env, lex_envp_lookup, environ, d))) {
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
			return load_env_file(a, def);
		free(def);
		return 0;
	}
	for (size_t i = 0; i < s->n_env_args; i++) {
		const char *arg = s->env_args[i];
		size_t pos = 0, n = strlen(arg);
		struct lex_item it;

		/* "-e ''" or "-e a,,b" names no file: a mistake, not "no env file". */
		if (has_empty_item(arg)) {
			log_error("-e: empty file name in '%s'", arg);
			rc = 2;
			continue;
		}
		while (lex_next_item(arg, n, &pos, &it))
			if (load_env_file(a, item_dup(arg + it.b, it.e - it.b)))
				rc = 2;
	}
	return rc;
}

static int resolve_port(const struct settings *s, struct app *a)
{
	const struct envvar *var = envlist_find(&a->env, "PORT", 4);
	unsigned long p;
	const char *v;

	a->base_port = 5000;
	if (s->port) {
		a->base_port = s->port;
		return 0;
	}
	v = var ? var->value : getenv("PORT");
	if (!v || !*v)
		return 0;
	if (lex_parse_uint(v, strlen(v), FORMATION_PORT_MAX, &p) || p < FORMATION_PORT_MIN) {
		if (var && var->src)
			log_error("%s:%u: PORT: invalid base port '%.32s' (1..65535)", var->src,
				  var->line, v);
		else
			log_error("PORT%s: invalid base port '%.32s' (1..65535)",
				  var ? "" : " (environment)", v);
		return 2;
	}
	a->base_port = (long)p;
	return 0;
}

/*
 * -x 'NAME: COMMAND' items become one Procfile text, one item per line, so
 * the same parser checks them and its line numbers count the -x options.
 */
static int inline_procfile(const struct settings *s, struct app *a)
{
	size_t len = 1, off = 0;
	char *t;

	if (s->procfile) {
		log_error("-x cannot be combined with -f: put the processes in one place");
		return 2;
	}
	for (size_t i = 0; i < s->n_inline; i++) {
		if (strchr(s->inline_procs[i], '\n')) {
			log_error("-x:%zu: newline in process definition", i + 1);
			return 2;
		}
		len += strlen(s->inline_procs[i]) + 1;
	}
	t = xmalloc(len);
	for (size_t i = 0; i < s->n_inline; i++) {
		size_t n = strlen(s->inline_procs[i]);

		memcpy(t + off, s->inline_procs[i], n);
		t[off + n] = '\n';
		off += n + 1;
	}
	t[off] = '\0';
	a->inline_text = t;
	a->procfile_path = xstrdup("-x");
	return 0;
}

/* An explicit -d must be a folder that exists. 0 or 2. */
static int check_root(const char *root)
{
	struct stat st;

	if (stat(root, &st) < 0) {
		log_error("%s: %s", root, strerror(errno));
		return 2;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_error("%s: %s", root, strerror(ENOTDIR));
		return 2;
	}
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
		a->root = root_of(s);
		if (s->root && check_root(s->root))
			return 2;
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
	if (s->root && check_root(s->root))
		return 2;
	if (need_procfile || s->procfile || stat(a->procfile_path, &st) == 0) {
		a->have_procfile = true;
		rc = load_procfile(a);
	}
	a->root = root_of(s);
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
	d = xcalloc(1, sizeof(*d));
	if (parsed(formation_parse(s->formation, strlen(s->formation), &a->fm, d))) {
		print_diags("-m", d);
		rc = 2;
	}
	for (size_t i = 0; i < a->fm.n; i++) {
		if (strcmp(a->fm.v[i].name, "all") && procfile_find(&a->pf, a->fm.v[i].name) < 0) {
			log_error("-m: unknown process '%s'", a->fm.v[i].name);
			rc = 2;
		}
	}
	free(d);
	return rc;
}

/*
 * Marks the types named in LIST (each item NAME[,NAME...], or "all") in
 * MARKS. Unknown and empty names are errors naming FLAG.
 */
static int mark_types(const struct app *a, const char *flag, const char *const *list, size_t n,
		      bool *marks)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		size_t pos = 0, len = strlen(list[i]);
		struct lex_item it;

		while (lex_next_item(list[i], len, &pos, &it)) {
			const char *t = list[i] + it.b;
			size_t tn = it.e - it.b;
			long idx = procfile_find_range(&a->pf, t, tn);

			if (tn == 0) {
				log_error("%s: empty process name in '%s'", flag, list[i]);
				rc = 2;
			} else if (tn == 3 && !memcmp(t, "all", 3)) {
				for (size_t k = 0; k < a->pf.n; k++)
					marks[k] = true;
			} else if (idx < 0) {
				log_error("%s: unknown process '%.*s'", flag, (int)tn, t);
				rc = 2;
			} else {
				marks[idx] = true;
			}
		}
	}
	return rc;
}

/* One NAME=SIG item of --stop-signal into SIGS (one per type). 0 or 2. */
static int stop_signal(const struct app *a, const char *t, size_t tn, int *sigs)
{
	const char *eq = memchr(t, '=', tn);
	char *sig_name;
	long idx;
	int sig;

	if (!eq) {
		log_error("--stop-signal: expected NAME=SIGNAL, got '%.*s'",
			  (int)(tn > 32 ? 32 : tn), t);
		return 2;
	}
	idx = procfile_find_range(&a->pf, t, (size_t)(eq - t));
	if (idx < 0 && (eq - t != 3 || memcmp(t, "all", 3))) {
		log_error("--stop-signal: unknown process '%.*s'", (int)(eq - t), t);
		return 2;
	}
	sig_name = item_dup(eq + 1, tn - (size_t)(eq - t) - 1);
	sig = sig_parse(sig_name, 0);
	if (sig < 0)
		log_error("--stop-signal: unknown signal '%.32s'", sig_name);
	free(sig_name);
	if (sig < 0)
		return 2;
	for (size_t k = 0; k < a->pf.n; k++)
		if (idx < 0 || (size_t)idx == k)
			sigs[k] = sig;
	return 0;
}

/* --stop-signal NAME=SIG[,NAME=SIG...] into SIGS (one per type). */
static int stop_signals(const struct settings *s, const struct app *a, int *sigs)
{
	int rc = 0;

	for (size_t i = 0; i < s->n_stop_signals; i++) {
		const char *list = s->stop_signals[i];
		size_t pos = 0, len = strlen(list);
		struct lex_item it;

		while (lex_next_item(list, len, &pos, &it))
			rc |= stop_signal(a, list + it.b, it.e - it.b, sigs);
	}
	return rc;
}

/* The per-type options: --can-die, --restart, --stop-signal. */
static int type_options(const struct settings *s, struct app *a)
{
	int rc;

	a->can_die = xcalloc(a->pf.n, sizeof(bool));
	a->restart = xcalloc(a->pf.n, sizeof(bool));
	a->stop_sig = xcalloc(a->pf.n, sizeof(int));
	for (size_t k = 0; k < a->pf.n; k++)
		a->stop_sig[k] = SIGTERM;
	rc = mark_types(a, "--can-die", s->can_die, s->n_can_die, a->can_die);
	rc |= mark_types(a, "--restart", s->restart, s->n_restart, a->restart);
	rc |= stop_signals(s, a, a->stop_sig);
	return rc;
}

/* --ready NAME=CHECK: "all" first, then each named type over it. */
static int ready_options(const struct settings *s, struct app *a)
{
	int rc = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->n_ready; i++) {
			const char *item = s->ready[i], *eq = strchr(item, '=');
			struct ready_check c;
			size_t n = eq ? (size_t)(eq - item) : 0;
			bool all = n == 3 && !strncmp(item, "all", 3);
			long idx;

			if (pass != !all)
				continue;
			if (!eq || !n) {
				log_error("--ready: expected NAME=CHECK, got '%.64s'", item);
				rc = 2;
				continue;
			}
			if (ready_parse(eq + 1, &c)) {
				log_error("--ready: invalid check '%.64s' (%s)", eq + 1,
					  READY_SYNTAX);
				rc = 2;
				continue;
			}
			idx = procfile_find_range(&a->pf, item, n);
			if (!all && idx < 0) {
				log_error("--ready: unknown process '%.*s'", lex_name_width(n),
					  item);
				rc = 2;
			}
			for (size_t k = 0; k < a->pf.n; k++)
				if (all || (size_t)idx == k)
					a->ready[k] = c;
		}
	}
	return rc;
}

/* --after NAME=DEP: one dependency each; unknown names and cycles are errors. */
static int after_options(const struct settings *s, struct app *a)
{
	size_t *cycle, len;
	int rc = 0;

	for (size_t i = 0; i < s->n_after; i++) {
		const char *item = s->after[i], *eq = strchr(item, '=');
		size_t n = eq ? (size_t)(eq - item) : 0;
		long idx = eq ? procfile_find_range(&a->pf, item, n) : -1;
		long dep = eq ? procfile_find(&a->pf, eq + 1) : -1;

		if (!eq || eq == item || !eq[1]) {
			log_error("--after: expected NAME=DEP, got '%.64s'", item);
			rc = 2;
		} else if (idx < 0 || dep < 0) {
			if (idx < 0)
				log_error("--after: unknown process '%.*s'", lex_name_width(n),
					  item);
			else
				log_error("--after: unknown process '%.64s'", eq + 1);
			rc = 2;
		} else {
			size_t *v = xrealloc(a->after[idx], (a->n_after[idx] + 1) * sizeof(*v));

			v[a->n_after[idx]++] = (size_t)dep;
			a->after[idx] = v;
			a->ordered = true;
		}
	}
	if (rc || !a->ordered)
		return rc;
	cycle = xcalloc(a->pf.n + 1, sizeof(*cycle));
	if (ready_find_cycle(a->pf.n, (const size_t *const *)a->after, a->n_after, cycle, &len) < 0)
		log_die(1, "out of memory");
	if (len) {
		char msg[512] = "";

		for (size_t i = 0; i < len; i++) {
			size_t at = strlen(msg);

			snprintf(msg + at, sizeof(msg) - at, "%s%s", i ? " -> " : "",
				 a->pf.v[cycle[i]].name);
		}
		log_error("--after: cycle %s", msg);
		rc = 2;
	}
	free(cycle);
	return rc;
}

/* --ready and --after, per type. */
static int order_options(const struct settings *s, struct app *a)
{
	a->ready = xcalloc(a->pf.n, sizeof(*a->ready));
	a->after = xcalloc(a->pf.n, sizeof(*a->after));
	a->n_after = xcalloc(a->pf.n, sizeof(*a->n_after));
	return ready_options(s, a) | after_options(s, a);
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

/*
 * Into a->base: the inherited environment minus what the env files set, plus
 * the env files. PER_INSTANCE leaves out PORT and PS, which each instance
 * sets itself.
 */
static char **base_env(struct app *a, bool per_instance)
{
	size_t n = 0, k = 0;
	char **v;

	for (char **e = environ; *e; e++)
		n++;
	v = xcalloc(n + a->env.n + 1, sizeof(char *));
	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t klen = eq ? (size_t)(eq - *e) : strlen(*e);

		if (envlist_get(&a->env, *e, klen))
			continue;
		if (per_instance && ((klen == 4 && !strncmp(*e, "PORT", 4)) ||
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

		if (per_instance && (!strcmp(ev->key, "PORT") || !strcmp(ev->key, "PS")))
			continue;
		s = xmalloc(len);
		snprintf(s, len, "%s=%s", ev->key, ev->value);
		v[k++] = s;
	}
	a->base = v;
	a->base_n = k;
	return v;
}

char **app_run_env(struct app *a)
{
	return base_env(a, false);
}

static int add_instance(struct app *a, size_t type, unsigned num)
{
	struct instance *in = &a->inst[a->n_inst];
	int err = app_build_instance(a, type, num, in);

	if (err == ERANGE) {
		log_error("port for %s.%u out of range (base port %ld)", a->pf.v[type].name, num,
			  a->base_port);
		return 2;
	}
	if (err)
		log_die(1, "out of memory");
	a->n_inst++;
	if (strlen(in->name) > a->name_width)
		a->name_width = strlen(in->name);
	return 0;
}

/*
 * How many instances of the type at index TYPE start: the formation's count
 * (foreman's rule: -m web=2 starts no worker). A type asked for by name
 * (start worker) that the formation does not mention runs once, as in
 * foreman, whose `start NAME` runs NAME=1.
 */
static unsigned instances_of(const struct settings *s, const struct app *a, size_t type)
{
	const char *name = a->pf.v[type].name;

	if (!selected(s, name))
		return 0;
	if (s->n_names && !formation_find(&a->fm, name))
		return 1;
	return formation_count(&a->fm, name);
}

/*
 * Counts the instances and checks every port before any instance is built:
 * -m all=10000 over 600 types would otherwise build millions of them (each
 * with a copy of the environment) before reaching the first bad port. 0 or 2.
 */
static int count_instances(const struct settings *s, const struct app *a, size_t *total)
{
	size_t n = 0;

	for (size_t i = 0; i < a->pf.n; i++) {
		unsigned count = instances_of(s, a, i);
		unsigned bad = formation_first_bad_port(a->base_port, i, count);

		if (bad) {
			log_error("port for %s.%u out of range (base port %ld)", a->pf.v[i].name,
				  bad, a->base_port);
			return 2;
		}
		/* Only types below index 656 have ports: N stays below 656 * FORMATION_MAX. */
		n += count;
	}
	if (n == 0) {
		log_error("nothing to run");
		return 2;
	}
	if (n > FORMATION_TOTAL_MAX) {
		log_error("-m: %zu instances in all, more than %d", n, FORMATION_TOTAL_MAX);
		return 2;
	}
	*total = n;
	return 0;
}

int app_plan(const struct settings *s, struct app *a)
{
	size_t total;
	int rc = 0;

	for (size_t i = 0; i < s->n_names; i++) {
		if (procfile_find(&a->pf, s->names[i]) < 0) {
			log_error("no process '%s' in %s", s->names[i], a->procfile_path);
			rc = 2;
		}
	}
	rc |= check_formation(s, a);
	rc |= type_options(s, a);
	rc |= order_options(s, a);
	if (rc || count_instances(s, a, &total))
		return 2;
	a->inst = xcalloc(total, sizeof(*a->inst));
	base_env(a, true); /* what every instance shares */
	a->name_width = 6; /* strlen("system") */
	for (size_t i = 0; i < a->pf.n; i++) {
		unsigned count = instances_of(s, a, i);

		for (unsigned n = 1; n <= count; n++)
			if (add_instance(a, i, n))
				return 2;
	}
	return 0;
}

long app_find_type(void *ctx, const char *name)
{
	const struct app *a = ctx;

	return procfile_find(&a->pf, name);
}

/*
 * Instance NUMBER of TYPE into IN, with the per-type options: for app_plan
 * and, at run time, for scale (the supervisor owns IN then). 0, ERANGE for
 * its port, or ENOMEM (then IN holds nothing).
 */
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
	in->type_name = t->name;
	in->ready = a->ready[type];
	in->after = a->after[type];
	in->n_after = a->n_after[type];
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
	for (size_t i = 0; a->after && i < a->pf.n; i++)
		free(a->after[i]);
	free(a->after);
	free(a->n_after);
	free(a->ready);
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
