/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the Procfile parser must never crash, leak or accept junk. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "procfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct diags errs;
	struct procfile pf;
	int rc;

	memset(&errs, 0, sizeof(errs));
	rc = procfile_parse((const char *)data, size, &pf, &errs);
	if (rc == ENOMEM)
		return 0;
	/* Errors and the return code must agree; every entry must be well formed. */
	if ((rc == 0) != (errs.n == 0 && errs.dropped == 0))
		abort();
	for (size_t i = 0; i < pf.n; i++) {
		size_t n = strlen(pf.v[i].name);

		if (n == 0 || n > PROCFILE_NAME_MAX || !pf.v[i].command[0])
			abort();
		if (strspn(pf.v[i].name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789_-") != n)
			abort();
		if (procfile_find(&pf, pf.v[i].name) != (long)i)
			abort(); /* duplicates must have been refused */
	}
	procfile_free(&pf);
	return 0;
}
