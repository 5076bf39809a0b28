/* SPDX-License-Identifier: MIT */
/*
 * signames: signal numbers <-> names ("SIGTERM", "TERM", "15", "RTMIN+2").
 * Pure tables; any thread.
 */
#ifndef PROCINIT_SIGNAMES_H
#define PROCINIT_SIGNAMES_H

/* "SIGTERM", or "SIGRTMIN+N", or "signal N". Returns a static string. */
const char *sig_name(int sig);

/*
 * Parses a signal given as a number (0..64), a name with or without SIG
 * ("TERM", "SIGTERM", case-insensitive) or RTMIN+N / RTMAX-N. Returns the
 * number, or -1. 0 is accepted (meaning "none") only when ALLOW_ZERO.
 */
int sig_parse(const char *text, int allow_zero);

#endif
