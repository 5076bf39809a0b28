/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the -m formation parser and the PORT rule. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct diags errs;
	struct formation f = { 0 };
	long port;
	int rc;

	memset(&errs, 0, sizeof(errs));
	rc = formation_parse((const char *)data, size, &f, &errs);
	if (rc == ENOMEM)
		return 0;
	if ((rc == 0) != (errs.n == 0 && errs.dropped == 0))
		abort();
	/* foreman's rule: a name the formation cannot hold gets "all" or 0 (1 when empty). */
	if (rc == 0) {
		const struct formation_entry *all = formation_find(&f, "all");

		if (formation_count(&f, ".") != (all ? all->count : f.n ? 0 : 1))
			abort();
	}
	for (size_t i = 0; i < f.n; i++) {
		if (f.v[i].count > FORMATION_MAX)
			abort();
		if (formation_count(&f, f.v[i].name) != f.v[i].count)
			abort();
		if (formation_port(5000, i, f.v[i].count ? f.v[i].count : 1, &port) == 0 &&
		    (port < 1 || port > 65535))
			abort();
	}
	formation_free(&f);
	return 0;
}
