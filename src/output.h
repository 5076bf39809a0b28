/* SPDX-License-Identifier: MIT */
/*
 * output: procinit's stdout. Owns the output lock (a leaf lock: nothing else
 * is taken while it is held; messages about write errors go to stderr after
 * it is released) and the prefix format. Called from pump threads and the
 * announcer thread; configured by main before any thread starts.
 */
#ifndef PROCINIT_OUTPUT_H
#define PROCINIT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define OUTPUT_PREFIX_MAX 192
#define OUTPUT_NAME_MAX 96 /* instance names: 63-byte type name + ".10000" */
#define OUTPUT_SYSTEM_COLOR "1;37"
#define OUTPUT_REPORT_INTERVAL 1.0 /* seconds between two "lines dropped" messages */

void output_configure(int fd, bool color, bool timestamp, size_t width);
bool output_timestamps(void);

/* The colour code of the process type with this index, e.g. "36". */
const char *output_color_for(size_t type_index);

/*
 * Formats "[ESC[cm][HH:MM:SS ]NAME<pad> | [ESC[0m]" into DST (at least
 * OUTPUT_PREFIX_MAX bytes); NOW is used only with timestamps. Returns length.
 */
size_t output_prefix(char *dst, const char *name, const char *color, time_t now);

/*
 * Writes BUF (whole lines) under the output lock. Once stdout is gone (EPIPE,
 * EBADF) everything is dropped silently, so the children keep being drained.
 * Any other error (ENOSPC, EIO, EFBIG) drops only what could not be written
 * and counts its lines; stderr hears of it at most once per
 * OUTPUT_REPORT_INTERVAL ("procinit: stdout: No space left on
 * device; 12 lines dropped"), and once more, with the total, after writes
 * succeed again if some drops were not reported yet. A line cut by the error
 * keeps what was written; its newline goes before the next line written.
 */
void output_write(const void *buf, size_t len);

/*
 * Says what no report covered yet. For the end of the run, after the last
 * line; never waits (a writer blocked on stdout holds the lock: then nothing).
 */
void output_finish(void);

#endif
