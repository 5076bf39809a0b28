/* SPDX-License-Identifier: MIT */
/*
 * export: the `procinit export FORMAT DIR` command: loads the app as
 * `start` would, builds the export model, runs the format's generator and
 * writes the files. Main thread, before any child or thread exists.
 */
#ifndef PROCINIT_EXPORT_H
#define PROCINIT_EXPORT_H

struct settings;

/* `procinit export`: loads the app as `start` would, generates, writes. 0 or 2. */
int export_main(const struct settings *s);

#endif
