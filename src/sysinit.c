/* SPDX-License-Identifier: MIT */
/*
 * sysinit: what a real system's init does beyond supervising. The main
 * thread detects, prepares (mounts, PATH, console) and ends (kill, sync,
 * reboot(2)); the console reader thread only reads bytes and posts events
 * (the events lock, inside events_post). No locks of its own: the stop
 * request is written and read by the main thread only, and the console fd
 * is set before the reader starts.
 */
#include "sysinit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "announce.h"
#include "clock.h"
#include "events.h"
#include "io.h"
#include "log.h"
#include "sigmask.h"
#include "signames.h"
#include "thread.h"

/* The inode of the initial PID namespace, fixed since Linux 3.8 (include/linux/proc_ns.h). */
#define PROC_PID_INIT_INO 0xEFFFFFFCU

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* After the run, what is left gets this long to go after SIGTERM, then after SIGKILL. */
#define END_TERM_GRACE 2.0
#define END_KILL_GRACE 1.0

static bool active;
static enum sysinit_action requested = SYSINIT_NONE;
static int console_fd = -1;
static struct termios console_saved;
static bool console_changed;

bool sysinit_detect(void)
{
	struct stat st;

	active = false;
	if (getpid() != 1)
		return false;
	if (stat("/proc/self/ns/pid", &st) == 0)
		active = st.st_ino == PROC_PID_INIT_INO;
	else
		active = reboot(RB_DISABLE_CAD) == 0; /* see sysinit.h */
	return active;
}

static const struct mount_entry {
	const char *source, *target, *type;
	unsigned long flags;
	const char *data;
} mounts[] = {
	/* In this order: /dev/pts and /dev/shm go inside the /dev just mounted. */
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755" },
	{ "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666" },
	{ "tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777" },
	{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
};

/* /dev entries programs expect and devtmpfs does not make: created when missing. */
static const struct {
	const char *target, *path;
} dev_links[] = {
	{ "pts/ptmx", "/dev/ptmx" },          { "/proc/self/fd", "/dev/fd" },
	{ "/proc/self/fd/0", "/dev/stdin" },  { "/proc/self/fd/1", "/dev/stdout" },
	{ "/proc/self/fd/2", "/dev/stderr" },
};

/*
 * A file system is mounted on PATH when PATH is on another device than its
 * parent folder. /proc/self/mounts would say it too, but /proc is one of
 * the things that may not be mounted yet.
 */
static bool is_mount_point(const char *path)
{
	char parent[64];
	const char *slash = strrchr(path, '/');
	struct stat a, b;
	size_t n;

	if (!slash || (size_t)(slash - path) >= sizeof(parent))
		return false;
	n = slash == path ? 1 : (size_t)(slash - path); /* "/proc": "/" */
	memcpy(parent, path, n);
	parent[n] = '\0';
	return stat(path, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

static void mount_missing(const struct mount_entry *m)
{
	if (is_mount_point(m->target))
		return;
	/* The root may be read-only: then only a folder that is there can be used. */
	if (mkdir(m->target, 0755) < 0 && errno != EEXIST) {
		log_warn("cannot create %s to mount %s on: %m", m->target, m->type);
		return;
	}
	if (mount(m->source, m->target, m->type, m->flags, m->data) < 0)
		log_warn("cannot mount %s on %s: %m", m->type, m->target);
}

static void make_dev_links(void)
{
	struct stat st;

	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		if (lstat(dev_links[i].path, &st) < 0 && errno == ENOENT &&
		    symlink(dev_links[i].target, dev_links[i].path) < 0)
			log_warn("cannot create %s: %m", dev_links[i].path);
}

/* The last word of a one-line sysfs file into BUF; -1 when there is none. */
static int read_last_word(const char *path, char *buf, size_t len)
{
	char text[256], *w;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = io_read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	w = strrchr(text, ' ');
	w = w ? w + 1 : text;
	if (!*w || strlen(w) >= len || strchr(w, '/'))
		return -1;
	strcpy(buf, w);
	return 0;
}

/*
 * The device behind /dev/console: the last console in
 * /sys/class/tty/console/active (the kernel lists the preferred one last).
 * /dev/console itself and /dev/tty0 can never be a controlling terminal,
 * so tty0 is resolved to the virtual terminal in front (tty1...).
 */
static int console_path(char *path, size_t len)
{
	char name[32];

	if (read_last_word("/sys/class/tty/console/active", name, sizeof(name)) < 0)
		return -1;
	if (!strcmp(name, "tty0") &&
	    read_last_word("/sys/class/tty/tty0/active", name, sizeof(name)) < 0)
		return -1;
	snprintf(path, len, "/dev/%s", name);
	return 0;
}

/* FD is what the kernel gave init (/dev/console) or nothing at all. */
static bool replaceable(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return errno == EBADF;
	return S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 1);
}

static void console_setup(void)
{
	char path[64];
	int fd;

	if (console_path(path, sizeof(path)) < 0)
		return; /* console=null, or no sysfs: nothing to type on */
	/* The kernel starts init in no session; a session of its own may take a terminal. */
	setsid();
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("cannot open the console %s: %m", path);
		return;
	}
	/* It becomes the foreground group too, so ^C there reaches procinit. */
	if (ioctl(fd, TIOCSCTTY, 0) < 0)
		log_warn("cannot make %s the controlling terminal: %m", path);
	for (int i = 0; i < 3; i++) {
		if (!replaceable(i))
			continue;
		if (i == fd)
			fcntl(fd, F_SETFD, 0);
		else
			dup2(fd, i);
	}
	console_fd = fd;
}

void sysinit_prepare(void)
{
	if (!active)
		return;
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
		mount_missing(&mounts[i]);
	make_dev_links();
	setenv("PATH", DEFAULT_PATH, 0);
	/* ctrl-alt-del: a SIGINT to us instead of an immediate reboot by the kernel. */
	if (reboot(RB_DISABLE_CAD) < 0)
		log_warn("cannot turn ctrl-alt-del into a signal: %m");
	console_setup();
}

uint64_t sysinit_signals(void)
{
	return active ? sigmask_bit(SIGPWR) : 0;
}

static void console_reader_main(void *arg)
{
	unsigned char intr = (unsigned char)(uintptr_t)arg, c;

	for (;;) {
		ssize_t n = io_read(console_fd, &c, 1);

		if (n <= 0)
			return; /* hung up: nobody can type there any more */
		if (c == intr) {
			struct event ev = { .kind = EV_SIGNAL, .signo = SYSINIT_CTRL_C };

			events_post(&ev);
		}
	}
}

/*
 * Why a reader: the kernel sends ctrl-alt-del's SIGINT and the terminal's
 * ^C SIGINT with the same siginfo (SI_KERNEL, no sender), and
 * /proc/sys/kernel/cad_pid can only name another process, which would then
 * be one more child to supervise and sweep. With ISIG off the terminal
 * sends no signal for ^C; the byte comes to us instead.
 */
void sysinit_console_reader_start(void)
{
	struct termios t;
	int err;

	if (!active || console_fd < 0 || tcgetattr(console_fd, &console_saved) < 0)
		return;
	if (console_saved.c_cc[VINTR] == _POSIX_VDISABLE)
		return;
	t = console_saved;
	/* Byte by byte and silent: the console is procinit's output, not a line editor. */
	t.c_lflag &= ~(tcflag_t)(ISIG | ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(console_fd, TCSANOW, &t) < 0) {
		log_warn("cannot read ^C on the console: %m");
		return;
	}
	console_changed = true;
	err = thread_start(console_reader_main, (void *)(uintptr_t)console_saved.c_cc[VINTR]);
	if (err) {
		log_warn("cannot read ^C on the console: %s", strerror(err));
		tcsetattr(console_fd, TCSANOW, &console_saved);
		console_changed = false;
	}
}

const char *sysinit_stop_request(int sig)
{
	const char *text;
	enum sysinit_action a;

	if (!active)
		return NULL;
	text = sysinit_announcement(sig);
	a = sysinit_action_for(sig);
	if (a != SYSINIT_NONE)
		requested = a;
	return text;
}

/* Reaps until no child is left or SECONDS pass. As PID 1, no child means no process. */
static void reap_for(double seconds)
{
	struct timespec end = mono_add(mono_now(), seconds);
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	while (mono_cmp(mono_now(), end) < 0) {
		pid_t pid = waitpid(-1, NULL, WNOHANG | __WALL);

		if (pid < 0 && errno == ECHILD)
			return;
		if (pid <= 0)
			nanosleep(&tick, NULL);
	}
}

static int reboot_command(enum sysinit_action a)
{
	switch (a) {
	case SYSINIT_REBOOT:
		return RB_AUTOBOOT;
	case SYSINIT_HALT:
		return RB_HALT_SYSTEM;
	default:
		return RB_POWER_OFF;
	}
}

void sysinit_end(enum sysinit_action on_exit, int status, bool announced)
{
	enum sysinit_action a = requested != SYSINIT_NONE ? requested : on_exit;
	const struct timespec minute = { 60, 0 };

	if (a == SYSINIT_NONE)
		a = SYSINIT_POWEROFF;
	if (announced) {
		announce(NULL, "%s", sysinit_action_doing(a));
		announce_flush(mono_add(mono_now(), 1.0));
	} else {
		log_info("exit %d", status);
		log_info("%s", sysinit_action_doing(a));
	}
	if (console_changed)
		tcsetattr(console_fd, TCSANOW, &console_saved);
	/* The usual stop and sweep are done: this is for what escaped them. */
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
	reap_for(END_TERM_GRACE);
	kill(-1, SIGKILL);
	reap_for(END_KILL_GRACE);
	sync();
	/* A disk root comes back clean; an initramfs may refuse, which changes nothing. */
	mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL);
	reboot(reboot_command(a));
	/* The kernel panics when init exits: stay, and keep reaping. */
	log_warn("%s failed: %m; staying up", sysinit_action_doing(a));
	for (;;) {
		if (waitpid(-1, NULL, __WALL) < 0)
			nanosleep(&minute, NULL);
	}
}

int sysinit_request(enum sysinit_action a)
{
	int sig = sysinit_action_signal(a);

	if (kill(1, sig) < 0) {
		log_error("cannot send %s to PID 1: %m", sig_name(sig));
		return 1;
	}
	return 0;
}
