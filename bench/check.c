/* SPDX-License-Identifier: MIT */
/*
 * check: reads a supervisor's output on stdin and verifies the records that
 * bench/gen.c wrote (see there for the shape). Whatever a supervisor puts
 * before the record (its prefix, a timestamp) is ignored; the record must be
 * the rest of the line, whole.
 *
 *   check [-n IDS] [-l LINES]      expect ids 1..IDS, LINES records each
 *
 * Counts, printed as one line of key=value on stdout:
 *   lines      output lines read
 *   whole      records that arrived whole, each on a line of its own
 *   broken     record starts ('@') on a line that is not exactly one whole
 *              record: split at a read boundary, glued to another record,
 *              cut short, or with foreign bytes inside
 *   missing    expected records of which not even the start arrived
 *              (expected - whole - broken, when IDS and LINES are given)
 *   misordered whole records that came after a record of the same id with
 *              a higher sequence number: reordered or duplicated (lost
 *              records show as missing)
 *   other      lines without any '@': the supervisor's own lines, and the
 *              tails of split records
 *   bytes      bytes read
 * Exits 0 when every expected record arrived whole and in order, else 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REC 79 /* record length without the newline */
#define FILL 62
#define MAXID 100
#define BUFSZ (4u << 20)

static unsigned long long lines, whole, broken, misordered, other, bytes;
static unsigned long long next_seq[MAXID], seen[MAXID];

static int digits(const char *p, int n, unsigned long long *v)
{
	unsigned long long x = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		x = x * 10 + (unsigned long long)(p[i] - '0');
	}
	*v = x;
	return 1;
}

/* One line without its newline. */
static void line(const char *l, size_t n)
{
	const char *at = memchr(l, '@', n), *p;
	unsigned long long id, seq;
	char c;

	lines++;
	if (!at) {
		other++;
		return;
	}
	if ((size_t)(l + n - at) != REC || memchr(at + 1, '@', REC - 1))
		goto bad;
	if (!digits(at + 1, 2, &id) || at[3] != ':' || !digits(at + 4, 12, &seq) ||
	    at[16] != ':' || id >= MAXID)
		goto bad;
	c = (char)('A' + (id + seq) % 26);
	for (p = at + 17; p < at + REC; p++)
		if (*p != c)
			goto bad;
	whole++;
	seen[id]++;
	if (seq < next_seq[id])
		misordered++;
	else
		next_seq[id] = seq + 1;
	return;
bad:
	/* every record start on this line is a broken record; one whose id and
	 * sequence number survived still counts as seen for the order check */
	for (p = at; p; p = memchr(p + 1, '@', (size_t)(l + n - p - 1))) {
		broken++;
		if (l + n - p >= 17 && digits(p + 1, 2, &id) && p[3] == ':' &&
		    digits(p + 4, 12, &seq) && p[16] == ':' && id < MAXID && seq >= next_seq[id])
			next_seq[id] = seq + 1;
	}
}

int main(int argc, char **argv)
{
	unsigned long long ids = 0, per = 0, missing = 0, expected;
	char *buf = malloc(BUFSZ);
	size_t have = 0;
	int opt;

	while ((opt = getopt(argc, argv, "n:l:")) != -1) {
		switch (opt) {
		case 'n': ids = strtoull(optarg, NULL, 10); break;
		case 'l': per = strtoull(optarg, NULL, 10); break;
		default:
			fputs("usage: check [-n IDS] [-l LINES] < output\n", stderr);
			return 2;
		}
	}
	if (!buf)
		return 2;
	for (;;) {
		ssize_t r = read(0, buf + have, BUFSZ - have);
		char *s, *e, *end;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			perror("check: read");
			return 2;
		}
		if (r == 0)
			break;
		bytes += (unsigned long long)r;
		have += (size_t)r;
		s = buf;
		end = buf + have;
		while ((e = memchr(s, '\n', (size_t)(end - s)))) {
			line(s, (size_t)(e - s));
			s = e + 1;
		}
		have = (size_t)(end - s);
		if (have == BUFSZ) { /* a line longer than the buffer: cut it */
			line(buf, have);
			have = 0;
		}
		memmove(buf, s, have);
	}
	if (have)
		line(buf, have); /* last line without a newline */
	expected = ids * per;
	if (expected > whole + broken)
		missing = expected - whole - broken;
	printf("lines=%llu whole=%llu broken=%llu missing=%llu misordered=%llu other=%llu bytes=%llu\n",
	       lines, whole, broken, missing, misordered, other, bytes);
	if (ids && per) {
		for (unsigned long long i = 1; i <= ids && i < MAXID; i++)
			if (seen[i] != per)
				return 1;
		return broken || misordered || whole != expected;
	}
	return broken || misordered;
}
