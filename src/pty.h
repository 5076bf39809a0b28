/* SPDX-License-Identifier: MIT */
/*
 * pty: pseudo-terminals for --tty. Opened by the supervisor thread before a
 * spawn; no locks.
 */
#ifndef PROCINIT_PTY_H
#define PROCINIT_PTY_H

/*
 * Opens a pair: *MASTER (non-blocking, close-on-exec) for the pump, *SLAVE
 * (close-on-exec) to become the child's controlling terminal and stdout and
 * stderr. Output post-processing is off, so lines end in "\n" as from a
 * pipe; the size is procinit's own terminal's. Returns 0 or an errno value.
 */
int pty_open(int *master, int *slave);

/* Copies procinit's terminal size to the pseudo-terminal behind MASTER. */
void pty_sync_size(int master);

#endif
