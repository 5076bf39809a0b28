/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness: the control socket's wire format. The input's first
 * line is a request as the server reads it: a parse that succeeds must give
 * valid words that format back to a line parsing to the same request; a
 * failure must leave a printable one-line message. The whole input is also
 * read as a reply head, and escaped as a JSON string and a status name.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_message(const char *err)
{
	size_t n = strnlen(err, CTL_ERR_MAX);

	if (n == 0 || n == CTL_ERR_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			abort();
}

static void check_request(const struct ctl_request *r)
{
	static char line[CTL_LINE_MAX + 1];
	static struct ctl_request back;
	char err[CTL_ERR_MAX];
	size_t len;

	if (r->n > CTL_ARGS_MAX || (r->verb != CTL_STATUS && r->json))
		abort();
	for (size_t i = 0; i < r->n; i++) {
		size_t wl = strnlen(r->word[i], CTL_WORD_MAX);

		if (wl == CTL_WORD_MAX)
			abort();
		if (r->verb == CTL_SCALE ?
			    !ctlproto_type_name(r->word[i], wl) || r->count[i] > CTL_COUNT_MAX :
			    !ctlproto_process_name(r->word[i], wl))
			abort();
	}
	/* Every request that parsed fits a line again (counts lose their leading zeros). */
	len = ctlproto_format(r, line, sizeof(line));
	if (len == 0 || line[len - 1] != '\n')
		abort();
	if (ctlproto_parse(line, len - 1, &back, err, sizeof(err)) || memcmp(&back, r, sizeof(*r)))
		abort();
}

static void check_text(const char *s)
{
	struct qbuf b = { 0 };
	struct ctl_status st = { s, "running", 1, 1.5, 0, true, 9, true };

	ctlproto_json_string(&b, s);
	for (size_t i = 0; !b.oom && i < b.len; i++)
		if ((unsigned char)b.p[i] < 0x20)
			abort();
	ctlproto_status_json(&b, &st, 1, 1, false);
	ctlproto_status_text(&b, &st, 1);
	qb_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctl_request req;
	const char *buf = (const char *)data;
	const char *nl = memchr(buf, '\n', size);
	char err[CTL_ERR_MAX] = "";
	size_t body;
	bool error;
	int code, rc;

	rc = ctlproto_parse(buf, nl ? (size_t)(nl - buf) : size, &req, err, sizeof(err));
	if (rc == 0)
		check_request(&req);
	else if (rc == EINVAL)
		check_message(err);
	else
		abort();

	rc = ctlproto_parse_head(buf, size, &code, &error, &body);
	if (rc == 0 && (code < 0 || code > 255 || body > size || body == 0 || buf[body - 1] != '\n'))
		abort();

	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_text(s);
	free(s);
	return 0;
}
