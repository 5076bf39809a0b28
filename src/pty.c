/* SPDX-License-Identifier: MIT */
/*
 * pty: posix_openpt and friends, plus the termios and window-size setup a
 * child's pseudo-terminal needs. Supervisor thread only.
 */
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

void pty_sync_size(int master)
{
	struct winsize ws;

	/* Whichever of our ends is a terminal says how big the window is. */
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 || ioctl(0, TIOCGWINSZ, &ws) == 0 ||
	    ioctl(2, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

int pty_open(int *master, int *slave)
{
	char name[64];
	struct termios t;
	int m, s, err;

	m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return errno;
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0)
		goto fail;
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		goto fail;
	/* "\n" stays "\n": the prefixed output must look as it does from a pipe. */
	if (tcgetattr(s, &t) == 0) {
		t.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(s, TCSANOW, &t);
	}
	pty_sync_size(m);
	fcntl(m, F_SETFL, O_NONBLOCK);
	*master = m;
	*slave = s;
	return 0;
fail:
	err = errno;
	close(m);
	return err;
}
