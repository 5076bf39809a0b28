/* SPDX-License-Identifier: MIT */
/*
 * orphans: finds the processes procinit adopted (as PID 1 or as a child
 * subreaper) but that belong to no instance: a scan of /proc. Supervisor
 * thread only, during the final sweep, so its cost never matters while the
 * app runs; no locks.
 */
#ifndef PROCINIT_ORPHANS_H
#define PROCINIT_ORPHANS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct orphan_filter {
	bool pid1;               /* every process of the namespace, not only our children */
	const pid_t *skip_pgids; /* groups that are not orphans (given-up instances) */
	size_t n_skip;
};

/*
 * Calls FN(PID, CTX) for every live process that counts as an orphan: not
 * procinit itself, not a zombie, not a kernel thread, not in a skipped
 * group; as PID 1 every other process, else only procinit's children.
 * Returns how many, or -1 when /proc cannot be read.
 */
long orphans_scan(const struct orphan_filter *f, void (*fn)(pid_t pid, void *ctx), void *ctx);

/* True when /proc can be read, so orphans_scan can find anyone: one access(). */
bool orphans_readable(void);

/*
 * True when procinit has no child at all, not even an unreaped zombie. A
 * peek (WNOWAIT) that reaps nothing, so the reaper stays the only reaper;
 * it spares the /proc scan in the common case of a clean exit.
 */
bool orphans_none(void);

#endif
