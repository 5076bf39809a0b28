/* SPDX-License-Identifier: MIT */
/*
 * instance: the environment is an array of pointers into the shared one,
 * with this instance's own strings (PORT, PS, assignments) put over the
 * entries they replace. Main thread only.
 */
#include "instance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t key_len(const char *var)
{
	const char *eq = strchr(var, '=');

	return eq ? (size_t)(eq - var) : strlen(var);
}

/* Puts VAR (KEY=value) into ENV (N entries, room for one more), over its key. */
static void env_put(char **env, size_t *n, char *var)
{
	size_t k = key_len(var);

	for (size_t i = 0; i < *n; i++) {
		if (key_len(env[i]) == k && !strncmp(env[i], var, k)) {
			env[i] = var;
			return;
		}
	}
	env[(*n)++] = var;
	env[*n] = NULL;
}

static int plan_command(struct instance *in)
{
	int err =
		cmdline_plan(in->command, strlen(in->command), lex_envp_lookup, in->envp, &in->cmd);
	size_t n;

	if (err)
		return err;
	if (in->cmd.kind != CMDLINE_DIRECT) {
		in->sh_argv[0] = "sh";
		in->sh_argv[1] = "-c";
		in->sh_argv[2] = in->cmd.script;
		in->sh_argv[3] = NULL;
		in->kind = in->cmd.kind;
		in->path = "/bin/sh";
		in->argv = in->sh_argv;
		return 0;
	}
	in->kind = CMDLINE_DIRECT;
	in->argv = in->cmd.argv;
	in->path = in->cmd.argv[0];
	if (!in->cmd.nassign)
		return 0;
	/* Leading NAME=value words go into the program's environment. */
	for (n = 0; in->envp[n]; n++)
		;
	char **env = realloc(in->envp, (n + in->cmd.nassign + 1) * sizeof(char *));

	if (!env)
		return ENOMEM;
	in->envp = env;
	for (size_t i = 0; i < in->cmd.nassign; i++)
		env_put(env, &n, in->cmd.assign[i]);
	return 0;
}

int instance_build(struct instance *in, const struct instance_spec *spec)
{
	size_t n = spec->nbase;

	snprintf(in->name, sizeof(in->name), "%s.%u", spec->type_name, spec->number);
	in->type = spec->type;
	in->command = spec->command;
	in->envp = calloc(spec->nbase + 3, sizeof(char *));
	if (!in->envp)
		return ENOMEM;
	memcpy(in->envp, spec->base, spec->nbase * sizeof(char *));
	if (asprintf(&in->port_var, "PORT=%ld", spec->port) < 0) {
		in->port_var = NULL;
		return ENOMEM;
	}
	if (asprintf(&in->ps_var, "PS=%s", in->name) < 0) {
		in->ps_var = NULL;
		return ENOMEM;
	}
	env_put(in->envp, &n, in->port_var);
	env_put(in->envp, &n, in->ps_var);
	return plan_command(in);
}

int instance_setenv(struct instance *in, const char *key, const char *value)
{
	size_t n = 0;
	char *var, **env;

	while (in->envp[n])
		n++;
	env = realloc(in->envp, (n + 2) * sizeof(char *));
	if (!env)
		return ENOMEM;
	in->envp = env;
	if (asprintf(&var, "%s=%s", key, value) < 0)
		return ENOMEM;
	free(in->extra_var); /* one such variable per instance is all procinit sets */
	in->extra_var = var;
	env_put(env, &n, var);
	return 0;
}

void instance_free(struct instance *in)
{
	free(in->extra_var);
	cmdline_free(&in->cmd);
	free(in->port_var);
	free(in->ps_var);
	free(in->envp);
	in->envp = NULL;
	in->port_var = in->ps_var = NULL;
}
