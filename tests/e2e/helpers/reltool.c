/* SPDX-License-Identifier: MIT */
/*
 * reltool: the fast half of the reliability tests (test_faults, test_load),
 * where Python would be too slow for the volumes involved. One binary, one
 * job per sub-command:
 *
 *   reltool lines ID N           N lines "SEQ:ID:aaa..." on fd 1, in odd-sized
 *                                writes that split lines, as fast as possible
 *   reltool check-lines          reads procinit output on stdin; per instance
 *                                checks every "lines" line is whole and in
 *                                order; prints "NAME lines=N bad=B" per
 *                                instance, then "system=S other=O"
 *   reltool stream KIND BYTES    BYTES bytes on fd 1; KIND "pattern" (a..z
 *                                repeating, no newline) or "binary"
 *                                (pseudo-random, NUL and '\n' included)
 *   reltool check-stream NAME KIND BYTES
 *                                reads procinit output on stdin; the bodies
 *                                of NAME's lines must be exactly the stream:
 *                                each '\n' of it a line end, other line ends
 *                                only where procinit split (64 KiB pieces,
 *                                partial lines); prints
 *                                "bytes=B lines=L splits=X maxline=M errors=E"
 *   reltool sigcount             counts SIGHUP and SIGUSR1 (sigwaitinfo);
 *                                on SIGUSR2 prints "hup=H usr1=U", on SIGTERM
 *                                prints "term hup=H usr1=U" and exits 0
 *   reltool orphans N            as a process under procinit as PID 1: makes
 *                                N orphans (double fork; each waits until it
 *                                is reparented, then exits), then waits until
 *                                no zombie is left in the PID namespace;
 *                                prints "orphans=N reparented=R zombies=Z
 *                                procs=P secs=T"
 *   reltool kill-storm PID N SIG... sends N signals to PID, cycling through
 *                                the SIG numbers; prints "sent=N secs=T"
 *   reltool early-signals RUNS CMD...
 *                                RUNS times: starts CMD, waits until its
 *                                main has blocked signals (SigBlk in
 *                                /proc/PID/status, read in a tight loop),
 *                                then for 20 ms sends it every signal 1-64
 *                                but SIGKILL, SIGSTOP and the faults, round
 *                                after round, while it creates its threads;
 *                                then SIGCONT and SIGTERM every 50 ms until
 *                                it exits (SIGKILL after 10 s: hung); prints
 *                                "killed by SIG" per run a signal killed,
 *                                and "runs=N killed=K hung=H exited=E"
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror("reltool: write");
			exit(1);
		}
		p += w;
		n -= (size_t)w;
	}
}

/* ---------------------------------------------------------------- lines */

static size_t pad_len(unsigned long seq, unsigned id)
{
	return (seq * 7 + id * 13) % 23 + 1;
}

static char pad_char(unsigned id)
{
	return (char)('a' + id % 26);
}

/*
 * Writes BUF[0..LEN) (whole lines) in odd-sized pieces, each at most PIPE_BUF
 * bytes and ending at a line's end, so that the pipe takes each piece whole
 * (POSIX). A piece that stopped mid-line, or a larger one the pipe took in
 * parts, could leave a partial line that a writer descheduled for over
 * 100 ms (a loaded machine) would see flushed as a line of its own, by
 * design. Lines split across reads are fuzz_linesplit's to check.
 */
static void write_lines(const char *buf, size_t len)
{
	static const size_t sizes[] = { 4093, 17, 65536, 1, 999, 8191, 3 };
	static size_t k;
	size_t off = 0;

	while (off < len) {
		size_t s = sizes[k++ % 7], end;

		if (s > PIPE_BUF)
			s = PIPE_BUF;
		if (s > len - off)
			s = len - off;
		end = off + s;
		while (end > off && buf[end - 1] != '\n')
			end--;
		if (end == off) { /* no line end within S: up to the next one */
			end = off + s;
			while (end < len && buf[end - 1] != '\n')
				end++;
		}
		write_all(1, buf + off, end - off);
		off = end;
	}
}

static int cmd_lines(unsigned id, unsigned long n)
{
	static char buf[1 << 20];
	size_t have = 0;

	for (unsigned long seq = 0; seq < n; seq++) {
		size_t pl = pad_len(seq, id);

		have += (size_t)sprintf(buf + have, "%lu:%u:", seq, id);
		memset(buf + have, pad_char(id), pl);
		have += pl;
		buf[have++] = '\n';
		if (have > sizeof(buf) - 256) {
			write_lines(buf, have);
			have = 0;
		}
	}
	write_lines(buf, have);
	return 0;
}

struct inst {
	char name[128];
	unsigned long next, bad;
};

static struct inst insts[256];
static size_t n_insts;

static struct inst *inst_for(const char *name, size_t len)
{
	for (size_t i = 0; i < n_insts; i++)
		if (strlen(insts[i].name) == len && !memcmp(insts[i].name, name, len))
			return &insts[i];
	if (n_insts == 256 || len >= sizeof(insts[0].name))
		return NULL;
	memcpy(insts[n_insts].name, name, len);
	return &insts[n_insts++];
}

/* Splits "NAME   | body" (NAME padded with blanks). Returns 0 if no prefix. */
static int split_prefix(const char *l, size_t n, size_t *namelen, const char **body,
			size_t *bodylen)
{
	const char *sep = memmem(l, n, " | ", 3);
	size_t k;

	if (!sep)
		return 0;
	k = (size_t)(sep - l);
	while (k > 0 && l[k - 1] == ' ')
		k--;
	if (k == 0)
		return 0;
	*namelen = k;
	*body = sep + 3;
	*bodylen = n - (size_t)(sep + 3 - l);
	return 1;
}

static int check_line_body(struct inst *in, const char *b, size_t n)
{
	unsigned long seq = 0;
	unsigned id = 0;
	size_t i = 0, pl;

	if (i == n || b[i] < '0' || b[i] > '9')
		return 0;
	while (i < n && b[i] >= '0' && b[i] <= '9')
		seq = seq * 10 + (unsigned long)(b[i++] - '0');
	if (i == n || b[i++] != ':')
		return 0;
	if (i == n || b[i] < '0' || b[i] > '9')
		return 0;
	while (i < n && b[i] >= '0' && b[i] <= '9')
		id = id * 10 + (unsigned)(b[i++] - '0');
	if (i == n || b[i++] != ':')
		return 0;
	pl = pad_len(seq, id);
	if (n - i != pl || seq != in->next)
		return 0;
	for (; i < n; i++)
		if (b[i] != pad_char(id))
			return 0;
	in->next++;
	return 1;
}

static int cmd_check_lines(void)
{
	static char buf[1 << 20];
	size_t have = 0;
	unsigned long system = 0, other = 0;
	ssize_t r;

	for (;;) {
		size_t off = 0;

		r = read(0, buf + have, sizeof(buf) - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		for (;;) {
			char *nl = memchr(buf + off, '\n', have - off);
			const char *body;
			size_t len, nlen, blen;
			struct inst *in;

			if (!nl)
				break;
			len = (size_t)(nl - (buf + off));
			if (!split_prefix(buf + off, len, &nlen, &body, &blen)) {
				other++;
			} else if (nlen == 6 && !memcmp(buf + off, "system", 6)) {
				system++;
			} else if (!(in = inst_for(buf + off, nlen))) {
				other++;
			} else if (!check_line_body(in, body, blen)) {
				if (in->bad++ < 5)
					fprintf(stderr, "reltool: bad line after %s seq %lu: %.*s\n",
						in->name, in->next, (int)(len > 200 ? 200 : len),
						buf + off);
			}
			off += len + 1;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (have == sizeof(buf)) {
			other++; /* a line longer than the buffer: cannot be ours */
			have = 0;
		}
	}
	if (have)
		other++; /* a last line without its newline */
	for (size_t i = 0; i < n_insts; i++)
		printf("%s lines=%lu bad=%lu\n", insts[i].name, insts[i].next, insts[i].bad);
	printf("system=%lu other=%lu\n", system, other);
	return 0;
}

/* ---------------------------------------------------------------- streams */

struct gen {
	int binary;
	uint64_t state, pos;
};

static unsigned char gen_byte(struct gen *g)
{
	unsigned char c;

	if (!g->binary) {
		c = (unsigned char)('a' + g->pos % 26);
	} else {
		/* xorshift64*: NULs, newlines, 0xff and invalid UTF-8 all come up. */
		g->state ^= g->state >> 12;
		g->state ^= g->state << 25;
		g->state ^= g->state >> 27;
		c = (unsigned char)((g->state * 2685821657736338717ULL) >> 56);
		/* Keep lines mostly long: '\n' only 1 time in 4 it comes up. */
		if (c == '\n' && (g->pos & 3))
			c = 0;
	}
	g->pos++;
	return c;
}

static struct gen gen_init(const char *kind)
{
	struct gen g = { .binary = !strcmp(kind, "binary"), .state = 0x9e3779b97f4a7c15ULL };

	if (strcmp(kind, "binary") && strcmp(kind, "pattern")) {
		fprintf(stderr, "reltool: unknown stream kind '%s'\n", kind);
		exit(2);
	}
	return g;
}

static int cmd_stream(const char *kind, unsigned long long total)
{
	static unsigned char buf[1 << 20];
	struct gen g = gen_init(kind);

	while (total) {
		size_t n = total < sizeof(buf) ? (size_t)total : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = gen_byte(&g);
		write_all(1, (const char *)buf, n);
		total -= n;
	}
	return 0;
}

/* The next stream byte (a drawn but unused one first); -2 past the end. */
static int next_byte(struct gen *g, unsigned long long total, int *peeked)
{
	int c = *peeked;

	*peeked = -1;
	if (c >= 0)
		return c;
	return g->pos < total ? gen_byte(g) : -2;
}

static int cmd_check_stream(const char *name, const char *kind, unsigned long long total)
{
	static char buf[1 << 20];
	struct gen g = gen_init(kind);
	unsigned long long got = 0, lines = 0, splits = 0, errors = 0, maxline = 0;
	size_t have = 0, namelen = strlen(name);
	int peeked = -1; /* a stream byte drawn but not matched yet */
	ssize_t r;

	for (;;) {
		size_t off = 0;

		r = read(0, buf + have, sizeof(buf) - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		for (;;) {
			char *nl = memchr(buf + off, '\n', have - off);
			const char *body;
			size_t len, nlen, blen;

			if (!nl)
				break;
			len = (size_t)(nl - (buf + off));
			if (split_prefix(buf + off, len, &nlen, &body, &blen) && nlen == namelen &&
			    !memcmp(buf + off, name, nlen)) {
				lines++;
				if (blen > maxline)
					maxline = blen;
				for (size_t i = 0; i < blen; i++, got++) {
					int want = next_byte(&g, total, &peeked);

					if (want == (unsigned char)body[i])
						continue;
					if (errors++ < 5)
						fprintf(stderr, "reltool: %s: byte %llu: got 0x%02x, want %d\n",
							name, got, (unsigned char)body[i], want);
				}
				/* This line end: the stream's own newline, or one procinit added. */
				peeked = next_byte(&g, total, &peeked);
				if (peeked == '\n')
					peeked = -1;
				else
					splits++;
			}
			off += len + 1;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (have == sizeof(buf)) {
			errors++;
			have = 0;
		}
	}
	if (peeked >= 0 || g.pos < total) {
		if (errors++ < 5)
			fprintf(stderr, "reltool: %s: stream ends early at byte %llu of %llu\n", name,
				got, total);
	}
	printf("bytes=%llu lines=%llu splits=%llu maxline=%llu errors=%llu\n", got, lines, splits,
	       maxline, errors);
	return 0;
}

/* ---------------------------------------------------------------- signals */

static int cmd_sigcount(void)
{
	sigset_t set;
	unsigned long hup = 0, usr1 = 0;
	char line[96];

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	write_all(1, "ready\n", 6);
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig == SIGHUP)
			hup++;
		else if (sig == SIGUSR1)
			usr1++;
		else if (sig == SIGUSR2 || sig == SIGTERM) {
			int n = snprintf(line, sizeof(line), "%shup=%lu usr1=%lu\n",
					 sig == SIGTERM ? "term " : "", hup, usr1);

			write_all(1, line, (size_t)n);
			if (sig == SIGTERM)
				return 0;
		}
	}
}

static int cmd_kill_storm(pid_t pid, unsigned long n, char **sigs, int nsigs)
{
	double t0 = now();
	unsigned long sent = 0;

	for (unsigned long i = 0; i < n; i++) {
		if (kill(pid, atoi(sigs[i % (unsigned long)nsigs])) == 0)
			sent++;
	}
	printf("sent=%lu secs=%.3f\n", sent, now() - t0);
	return 0;
}

/* ---------------------------------------------------------------- orphans */

/* Zombies and all processes in our /proc (the namespace's, under --mount-proc). */
static void count_procs(unsigned long *zombies, unsigned long *procs)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	*zombies = *procs = 0;
	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[300], data[512];
		ssize_t n;
		int fd;
		char *rp;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, data, sizeof(data) - 1);
		close(fd);
		if (n <= 0)
			continue;
		data[n] = '\0';
		rp = strrchr(data, ')');
		if (!rp || !rp[1] || !rp[2])
			continue;
		(*procs)++;
		if (rp[2] == 'Z')
			(*zombies)++;
	}
	closedir(d);
}

static int cmd_orphans(unsigned long n)
{
	unsigned long *reparented = mmap(NULL, sizeof(*reparented), PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t init = 1; /* procinit, as PID 1 of the namespace */
	unsigned long z = 0, procs = 0, base_z, base_procs;
	double t0 = now(), deadline;

	if (reparented == MAP_FAILED)
		return 1;
	count_procs(&base_z, &base_procs);
	for (unsigned long i = 0; i < n; i++) {
		pid_t mid = fork();

		if (mid < 0) {
			/* EAGAIN under load: let the reaper catch up, then try again. */
			usleep(1000);
			i--;
			continue;
		}
		if (mid == 0) {
			pid_t me = getpid();

			if (fork() == 0) {
				double give_up = now() + 20;

				while (getppid() == me && now() < give_up)
					usleep(100);
				if (getppid() == init)
					__atomic_fetch_add(reparented, 1, __ATOMIC_RELAXED);
				_exit(0);
			}
			_exit(0);
		}
		while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	deadline = now() + 30;
	for (;;) {
		count_procs(&z, &procs);
		if ((z == 0 && procs <= base_procs &&
		     __atomic_load_n(reparented, __ATOMIC_RELAXED) == n) || now() > deadline)
			break;
		usleep(2000);
	}
	printf("orphans=%lu reparented=%lu zombies=%lu procs=%lu base=%lu secs=%.2f\n", n,
	       __atomic_load_n(reparented, __ATOMIC_RELAXED), z, procs, base_procs, now() - t0);
	fflush(stdout);
	return 0;
}

static bool fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL ||
	       sig == SIGABRT || sig == SIGSYS || sig == SIGTRAP;
}

/* True once PID's main thread blocks signals (or PID is gone). */
static bool signals_blocked(pid_t pid)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	p = strstr(buf, "SigBlk:");
	return !p || strtoull(p + 7, NULL, 16) != 0;
}

/* One run: 0 exited, 1 killed by a signal (printed), 2 hung. */
static int early_run(char **cmd)
{
	struct timespec t0, t;
	int status, null = open("/dev/null", O_RDWR);
	pid_t pid = vfork();

	if (pid == 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(null);
	if (pid < 0)
		return 2;
	while (!signals_blocked(pid))
		;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int sig = 1; sig <= 64; sig++)
			if (sig != SIGKILL && sig != SIGSTOP && !fault_signal(sig))
				kill(pid, sig);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 20000000L);
	for (;;) {
		struct timespec nap = { 0, 50 * 1000 * 1000 };
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= 10) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 2;
		}
		kill(pid, SIGCONT);
		kill(pid, SIGTERM);
	}
	if (WIFSIGNALED(status)) {
		printf("killed by %d\n", WTERMSIG(status));
		return 1;
	}
	return 0;
}

static int cmd_early_signals(unsigned long runs, char **cmd)
{
	unsigned long counts[3] = { 0, 0, 0 };

	for (unsigned long i = 0; i < runs; i++)
		counts[early_run(cmd)]++;
	printf("runs=%lu killed=%lu hung=%lu exited=%lu\n", runs, counts[1], counts[2], counts[0]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "lines"))
		return cmd_lines((unsigned)atoi(argv[2]), strtoul(argv[3], NULL, 10));
	if (argc == 2 && !strcmp(argv[1], "check-lines"))
		return cmd_check_lines();
	if (argc == 4 && !strcmp(argv[1], "stream"))
		return cmd_stream(argv[2], strtoull(argv[3], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "check-stream"))
		return cmd_check_stream(argv[2], argv[3], strtoull(argv[4], NULL, 10));
	if (argc == 2 && !strcmp(argv[1], "sigcount"))
		return cmd_sigcount();
	if (argc == 3 && !strcmp(argv[1], "orphans"))
		return cmd_orphans(strtoul(argv[2], NULL, 10));
	if (argc >= 5 && !strcmp(argv[1], "kill-storm"))
		return cmd_kill_storm((pid_t)atoi(argv[2]), strtoul(argv[3], NULL, 10), argv + 4,
				      argc - 4);
	if (argc >= 4 && !strcmp(argv[1], "early-signals"))
		return cmd_early_signals(strtoul(argv[2], NULL, 10), argv + 3);
	fprintf(stderr, "usage: see the comment at the top of reltool.c\n");
	return 2;
}
