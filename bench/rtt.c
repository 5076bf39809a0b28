/* SPDX-License-Identifier: MIT */
/*
 * rtt: round-trip times of a control request, for bench/control.sh.
 *
 *   rtt -n N -- COMMAND [ARG...]   runs COMMAND N times (fork, execvp,
 *                                  waitpid; stdout and stderr to /dev/null),
 *                                  each timed from fork to its reaping;
 *                                  a run that exits non-zero is counted
 *   rtt -n N -s PATH -r REQUEST    N times: connect to the Unix socket PATH,
 *                                  write REQUEST ("\n" and "\r" escapes are
 *                                  read), read to end of file
 *
 * Prints one line: "n=N failed=F min=... median=... p90=... p99=... max=..."
 * in milliseconds. CLOCK_MONOTONIC; one request at a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int run_command(char **argv)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int run_socket(const char *path, const char *req, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[65536];
	size_t got = 0;
	ssize_t n;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || write(fd, req, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got += (size_t)n;
	close(fd);
	return got > 0 ? 0 : -1;
}

static size_t unescape(char *s)
{
	size_t o = 0;

	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] == 'n') {
			s[o++] = '\n';
			i++;
		} else if (s[i] == '\\' && s[i + 1] == 'r') {
			s[o++] = '\r';
			i++;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = '\0';
	return o;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The value at fraction Q of the sorted V (nearest rank). */
static double rank(const double *v, int n, double q)
{
	int i = (int)(q * n + 0.999999) - 1;

	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	char *req = NULL;
	size_t len = 0;
	int n = 100, failed = 0, opt;
	double *t;

	while ((opt = getopt(argc, argv, "+n:s:r:")) != -1) {
		switch (opt) {
		case 'n': n = atoi(optarg); break;
		case 's': path = optarg; break;
		case 'r': req = optarg; break;
		default: return 2;
		}
	}
	if (n < 1 || (path ? !req : optind >= argc)) {
		fprintf(stderr, "usage: rtt -n N -- COMMAND [ARG...] | rtt -n N -s PATH -r REQUEST\n");
		return 2;
	}
	if (req)
		len = unescape(req);
	t = calloc((size_t)n, sizeof(*t));
	if (!t)
		return 1;
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		int rc = path ? run_socket(path, req, len) : run_command(argv + optind);

		t[i] = now_ms() - t0;
		failed += rc != 0;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("n=%d failed=%d min=%.3f median=%.3f p90=%.3f p99=%.3f max=%.3f\n", n, failed, t[0],
	       rank(t, n, 0.5), rank(t, n, 0.9), rank(t, n, 0.99), t[n - 1]);
	return 0;
}
