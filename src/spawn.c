/* SPDX-License-Identifier: MIT */
/*
 * spawn: vfork + exec with a close-on-exec status pipe, as musl's
 * posix_spawn. vfork, not fork: the child borrows procinit's memory until
 * it execs, so nothing is copied. With hundreds of pump threads (their
 * stacks and buffers) fork spent most of procinit's start-up copying page
 * tables and taking copy-on-write faults; 500 children now start in less
 * than half the time (docs/benchmarks.md). The price is the usual vfork
 * discipline: the child touches no memory of ours (no libc state, no
 * allocation, only its own stack), uses only async-signal-safe calls and
 * ends in exec or _exit; procinit's thread that called us waits meanwhile.
 * All signals are blocked in every procinit thread, so nothing can run a
 * handler in the child; it restores the original mask just before exec.
 * ThreadSanitizer runs vfork as fork, which changes nothing here.
 */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "io.h"
#include "sigmask.h"

struct child_report {
	int step;
	int err;
};

enum { STEP_PGROUP, STEP_FDS, STEP_CHDIR, STEP_EXEC };

static const char *const step_names[] = { "process group", "dup2", "chdir", "exec" };

static _Noreturn void child_fail(int status_fd, int step, int err)
{
	struct child_report rep = { step, err };

	/* Best effort: the parent treats a short report as a plain exec. */
	if (write(status_fd, &rep, sizeof(rep)) < 0)
		_exit(126);
	_exit(err == ENOENT ? 127 : 126);
}

static _Noreturn void child_main(const struct spawn_req *r, int status_fd, pid_t parent)
{
	if (r->new_session) {
		/* A session of its own, with its pseudo-terminal as controlling tty. */
		if (setsid() < 0 || ioctl(r->out_fd, TIOCSCTTY, 0) < 0)
			child_fail(status_fd, STEP_PGROUP, errno);
	} else if (r->own_pgroup && setpgid(0, 0) < 0) {
		child_fail(status_fd, STEP_PGROUP, errno);
	}
	if (r->pdeathsig) {
		prctl(PR_SET_PDEATHSIG, r->pdeathsig);
		/* The parent may have died before prctl: then act as if it just did. */
		if (getppid() != parent)
			_exit(128 + r->pdeathsig);
	}
	/* Signals are still blocked here, so SIGTTOU cannot stop us. */
	if (r->tty_foreground)
		tcsetpgrp(0, getpid());
	if (r->stdin_fd >= 0 && dup2(r->stdin_fd, 0) < 0)
		child_fail(status_fd, STEP_FDS, errno);
	if (r->out_fd >= 0 && (dup2(r->out_fd, 1) < 0 || dup2(r->out_fd, 2) < 0))
		child_fail(status_fd, STEP_FDS, errno);
	if (r->dir && chdir(r->dir) < 0)
		child_fail(status_fd, STEP_CHDIR, errno);
	if (r->sigchld_orig_ign) {
		struct sigaction sa = { .sa_handler = SIG_IGN };

		sigaction(SIGCHLD, &sa, NULL);
	}
	/*
	 * Raw system calls: libc (and sanitizer) wrappers filter or add their
	 * internal signals; the command must get exactly the old mask.
	 */
	sigmask_restore_in_child();
	if (r->search_path) {
		/* musl's and glibc's execvpe build the path on the stack: no malloc. */
		execvpe(r->path, r->argv, r->envp);
	} else {
		execve(r->path, r->argv, r->envp);
	}
	child_fail(status_fd, STEP_EXEC, errno);
}

int spawn_child(const struct spawn_req *r, pid_t *pid, struct spawn_failure *fail)
{
	struct child_report rep;
	pid_t parent = getpid();
	int p[2];
	ssize_t n;

	fail->step = NULL;
	fail->err = 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return errno;
	*pid = vfork();
	if (*pid < 0) {
		int err = errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (*pid == 0) {
		close(p[0]);
		child_main(r, p[1], parent);
	}
	close(p[1]);
	/* Both sides set the group, so a kill(-pid) right after this cannot miss. */
	if (r->own_pgroup && !r->new_session)
		setpgid(*pid, *pid);
	n = io_read(p[0], &rep, sizeof(rep));
	close(p[0]);
	if (n == (ssize_t)sizeof(rep)) {
		fail->step = step_names[rep.step];
		fail->err = rep.err;
	}
	return 0;
}
