/* SPDX-License-Identifier: MIT */
/*
 * export_k8s: the model as one Kubernetes YAML file, APP.yaml: a ConfigMap
 * with the env-file variables, then a Deployment (replicas from the
 * formation) and a Service (the type's PORT) per process type. The
 * container runs procinit in single-command mode around /bin/sh -c. Names
 * are DNS labels (lowercase, '_' -> '-'); two types that map to one name
 * are an error. Pure; any thread; no locks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_model.h"

#define FORMAT "kubernetes"
#define CARRIER "a Kubernetes object" /* in "..., which CARRIER cannot carry" */
#define LABEL_MAX 64

struct names {
	char app[LABEL_MAX];
	char (*type)[LABEL_MAX]; /* per process type: the component label */
	char (*obj)[LABEL_MAX];  /* per process type: APP-TYPE, Deployment and Service */
};

static int map_names(const struct export_model *m, struct names *nm, struct export_out *out)
{
	if (!export_dns_label(m->app, nm->app, sizeof(nm->app)))
		return export_fail(out,
				   "app name '%s' cannot be a Kubernetes name (letters, digits, "
				   "'-' and '_', starting and ending with a letter or digit)",
				   m->app);
	for (size_t i = 0; i < m->n_procs; i++) {
		char joined[2 * LABEL_MAX + 2];

		snprintf(joined, sizeof(joined), "%s-%s", m->app, m->procs[i].name);
		if (!export_dns_label(m->procs[i].name, nm->type[i], LABEL_MAX) ||
		    !export_dns_label(joined, nm->obj[i], LABEL_MAX) || nm->obj[i][0] < 'a' ||
		    nm->obj[i][0] > 'z')
			return export_fail(out,
					   "process '%s' cannot be named '%s' in Kubernetes (a DNS "
					   "label: at most 63, starting with a letter, ending with a "
					   "letter or digit; --app changes the prefix)",
					   m->procs[i].name, joined);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(nm->obj[i], nm->obj[k]))
				return export_fail(out,
						   "processes '%s' and '%s' both map to the "
						   "Kubernetes name '%s'",
						   m->procs[k].name, m->procs[i].name, nm->obj[i]);
	}
	return 0;
}

static void labels(struct qbuf *b, const char *indent, const char *app, const char *type)
{
	qb_printf(b, "%sapp.kubernetes.io/name: \"%s\"\n", indent, app);
	if (type)
		qb_printf(b, "%sapp.kubernetes.io/component: \"%s\"\n", indent, type);
}

static int config_map(const struct export_model *m, const struct names *nm, struct qbuf *b,
		      struct export_out *out)
{
	char what[160];
	int rc = 0;

	qb_printf(b,
		  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"%s-env\"\n"
		  "  labels:\n",
		  nm->app);
	labels(b, "    ", nm->app, NULL);
	qb_puts(b, "    app.kubernetes.io/managed-by: \"procinit\"\ndata:\n");
	for (size_t i = 0; i < m->n_env && !rc; i++) {
		/* envFrom takes values as they are: no $(VAR) expansion to guard against. */
		snprintf(what, sizeof(what), "the value of %s", m->env[i].key);
		qb_printf(b, "  \"%s\": ", m->env[i].key);
		rc = export_check(out, quote_yaml(b, m->env[i].value, false), what, CARRIER);
		qb_puts(b, "\n");
	}
	return rc;
}

static int probe(const struct export_model *m, const struct export_proc *p, struct qbuf *b,
		 struct export_out *out)
{
	const struct ready_check *r = &p->ready;
	long port = r->port ? r->port : export_port(m, p, 1);
	char what[160];

	switch (r->kind) {
	case READY_NONE:
		return 0;
	case READY_TCP:
		qb_printf(b,
			  "          readinessProbe:\n            tcpSocket:\n"
			  "              port: %ld\n",
			  port);
		return 0;
	case READY_HTTP:
		qb_puts(b, "          readinessProbe:\n            httpGet:\n              path: ");
		snprintf(what, sizeof(what), "the --ready http: path of '%s'", p->name);
		if (export_check(out, quote_yaml(b, r->text, false), what, CARRIER))
			return EINVAL;
		qb_printf(b, "\n              port: %ld\n", port);
		return 0;
	case READY_EXEC:
		/* Probe commands are not expanded: '$' stays single. */
		qb_puts(b, "          readinessProbe:\n            exec:\n"
			   "              command: [\"/bin/sh\", \"-c\", ");
		snprintf(what, sizeof(what), "the --ready exec: command of '%s'", p->name);
		if (export_check(out, quote_yaml(b, r->text, false), what, CARRIER))
			return EINVAL;
		qb_puts(b, "]\n");
		return 0;
	default:
		return export_warn_ready(out, p,
					 "Kubernetes readiness probe (tcp, http and exec do)");
	}
}

static int container(const struct export_model *m, const struct export_proc *p, const char *app,
		     const char *type, struct qbuf *b, struct export_out *out)
{
	char what[160];
	int rc;

	qb_printf(b, "        - name: \"%s\"\n          image: ", type);
	rc = export_check(out, quote_yaml(b, m->image, false), "--image", CARRIER);
	/* command and args expand $(VAR): every '$' doubled keeps them literal. */
	qb_puts(b, "\n          command: [");
	export_procinit_argv(b, m, p);
	qb_puts(b, "]\n          args: [\"/bin/sh\", \"-c\", ");
	snprintf(what, sizeof(what), "the command of '%s'", p->name);
	rc = rc ? rc : export_check(out, quote_yaml(b, p->command, true), what, CARRIER);
	qb_printf(b,
		  "]\n          env:\n            - name: \"PORT\"\n              value: \"%ld\"\n",
		  export_port(m, p, 1));
	/* PS names the instance: the pod's name tells replicas apart. */
	qb_puts(b,
		"            - name: \"PS\"\n              valueFrom:\n                fieldRef:\n"
		"                  fieldPath: \"metadata.name\"\n");
	if (m->n_env)
		qb_printf(b,
			  "          envFrom:\n            - configMapRef:\n"
			  "                name: \"%s-env\"\n",
			  app);
	qb_printf(b, "          ports:\n            - containerPort: %ld\n", export_port(m, p, 1));
	return rc ? rc : probe(m, p, b, out);
}

static int deployment(const struct export_model *m, const struct export_proc *p,
		      const struct names *nm, size_t i, struct qbuf *b, struct export_out *out)
{
	qb_printf(b,
		  "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"%s\"\n"
		  "  labels:\n",
		  nm->obj[i]);
	labels(b, "    ", nm->app, nm->type[i]);
	qb_printf(b,
		  "    app.kubernetes.io/managed-by: \"procinit\"\nspec:\n  replicas: %u\n"
		  "  selector:\n    matchLabels:\n",
		  p->count);
	labels(b, "      ", nm->app, nm->type[i]);
	qb_puts(b, "  template:\n    metadata:\n      labels:\n");
	labels(b, "        ", nm->app, nm->type[i]);
	/* The kubelet's SIGKILL must come after procinit's own, at -t. */
	qb_printf(b, "    spec:\n      terminationGracePeriodSeconds: %ld\n",
		  export_container_grace(m));
	if (m->user)
		qb_printf(b, "      securityContext:\n        runAsUser: %s\n", m->user);
	qb_puts(b, "      containers:\n");
	return container(m, p, nm->app, nm->type[i], b, out);
}

static void service(const struct export_model *m, const struct export_proc *p,
		    const struct names *nm, size_t i, struct qbuf *b)
{
	long port = export_port(m, p, 1);

	qb_printf(b, "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: \"%s\"\n  labels:\n",
		  nm->obj[i]);
	labels(b, "    ", nm->app, nm->type[i]);
	qb_puts(b, "    app.kubernetes.io/managed-by: \"procinit\"\nspec:\n  selector:\n");
	labels(b, "    ", nm->app, nm->type[i]);
	qb_printf(b, "  ports:\n    - port: %ld\n      targetPort: %ld\n      protocol: \"TCP\"\n",
		  port, port);
}

static int check_user(const char *user, struct export_out *out)
{
	char *end;

	if (!user)
		return 0;
	strtol(user, &end, 10);
	if (*user < '0' || *user > '9' || *end)
		return export_fail(out,
				   "--user '%s': Kubernetes takes a numeric uid "
				   "(securityContext.runAsUser)",
				   user);
	return 0;
}

int export_kubernetes(const struct export_model *m, struct export_out *out)
{
	struct names nm = { 0 };
	struct qbuf b = { 0 };
	int rc;

	rc = check_user(m->user, out);
	nm.type = calloc(m->n_procs ? m->n_procs : 1, sizeof(*nm.type));
	nm.obj = calloc(m->n_procs ? m->n_procs : 1, sizeof(*nm.obj));
	if (!nm.type || !nm.obj)
		rc = ENOMEM;
	rc = rc ? rc : map_names(m, &nm, out);
	export_header(&b, "#", FORMAT);
	if (!rc && m->n_env)
		rc = config_map(m, &nm, &b, out);
	for (size_t i = 0; i < m->n_procs && !rc; i++) {
		rc = deployment(m, &m->procs[i], &nm, i, &b, out);
		service(m, &m->procs[i], &nm, i, &b);
	}
	if (!rc)
		rc = export_add_file(out, &b, 0644, "%s.yaml", m->app);
	qb_free(&b);
	free(nm.type);
	free(nm.obj);
	return rc;
}
