/* SPDX-License-Identifier: MIT */
/*
 * linefmt: prefixes whole lines. Pure; used by every pump thread on every
 * chunk, so it only does memchr and memcpy.
 */
#include "linefmt.h"

#include <string.h>

size_t linefmt_lines(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		     size_t outcap, size_t *outlen)
{
	size_t used = 0, o = *outlen;

	while (used < len) {
		const char *nl = memchr(in + used, '\n', len - used);
		size_t n;

		if (!nl)
			break;
		n = (size_t)(nl - (in + used)) + 1;
		if (outcap - o < plen + n)
			break;
		memcpy(out + o, prefix, plen);
		memcpy(out + o + plen, in + used, n);
		o += plen + n;
		used += n;
	}
	*outlen = o;
	return used;
}

int linefmt_piece(const char *prefix, size_t plen, const char *in, size_t len, char *out,
		  size_t outcap, size_t *outlen)
{
	size_t o = *outlen;

	if (outcap - o < plen + len + 1)
		return -1;
	memcpy(out + o, prefix, plen);
	memcpy(out + o + plen, in, len);
	out[o + plen + len] = '\n';
	*outlen = o + plen + len + 1;
	return 0;
}
