/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: how a Procfile command is run (cmdline.c). Besides not
 * crashing: a DIRECT plan has a command word and no NULL inside its argv;
 * an EXEC plan's script is the command with "exec " put in once; a SHELL
 * plan's script is the command as written. cmdline_uses_args runs over the
 * same text (it must not crash or read past the NUL).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lookup(const char *name, size_t len, void *ctx)
{
	(void)ctx;
	if (len == 4 && !memcmp(name, "PORT", 4))
		return "5000";
	if (len == 1 && name[0] == 'S')
		return " a  *b \t";
	if (len == 1 && name[0] == 'E')
		return "";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct cmdline c;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	size = strlen(text); /* a Procfile line never holds a NUL */
	(void)cmdline_uses_args(text);
	if (cmdline_plan(text, size, lookup, NULL, &c) == 0) {
		switch (c.kind) {
		case CMDLINE_DIRECT:
			if (!c.argv || c.argc == 0 || c.argv[c.argc] || !c.argv[0] || c.script)
				abort();
			for (size_t i = 0; i < c.argc; i++)
				if (!c.argv[i])
					abort();
			for (size_t i = 0; i < c.nassign; i++)
				if (!strchr(c.assign[i], '='))
					abort();
			break;
		case CMDLINE_EXEC:
			if (!c.script || c.argv ||
			    (strlen(c.script) != size + 5 && strcmp(c.script, text)))
				abort();
			if (!strstr(c.script, "exec"))
				abort();
			break;
		case CMDLINE_SHELL:
			if (!c.script || strcmp(c.script, text))
				abort();
			break;
		}
		cmdline_free(&c);
	}
	free(text);
	return 0;
}
