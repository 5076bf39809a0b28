/* SPDX-License-Identifier: MIT */
/*
 * orphans: a scan of /proc/PID/stat for children of ours. Runs in the
 * supervisor thread during the final sweep only, so its cost never matters
 * while the app runs.
 */
#include "orphans.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"

/* Reads state and ppid from /proc/PID/stat; comm may hold spaces and ')'. */
static int read_stat(const char *pid, char *state, long *ppid)
{
	char path[64], buf[512], *p, *end;
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
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	*state = p[2];
	errno = 0;
	*ppid = strtol(p + 4, &end, 10);
	return (errno || end == p + 4) ? -1 : 0;
}

bool orphans_none(void)
{
	siginfo_t si;

	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) < 0 && errno == ECHILD;
}

size_t orphans_signal(int sig, bool pid1)
{
	long self = (long)getpid();
	size_t found = 0;
	struct dirent *de;
	DIR *d;

	d = opendir("/proc");
	if (!d) {
		/* No /proc (a bare chroot): as init we can still reach everyone. */
		if (pid1)
			return kill(-1, sig) == 0 ? 1 : 0;
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		char *end, state;
		long pid, ppid;

		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		if (read_stat(de->d_name, &state, &ppid) < 0 || state == 'Z')
			continue;
		if (pid1) {
			found++;
		} else if (ppid == self) {
			found++;
			kill((pid_t)pid, sig);
		}
	}
	closedir(d);
	if (pid1 && found)
		kill(-1, sig);
	return found;
}
