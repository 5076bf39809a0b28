/* SPDX-License-Identifier: MIT */
/*
 * export_supervisord: the model as one supervisord include file, APP.conf:
 * a [program:APP-TYPE-N] per instance and a [group:APP]. The env-file
 * variables travel as /usr/bin/env arguments in command=, because
 * supervisord's environment= cannot carry quotes at either end of a value
 * or a line feed (it strips quote characters, has no escapes); PORT and PS
 * are plain and go in environment=. Pure; any thread; no locks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "export_model.h"

#define FORMAT "supervisord"
#define CARRIER "a supervisord config" /* in "..., which CARRIER cannot carry" */

/* command=[/usr/bin/env 'K=V'...] /bin/sh -c 'COMMAND' */
static int command_line(const struct export_model *m, const struct export_proc *p, struct qbuf *b,
			struct export_out *out)
{
	char what[160];
	int rc = 0;

	qb_puts(b, "command=");
	if (m->n_env)
		qb_puts(b, "/usr/bin/env ");
	for (size_t i = 0; i < m->n_env && !rc; i++) {
		struct qbuf kv = { 0 };

		qb_printf(&kv, "%s=%s", m->env[i].key, m->env[i].value);
		snprintf(what, sizeof(what), "the value of %s", m->env[i].key);
		rc = kv.oom ? ENOMEM :
			      export_check(out, quote_supervisord_word(b, kv.p), what, CARRIER);
		qb_puts(b, " ");
		qb_free(&kv);
	}
	qb_puts(b, "/bin/sh -c ");
	snprintf(what, sizeof(what), "the command of '%s'", p->name);
	if (!rc)
		rc = export_check(out, quote_supervisord_word(b, p->command), what, CARRIER);
	qb_puts(b, "\n");
	return rc;
}

static int program(const struct export_model *m, const struct export_proc *p, unsigned num,
		   struct qbuf *b, struct export_out *out)
{
	char sig[16];
	int rc;

	qb_printf(b, "\n[program:%s-%s-%u]\n", m->app, p->name, num);
	rc = command_line(m, p, b, out);
	qb_puts(b, "directory=");
	rc = rc ? rc :
		  export_check(out, quote_supervisord_plain(b, m->root), "the root folder", CARRIER);
	qb_printf(b, "\nenvironment=PORT=\"%ld\",PS=\"%s.%u\"\n", export_port(m, p, num), p->name,
		  num);
	if (m->user) {
		qb_puts(b, "user=");
		rc = rc ? rc :
			  export_check(out, quote_supervisord_plain(b, m->user), "--user", CARRIER);
		qb_puts(b, "\n");
	}
	/*
	 * Not --restart: an exit is final, also a quick one (startsecs=0, or
	 * supervisord would call it a failed start and try again).
	 */
	qb_printf(b, "autostart=true\nautorestart=%s\nstartsecs=%d\n",
		  p->restart ? "true" : "false", p->restart ? 1 : 0);
	qb_printf(b, "stopsignal=%s\n", export_signal(p->stop_signal, sig));
	qb_printf(b, "stopwaitsecs=%ld\n", export_seconds_ceil(m->timeout));
	/* The whole process group, as procinit signals it: the shell's children too. */
	qb_puts(b, "stopasgroup=true\nkillasgroup=true\nredirect_stderr=true\n");
	if (m->log_dir) {
		qb_puts(b, "stdout_logfile=");
		rc = rc ? rc :
			  export_check(out, quote_supervisord_plain(b, m->log_dir), "--log",
				       CARRIER);
		qb_printf(b, "/%s-%s-%u.log\n", m->app, p->name, num);
	}
	return rc;
}

int export_supervisord(const struct export_model *m, struct export_out *out)
{
	struct qbuf b = { 0 }, group = { 0 };
	const char *sep = "";
	int rc = 0;

	export_header(&b, ";", FORMAT);
	for (size_t i = 0; i < m->n_procs && !rc; i++) {
		const struct export_proc *p = &m->procs[i];

		for (unsigned n = 1; n <= p->count && !rc; n++) {
			rc = program(m, p, n, &b, out);
			qb_printf(&group, "%s%s-%s-%u", sep, m->app, p->name, n);
			sep = ",";
		}
		if (!rc && p->count && p->ready.kind != READY_NONE)
			rc = export_warn_ready(out, p, "supervisord counterpart");
	}
	qb_printf(&b, "\n[group:%s]\nprograms=%s\n", m->app, group.p ? group.p : "");
	if (group.oom)
		rc = ENOMEM;
	if (!rc)
		rc = export_add_file(out, &b, 0644, "%s.conf", m->app);
	qb_free(&b);
	qb_free(&group);
	return rc;
}
