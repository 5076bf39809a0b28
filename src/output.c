/* SPDX-License-Identifier: MIT */
/*
 * output: the output lock and the prefix format. Pump threads and the
 * announcer write through here; the lock is held for exactly one
 * io_write_all of whole lines, so lines never split or interleave.
 */
#include "output.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "io.h"

static int out_fd = 1;
static bool use_color, use_stamp;
static size_t name_width = 6;
static bool broken;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* foreman's palette, in the same order, so a project looks the same. */
static const char *const palette[] = {
	"36", "33", "32", "35", "31", "34", "96", "93", "92", "95", "91", "94",
};

void output_configure(int fd, bool color, bool timestamp, size_t width)
{
	out_fd = fd;
	use_color = color;
	use_stamp = timestamp;
	name_width = width < OUTPUT_NAME_MAX ? width : OUTPUT_NAME_MAX;
}

bool output_timestamps(void)
{
	return use_stamp;
}

const char *output_color_for(size_t type_index)
{
	return palette[type_index % (sizeof(palette) / sizeof(palette[0]))];
}

size_t output_prefix(char *dst, const char *name, const char *color, time_t now)
{
	char stamp[16] = "";
	struct tm tm;
	int n;

	if (use_stamp && localtime_r(&now, &tm))
		snprintf(stamp, sizeof(stamp), "%02d:%02d:%02d ", tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
	if (use_color)
		n = snprintf(dst, OUTPUT_PREFIX_MAX, "\033[%sm%s%-*.*s | \033[0m", color, stamp,
			     (int)name_width, OUTPUT_NAME_MAX, name);
	else
		n = snprintf(dst, OUTPUT_PREFIX_MAX, "%s%-*.*s | ", stamp, (int)name_width,
			     OUTPUT_NAME_MAX, name);
	if (n < 0)
		n = 0;
	if (n >= OUTPUT_PREFIX_MAX)
		n = OUTPUT_PREFIX_MAX - 1;
	return (size_t)n;
}

void output_write(const void *buf, size_t len)
{
	pthread_mutex_lock(&out_lock);
	/* A dead stdout must not stop us draining and supervising children. */
	if (!broken && io_write_all(out_fd, buf, len) != 0)
		broken = true;
	pthread_mutex_unlock(&out_lock);
}
