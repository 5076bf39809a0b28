/* SPDX-License-Identifier: MIT */
/*
 * orphans: the reaping benchmark's child, run by an init as PID 1 in a PID
 * namespace of its own (unshare --pid --fork --mount-proc INIT -- orphans).
 *
 *   orphans COUNT RESULT_FILE
 *
 * A helper process forks COUNT children that exit at once and never waits
 * for them, then exits itself when told: its COUNT zombies pass to PID 1 in
 * one go. From that moment we wait until PID 1 has reaped every one of
 * them, and append to RESULT_FILE:
 *
 *   create_ms=... reap_ms=... handover_ms=... total_ms=... init_cpu_ms=...
 *   left=N method=M
 *
 * create_ms: forking the orphans; reap_ms: from telling the helper to exit
 * until all orphans are reaped (the init's work, plus handover_ms, the
 * kernel's handing them over, a few ms); total_ms: create + reap; left:
 * orphans still there after 60 s (0 when all went); init_cpu_ms: the CPU
 * time all of PID 1's threads used meanwhile (their schedstat), which the
 * machine's noise moves less than the wall time.
 *
 * How we see that all are reaped without taking CPU from the init: the
 * kernel hands the orphans over in the order they were created and an init
 * reaping with waitpid(-1) takes them in that order, so we block in poll()
 * on a pidfd of the last one, which reports POLLHUP once it has been reaped
 * (Linux 6.9 and later); then one look at /proc must find no orphan left
 * (method=pidfd). Otherwise, or where pidfds can't tell, we count what is
 * left in /proc every 0.5 ms until nothing is (method=scan): that costs a
 * core, and 10,000 entries make each early count slow.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LIMIT_MS 60000.0

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Does a pidfd report POLLHUP once its process has been reaped? */
static int pidfd_reports_reaping(void)
{
	struct pollfd p;
	pid_t pid = fork();
	int fd, ok;

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return 0;
	fd = pidfd_open(pid);
	waitpid(pid, NULL, 0);
	if (fd < 0)
		return 0;
	p.fd = fd;
	p.events = 0;
	p.revents = 0;
	ok = poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
	close(fd);
	return ok;
}

struct dirent64_ {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* Calls fn(pid, arg) for every process in /proc; raw getdents64, it is hot. */
static void each_pid(int procfd, void (*fn)(int, void *), void *arg)
{
	static char buf[1 << 20];
	long got;

	lseek(procfd, 0, SEEK_SET);
	while ((got = syscall(SYS_getdents64, procfd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < got;) {
			struct dirent64_ *d = (void *)(buf + off);

			off += d->reclen;
			if (d->name[0] >= '0' && d->name[0] <= '9')
				fn(atoi(d->name), arg);
		}
	}
}

/* CPU time of all PID 1's threads so far, in ns (/proc/1/task/TID/schedstat) */
static double init_cpu_ns(void)
{
	char path[300], buf[128];
	struct dirent *e;
	double sum = 0;
	DIR *d = opendir("/proc/1/task");

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int fd;
		ssize_t n;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/1/task/%s/schedstat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n > 0) {
			buf[n] = 0;
			sum += strtod(buf, NULL);
		}
	}
	closedir(d);
	return sum;
}

struct count {
	int self;
	long n;
};

static void count_one(int pid, void *arg)
{
	struct count *c = arg;

	if (pid != 1 && pid != c->self)
		c->n++;
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 500000 };
	int ready[2], go[2], procfd, self = getpid(), use_pidfd;
	char c = 'g';
	double t0, tf, t1, th, t2, c1, c2;
	long count, left = 0;
	struct count cnt = { 0, 0 };
	pid_t helper, last = 0;
	int lastfd = -1;
	FILE *f;

	if (argc != 3 || (count = atol(argv[1])) < 1) {
		fputs("usage: orphans COUNT RESULT_FILE\n", stderr);
		return 2;
	}
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return perror("orphans: /proc"), 1;
	if (getppid() != 1)
		fprintf(stderr, "orphans: warning: parent %d is not PID 1: is the init PID 1 of a new namespace?\n",
			getppid());
	use_pidfd = pidfd_reports_reaping();
	cnt.self = self;
	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		return perror("orphans: pipe"), 1;

	t0 = now_ms();
	helper = fork();
	if (helper == 0) {
		pid_t p = 0;

		for (long i = 0; i < count; i++) {
			p = fork();
			if (p == 0)
				_exit(0);
			if (p < 0) {
				perror("orphans: fork");
				_exit(1);
			}
		}
		/* all forked: tell the last one's pid, wait for the word, then hand
		 * them all to PID 1 */
		(void)!write(ready[1], &p, sizeof p);
		(void)!read(go[0], &c, 1);
		_exit(0);
	}
	if (helper < 0)
		return perror("orphans: fork"), 1;
	if (read(ready[0], &last, sizeof last) != sizeof last)
		return fputs("orphans: helper failed\n", stderr), 1;
	tf = now_ms();
	if (use_pidfd && (lastfd = pidfd_open(last)) < 0)
		use_pidfd = 0;
	c1 = init_cpu_ns();
	t1 = now_ms();
	(void)!write(go[1], &c, 1);
	if (waitpid(helper, NULL, 0) != helper)
		return perror("orphans: helper"), 1;
	th = now_ms();
	if (use_pidfd) {
		struct pollfd p = { lastfd, 0, 0 };
		int r;

		do
			r = poll(&p, 1, (int)LIMIT_MS);
		while (r < 0 && errno == EINTR);
		cnt.n = 0;
		each_pid(procfd, count_one, &cnt);
		if (r != 1 || !(p.revents & POLLHUP) || cnt.n)
			use_pidfd = 0; /* not in order after all: count the rest */
	}
	if (!use_pidfd) {
		for (;;) {
			cnt.n = 0;
			each_pid(procfd, count_one, &cnt);
			left = cnt.n;
			if (!left || now_ms() - t1 > LIMIT_MS)
				break;
			nanosleep(&nap, NULL);
		}
	}
	t2 = now_ms();
	usleep(1000); /* let PID 1 go back to sleep: its schedstat is then current */
	c2 = init_cpu_ns();
	f = fopen(argv[2], "a");
	if (!f)
		return perror(argv[2]), 1;
	fprintf(f, "create_ms=%.2f reap_ms=%.2f handover_ms=%.2f total_ms=%.2f init_cpu_ms=%.2f left=%ld method=%s\n",
		tf - t0, t2 - t1, th - t1, (tf - t0) + (t2 - t1), c1 < 0 || c2 < 0 ? -1 : (c2 - c1) / 1e6, left, use_pidfd ? "pidfd" : "scan");
	fclose(f);
	return 0;
}
