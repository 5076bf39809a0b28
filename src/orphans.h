/* SPDX-License-Identifier: MIT */
/*
 * orphans: finds and signals the processes procinit adopted (as PID 1 or as
 * a child subreaper) but did not start. Supervisor thread only; no locks.
 */
#ifndef PROCINIT_ORPHANS_H
#define PROCINIT_ORPHANS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Sends SIG to every live (non-zombie) process whose parent is procinit; as
 * PID 1 to every process of the namespace (kill(-1)). Returns how many
 * processes it found, or 1 when /proc cannot be read but kill(-1) was used.
 */
size_t orphans_signal(int sig, bool pid1);

/*
 * True when procinit has no child at all, not even an unreaped zombie. A
 * peek (WNOWAIT) that reaps nothing, so the reaper stays the only reaper;
 * it spares the /proc scan in the common case of a clean exit.
 */
bool orphans_none(void);

#endif
