/* SPDX-License-Identifier: MIT */
/*
 * probe: the network readiness checks (--ready tcp, http), one thread per
 * instance run that is not ready yet. It tries, waits (50 ms, doubling up
 * to 1 s), tries again, and says EV_READY once: with ok set when the check
 * passed, without when it was cancelled. EV_READY is its last word; its
 * owner (the supervisor) then destroys it. Only 127.0.0.1 is ever asked.
 */
#ifndef PROCINIT_PROBE_H
#define PROCINIT_PROBE_H

#include <stddef.h>

#include "ready.h"

#define PROBE_FIRST_MS 50
#define PROBE_MAX_MS 1000
#define PROBE_IO_TIMEOUT_MS 1000 /* a connect, a request or an answer */

struct probe;

/* Starts checking C (tcp or http) on PORT. 0 or an errno value. */
int probe_start(size_t owner, const struct ready_check *c, long port, struct probe **out);

/* Asks the thread to stop; it answers with EV_READY (not ok) unless it already said ok. */
void probe_cancel(struct probe *p);

/* After its EV_READY, its last word: frees it. */
void probe_destroy(struct probe *p);

/*
 * Pure: is this the start of an HTTP answer that counts (2xx or 3xx)?
 * Returns 1 yes, 0 no, -1 not enough bytes to tell.
 */
int probe_http_ok(const char *buf, size_t len);

#endif
