/* SPDX-License-Identifier: MIT */
/*
 * gen: the benchmark's line generator. Prints LINES fixed 80-byte lines
 * (79 bytes + '\n') to stdout, as fast as the pipe takes them:
 *
 *   @II:SSSSSSSSSSSS:FFFF...F\n
 *
 * '@' opens a record, II is the generator's id (01..99), SSSSSSSSSSSS the
 * line's sequence number from 0, and F 62 copies of one letter that depends
 * on id and sequence ('A' + (id + seq) % 26), so a line glued together from
 * pieces of two lines is caught even when its length happens to be right.
 * bench/check.c verifies this shape.
 *
 * Output goes out in blocks of BLOCK bytes (default 65536, not a multiple
 * of 80), so lines straddle write() and therefore read() boundaries: a
 * supervisor that splits at read boundaries shows it.
 *
 *   gen [-i ID] [-n LINES] [-b BLOCK] [-d DELAY_MS] [-B DIR -C COUNT]
 *
 * -d DELAY_MS: sleep that long before the first write (for Ruby foreman,
 * which writes "started with pid N" into the child's own pipe after
 * starting it and deadlocks when the child has filled that pipe first).
 *
 * -B DIR -C COUNT: a barrier for fan-in runs. After the last write, wait
 * until the reader has drained our stdout pipe (FIONREAD == 0), create
 * DIR/ID, then wait until DIR holds COUNT entries before exiting. A
 * supervisor that stops everything when the first child exits then cannot
 * cut off the other children's output: they all exit only after everything
 * they wrote has been read.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define LINE 80
#define FILL 62

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				_exit(141);
			perror("gen: write");
			_exit(1);
		}
		p += w;
		n -= (size_t)w;
	}
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void barrier(const char *dir, int count, int id)
{
	char path[4096];
	int pending, fd;

	/* Wait until the reader has taken every byte we wrote (pipes only). */
	while (ioctl(1, FIONREAD, &pending) == 0 && pending > 0)
		nap_ms(1);
	snprintf(path, sizeof path, "%s/%d", dir, id);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror("gen: barrier");
		_exit(1);
	}
	close(fd);
	while (count_entries(dir) < count)
		nap_ms(5);
}

static void usage(void)
{
	fputs("usage: gen [-i ID] [-n LINES] [-b BLOCK] [-d DELAY_MS] [-B DIR -C COUNT]\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long lines = 1000, seq;
	size_t block = 65536, have = 0;
	const char *bdir = NULL;
	int id = 1, bcount = 0, delay = 0, opt, letter;
	char digits[12], *buf;

	while ((opt = getopt(argc, argv, "i:n:b:d:B:C:")) != -1) {
		switch (opt) {
		case 'i': id = atoi(optarg); break;
		case 'n': lines = strtoull(optarg, NULL, 10); break;
		case 'b': block = strtoul(optarg, NULL, 10); break;
		case 'd': delay = atoi(optarg); break;
		case 'B': bdir = optarg; break;
		case 'C': bcount = atoi(optarg); break;
		default: usage();
		}
	}
	if (id < 0 || id > 99 || block < 1 || block > (64u << 20) || (bdir && bcount < 1))
		usage();
	buf = malloc(block + LINE);
	if (!buf)
		return 1;
	if (delay > 0)
		nap_ms(delay);
	memset(digits, '0', sizeof digits);
	letter = id % 26;
	for (seq = 0; seq < lines; seq++) {
		char *l = buf + have;

		l[0] = '@';
		l[1] = (char)('0' + id / 10);
		l[2] = (char)('0' + id % 10);
		l[3] = ':';
		memcpy(l + 4, digits, sizeof digits);
		l[16] = ':';
		memset(l + 17, 'A' + letter, FILL);
		l[LINE - 1] = '\n';
		have += LINE;
		if (have >= block) {
			write_all(buf, block);
			have -= block;
			memcpy(buf, buf + block, have);
		}
		/* next sequence number, in ASCII */
		for (int i = 11; i >= 0; i--) {
			if (digits[i] != '9') {
				digits[i]++;
				break;
			}
			digits[i] = '0';
		}
		if (++letter == 26)
			letter = 0;
	}
	write_all(buf, have);
	free(buf);
	if (bdir)
		barrier(bdir, bcount, id);
	return 0;
}
