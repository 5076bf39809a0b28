/* SPDX-License-Identifier: MIT */
/* nochild: the gate that orders "no child left" after every posted exit. */
#include "nochild.h"

void nochild_enter(struct nochild_gate *g)
{
	g->busy++;
}

bool nochild_leave(struct nochild_gate *g, bool echild, unsigned long seen, unsigned long *gen)
{
	if (echild && (!g->seen || seen > g->gen))
		g->gen = seen;
	g->seen |= echild;
	if (g->busy)
		g->busy--;
	if (g->busy || !g->seen)
		return false;
	g->seen = false;
	*gen = g->gen;
	return true;
}
