/* SPDX-License-Identifier: MIT */
/*
 * export_compose: the model as one compose.yaml: a service per process type
 * with deploy.replicas from the formation, procinit as the entrypoint in
 * single-command mode (-g: signals reach the command's whole group) running
 * the command under /bin/sh -c. Every string is a YAML double-quoted scalar
 * with '$' doubled against Compose's interpolation. Pure; any thread; no locks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "export_model.h"

#define FORMAT "compose"

static int check(struct export_out *out, enum quote_err e, const char *what)
{
	if (!e)
		return 0;
	return export_fail(out, "%s %s, which a compose file cannot carry", what, quote_strerror(e));
}

/* ["/procinit", "-g", "-t", "5", "--"]: the same for every service. */
static void entrypoint(const struct export_model *m, const struct export_proc *p, struct qbuf *b)
{
	char sig[16];

	qb_puts(b, "    entrypoint: [\"/procinit\", \"-g\", ");
	if (p->stop_signal != SIGTERM)
		qb_printf(b, "\"-r\", \"TERM:%s\", ", export_signal(p->stop_signal, sig));
	qb_puts(b, "\"-t\", \"");
	export_seconds(b, m->timeout);
	qb_puts(b, "\", \"--\"]\n");
}

static int environment(const struct export_model *m, const struct export_proc *p, struct qbuf *b,
		       struct export_out *out)
{
	char what[160];
	int rc = 0;

	qb_puts(b, "    environment:\n");
	for (size_t i = 0; i < m->n_env && !rc; i++) {
		snprintf(what, sizeof(what), "the value of %s", m->env[i].key);
		qb_puts(b, "      ");
		quote_yaml(b, m->env[i].key, true);
		qb_puts(b, ": ");
		rc = check(out, quote_yaml(b, m->env[i].value, true), what);
		qb_puts(b, "\n");
	}
	/* Replicas are alike, each in its own network namespace: one PORT, PS the type. */
	qb_printf(b, "      \"PORT\": \"%ld\"\n      \"PS\": ", export_port(m, p, 1));
	quote_yaml(b, p->name, true);
	qb_puts(b, "\n");
	return rc;
}

static int healthcheck(const struct export_proc *p, struct qbuf *b, struct export_out *out)
{
	char what[160];

	if (p->ready.kind == READY_NONE)
		return 0;
	if (p->ready.kind != READY_EXEC)
		return export_warn(out,
				   "--ready %s=%s has no compose counterpart (only exec: does, "
				   "as a healthcheck); not exported",
				   p->name, ready_kind_name(p->ready.kind));
	snprintf(what, sizeof(what), "the --ready exec: command of '%s'", p->name);
	qb_puts(b, "    healthcheck:\n      test: [\"CMD\", \"/bin/sh\", \"-c\", ");
	if (check(out, quote_yaml(b, p->ready.text, true), what))
		return EINVAL;
	qb_puts(b, "]\n");
	return 0;
}

static int service(const struct export_model *m, const struct export_proc *p, struct qbuf *b,
		   struct export_out *out)
{
	char what[160];
	int rc;

	qb_puts(b, "  ");
	quote_yaml(b, p->name, true);
	qb_puts(b, ":\n    image: ");
	rc = check(out, quote_yaml(b, m->image, true), "--image");
	qb_puts(b, "\n");
	entrypoint(m, p, b);
	qb_puts(b, "    command: [\"/bin/sh\", \"-c\", ");
	snprintf(what, sizeof(what), "the command of '%s'", p->name);
	rc = rc ? rc : check(out, quote_yaml(b, p->command, true), what);
	qb_puts(b, "]\n");
	if (m->user) {
		qb_puts(b, "    user: ");
		rc = rc ? rc : check(out, quote_yaml(b, m->user, true), "--user");
		qb_puts(b, "\n");
	}
	rc = rc ? rc : environment(m, p, b, out);
	qb_printf(b, "    expose: [\"%ld\"]\n", export_port(m, p, 1));
	/* Docker's SIGKILL comes after procinit's own escalation, not before it. */
	qb_printf(b, "    stop_grace_period: \"%lds\"\n", export_seconds_ceil(m->timeout) + 2);
	if (p->restart)
		qb_puts(b, "    restart: \"unless-stopped\"\n");
	rc = rc ? rc : healthcheck(p, b, out);
	qb_printf(b, "    deploy:\n      replicas: %u\n", p->count);
	return rc;
}

int export_compose(const struct export_model *m, struct export_out *out)
{
	struct qbuf b = { 0 };
	int rc = 0;

	if (!m->image)
		return export_fail(out, "--image IMAGE is required: the image that holds /procinit, "
					"/bin/sh and the app");
	export_header(&b, "#", FORMAT);
	qb_puts(&b, "services:\n");
	for (size_t i = 0; i < m->n_procs && !rc; i++)
		rc = service(m, &m->procs[i], &b, out);
	if (!rc)
		rc = export_add_file(out, &b, 0644, "compose.yaml");
	qb_free(&b);
	return rc;
}
