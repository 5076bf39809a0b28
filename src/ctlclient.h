/* SPDX-License-Identifier: MIT */
/*
 * ctlclient: the verbs status, restart, stop, scale and quit: one request
 * to a running procinit over its control socket, found as the server
 * placed it (ctlpath.h), and its reply on stdout (or on stderr when it is
 * an error). Main thread of a short-lived procinit; no other threads.
 */
#ifndef PROCINIT_CTLCLIENT_H
#define PROCINIT_CTLCLIENT_H

#include "cli.h"

#define CTLCLIENT_TIMEOUT 10.0 /* seconds for the whole exchange */
#define CTLCLIENT_REPLY_MAX (64 * 1024 * 1024)

/* The exit status: the reply's code, 2 for a bad request, 3 when no procinit answers. */
int ctlclient_main(const struct settings *s);

#endif
