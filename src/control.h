/* SPDX-License-Identifier: MIT */
/*
 * control: the control socket's server, Procfile mode only. main opens the
 * socket before the first child and starts its thread; the thread accepts
 * clients of procinit's own uid or root, reads one request line each (a
 * bounded buffer and a deadline per client, 32 clients at most), hands the
 * request to the supervisor as EV_CONTROL and writes the reply the
 * supervisor gives back with control_answer. Locks: the control lock, a
 * leaf, taken by control_answer (supervisor) and control_close (main).
 */
#ifndef PROCINIT_CONTROL_H
#define PROCINIT_CONTROL_H

#include <stdbool.h>
#include <time.h>

#include "ctlproto.h"

#define CONTROL_CLIENTS_MAX 32
#define CONTROL_READ_TIMEOUT 5.0  /* seconds from accept to the request's line feed */
#define CONTROL_WRITE_TIMEOUT 5.0 /* seconds to write the reply */

struct ctl_call;

/*
 * Main thread, before any other thread exists (it sets the umask for a
 * moment): places and binds the socket. SOCKET is --socket (NULL: the
 * default places; "none": no socket), ROOT the app's folder. A live
 * procinit on the socket, or something else in its place, is an error:
 * returns 2 after a message. Returns 0 otherwise, also when no place could
 * take a socket (then procinit runs without one and control_start says why).
 */
int control_open(const char *socket, const char *root);

/* After announce_start: starts the thread, and says in a system line where the socket is
 * when it is not where the user would look first, or why there is none. */
void control_start(void);

/* The supervisor's side of a call. */
const struct ctl_request *control_request(const struct ctl_call *c);
unsigned long control_uid(const struct ctl_call *c);

/*
 * Answers C: the reply's first line carries CODE and whether BODY is an
 * error message, then BODY's text (NULL: none). Copies what it needs; the
 * control thread writes the reply and closes. Every call is answered once.
 */
void control_answer(struct ctl_call *c, int code, bool error, const struct qbuf *body);

/*
 * Main thread, at the end of the run: replies already handed over are
 * written (until DEADLINE), no new client is taken, and the socket (and its
 * private folder, when empty) is removed.
 */
void control_close(struct timespec deadline);

#endif
