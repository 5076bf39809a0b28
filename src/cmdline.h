/* SPDX-License-Identifier: MIT */
/*
 * cmdline: how a Procfile command is started so that the program itself is
 * procinit's child, and whether it reads positional parameters (for `run
 * NAME ARGS`). Pure: text and a variable lookup in, a plan out; no I/O, no
 * globals; called from the main thread before any child exists.
 *
 * Three kinds, decided by what the text needs:
 * - DIRECT: one simple command made only of words, quotes, backslashes,
 *   $NAME / ${NAME} and leading NAME=literal assignments. procinit itself
 *   expands and splits it exactly as sh would, and execs the program: no
 *   shell, so it also runs where /bin/sh does not exist.
 * - EXEC: still one simple command, but with what only a shell should
 *   evaluate (redirections, globs, ~, $(...), ${VAR:-x}, $1...): it runs as
 *   /bin/sh -c 'exec COMMAND', so the shell replaces itself by the program.
 * - SHELL: real shell syntax (a && b, pipes, ;, &, (...), if, for, shell
 *   builtins such as cd or echo): /bin/sh -c 'COMMAND' as written; the shell
 *   stays the instance's leader.
 */
#ifndef PROCINIT_CMDLINE_H
#define PROCINIT_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "lex.h"

enum cmdline_kind { CMDLINE_DIRECT, CMDLINE_EXEC, CMDLINE_SHELL };

struct cmdline {
	enum cmdline_kind kind;
	char **argv; /* DIRECT: the expanded words, NULL-terminated */
	size_t argc;
	char **assign; /* DIRECT: "NAME=value" for the leading assignments */
	size_t nassign;
	char *script;    /* EXEC and SHELL: the text for /bin/sh -c */
	const char *why; /* EXEC and SHELL: what made the shell necessary */
};

/*
 * Plans TEXT (LEN bytes). LOOKUP gives the values a DIRECT command's
 * expansions take (the instance's environment). Returns 0 or ENOMEM.
 */
int cmdline_plan(const char *text, size_t len, lex_lookup_fn lookup, void *ctx, struct cmdline *out);

void cmdline_free(struct cmdline *c);

/*
 * Whether a shell command uses its positional parameters ($@, $*, $1..$9,
 * ${@...}, ${1...}) outside single quotes: then `run NAME ARGS` passes ARGS
 * as those parameters only, instead of appending "$@".
 */
bool cmdline_uses_args(const char *command);

const char *cmdline_kind_name(enum cmdline_kind kind);

#endif
