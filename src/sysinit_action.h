/* SPDX-License-Identifier: MIT */
/*
 * sysinit_action: the pure part of procinit as a system's init: which
 * signal asks for which end (busybox's conventions), what is announced,
 * and which signal `procinit poweroff|reboot|halt` sends. No state, no
 * system calls; any thread.
 */
#ifndef PROCINIT_SYSINIT_ACTION_H
#define PROCINIT_SYSINIT_ACTION_H

enum sysinit_action { SYSINIT_NONE, SYSINIT_POWEROFF, SYSINIT_REBOOT, SYSINIT_HALT };

/*
 * Not a signal: what the console reader posts for the VINTR byte (^C)
 * typed on the console. A real SIGINT to a system's init is ctrl-alt-del.
 */
#define SYSINIT_CTRL_C 0

/*
 * The end SIG asks for on a real system: SIGUSR1 halt, SIGUSR2 and SIGPWR
 * power off, SIGTERM and SIGINT (ctrl-alt-del) reboot. SYSINIT_NONE for
 * every other signal and for SYSINIT_CTRL_C (which stops with --on-exit's).
 */
enum sysinit_action sysinit_action_for(int sig);

/*
 * What is announced when SIG stops a real system ("SIGUSR2 received:
 * powering off", "ctrl-alt-del: rebooting", "ctrl-c detected"); NULL when
 * SIG is none of those.
 */
const char *sysinit_announcement(int sig);

/* How SIG is called when it comes again ("ctrl-alt-del", "SIGUSR2"); NULL as above. */
const char *sysinit_signal_label(int sig);

/* "powering off", "rebooting", "halting"; NULL for SYSINIT_NONE. */
const char *sysinit_action_doing(enum sysinit_action a);

/* The signal that asks PID 1 for A (SIGUSR2, SIGTERM, SIGUSR1), or 0. */
int sysinit_action_signal(enum sysinit_action a);

/* "poweroff", "reboot", "halt" to the action; SYSINIT_NONE for anything else. */
enum sysinit_action sysinit_action_parse(const char *word);

#endif
