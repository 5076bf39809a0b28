/* SPDX-License-Identifier: MIT */
/*
 * sysinit_action: one table of the signals that end a real system, in
 * busybox init's conventions (its halt, poweroff and reboot send SIGUSR1,
 * SIGUSR2 and SIGTERM to PID 1; a UPS daemon sends SIGPWR; the kernel
 * sends SIGINT for ctrl-alt-del once it is told not to reboot by itself).
 * Pure; any thread.
 */
#include "sysinit_action.h"

#include <signal.h>
#include <stddef.h>
#include <string.h>

static const struct {
	int sig;
	enum sysinit_action action;
	const char *label;
	const char *announcement;
} table[] = {
	{ SYSINIT_CTRL_C, SYSINIT_NONE, "ctrl-c", "ctrl-c detected" },
	{ SIGINT, SYSINIT_REBOOT, "ctrl-alt-del", "ctrl-alt-del: rebooting" },
	{ SIGTERM, SYSINIT_REBOOT, "SIGTERM", "SIGTERM received: rebooting" },
	{ SIGUSR1, SYSINIT_HALT, "SIGUSR1", "SIGUSR1 received: halting" },
	{ SIGUSR2, SYSINIT_POWEROFF, "SIGUSR2", "SIGUSR2 received: powering off" },
	{ SIGPWR, SYSINIT_POWEROFF, "SIGPWR", "SIGPWR received: powering off" },
};

#define N_TABLE (sizeof(table) / sizeof(table[0]))

static long find(int sig)
{
	for (size_t i = 0; i < N_TABLE; i++)
		if (table[i].sig == sig)
			return (long)i;
	return -1;
}

enum sysinit_action sysinit_action_for(int sig)
{
	long i = find(sig);

	return i < 0 ? SYSINIT_NONE : table[i].action;
}

const char *sysinit_announcement(int sig)
{
	long i = find(sig);

	return i < 0 ? NULL : table[i].announcement;
}

const char *sysinit_signal_label(int sig)
{
	long i = find(sig);

	return i < 0 ? NULL : table[i].label;
}

const char *sysinit_action_doing(enum sysinit_action a)
{
	switch (a) {
	case SYSINIT_POWEROFF:
		return "powering off";
	case SYSINIT_REBOOT:
		return "rebooting";
	case SYSINIT_HALT:
		return "halting";
	default:
		return NULL;
	}
}

int sysinit_action_signal(enum sysinit_action a)
{
	switch (a) {
	case SYSINIT_POWEROFF:
		return SIGUSR2;
	case SYSINIT_REBOOT:
		return SIGTERM;
	case SYSINIT_HALT:
		return SIGUSR1;
	default:
		return 0;
	}
}

enum sysinit_action sysinit_action_parse(const char *word)
{
	if (!strcmp(word, "poweroff"))
		return SYSINIT_POWEROFF;
	if (!strcmp(word, "reboot"))
		return SYSINIT_REBOOT;
	if (!strcmp(word, "halt"))
		return SYSINIT_HALT;
	return SYSINIT_NONE;
}
