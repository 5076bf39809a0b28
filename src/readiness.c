/* SPDX-License-Identifier: MIT */
/*
 * readiness: starts and stops what checks an instance run. Retries follow
 * the probes' backoff (50 ms, doubling up to 1 s). An exec check runs under
 * /bin/sh -c with the instance's environment, in a process group of its own
 * (killed whole when the run stops), with no input and its output dropped.
 * Supervisor thread only.
 */
#include "readiness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "probe.h"
#include "runtime.h"
#include "spawn.h"

void readiness_init(struct readiness *r, const struct instance *in, size_t owner, const char *dir)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->owner = owner;
	r->dir = dir;
}

static long instance_port(const struct instance *in)
{
	return in->port_var ? strtol(in->port_var + 5, NULL, 10) : 0;
}

bool readiness_begin(struct readiness *r, struct timespec started, double timeout)
{
	const struct ready_check *c = &r->in->ready;

	r->ready = false;
	r->started = started;
	r->active = c->kind != READY_NONE;
	if (!r->active) {
		r->ready = true;
		return true;
	}
	r->by = mono_add(started, timeout);
	if (c->kind == READY_TCP || c->kind == READY_HTTP) {
		int err = probe_start(r->owner, c, instance_port(r->in), &r->probe);

		if (err) {
			r->probe = NULL;
			log_warn("%s: cannot start its readiness check: %s", r->in->name,
				 strerror(err));
		}
	} else if (c->kind == READY_EXEC) {
		r->delay_ms = PROBE_FIRST_MS;
		r->next = mono_add(started, PROBE_FIRST_MS / 1000.0);
	}
	return false;
}

void readiness_end(struct readiness *r)
{
	r->active = false;
	if (r->probe)
		probe_cancel(r->probe); /* its EV_READY (not ok) follows, and frees it */
	if (r->check_pid > 0)
		kill(-r->check_pid, SIGKILL);
}

void readiness_passed(struct readiness *r)
{
	readiness_end(r);
	r->ready = true;
}

void readiness_describe(const struct readiness *r, char *buf, size_t len)
{
	const struct ready_check *c = &r->in->ready;
	double after = mono_diff(r->started, mono_now());
	long port = c->port ? c->port : instance_port(r->in);

	if (c->kind == READY_TCP)
		snprintf(buf, len, "tcp:%ld after %.2f s", port, after);
	else if (c->kind == READY_HTTP)
		snprintf(buf, len, "http:%ld%s after %.2f s", port, c->text, after);
	else
		snprintf(buf, len, "%s after %.2f s", ready_kind_name(c->kind), after);
}

static void backoff(struct readiness *r)
{
	r->next = mono_add(mono_now(), r->delay_ms / 1000.0);
	r->delay_ms = r->delay_ms * 2 > PROBE_MAX_MS ? PROBE_MAX_MS : r->delay_ms * 2;
}

bool readiness_check_exited(struct readiness *r, pid_t pid, int status, bool *passed)
{
	if (pid != r->check_pid || pid <= 0)
		return false;
	r->check_pid = 0;
	*passed = r->active && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (r->active && !*passed)
		backoff(r);
	return true;
}

bool readiness_event(struct readiness *r, const struct event *ev, const struct pump *current)
{
	if (ev->probe) {
		bool mine = ev->probe == r->probe;

		probe_destroy(ev->probe); /* its last word */
		if (mine)
			r->probe = NULL;
		return mine && ev->ok && r->active;
	}
	if (ev->pump)
		return ev->pump == current && ev->ok && r->active;
	/* the notify socket: the instance's, whichever process of it wrote */
	return ev->ok && r->active && r->in->ready.kind == READY_NOTIFY;
}

bool readiness_deadline(const struct readiness *r, struct timespec *when)
{
	int have = 0;

	if (!r->active)
		return false;
	mono_min(when, &have, r->by);
	if (r->in->ready.kind == READY_EXEC && r->check_pid == 0)
		mono_min(when, &have, r->next);
	return have;
}

static void start_try(struct readiness *r)
{
	char *argv[] = { "sh", "-c", (char *)r->in->ready.text, NULL };
	struct spawn_req req = {
		.path = "/bin/sh",
		.argv = argv,
		.envp = r->in->envp,
		.dir = r->dir,
		.own_pgroup = true,
		.pdeathsig = SIGKILL,
		.default_signals = true,
	};
	struct spawn_failure fail;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	req.stdin_fd = req.out_fd = null;
	if (spawn_child(&req, &r->check_pid, &fail) != 0) {
		r->check_pid = 0;
		backoff(r);
	} else {
		runtime_spawned();
	}
	if (null >= 0)
		close(null);
}

enum readiness_due readiness_on_time(struct readiness *r, struct timespec now)
{
	if (!r->active)
		return READINESS_NOTHING;
	if (mono_cmp(now, r->by) >= 0)
		return READINESS_TIMED_OUT;
	if (r->in->ready.kind == READY_EXEC && r->check_pid == 0 && mono_cmp(now, r->next) >= 0)
		start_try(r);
	return READINESS_NOTHING;
}
