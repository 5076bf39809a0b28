/* SPDX-License-Identifier: MIT */
/*
 * reaper: the waiter thread, the only caller of waitpid(). It reaps every
 * child, orphans included, and posts EV_EXIT / EV_NOCHILD events.
 */
#ifndef PROCINIT_REAPER_H
#define PROCINIT_REAPER_H

int reaper_start(void);

/*
 * Called by the supervisor after each fork: wakes the reaper if it sleeps
 * for lack of children. Returns the new spawn generation.
 */
unsigned long reaper_children_added(void);

#endif
