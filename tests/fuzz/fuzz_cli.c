/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the command-line parser, argv made of NUL-separated input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[66];
	char err[CLI_ERR_MAX];
	struct settings s;
	int argc = 1, rc;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = "procinit";
	for (char *p = copy; p < copy + size + 1 && argc < 65; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	rc = cli_parse(argc, argv, &s, err, sizeof(err));
	if (rc != 0 && rc != 2)
		abort();
	if (rc == 2 && (!err[0] || strchr(err, '\n')))
		abort(); /* every usage error is one non-empty line */
	if (rc == 0) {
		if (s.timeout < 0 || s.timeout > CLI_TIMEOUT_MAX || s.port < 0 || s.port > 65535)
			abort();
		if ((s.cmd == CMD_RUN || s.cmd == CMD_EXEC) && s.run_argc == 0)
			abort();
	}
	cli_free(&s);
	free(copy);
	return 0;
}
