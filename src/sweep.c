/* SPDX-License-Identifier: MIT */
/*
 * sweep: who is in the orphan set, and who got the stop signal. As PID 1,
 * kill(-1) reaches every process of the namespace at once (and processes
 * adopted later were already reached); as a subreaper only procinit's own
 * children can be found, so each orphan is signalled by pid and the ones
 * handed over later get the stop signal when they arrive, once.
 */
#include "sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "orphans.h"

void sweep_init(struct sweep *s, bool pid1, bool counted)
{
	*s = (struct sweep){ .pid1 = pid1, .counted = counted };
}

void sweep_free(struct sweep *s)
{
	free(s->skip);
	free(s->sent);
	sweep_init(s, s->pid1, s->counted);
}

void sweep_skip_group(struct sweep *s, pid_t pgid)
{
	if (s->n_skip == s->cap_skip) {
		size_t ncap = s->cap_skip ? 2 * s->cap_skip : 8;
		pid_t *n = realloc(s->skip, ncap * sizeof(*n));

		if (!n)
			return; /* then its members count as orphans: a wrong number, no harm */
		s->skip = n;
		s->cap_skip = ncap;
	}
	s->skip[s->n_skip++] = pgid;
}

static size_t slot(pid_t pid, size_t cap)
{
	return ((uint32_t)pid * 2654435761u) & (cap - 1);
}

static bool sent_has(const struct sweep *s, pid_t pid)
{
	if (!s->cap_sent)
		return false;
	for (size_t i = slot(pid, s->cap_sent);; i = (i + 1) & (s->cap_sent - 1)) {
		if (s->sent[i] == pid)
			return true;
		if (s->sent[i] == 0)
			return false;
	}
}

static bool sent_grow(struct sweep *s)
{
	size_t ncap = s->cap_sent ? 2 * s->cap_sent : 64;
	pid_t *n = calloc(ncap, sizeof(*n));

	if (!n)
		return false;
	for (size_t i = 0; i < s->cap_sent; i++) {
		size_t j;

		if (!s->sent[i])
			continue;
		for (j = slot(s->sent[i], ncap); n[j]; j = (j + 1) & (ncap - 1))
			;
		n[j] = s->sent[i];
	}
	free(s->sent);
	s->sent = n;
	s->cap_sent = ncap;
	return true;
}

static void sent_add(struct sweep *s, pid_t pid)
{
	size_t i;

	if (2 * (s->n_sent + 1) > s->cap_sent && !sent_grow(s))
		return; /* it may then get the stop signal twice: the lesser evil */
	for (i = slot(pid, s->cap_sent); s->sent[i] && s->sent[i] != pid;
	     i = (i + 1) & (s->cap_sent - 1))
		;
	if (!s->sent[i]) {
		s->sent[i] = pid;
		s->n_sent++;
	}
}

struct signal_pass {
	struct sweep *s;
	int sig;
	bool newcomers_only;
	size_t n;
};

/* A stopped orphan would sit on the stop signal until SIGKILL: as for an instance, SIGCONT. */
static void continue_after(pid_t target, int sig)
{
	if (sig != SIGKILL && sig != SIGCONT)
		kill(target, SIGCONT);
}

static void signal_one(pid_t pid, void *ctx)
{
	struct signal_pass *p = ctx;

	if (p->newcomers_only && sent_has(p->s, pid))
		return;
	if (kill(pid, p->sig) == 0) {
		p->n++;
		continue_after(pid, p->sig);
	}
	if (p->sig != SIGKILL)
		sent_add(p->s, pid);
}

static struct orphan_filter filter(const struct sweep *s)
{
	return (struct orphan_filter){ .pid1 = s->pid1, .skip_pgids = s->skip, .n_skip = s->n_skip };
}

static void warn_no_proc(struct sweep *s)
{
	if (s->no_proc_warned)
		return;
	s->no_proc_warned = true;
	log_warn("orphans cannot be found without /proc: they are left alone");
}

/* As PID 1: everyone at once, counted first when someone wants the number. */
static size_t signal_namespace(struct sweep *s, int sig, bool newcomers_only)
{
	struct orphan_filter f = filter(s);
	long n = 1;

	if (newcomers_only)
		return 0; /* the first kill(-1) reached them already */
	if (s->counted || s->n_skip)
		n = orphans_scan(&f, NULL, NULL);
	if (n == 0)
		return 0;
	if (kill(-1, sig) < 0 && errno == ESRCH)
		return 0;
	continue_after(-1, sig);
	return n < 0 ? 1 : (size_t)n;
}

size_t sweep_signal(struct sweep *s, int sig, bool newcomers_only)
{
	struct signal_pass p = { s, sig, newcomers_only, 0 };
	struct orphan_filter f = filter(s);

	/* No child at all (a cheap peek): no orphan either, and no /proc scan. */
	if (orphans_none())
		return 0;
	if (s->pid1)
		return signal_namespace(s, sig, newcomers_only);
	if (orphans_scan(&f, signal_one, &p) < 0)
		warn_no_proc(s);
	return p.n;
}

bool sweep_empty(struct sweep *s)
{
	struct orphan_filter f = filter(s);
	long n;

	if (orphans_none())
		return true;
	n = orphans_scan(&f, NULL, NULL);

	if (n < 0 && !s->pid1) {
		warn_no_proc(s);
		return true;
	}
	return n == 0;
}

bool sweep_blind(struct sweep *s)
{
	/* Only whether /proc can be read: a full scan here would come first in every sweep. */
	if (s->pid1 || orphans_readable())
		return false;
	warn_no_proc(s);
	return true;
}
