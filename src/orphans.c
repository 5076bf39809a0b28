/* SPDX-License-Identifier: MIT */
/*
 * orphans: reads /proc/PID/stat of every process. Kernel threads (PF_KTHREAD
 * in the flags) are no one's orphans: as the first process of a kernel,
 * procinit sees dozens of them.
 */
#include "orphans.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"

#define PF_KTHREAD 0x00200000UL

struct stat_line {
	char state;
	long ppid, pgrp;
	unsigned long flags;
};

/* The fields after "(comm)", which may itself hold spaces and ')'. */
static int parse_stat(char *buf, struct stat_line *st)
{
	char *p = strrchr(buf, ')'), *end;
	long session, tty, tpgid;

	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	st->state = p[2];
	p += 4;
	errno = 0;
	st->ppid = strtol(p, &end, 10);
	st->pgrp = strtol(end, &end, 10);
	session = strtol(end, &end, 10);
	tty = strtol(end, &end, 10);
	tpgid = strtol(end, &end, 10);
	st->flags = strtoul(end, &end, 10);
	(void)session;
	(void)tty;
	(void)tpgid;
	return errno ? -1 : 0;
}

static int read_stat(const char *pid, struct stat_line *st)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;

	if (strlen(pid) > 20)
		return -1;
	strcpy(path, "/proc/");
	strcat(path, pid);
	strcat(path, "/stat");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = io_read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return parse_stat(buf, st);
}

bool orphans_none(void)
{
	siginfo_t si;

	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) < 0 && errno == ECHILD;
}

bool orphans_readable(void)
{
	/* An empty folder (a tmpfs in its place, a bare chroot) is no /proc either. */
	return access("/proc/self/stat", R_OK) == 0;
}

static bool skipped(const struct orphan_filter *f, long pgrp)
{
	for (size_t i = 0; i < f->n_skip; i++)
		if (f->skip_pgids[i] == pgrp)
			return true;
	return false;
}

static bool counts(const struct orphan_filter *f, const struct stat_line *st, long self)
{
	if (st->state == 'Z' || st->state == 'X')
		return false;
	if (st->flags & PF_KTHREAD)
		return false; /* only the first process of a real kernel sees them */
	if (!f->pid1 && st->ppid != self)
		return false;
	return !skipped(f, st->pgrp);
}

long orphans_scan(const struct orphan_filter *f, void (*fn)(pid_t pid, void *ctx), void *ctx)
{
	long self = (long)getpid(), found = 0;
	struct dirent *de;
	DIR *d;

	if (!orphans_readable())
		return -1;
	d = opendir("/proc");
	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		struct stat_line st;
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == self)
			continue;
		if (read_stat(de->d_name, &st) < 0 || !counts(f, &st, self))
			continue;
		found++;
		if (fn)
			fn((pid_t)pid, ctx);
	}
	closedir(d);
	return found;
}
