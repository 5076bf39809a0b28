/* SPDX-License-Identifier: MIT */
/* Unit tests for signal names and their parser. */
#include <signal.h>

#include "harness.h"
#include "signames.h"

int main(void)
{
	CHECK_STREQ(sig_name(SIGTERM), "SIGTERM");
	CHECK_STREQ(sig_name(SIGWINCH), "SIGWINCH");
	CHECK_STREQ(sig_name(SIGRTMIN + 2), "SIGRTMIN+2");
	CHECK_STREQ(sig_name(0), "unknown signal");
	CHECK(sig_parse("15", 0) == SIGTERM);
	CHECK(sig_parse("TERM", 0) == SIGTERM);
	CHECK(sig_parse("sigterm", 0) == SIGTERM);
	CHECK(sig_parse("SIGKILL", 0) == SIGKILL);
	CHECK(sig_parse("0", 0) == -1);
	CHECK(sig_parse("0", 1) == 0);
	CHECK(sig_parse("65", 0) == -1);
	CHECK(sig_parse("64", 0) == 64);
	CHECK(sig_parse("15x", 0) == -1);
	CHECK(sig_parse("", 0) == -1);
	CHECK(sig_parse("SIG", 0) == -1);
	CHECK(sig_parse("RTMIN", 0) == SIGRTMIN);
	CHECK(sig_parse("SIGRTMIN+3", 0) == SIGRTMIN + 3);
	CHECK(sig_parse("RTMAX-1", 0) == SIGRTMAX - 1);
	CHECK(sig_parse("RTMAX+1", 0) == -1);
	CHECK(sig_parse("RTMIN*1", 0) == -1);
	CHECK(sig_parse("99999999999999999999", 0) == -1);
	return harness_report("test_signames");
}
