/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the env-file parser, with a lookup that answers for A and B. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dotenv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lookup(const char *name, size_t n, void *ctx)
{
	(void)ctx;
	if (n == 1 && (*name == 'A' || *name == 'B'))
		return *name == 'A' ? "alpha" : "";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct diags errs;
	struct envlist l = { 0 };
	int rc;

	memset(&errs, 0, sizeof(errs));
	rc = dotenv_parse((const char *)data, size, NULL, &l, lookup, NULL, &errs);
	if (rc == ENOMEM) {
		envlist_free(&l);
		return 0;
	}
	if ((rc == 0) != (errs.n == 0 && errs.dropped == 0))
		abort();
	for (size_t i = 0; i < l.n; i++) {
		if (!l.v[i].key[0] || strlen(l.v[i].value) > DOTENV_VALUE_MAX)
			abort();
		if (envlist_get(&l, l.v[i].key, strlen(l.v[i].key)) != l.v[i].value)
			abort(); /* keys are unique */
	}
	envlist_free(&l);
	return 0;
}
