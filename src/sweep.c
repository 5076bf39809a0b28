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

/* SIG to what is left (told to REPORT), then NEXT until SECONDS from now. */
static void signal_phase(struct sweep *s, int sig, enum sweep_phase next, double seconds)
{
	size_t n = signal_all(s, sig);

	if (n && s->report)
		s->report(sig, n);
	s->phase = next;
	s->deadline = mono_add(mono_now(), seconds);
}

void sweep_begin(struct sweep *s, bool nochild)
{
	s->rekill = false;
	if (nochild) {
		s->phase = SWEEP_OVER;
	} else if (orphans_none()) {
		/*
		 * Nothing left to signal, but exits the reaper took may still
		 * be on their way: its "no child" comes after every one of
		 * them and ends the sweep (the deadline is only a backstop).
		 */
		s->phase = SWEEP_TERM;
		s->deadline = mono_add(mono_now(), s->timeout);
	} else {
		signal_phase(s, SIGTERM, SWEEP_TERM, s->timeout);
	}
}

void sweep_advance(struct sweep *s)
{
	if (s->phase == SWEEP_TERM)
		signal_phase(s, SIGKILL, SWEEP_KILL, SWEEP_KILL_GRACE);
	else
		s->phase = SWEEP_OVER;
}

void sweep_reaped(struct sweep *s)
{
	if (s->phase == SWEEP_KILL)
		s->rekill = true;
}

void sweep_idle(struct sweep *s)
{
	if (!s->rekill || events_pending())
		return; /* more exits queued: one SIGKILL after the whole batch */
	s->rekill = false;
	if (s->phase == SWEEP_KILL)
		signal_all(s, SIGKILL);
}
