# SPDX-License-Identifier: MIT
# procinit as PID 1 of a container (a child PID namespace) must not act as a
# system's init: nothing mounted, no PATH set, no power-off, the command's
# status out, with or without /proc. And `procinit poweroff|reboot|halt`
# sends busybox's signals to PID 1 (here a shell that traps them, as PID 1 of
# a namespace: never the host's init). The real system is tests/boot's (QEMU).

import subprocess

import pytest

from conftest import BIN, UNSHARE

TIMEOUT = 30


def run(argv, env=None):
    return subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, env=env)


def test_container_with_proc_mounts_nothing():
    count = "wc -l < /proc/self/mountinfo"
    plain = run([UNSHARE, "--pid", "--fork", "--mount-proc", "/bin/sh", "-c", count])
    under = run([UNSHARE, "--pid", "--fork", "--mount-proc", BIN, "--", "/bin/sh", "-c",
                 f"{count}; exit 7"])
    assert plain.returncode == 0, plain.stderr
    assert under.returncode == 7, under.stderr
    assert under.stdout == plain.stdout  # no mount of procinit's
    assert "powering off" not in under.stderr


def test_container_without_proc_is_no_system():
    # Without /proc, the reboot(RB_DISABLE_CAD) probe answers EINVAL in a child namespace.
    script = (f"umount -l /proc && exec {BIN} -- /bin/sh -c "
              "'test -e /proc/self && echo proc || echo noproc; exit 5'")
    r = run([UNSHARE, "--pid", "--fork", "--mount", "/bin/sh", "-c", script])
    assert r.returncode == 5, r.stdout + r.stderr
    assert r.stdout.split("\n")[0] == "noproc", r.stdout
    assert "powering off" not in r.stderr and "warning" not in r.stderr, r.stderr


def test_container_path_stays_unset():
    # env, not a shell: dash and busybox sh make up a PATH of their own.
    r = run([UNSHARE, "--pid", "--fork", "--mount-proc", BIN, "--", "/usr/bin/env"], env={})
    assert r.returncode == 0, r.stderr
    assert "PATH=" not in r.stdout, r.stdout


@pytest.mark.parametrize("verb,sig", [("poweroff", "USR2"), ("reboot", "TERM"), ("halt", "USR1")])
def test_request_signals_pid1(verb, sig):
    # A shell as PID 1 of its own namespace gets the signal once `procinit VERB` is done.
    script = (f"trap 'echo got {sig}; exit 0' {sig}; {BIN} {verb}; echo rc=$?; "
              "sleep 5; echo no signal; exit 1")
    r = run([UNSHARE, "--pid", "--fork", "--mount-proc", "/bin/sh", "-c", script])
    assert r.stdout == f"rc=0\ngot {sig}\n" or r.stdout == f"got {sig}\n", r.stdout + r.stderr
    assert r.returncode == 0, r.stdout + r.stderr
