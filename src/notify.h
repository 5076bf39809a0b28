/* SPDX-License-Identifier: MIT */
/*
 * notify: systemd's sd_notify protocol for --ready NAME=notify. Each such
 * instance gets a datagram socket of its own in a private folder (its path
 * is the instance's $NOTIFY_SOCKET); one thread reads them all and posts
 * EV_READY for READY=1 and EV_STATUS for STATUS=... Messages from another
 * user (not procinit's uid, not root) are dropped. The set of sockets is
 * guarded by the notify lock (a leaf); the thread never blocks on it
 * while reading.
 */
#ifndef PROCINIT_NOTIFY_H
#define PROCINIT_NOTIFY_H

#include <stddef.h>

#define NOTIFY_MSG_MAX 4096 /* bytes of one datagram that are read */

/*
 * Creates OWNER's socket (the thread and the private folder on first use)
 * and copies its path into PATH (CAP bytes). 0 or an errno value.
 */
int notify_open(size_t owner, char *path, size_t cap);

/* Removes the sockets and the folder (at exit; the thread may still run). */
void notify_cleanup(void);

/*
 * Pure: reads one sd_notify message (newline-separated KEY=VALUE). Sets
 * *READY when it holds READY=1 and points *STATUS (length *STATUS_LEN) at
 * the value of its STATUS=, if any.
 */
void notify_parse(const char *msg, size_t len, int *ready, const char **status, size_t *status_len);

#endif
