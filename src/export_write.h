/* SPDX-License-Identifier: MIT */
/*
 * export_write: puts a generator's files into DIR: the manifest of what
 * procinit export wrote, atomic renames, --force. Main thread, before any
 * child or thread exists; no locks.
 */
#ifndef PROCINIT_EXPORT_WRITE_H
#define PROCINIT_EXPORT_WRITE_H

#include <stdbool.h>

#include "export_model.h"

/*
 * Writes OUT's files into DIR (created if missing) for FORMAT and APP, with
 * the manifest DIR/.procinit-export; prints "wrote PATH" / "removed PATH".
 * Returns 0, or 2 after printing every error.
 */
int export_write(const char *dir, const char *format, const char *app, const struct export_out *out,
		 bool force);

#endif
