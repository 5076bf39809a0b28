/* SPDX-License-Identifier: MIT */
/*
 * instance: builds what one instance runs: its name, its environment (the
 * shared one plus PORT, PS and the command's leading assignments) and how
 * it is executed (cmdline.c: the program itself, or /bin/sh -c). Main
 * thread, before any child exists; no locks.
 */
#ifndef PROCINIT_INSTANCE_H
#define PROCINIT_INSTANCE_H

#include <stddef.h>

#include "supervisor.h"

struct instance_spec {
	const char *type_name;
	size_t type;        /* index in the Procfile */
	unsigned number;    /* web.N */
	const char *command;
	long port;
	char *const *base;  /* the environment every instance shares */
	size_t nbase;
};

/* Fills IN (zeroed by the caller). Returns 0 or ENOMEM. */
int instance_build(struct instance *in, const struct instance_spec *spec);

/* Sets KEY=VALUE in IN's environment (before its next spawn). 0 or ENOMEM. */
int instance_setenv(struct instance *in, const char *key, const char *value);

void instance_free(struct instance *in);

#endif
