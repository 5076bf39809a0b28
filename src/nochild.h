/* SPDX-License-Identifier: MIT */
/*
 * nochild: when the reaper threads may say "no child left". A thread that
 * finds no child must not say so while another thread holds exits it has
 * reaped but not yet posted, or the supervisor would hear "no child" before
 * those exits. So each finding is noted with the spawn generation read
 * before the look, and the last thread to leave says it, after every exit
 * reaped before. Pure: the caller holds the lock that guards the gate.
 */
#ifndef PROCINIT_NOCHILD_H
#define PROCINIT_NOCHILD_H

#include <stdbool.h>

struct nochild_gate {
	unsigned busy;     /* threads between reading the generation and leaving */
	bool seen;         /* some thread found no child since the gate last opened */
	unsigned long gen; /* the newest generation such a finding was made under */
};

/* A thread read generation GEN and is about to look (waitpid). */
void nochild_enter(struct nochild_gate *g);

/*
 * A thread is done and its exits are posted; ECHILD: it found no child,
 * under generation SEEN. Returns true with *GEN when "no child" is due now.
 */
bool nochild_leave(struct nochild_gate *g, bool echild, unsigned long seen, unsigned long *gen);

#endif
