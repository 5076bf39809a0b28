/* SPDX-License-Identifier: MIT */
/*
 * sweep: SIGTERM to what is left, SIGKILL after the timeout, a grace period
 * after that. The phases and the signals; who is signalled is orphans.c's.
 */
#include "sweep.h"

#include <signal.h>

#include "events.h"
#include "orphans.h"

static size_t signal_all(const struct sweep *s, int sig)
{
	if (s->pid1 && !s->report)
		return kill(-1, sig) == 0;
	return orphans_signal(sig, s->pid1);
}

void sweep_begin(struct sweep *s, bool nochild)
{
	size_t n;

	s->rekill = false;
	if (nochild || orphans_none()) {
		s->phase = SWEEP_OVER;
		return;
	}
	n = signal_all(s, SIGTERM);
	if (n && s->report)
		s->report(SIGTERM, n);
	s->phase = SWEEP_TERM;
	s->deadline = mono_add(mono_now(), s->timeout);
}

void sweep_advance(struct sweep *s)
{
	size_t n;

	if (s->phase != SWEEP_TERM) {
		s->phase = SWEEP_OVER;
		return;
	}
	n = signal_all(s, SIGKILL);
	if (n && s->report)
		s->report(SIGKILL, n);
	s->phase = SWEEP_KILL;
	s->deadline = mono_add(mono_now(), SWEEP_KILL_GRACE);
}

void sweep_reaped(struct sweep *s)
{
	if (s->phase == SWEEP_KILL)
		s->rekill = true;
}

void sweep_idle(struct sweep *s)
{
	if (!s->rekill)
		return;
	s->rekill = false;
	if (s->phase == SWEEP_KILL)
		signal_all(s, SIGKILL);
}
