/* SPDX-License-Identifier: MIT */
/*
 * export_runit: the model as runit service folders, APP-TYPE-N/ each: a run
 * script that sets the environment in sh and execs chpst; control/t and
 * control/k so that `sv stop` and `sv kill` reach the whole process group
 * (runsv would signal the main process only); a finish script that keeps a
 * type without --restart down once it exited; log/run with svlogd under
 * --log. sh single quotes carry every byte, so nothing is refused here. Pure; any thread; no locks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "export_model.h"

#define FORMAT "runit"

static void script_start(struct qbuf *b)
{
	qb_puts(b, "#!/bin/sh\n");
	export_header(b, "#", FORMAT);
}

static int run_script(const struct export_model *m, const struct export_proc *p, unsigned num,
		      const char *svc, struct export_out *out)
{
	struct qbuf b = { 0 };
	char ps[80];
	int rc = 0;

	script_start(&b);
	qb_puts(&b, "exec 2>&1\ncd ");
	quote_sh(&b, m->root);
	qb_puts(&b, " || exit 1\n");
	for (size_t i = 0; i < m->n_env; i++) {
		qb_printf(&b, "export %s=", m->env[i].key);
		quote_sh(&b, m->env[i].value);
		qb_puts(&b, "\n");
	}
	snprintf(ps, sizeof(ps), "%s.%u", p->name, num);
	qb_printf(&b, "export PORT=%ld PS=", export_port(m, p, num));
	quote_sh(&b, ps);
	/* -P: a process group of its own, for control/t and control/k. */
	qb_puts(&b, "\nexec chpst -P ");
	if (m->user) {
		qb_puts(&b, "-u ");
		quote_sh(&b, m->user);
		qb_puts(&b, " ");
	}
	qb_puts(&b, "/bin/sh -c ");
	quote_sh(&b, p->command);
	qb_puts(&b, "\n");
	rc = export_add_file(out, &b, 0755, "%s/run", svc);
	qb_free(&b);
	return rc;
}

/* control/t or control/k: runsv runs it instead of signalling the main process itself. */
static int control_script(const char *svc, char letter, const char *sig, struct export_out *out)
{
	struct qbuf b = { 0 };
	int rc;

	script_start(&b);
	qb_printf(&b, "# `sv %s` reaches the whole process group, as procinit signals it.\n",
		  letter == 't' ? "stop" : "kill");
	qb_printf(&b, "exec kill -s %s -- \"-$(cat supervise/pid)\"\n", sig);
	rc = export_add_file(out, &b, 0755, "%s/control/%c", svc, letter);
	qb_free(&b);
	return rc;
}

static int finish_script(const char *svc, struct export_out *out)
{
	struct qbuf b = { 0 };
	int rc;

	script_start(&b);
	qb_puts(&b, "# Not --restart: once the process has exited, the service stays down.\n"
		    "exec sv down . >/dev/null\n");
	rc = export_add_file(out, &b, 0755, "%s/finish", svc);
	qb_free(&b);
	return rc;
}

static int log_script(const struct export_model *m, const char *svc, struct export_out *out)
{
	struct qbuf b = { 0 }, dir = { 0 };
	int rc;

	qb_printf(&dir, "%s/%s", m->log_dir, svc);
	script_start(&b);
	qb_puts(&b, "set -e\nmkdir -p ");
	quote_sh(&b, dir.p ? dir.p : "");
	qb_puts(&b, "\n");
	if (m->user) {
		qb_puts(&b, "chown ");
		quote_sh(&b, m->user);
		qb_puts(&b, " ");
		quote_sh(&b, dir.p ? dir.p : "");
		qb_puts(&b, "\nexec chpst -u ");
		quote_sh(&b, m->user);
		qb_puts(&b, " svlogd -tt ");
	} else {
		qb_puts(&b, "exec svlogd -tt ");
	}
	quote_sh(&b, dir.p ? dir.p : "");
	qb_puts(&b, "\n");
	rc = dir.oom ? ENOMEM : export_add_file(out, &b, 0755, "%s/log/run", svc);
	qb_free(&b);
	qb_free(&dir);
	return rc;
}

static int service(const struct export_model *m, const struct export_proc *p, unsigned num,
		   struct export_out *out)
{
	char svc[160], sig[16];
	int rc;

	snprintf(svc, sizeof(svc), "%s-%s-%u", m->app, p->name, num);
	export_signal(p->stop_signal, sig);
	rc = run_script(m, p, num, svc, out);
	if (!rc)
		rc = control_script(svc, 't', sig, out);
	if (!rc)
		rc = control_script(svc, 'k', "KILL", out);
	if (!rc && !p->restart)
		rc = finish_script(svc, out);
	if (!rc && m->log_dir)
		rc = log_script(m, svc, out);
	return rc;
}

int export_runit(const struct export_model *m, struct export_out *out)
{
	int rc = 0;

	for (size_t i = 0; i < m->n_procs && !rc; i++) {
		const struct export_proc *p = &m->procs[i];

		for (unsigned n = 1; n <= p->count && !rc; n++)
			rc = service(m, p, n, out);
		if (!rc && p->count && p->ready.kind != READY_NONE)
			rc = export_warn_ready(out, p, "runit counterpart");
	}
	return rc;
}
