/* SPDX-License-Identifier: MIT */
/*
 * measure: runs one supervisor and measures it, and only it.
 *
 *   measure [-o FILE] [-i FEEDER] [-n COUNT -c COMM] [-w SETTLE_MS]
 *           [-x IDLE_S] [-s SIG [-g]] [-r SAMPLE_MS] [-T TIMEOUT_S] -- CMD [ARG...]
 *
 * CMD runs in a session of its own with stdin from /dev/null (or from the
 * shell command FEEDER through a pipe) and measure's stdout and stderr.
 * measure is a child subreaper, so whatever CMD leaves behind comes back to
 * it: it is counted (leftover) and SIGKILLed at the end.
 *
 * Sequence: start CMD; every SAMPLE_MS (10) read VmHWM and Threads from
 * /proc/PID/status; with -n, wait until COUNT live descendants of CMD are
 * named COMM (ready_ms; /proc is scanned every 1 ms at first, backing off
 * to every 50 ms: about 5% of the time so far); wait SETTLE_MS more; with
 * -x, sum the voluntary and involuntary context switches of all of CMD's
 * threads (/proc/PID/task/TID/status) over IDLE_S seconds; with -s, send
 * SIG to CMD alone (with -g: to its process group, as a terminal's ctrl-c
 * does) and time until it has exited (stop_ms). After TIMEOUT_S (-T, 600)
 * seconds CMD's whole tree is SIGKILLed (timeout=1).
 *
 * CPU of the supervisor itself: when CMD has exited, measure waits for it
 * with WNOWAIT, so it is a zombie that still has its accounting, and reads
 * /proc/PID/stat: utime and stime are the whole thread group's own CPU
 * time, cutime and cstime that of the children it reaped, which are not
 * counted. Only then is it reaped. Resolution: 1/CLK_TCK (10 ms).
 *
 * Peak RSS: the largest VmHWM seen while sampling (CMD's own address space,
 * not its children's; wait4's ru_maxrss would be the largest of CMD and its
 * descendants). The last sample is at most SAMPLE_MS before the exit.
 *
 * Prints one line of key=value to FILE (appended) or to stderr:
 *   wall_ms ready_ms stop_ms cpu_s utime_s stime_s child_cpu_s hwm_kb
 *   threads vcsw nvcsw exit leftover timeout procs
 * procs: how many live processes CMD had below it when COUNT were ready
 * (intermediate shells included).
 * wall_ms and ready_ms count from just before the fork, stop_ms from the
 * signal. Missing values are -1.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct proc {
	int pid, ppid;
	char state;
	char comm[32];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static ssize_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, got = 0;

	if (fd < 0)
		return -1;
	while ((size_t)got < cap - 1 && (n = read(fd, buf + got, cap - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return got;
}

/* pid, comm, state, ppid from /proc/PID/stat. */
static int read_stat(int pid, struct proc *p)
{
	char path[64], buf[1024], *l, *r;
	size_t len;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof buf) <= 0)
		return -1;
	l = strchr(buf, '(');
	r = strrchr(buf, ')');
	if (!l || !r || r < l)
		return -1;
	len = (size_t)(r - l - 1);
	if (len >= sizeof p->comm)
		len = sizeof p->comm - 1;
	memcpy(p->comm, l + 1, len);
	p->comm[len] = 0;
	p->pid = pid;
	if (sscanf(r + 2, "%c %d", &p->state, &p->ppid) != 2)
		return -1;
	return 0;
}

static struct proc *procs;
static size_t nprocs, capprocs;

static int cmp_pid(const void *a, const void *b)
{
	return ((const struct proc *)a)->pid - ((const struct proc *)b)->pid;
}

static void scan_procs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	nprocs = 0;
	if (!d)
		return;
	while ((e = readdir(d))) {
		struct proc p;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (read_stat(atoi(e->d_name), &p))
			continue;
		if (nprocs == capprocs) {
			capprocs = capprocs ? 2 * capprocs : 1024;
			procs = realloc(procs, capprocs * sizeof *procs);
			if (!procs)
				abort();
		}
		procs[nprocs++] = p;
	}
	closedir(d);
	qsort(procs, nprocs, sizeof *procs, cmp_pid);
}

static long find(int pid)
{
	size_t lo = 0, hi = nprocs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (procs[mid].pid == pid)
			return (long)mid;
		if (procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Marks root and its descendants in mark[] (indexes of procs). */
static void mark_tree(int root, char *mark)
{
	int changed = 1;

	memset(mark, 0, nprocs);
	for (size_t i = 0; i < nprocs; i++)
		if (procs[i].pid == root)
			mark[i] = 1;
	while (changed) {
		changed = 0;
		for (size_t i = 0; i < nprocs; i++) {
			long j;

			if (mark[i])
				continue;
			j = find(procs[i].ppid);
			if (j >= 0 && mark[j]) {
				mark[i] = 1;
				changed = 1;
			}
		}
	}
}

/*
 * A fresh scan; returns marks (indexes of procs, free it) of root's live
 * descendants, root itself and zombies left out.
 */
static char *live_descendants(int root)
{
	char *mark;

	scan_procs();
	mark = calloc(nprocs + 1, 1);
	if (!mark)
		abort();
	mark_tree(root, mark);
	for (size_t i = 0; i < nprocs; i++)
		if (procs[i].pid == root || procs[i].state == 'Z')
			mark[i] = 0;
	return mark;
}

/* Live descendants of root (not root itself) named comm. */
static int count_named(int root, const char *comm)
{
	char *mark = live_descendants(root);
	int n = 0;

	for (size_t i = 0; i < nprocs; i++)
		if (mark[i] && !strcmp(procs[i].comm, comm))
			n++;
	free(mark);
	return n;
}

/* Live descendants of root, whatever they are (the supervisor's shells too). */
static int count_all(int root)
{
	char *mark = live_descendants(root);
	int n = 0;

	for (size_t i = 0; i < nprocs; i++)
		n += mark[i] != 0;
	free(mark);
	return n;
}

/* SIGKILLs root's whole tree but skip. Returns how many were alive. */
static int kill_tree(int root, int skip)
{
	char *mark = live_descendants(root);
	int n = 0;

	for (size_t i = 0; i < nprocs; i++)
		if (mark[i] && procs[i].pid != skip) {
			kill(procs[i].pid, SIGKILL);
			n++;
		}
	free(mark);
	return n;
}

static long status_field(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void sample(int pid, long *hwm, long *threads)
{
	char path[64], buf[4096];
	long v;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (read_file(path, buf, sizeof buf) <= 0)
		return;
	v = status_field(buf, "\nVmHWM:");
	if (v > *hwm)
		*hwm = v;
	v = status_field(buf, "\nThreads:");
	if (v > *threads)
		*threads = v;
}

static void ctx_switches(int pid, long *vol, long *invol)
{
	char path[320], buf[4096];
	struct dirent *e;
	DIR *d;

	*vol = *invol = 0;
	snprintf(path, sizeof path, "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/status", pid, e->d_name);
		if (read_file(path, buf, sizeof buf) <= 0)
			continue;
		*vol += status_field(buf, "\nvoluntary_ctxt_switches:");
		*invol += status_field(buf, "\nnonvoluntary_ctxt_switches:");
	}
	closedir(d);
}

static void usage(void)
{
	fputs("usage: measure [-o FILE] [-i FEEDER] [-n COUNT -c COMM] [-w SETTLE_MS] [-x IDLE_S]\n"
	      "               [-s SIG [-g]] [-r SAMPLE_MS] [-T TIMEOUT_S] -- CMD [ARG...]\n",
	      stderr);
	exit(2);
}

enum phase { P_READY, P_SETTLE, P_IDLE, P_SIGNAL, P_WAIT };

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *feeder = NULL, *comm = NULL;
	int count = 0, sig = 0, group = 0, opt, pidfd, feeder_pid = -1, fds[2] = { -1, -1 }, status;
	double settle = 0, idle = 0, interval = 10, timeout = 600;
	double t0, t_ready = -1, t_sig = -1, t_exit, t_phase = 0;
	int nready = -1;
	long hwm = -1, threads = -1, v0 = 0, nv0 = 0, v1 = -1, nv1 = -1;
	unsigned long long ut = 0, st = 0, cut = 0, cst = 0;
	int leftover = 0, timed_out = 0, code;
	enum phase phase;
	pid_t pid;
	siginfo_t si;
	FILE *f;

	while ((opt = getopt(argc, argv, "+o:i:n:c:w:x:s:gr:T:")) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'i': feeder = optarg; break;
		case 'n': count = atoi(optarg); break;
		case 'c': comm = optarg; break;
		case 'w': settle = atof(optarg); break;
		case 'x': idle = atof(optarg); break;
		case 's': sig = atoi(optarg); break;
		case 'g': group = 1; break;
		case 'r': interval = atof(optarg); break;
		case 'T': timeout = atof(optarg); break;
		default: usage();
		}
	}
	if (optind >= argc || (count && !comm) || interval < 1)
		usage();
	argv += optind;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_DFL);
	/* ctrl-c on the benchmark: take the supervisor's tree down with us
	 * (it runs in a session of its own, so the terminal doesn't reach it) */
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}

	if (feeder) {
		if (pipe2(fds, O_CLOEXEC))
			return perror("measure: pipe"), 1;
		feeder_pid = fork();
		if (feeder_pid == 0) {
			dup2(fds[1], 1);
			execl("/bin/sh", "sh", "-c", feeder, (char *)NULL);
			_exit(127);
		}
	}
	t0 = now_ms();
	pid = fork();
	if (pid < 0)
		return perror("measure: fork"), 1;
	if (pid == 0) {
		int in = feeder ? fds[0] : open("/dev/null", O_RDONLY);

		setsid();
		dup2(in, 0);
		execvp(argv[0], argv);
		fprintf(stderr, "measure: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (feeder) {
		close(fds[0]);
		close(fds[1]);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return perror("measure: pidfd_open"), 1;

	phase = count ? P_READY : (idle > 0 || sig) ? P_SETTLE : P_WAIT;
	if (phase == P_SETTLE)
		t_phase = t0;
	for (;;) {
		struct pollfd pfd = { pidfd, POLLIN, 0 };
		double t, wait = interval;

		/* While waiting for the processes to run, look often at first and
		 * less often later: the resolution stays near 5% of the time taken,
		 * and the /proc scans compete little with the supervisor. */
		if (phase == P_READY) {
			wait = (now_ms() - t0) / 20;
			wait = wait < 1 ? 1 : wait > 50 ? 50 : wait;
		}
		if (poll(&pfd, 1, (int)wait) > 0)
			break;
		t = now_ms();
		sample(pid, &hwm, &threads);
		if (interrupted) {
			kill_tree(pid, -1);
			kill(pid, SIGKILL);
			break;
		}
		if (!timed_out && t - t0 > timeout * 1e3) {
			timed_out = 1;
			kill_tree(pid, -1);
			kill(pid, SIGKILL);
			continue;
		}
		switch (phase) {
		case P_READY:
			if (count_named(pid, comm) >= count) {
				t_ready = now_ms();
				nready = count_all(pid);
				t_phase = t_ready;
				phase = P_SETTLE;
			}
			break;
		case P_SETTLE:
			if (t - t_phase < settle)
				break;
			if (idle > 0) {
				ctx_switches(pid, &v0, &nv0);
				t_phase = now_ms();
				phase = P_IDLE;
				break;
			}
			phase = P_SIGNAL;
			/* fall through */
		case P_SIGNAL:
		signal_now:
			if (sig) {
				t_sig = now_ms();
				kill(group ? -pid : pid, sig); /* CMD leads its session and group */
			}
			phase = P_WAIT;
			break;
		case P_IDLE:
			if (t - t_phase < idle * 1e3)
				break;
			ctx_switches(pid, &v1, &nv1);
			v1 -= v0;
			nv1 -= nv0;
			goto signal_now;
		case P_WAIT:
			break;
		}
	}
	t_exit = now_ms();

	/* A zombie now, not yet reaped: its own CPU time is still readable. */
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) == 0) {
		char path[64], buf[2048], *r;

		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		if (read_file(path, buf, sizeof buf) > 0 && (r = strrchr(buf, ')')))
			sscanf(r + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
			       &ut, &st, &cut, &cst);
	}
	waitpid(pid, &status, 0);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

	/* Whatever the supervisor left running came back to us. */
	leftover = kill_tree(getpid(), feeder_pid);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;

	f = out ? fopen(out, "a") : stderr;
	if (!f)
		return perror(out), 1;
	{
		double tck = (double)sysconf(_SC_CLK_TCK);

		fprintf(f,
			"wall_ms=%.2f ready_ms=%.2f stop_ms=%.2f cpu_s=%.2f utime_s=%.2f stime_s=%.2f "
			"child_cpu_s=%.2f hwm_kb=%ld threads=%ld vcsw=%ld nvcsw=%ld exit=%d leftover=%d "
			"timeout=%d procs=%d\n",
			t_exit - t0, t_ready < 0 ? -1 : t_ready - t0, t_sig < 0 ? -1 : t_exit - t_sig,
			(double)(ut + st) / tck, (double)ut / tck, (double)st / tck,
			(double)(cut + cst) / tck, hwm, threads, v1, nv1, code, leftover, timed_out,
			nready);
	}
	if (f != stderr)
		fclose(f);
	if (interrupted)
		return 128 + interrupted;
	return timed_out ? 3 : 0;
}
