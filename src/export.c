/* SPDX-License-Identifier: MIT */
/*
 * export: the `procinit export FORMAT DIR` command. Loads the app exactly
 * as `start` would (same -f -d -e -m -p -t, same checks), turns it into the
 * export model, runs the format's generator and hands the files to
 * export_write. Main thread, before any child or thread exists; no locks;
 * may exit on out-of-memory (x* allocators).
 */
#include "export.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "export_model.h"
#include "export_write.h"
#include "cli.h"
#include "formation.h"
#include "lex.h"
#include "log.h"

/* An app name: the Procfile's name rule, at most MAX bytes. */
static bool is_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && lex_name_bad(s, n) == n;
}

/* A login name (POSIX portable characters, not starting with '-') or a numeric uid. */
static bool is_user(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
			return false;
	return true;
}

/* Which options make sense for which format: the others are usage errors. */
static int check_options(const struct settings *s, const char *format)
{
	bool container = !strcmp(format, "compose") || !strcmp(format, "kubernetes");

	if (s->image && !container) {
		log_error("export %s: --image is for compose and kubernetes", format);
		return 2;
	}
	if (s->log_dir && container) {
		log_error("export %s: --log has no meaning here: containers log to their runtime",
			  format);
		return 2;
	}
	if (s->user && !is_user(s->user)) {
		log_error("--user: invalid user name '%.64s'", s->user);
		return 2;
	}
	if (container && !s->image) {
		log_error("export %s: --image IMAGE is required: the image that holds /procinit, "
			  "/bin/sh and the app",
			  format);
		return 2;
	}
	return 0;
}

/*
 * The types in Procfile order, with what app_plan made of the options (the
 * same --ready as start's: a named type over all). 0 or 2.
 */
static int build_procs(const struct app *a, struct export_proc *procs)
{
	int rc = 0;

	for (size_t i = 0; i < a->pf.n; i++) {
		struct export_proc *p = &procs[i];
		long port;

		p->name = a->pf.v[i].name;
		p->command = a->pf.v[i].command;
		p->index = i;
		p->count = formation_count(&a->fm, p->name);
		p->restart = a->restart[i];
		p->stop_signal = a->stop_sig[i];
		p->ready = a->ready[i];
		/* app_plan checked the instances' ports; containers use instance 1's
		 * even for a type scaled to 0. */
		if (!p->count && formation_port(a->base_port, i, 1, &port)) {
			log_error("port for %s.1 out of range (base port %ld)", p->name,
				  a->base_port);
			rc = 2;
		}
	}
	return rc;
}

/* The env-file variables; PORT and PS are set per instance. */
static struct export_var *build_env(const struct app *a, size_t *n)
{
	struct export_var *v = xcalloc(a->env.n ? a->env.n : 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < a->env.n; i++) {
		const char *k = a->env.v[i].key;

		if (strcmp(k, "PORT") && strcmp(k, "PS")) {
			v[*n].key = k;
			v[(*n)++].value = a->env.v[i].value;
		}
	}
	return v;
}

/* An absolute form of PATH (relative to the current folder), without trailing '/'. */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *out;
	size_t n;

	if (path[0] == '/') {
		out = xstrdup(path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			log_die(2, "getcwd: %s", strerror(errno));
		if (asprintf(&out, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) < 0)
			log_die(1, "out of memory");
	}
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return out;
}

/* --app, or the root folder's name. 0 or 2. */
static int app_name(const struct settings *s, const char *root, const char **name)
{
	const char *base = strrchr(root, '/');

	*name = s->app_name ? s->app_name : (base && base[1] ? base + 1 : root);
	if (is_name(*name, EXPORT_NAME_MAX))
		return 0;
	if (s->app_name)
		log_error(
			"--app: invalid app name '%.64s' (letters, digits, '-' and '_', at most %d)",
			*name, EXPORT_NAME_MAX);
	else
		log_error("export: the root folder's name '%.64s' is no app name (letters, digits, "
			  "'-' and '_'): give --app NAME",
			  *name);
	return 2;
}

static int generate_and_write(const struct settings *s, export_gen_fn gen, const char *format,
			      const struct export_model *m)
{
	struct export_out out = { 0 };
	int err = gen(m, &out), rc = 0;

	for (size_t i = 0; i < out.n_warnings; i++)
		log_warn("export %s: %s", format, out.warnings[i]);
	if (err == ENOMEM)
		log_die(1, "out of memory");
	if (err) {
		log_error("export %s: %s", format, out.err);
		rc = 2;
	} else {
		rc = export_write(s->export_dir, format, m->app, &out, s->force);
	}
	export_out_free(&out);
	return rc;
}

int export_main(const struct settings *s)
{
	struct export_model m = { 0 };
	struct export_proc *procs = NULL;
	struct export_var *env = NULL;
	const char *format = NULL;
	char *root = NULL, *log_dir = NULL;
	export_gen_fn gen = export_find_format(s->export_format, &format);
	struct app a;
	int rc;

	if (!gen) {
		log_error("export: unknown format '%.32s' (%s)", s->export_format,
			  export_format_list);
		return 2;
	}
	if (check_options(s, format))
		return 2;
	rc = app_load(s, &a, true);
	if (!rc)
		rc = app_plan(s, &a);
	if (!rc) {
		root = realpath(a.root, NULL);
		if (!root) {
			log_error("%s: %s", a.root, strerror(errno));
			rc = 2;
		}
	}
	if (!rc) {
		procs = xcalloc(a.pf.n, sizeof(*procs));
		rc = build_procs(&a, procs);
	}
	if (!rc)
		rc = app_name(s, root, &m.app);
	if (!rc) {
		log_dir = s->log_dir ? absolute(s->log_dir) : NULL;
		env = build_env(&a, &m.n_env);
		m.root = root;
		m.user = s->user;
		m.log_dir = log_dir;
		m.image = s->image;
		m.timeout = s->timeout;
		m.restart_max = s->restart_max;
		m.restart_window = s->restart_window;
		m.base_port = a.base_port;
		m.procs = procs;
		m.n_procs = a.pf.n;
		m.env = env;
		rc = generate_and_write(s, gen, format, &m);
	}
	free(env);
	free(procs);
	free(root);
	free(log_dir);
	app_free(&a);
	return rc;
}
