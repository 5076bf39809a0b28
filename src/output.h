/* SPDX-License-Identifier: MIT */
/*
 * output: procinit's stdout. Owns the output lock (a leaf lock: nothing else
 * is taken while it is held) and the prefix format. Called from pump threads
 * and the announcer thread; configured by main before any thread starts.
 */
#ifndef PROCINIT_OUTPUT_H
#define PROCINIT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define OUTPUT_PREFIX_MAX 192
#define OUTPUT_NAME_MAX 96 /* instance names: 63-byte type name + ".10000" */
#define OUTPUT_SYSTEM_COLOR "1;37"

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
 * Writes BUF whole under the output lock. After stdout fails (EPIPE, EBADF,
 * ...) everything is dropped silently so the children keep being drained.
 */
void output_write(const void *buf, size_t len);

#endif
