/* SPDX-License-Identifier: MIT */
/*
 * sysinit: procinit as the first process of a real Linux system (PID 1 of
 * the initial PID namespace): the set-up the kernel leaves to init, the
 * init conventions (ctrl-alt-del, busybox's halt/poweroff/reboot signals),
 * and an end that powers off, reboots or halts instead of exiting. In a
 * container (PID 1 of a child namespace) and as an ordinary process every
 * function here does nothing. Main thread, but for the console reader.
 */
#ifndef PROCINIT_SYSINIT_H
#define PROCINIT_SYSINIT_H

#include <stdbool.h>
#include <stdint.h>

#include "sysinit_action.h"

/*
 * True when procinit is PID 1 of the initial PID namespace. With /proc
 * mounted: /proc/self/ns/pid has the inode PROC_PID_INIT_INO, which the
 * kernel gives the initial namespace only. Without /proc: the call that
 * turns ctrl-alt-del into a SIGINT, reboot(RB_DISABLE_CAD), succeeds only
 * there (a child namespace answers EINVAL, or EPERM without CAP_SYS_BOOT).
 * Remembered: the other functions act only when it said true.
 */
bool sysinit_detect(void);

/*
 * Before the first child: mounts what is missing (/proc, /sys, /dev,
 * /dev/pts, /dev/shm, /run), PATH when unset, ctrl-alt-del as SIGINT, and
 * the console as procinit's controlling terminal with procinit in its
 * foreground group, on fds 0-2. Failures are warnings.
 */
void sysinit_prepare(void);

/* Signals the Procfile supervisor must also wait for on a real system (SIGPWR), else 0. */
uint64_t sysinit_signals(void);

/*
 * Procfile mode, once the event queue exists: reads the console with ISIG
 * off, so that ^C typed there arrives as SYSINIT_CTRL_C while a SIGINT
 * means ctrl-alt-del. Nothing else reads the console then (children have
 * /dev/null). Not in single-command mode, where the command owns it.
 */
void sysinit_console_reader_start(void);

/*
 * For the supervisors' signal handling: on a real system, the announcement
 * when SIG asks for a stop of everything followed by an action (which is
 * remembered: the latest wins); NULL otherwise, and always in a container.
 */
const char *sysinit_stop_request(int sig);

/*
 * The end of a real system's init, once the run is over: says what it
 * does, SIGTERM then SIGKILL to every process left, sync(), and powers
 * off, reboots or halts: as the last stop request asked, else as ON_EXIT.
 * ANNOUNCED: the Procfile supervisor printed "exit STATUS" as a system
 * line and this line follows it there; else both go to stderr. Never
 * returns: if the kernel refuses, it warns and reaps forever.
 */
_Noreturn void sysinit_end(enum sysinit_action on_exit, int status, bool announced);

/* `procinit poweroff|reboot|halt`: asks PID 1 with busybox's signal. Returns an exit status. */
int sysinit_request(enum sysinit_action a);

#endif
