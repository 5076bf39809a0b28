/* SPDX-License-Identifier: MIT */
/*
 * export_compose: the model as one compose.yaml: a service per process type
 * with deploy.replicas from the formation, procinit as the entrypoint in
 * single-command mode (-g: signals reach the command's whole group) running
 * the command under /bin/sh -c. Every string is a YAML double-quoted scalar
 * with '$' doubled against Compose's interpolation. Pure; any thread; no locks.
 */
#include <errno.h>
#include <stdio.h>

#include "export_model.h"

#define FORMAT "compose"
#define CARRIER "a compose file" /* in "..., which CARRIER cannot carry" */

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
		rc = export_check(out, quote_yaml(b, m->env[i].value, true), what, CARRIER);
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
		return export_warn_ready(out, p,
					 "compose counterpart (only exec: does, as a healthcheck)");
	snprintf(what, sizeof(what), "the --ready exec: command of '%s'", p->name);
	qb_puts(b, "    healthcheck:\n      test: [\"CMD\", \"/bin/sh\", \"-c\", ");
	if (export_check(out, quote_yaml(b, p->ready.text, true), what, CARRIER))
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
	rc = export_check(out, quote_yaml(b, m->image, true), "--image", CARRIER);
	qb_puts(b, "\n");
	qb_puts(b, "    entrypoint: [");
	export_procinit_argv(b, m, p);
	qb_puts(b, "]\n");
	qb_puts(b, "    command: [\"/bin/sh\", \"-c\", ");
	snprintf(what, sizeof(what), "the command of '%s'", p->name);
	rc = rc ? rc : export_check(out, quote_yaml(b, p->command, true), what, CARRIER);
	qb_puts(b, "]\n");
	if (m->user) {
		qb_puts(b, "    user: ");
		rc = rc ? rc : export_check(out, quote_yaml(b, m->user, true), "--user", CARRIER);
		qb_puts(b, "\n");
	}
	rc = rc ? rc : environment(m, p, b, out);
	qb_printf(b, "    expose: [\"%ld\"]\n", export_port(m, p, 1));
	/* Docker's SIGKILL comes after procinit's own escalation, not before it. */
	qb_printf(b, "    stop_grace_period: \"%lds\"\n", export_container_grace(m));
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

	export_header(&b, "#", FORMAT);
	qb_puts(&b, "services:\n");
	for (size_t i = 0; i < m->n_procs && !rc; i++)
		rc = service(m, &m->procs[i], &b, out);
	if (!rc)
		rc = export_add_file(out, &b, 0644, "compose.yaml");
	qb_free(&b);
	return rc;
}
