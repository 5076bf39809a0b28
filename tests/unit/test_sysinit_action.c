/* SPDX-License-Identifier: MIT */
/* Unit tests for the signals that end a real system: actions, texts, requests. */
#include <signal.h>

#include "harness.h"
#include "sysinit_action.h"

static void test_actions(void)
{
	/* busybox init's conventions, and ctrl-alt-del (SIGINT) reboots. */
	CHECK(sysinit_action_for(SIGUSR1) == SYSINIT_HALT);
	CHECK(sysinit_action_for(SIGUSR2) == SYSINIT_POWEROFF);
	CHECK(sysinit_action_for(SIGTERM) == SYSINIT_REBOOT);
	CHECK(sysinit_action_for(SIGPWR) == SYSINIT_POWEROFF);
	CHECK(sysinit_action_for(SIGINT) == SYSINIT_REBOOT);
	/* ^C on the console stops too, but ends as --on-exit says. */
	CHECK(sysinit_action_for(SYSINIT_CTRL_C) == SYSINIT_NONE);
	CHECK(sysinit_announcement(SYSINIT_CTRL_C) != NULL);
	/* Everything else is no request: forwarded as before. */
	CHECK(sysinit_action_for(SIGHUP) == SYSINIT_NONE);
	CHECK(sysinit_action_for(SIGQUIT) == SYSINIT_NONE);
	CHECK(sysinit_action_for(SIGWINCH) == SYSINIT_NONE);
	CHECK(sysinit_action_for(64) == SYSINIT_NONE);
	CHECK(sysinit_action_for(-1) == SYSINIT_NONE);
	CHECK(sysinit_announcement(SIGHUP) == NULL);
	CHECK(sysinit_signal_label(SIGHUP) == NULL);
}

static void test_texts(void)
{
	CHECK_STREQ(sysinit_announcement(SIGUSR2), "SIGUSR2 received: powering off");
	CHECK_STREQ(sysinit_announcement(SIGPWR), "SIGPWR received: powering off");
	CHECK_STREQ(sysinit_announcement(SIGUSR1), "SIGUSR1 received: halting");
	CHECK_STREQ(sysinit_announcement(SIGTERM), "SIGTERM received: rebooting");
	CHECK_STREQ(sysinit_announcement(SIGINT), "ctrl-alt-del: rebooting");
	CHECK_STREQ(sysinit_announcement(SYSINIT_CTRL_C), "ctrl-c detected");
	CHECK_STREQ(sysinit_signal_label(SIGINT), "ctrl-alt-del");
	CHECK_STREQ(sysinit_signal_label(SYSINIT_CTRL_C), "ctrl-c");
	CHECK_STREQ(sysinit_signal_label(SIGUSR2), "SIGUSR2");
	CHECK_STREQ(sysinit_action_doing(SYSINIT_POWEROFF), "powering off");
	CHECK_STREQ(sysinit_action_doing(SYSINIT_REBOOT), "rebooting");
	CHECK_STREQ(sysinit_action_doing(SYSINIT_HALT), "halting");
	CHECK(sysinit_action_doing(SYSINIT_NONE) == NULL);
}

static void test_requests(void)
{
	static const enum sysinit_action all[] = { SYSINIT_POWEROFF, SYSINIT_REBOOT, SYSINIT_HALT };

	/* What `procinit poweroff` sends is what PID 1 reads as poweroff. */
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		CHECK(sysinit_action_for(sysinit_action_signal(all[i])) == all[i]);
	CHECK(sysinit_action_signal(SYSINIT_POWEROFF) == SIGUSR2);
	CHECK(sysinit_action_signal(SYSINIT_REBOOT) == SIGTERM);
	CHECK(sysinit_action_signal(SYSINIT_HALT) == SIGUSR1);
	CHECK(sysinit_action_signal(SYSINIT_NONE) == 0);
	CHECK(sysinit_action_parse("poweroff") == SYSINIT_POWEROFF);
	CHECK(sysinit_action_parse("reboot") == SYSINIT_REBOOT);
	CHECK(sysinit_action_parse("halt") == SYSINIT_HALT);
	CHECK(sysinit_action_parse("Halt") == SYSINIT_NONE);
	CHECK(sysinit_action_parse("") == SYSINIT_NONE);
	CHECK(sysinit_action_parse("poweroff ") == SYSINIT_NONE);
}

int main(void)
{
	test_actions();
	test_texts();
	test_requests();
	return harness_report("test_sysinit_action");
}
