/* SPDX-License-Identifier: MIT */
/*
 * output: the output lock and the prefix format. Pump threads and the
 * announcer write through here; the lock is held for exactly one write of
 * whole lines, so lines never split or interleave. A write error other than
 * EPIPE/EBADF (a full disk) drops and counts lines until writes succeed
 * again; what there is to say about it is decided under the lock and said
 * on stderr after it is released, so the lock stays a leaf.
 */
#include "output.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "io.h"
#include "log.h"

static int out_fd = 1;
static bool use_color, use_stamp;
static size_t name_width = 6;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* Everything below is guarded by out_lock. */
static bool gone;             /* EPIPE/EBADF: no one will read stdout again */
static bool owe_newline;      /* a write stopped mid-line: end that line first */
static off_t cut_end;         /* where that line stops in a file, or -1 (a pipe) */
static int fail_err;          /* the error of the failing writes, 0 while they succeed */
static unsigned long dropped; /* lines lost since the writes began to fail */
static bool unreported;       /* some of them stderr has not heard of yet */
static struct timespec last_report;
static bool reported; /* last_report holds a time */

/* A message decided under the lock, said after it. */
struct drop_report {
	int err; /* 0: writes succeed again */
	unsigned long lines;
	bool due;
};

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
		snprintf(stamp, sizeof(stamp), "%02d:%02d:%02d ", tm.tm_hour, tm.tm_min, tm.tm_sec);
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

static unsigned long count_lines(const char *p, size_t len)
{
	const char *end = p + len;
	unsigned long n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n ? n : (unsigned long)(len > 0); /* a piece without its newline is a line too */
}

/* At most one message a second, so a full disk cannot flood stderr (often the same disk). */
static bool report_due(void)
{
	struct timespec now = mono_now();

	if (reported && mono_diff(last_report, now) < OUTPUT_REPORT_INTERVAL)
		return false;
	last_report = now;
	reported = true;
	return true;
}

static void take_report(struct drop_report *r)
{
	r->err = fail_err;
	r->lines = dropped;
	r->due = true;
	unreported = false;
	if (!fail_err)
		dropped = 0; /* the summary of a failure that is over */
}

static void on_failure(const char *buf, size_t len, size_t done, int err, struct drop_report *r)
{
	unsigned long n = count_lines(buf + done, len - done);

	/*
	 * Half a line is in the file; the rest is lost. Its newline goes out
	 * before the next line that can be written, so no two lines are joined.
	 */
	if (done > 0 && buf[done - 1] != '\n') {
		owe_newline = true;
		cut_end = lseek(out_fd, 0, SEEK_CUR);
	}
	fail_err = err;
	dropped += n;
	unreported = true;
	if (report_due())
		take_report(r);
}

/*
 * A file truncated since the cut (`> app.log` to make room, a logrotate
 * copytruncate) no longer holds the half line: nothing to end then.
 */
static bool cut_line_gone(void)
{
	struct stat st;

	return cut_end >= 0 && fstat(out_fd, &st) == 0 && S_ISREG(st.st_mode) &&
	       st.st_size < cut_end;
}

static void write_locked(const char *buf, size_t len, struct drop_report *r)
{
	size_t done = 0;
	int err = 0;

	if (owe_newline && !cut_line_gone())
		err = io_write_count(out_fd, "\n", 1, &done);
	owe_newline = err != 0;
	if (!err)
		err = io_write_count(out_fd, buf, len, &done);
	else
		done = 0;
	if (err == EPIPE || err == EBADF) {
		gone = true; /* quietly, as a closed pipe is an ordinary end */
		return;
	}
	if (err) {
		on_failure(buf, len, done, err, r);
		return;
	}
	fail_err = 0;
	if (!unreported)
		dropped = 0;
	else if (report_due())
		take_report(r); /* once, how many in all, as soon as the interval allows */
}

/*
 * Outside the output lock: stderr may be slow, or on the same full disk
 * (then this one write fails too, and that is all).
 */
static void say(const struct drop_report *r)
{
	const char *s = r->lines == 1 ? "" : "s";

	if (!r->due)
		return;
	if (r->err)
		log_info("stdout: %s; %lu line%s dropped", strerror(r->err), r->lines, s);
	else
		log_info("stdout: writing again; %lu line%s dropped in all", r->lines, s);
}

void output_write(const void *buf, size_t len)
{
	struct drop_report r = { 0 };

	pthread_mutex_lock(&out_lock);
	/* A dead stdout must not stop us draining and supervising children. */
	if (!gone)
		write_locked(buf, len, &r);
	pthread_mutex_unlock(&out_lock);
	say(&r);
}

void output_finish(void)
{
	struct drop_report r = { 0 };

	/* A writer blocked on a stdout nobody reads holds the lock: then say nothing. */
	if (pthread_mutex_trylock(&out_lock) != 0)
		return;
	if (!gone && unreported)
		take_report(&r);
	pthread_mutex_unlock(&out_lock);
	say(&r);
}
