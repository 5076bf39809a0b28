/* SPDX-License-Identifier: MIT */
/*
 * spawn: vfork + exec with a close-on-exec status pipe, as musl's
 * posix_spawn. vfork, not fork: the child borrows procinit's memory until
 * it execs, so nothing is copied, which matters with hundreds of pump
 * threads (their stacks and buffers). The price is the usual vfork
 * discipline: the child allocates nothing, touches no libc state, makes
 * only async-signal-safe calls and ends in exec or _exit; procinit's thread
 * that called us waits meanwhile. Every signal is blocked in every procinit
 * thread, so nothing can run a handler in the child; it restores the
 * original dispositions and mask just before exec.
 * ThreadSanitizer runs vfork as fork, which changes nothing here.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "io.h"
#include "sigmask.h"

#define DEFAULT_PATH "/usr/local/bin:/bin:/usr/bin"

struct child_report {
	int step;
	int err;
};

/* What the child needs that it may not allocate itself. */
struct child_args {
	const struct spawn_req *r;
	const char *path_var; /* PATH from the child's environment */
	char **sh_argv;       /* "sh", FILE, ARGS...: for ENOEXEC */
	int status_fd;
	pid_t parent;
};

static _Noreturn void child_fail(int status_fd, enum spawn_step step, int err)
{
	struct child_report rep = { (int)step, err };

	/* Best effort: the parent treats a short report as a plain exec. */
	if (write(status_fd, &rep, sizeof(rep)) < 0)
		_exit(126);
	_exit(err == ENOENT ? 127 : 126);
}

/* execve, and for a file without "#!" the shell, as execvp does. */
static void exec_file(const struct child_args *a, const char *file)
{
	execve(file, a->r->argv, a->r->envp);
	if (errno == ENOEXEC) {
		a->sh_argv[1] = (char *)file;
		execve("/bin/sh", a->sh_argv, a->r->envp);
		errno = ENOEXEC;
	}
}

/* Tries every PATH entry on a stack buffer; leaves errno as execvp would. */
static void exec_search(const struct child_args *a)
{
	const char *file = a->r->path, *p = a->path_var;
	size_t flen = strlen(file);
	int seen_eacces = 0;
	char buf[PATH_MAX];

	if (strchr(file, '/') || !*file) {
		exec_file(a, file);
		return;
	}
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t dlen = colon ? (size_t)(colon - p) : strlen(p);

		if (dlen + flen + 2 <= sizeof(buf)) {
			/* An empty entry is the working folder. */
			memcpy(buf, dlen ? p : ".", dlen ? dlen : 1);
			buf[dlen ? dlen : 1] = '/';
			memcpy(buf + (dlen ? dlen : 1) + 1, file, flen + 1);
			exec_file(a, buf);
			if (errno == EACCES)
				seen_eacces = 1;
			else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP &&
				 errno != ENAMETOOLONG)
				return;
		}
		if (!colon)
			break;
		p = colon + 1;
	}
	errno = seen_eacces ? EACCES : ENOENT;
}

static _Noreturn void child_main(const struct child_args *a)
{
	const struct spawn_req *r = a->r;

	if (r->new_session) {
		/* A session of its own, with its pseudo-terminal as controlling tty. */
		if (setsid() < 0 || ioctl(r->out_fd, TIOCSCTTY, 0) < 0)
			child_fail(a->status_fd, SPAWN_PGROUP, errno);
	} else if (r->own_pgroup && setpgid(0, 0) < 0) {
		child_fail(a->status_fd, SPAWN_PGROUP, errno);
	}
	if (r->pdeathsig) {
		prctl(PR_SET_PDEATHSIG, r->pdeathsig);
		/* The parent may have died before prctl: then act as if it just did. */
		if (getppid() != a->parent)
			_exit(128 + r->pdeathsig);
	}
	/* Signals are still blocked here, so SIGTTOU cannot stop us. */
	if (r->tty_foreground)
		tcsetpgrp(0, getpid());
	if (r->stdin_fd >= 0 && dup2(r->stdin_fd, 0) < 0)
		child_fail(a->status_fd, SPAWN_FDS, errno);
	if (r->out_fd >= 0 && (dup2(r->out_fd, 1) < 0 || dup2(r->out_fd, 2) < 0))
		child_fail(a->status_fd, SPAWN_FDS, errno);
	if (r->dir && chdir(r->dir) < 0)
		child_fail(a->status_fd, SPAWN_CHDIR, errno);
	/*
	 * Raw system calls: libc (and sanitizer) wrappers filter or add their
	 * internal signals; the command must get exactly the mask meant for it.
	 */
	if (r->default_signals)
		sigmask_reset_in_child();
	else
		sigmask_restore_in_child();
	exec_search(a);
	child_fail(a->status_fd, SPAWN_EXEC, errno);
}

static const char *env_path(char *const *envp)
{
	for (; envp && *envp; envp++)
		if (!strncmp(*envp, "PATH=", 5))
			return *envp + 5;
	return DEFAULT_PATH;
}

/* "sh", (file), ARGV[1...], NULL: built before vfork, filled in by the child. */
static __attribute__((noinline)) char **shell_argv(char *const *argv)
{
	size_t n = 0;
	char **v;

	while (argv[n])
		n++;
	v = calloc(n + 2, sizeof(char *));
	if (!v)
		return NULL;
	v[0] = "sh";
	for (size_t i = 1; i < n; i++)
		v[i + 1] = argv[i];
	return v;
}

/*
 * Its own function with nothing live across the vfork but A: the child runs
 * on this frame until it execs, and the compiler must not keep anything of
 * the caller's in registers the child could clobber.
 */
static __attribute__((noinline)) pid_t fork_child(const struct child_args *a)
{
	pid_t pid = vfork();

	if (pid == 0)
		child_main(a);
	return pid;
}

int spawn_child(const struct spawn_req *r, pid_t *pid, struct spawn_failure *fail)
{
	struct child_args a = { .r = r, .path_var = env_path(r->envp), .parent = getpid() };
	struct child_report rep;
	int p[2], err = 0;
	ssize_t n;

	fail->step = SPAWN_RAN;
	fail->err = 0;
	a.sh_argv = shell_argv(r->argv);
	if (!a.sh_argv)
		return ENOMEM;
	if (pipe2(p, O_CLOEXEC) < 0) {
		err = errno;
		free(a.sh_argv);
		return err;
	}
	a.status_fd = p[1];
	*pid = fork_child(&a);
	if (*pid < 0)
		err = errno;
	close(p[1]);
	if (*pid > 0) {
		/* Both sides set the group, so a kill(-pid) right after this cannot miss. */
		if (r->own_pgroup && !r->new_session)
			setpgid(*pid, *pid);
		n = io_read(p[0], &rep, sizeof(rep));
		if (n == (ssize_t)sizeof(rep)) {
			fail->step = (enum spawn_step)rep.step;
			fail->err = rep.err;
		}
	}
	close(p[0]);
	free(a.sh_argv);
	return err;
}

const char *spawn_step_name(enum spawn_step step)
{
	static const char *const names[] = { "run", "process group", "dup2", "chdir", "exec" };

	return step <= SPAWN_EXEC ? names[step] : "?";
}
