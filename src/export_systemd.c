/* SPDX-License-Identifier: MIT */
/*
 * export_systemd: the model as systemd units: APP.target, which Wants= one
 * APP-TYPE-N.service per instance. One unit per instance rather than a
 * template, because PORT and PS differ per instance and systemd cannot
 * compute them from %i; each unit reads alone. Pure; any thread; no locks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "export_model.h"
#include "signames.h"

#define FORMAT "systemd"
#define CARRIER "a systemd unit"       /* in "..., which CARRIER cannot carry" */
#define LINE_MAX_SYSTEMD (1024 * 1024) /* systemd's LONG_LINE_MAX: longer lines are refused */

/* Since the line that began at START: refuses one systemd would not read. */
static int check_line(struct export_out *out, const struct qbuf *b, size_t start, const char *what)
{
	if (b->len - start < LINE_MAX_SYSTEMD)
		return 0;
	return export_fail(out, "%s is too long for a systemd unit line (1 MiB escaped)", what);
}

static int service_section(const struct export_model *m, const struct export_proc *p, unsigned num,
			   struct qbuf *b, struct export_out *out)
{
	char what[160], port[16], ps[80];
	size_t start;
	int rc = 0;

	qb_printf(b, "[Service]\nType=%s\n", p->ready.kind == READY_NOTIFY ? "notify" : "simple");
	if (p->ready.kind == READY_NOTIFY)
		/* The shell may fork the process that sends READY=1. */
		qb_puts(b, "NotifyAccess=all\n");
	if (m->user) {
		qb_puts(b, "User=");
		rc = export_check(out, quote_systemd_plain(b, m->user), "--user", CARRIER);
		qb_puts(b, "\n");
	}
	qb_puts(b, "WorkingDirectory=");
	rc = rc ? rc :
		  export_check(out, quote_systemd_plain(b, m->root), "the root folder", CARRIER);
	qb_puts(b, "\n");
	for (size_t i = 0; i < m->n_env && !rc; i++) {
		start = b->len;
		snprintf(what, sizeof(what), "the value of %s", m->env[i].key);
		qb_puts(b, "Environment=");
		rc = export_check(out, quote_systemd_env(b, m->env[i].key, m->env[i].value), what,
				  CARRIER);
		rc = rc ? rc : check_line(out, b, start, what);
		qb_puts(b, "\n");
	}
	snprintf(port, sizeof(port), "%ld", export_port(m, p, num));
	snprintf(ps, sizeof(ps), "%s.%u", p->name, num);
	qb_puts(b, "Environment=");
	quote_systemd_env(b, "PORT", port);
	qb_puts(b, " ");
	quote_systemd_env(b, "PS", ps);
	qb_puts(b, "\n");
	start = b->len;
	qb_puts(b, "ExecStart=/bin/sh -c ");
	snprintf(what, sizeof(what), "the command of '%s'", p->name);
	rc = rc ? rc : export_check(out, quote_systemd_word(b, p->command), what, CARRIER);
	rc = rc ? rc : check_line(out, b, start, what);
	qb_printf(b, "\nSyslogIdentifier=%s-%s-%u\n", m->app, p->name, num);
	if (m->log_dir) {
		qb_puts(b, "StandardOutput=append:");
		rc = rc ? rc :
			  export_check(out, quote_systemd_plain(b, m->log_dir), "--log", CARRIER);
		qb_printf(b, "/%s-%s-%u.log\nStandardError=inherit\n", m->app, p->name, num);
	}
	/* SIGTERM to the main process, SIGKILL to the whole cgroup after the timeout. */
	qb_puts(b, "KillMode=mixed\n");
	if (p->stop_signal != SIGTERM)
		qb_printf(b, "KillSignal=%s\n", sig_name(p->stop_signal));
	qb_puts(b, "TimeoutStopSec=");
	if (m->timeout * 1000.0 < 0.5)
		qb_puts(b, "1ms"); /* 0 would mean "no timeout" to systemd */
	else
		export_seconds(b, m->timeout);
	qb_printf(b, "\nRestart=%s\n", p->restart ? "always" : "no");
	return rc;
}

static int service(const struct export_model *m, const struct export_proc *p, unsigned num,
		   struct export_out *out)
{
	struct qbuf b = { 0 };
	int rc;

	export_header(&b, "#", FORMAT);
	qb_printf(&b, "[Unit]\nDescription=%s %s.%u\nPartOf=%s.target\n", m->app, p->name, num,
		  m->app);
	if (p->restart) {
		/* --restart-limit N/SECONDS: N restarts are N + 1 starts. */
		qb_puts(&b, "StartLimitIntervalSec=");
		export_seconds(&b, m->restart_window);
		qb_printf(&b, "\nStartLimitBurst=%u\n", m->restart_max + 1);
	}
	qb_puts(&b, "\n");
	rc = service_section(m, p, num, &b, out);
	if (!rc)
		rc = export_add_file(out, &b, 0644, "%s-%s-%u.service", m->app, p->name, num);
	qb_free(&b);
	return rc;
}

static int warn_ready(const struct export_proc *p, struct export_out *out)
{
	if (p->ready.kind == READY_NONE || p->ready.kind == READY_NOTIFY)
		return 0;
	return export_warn_ready(out, p, "systemd counterpart (only notify does: Type=notify)");
}

int export_systemd(const struct export_model *m, struct export_out *out)
{
	struct qbuf b = { 0 };
	int rc = 0;

	export_header(&b, "#", FORMAT);
	qb_printf(&b, "[Unit]\nDescription=%s (procinit export)\n", m->app);
	for (size_t i = 0; i < m->n_procs && !rc; i++) {
		const struct export_proc *p = &m->procs[i];

		for (unsigned n = 1; n <= p->count && !rc; n++) {
			qb_printf(&b, "Wants=%s-%s-%u.service\n", m->app, p->name, n);
			rc = service(m, p, n, out);
		}
		if (!rc && p->count)
			rc = warn_ready(p, out);
	}
	qb_puts(&b, "\n[Install]\nWantedBy=multi-user.target\n");
	if (!rc)
		rc = export_add_file(out, &b, 0644, "%s.target", m->app);
	qb_free(&b);
	return rc;
}
