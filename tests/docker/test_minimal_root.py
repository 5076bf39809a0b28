# SPDX-License-Identifier: MIT
# Minimal systems, no Docker: procinit as PID 1 of a new PID namespace,
# chrooted into a folder that holds only /procinit, a Procfile and
# busybox-static with the links the Procfile uses. No /proc, /dev or /etc, no
# libc: the static binary must still run the Procfile, reap orphans and stop
# cleanly. (busybox sh cannot start `cmd &` without /dev/null, so the
# Procfiles here use loops of short sleeps, and `timeout` to make orphans: it
# leaves a watcher process behind that ends a second after the command.)

import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import DEADLINE, wait_until

UNSHARE = "/usr/bin/unshare"
APPLETS = ("sh", "sleep", "seq", "timeout", "true")

@pytest.fixture
def rootdir(tmp_path, busybox, procinit_bin):
    if not os.access(UNSHARE, os.X_OK):
        pytest.fail("unshare (util-linux) is missing")
    root = tmp_path / "root"
    (root / "bin").mkdir(parents=True)
    shutil.copy(procinit_bin, root / "procinit")
    shutil.copy(busybox, root / "bin" / "busybox")
    for applet in APPLETS:
        os.symlink("busybox", root / "bin" / applet)
    return root


def start(root, *args):
    return subprocess.Popen([UNSHARE, "--pid", "--fork", f"--root={root}", "/procinit", *args],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={"PATH": "/bin"}, start_new_session=True)


def finish(p, timeout=DEADLINE):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        pytest.fail(f"procinit did not finish within {timeout}s:\n{out.decode()}\n{err.decode()}")
    return p.returncode, out.decode(errors="replace").splitlines(), err.decode(errors="replace")


def test_root_holds_nothing_else(rootdir):
    assert sorted(os.listdir(rootdir)) == ["bin", "procinit"]


def test_minimal_root_runs_and_stops(rootdir):
    # hello waits until sleeper has set its trap, prints and exits 0; sleeper
    # then gets SIGTERM and exits 0 itself.
    (rootdir / "Procfile").write_text(
        "hello: while [ ! -e /sleeper-ready ]; do sleep 0.02; done; echo \"hello from $$ under $PPID\"; exit 0\n"
        "sleeper: trap 'echo got-TERM; exit 0' TERM; : > /sleeper-ready; while :; do sleep 0.1; done\n")
    rc, lines, err = finish(start(rootdir, "-f", "/Procfile"))
    dump = "\n".join(lines) + "\n--- stderr:\n" + err
    assert rc == 0, dump
    hello = [ln for ln in lines if ln.startswith("hello.1   | hello from ")]
    assert len(hello) == 1 and hello[0].endswith(" under 1"), dump  # procinit is PID 1
    assert "sleeper.1 | got-TERM" in lines, dump
    assert "system    | hello.1   exited with code 0" in lines, dump
    assert "system    | sleeper.1 exited with code 0" in lines, dump
    assert lines[-1] == "system    | exit 0", dump
    assert err == "", dump


def test_minimal_root_reaps_and_stops_on_sigterm(rootdir):
    (rootdir / "Procfile").write_text(
        "web: trap 'echo got-TERM; exit 0' TERM; : > /web-ready; while :; do sleep 0.1; done\n"
        "orphans: for i in $(seq 20); do timeout 1000 true; done; : > /orphans-made; while :; do sleep 0.1; done\n")
    p = start(rootdir, "-f", "/Procfile", "-t", "2")

    def up():
        assert p.poll() is None, finish(p)
        return (rootdir / "web-ready").exists() and (rootdir / "orphans-made").exists()
    wait_until(up, msg="both processes up")
    inner = wait_until(lambda: children(p.pid), msg="procinit under unshare")[0]
    # The 20 watchers are orphans, procinit's children now: each ends about a
    # second after its `true`, and must then be reaped.
    state = {}

    def reaped():
        kids = children(inner)
        state["kids"] = [(k, stat(k)) for k in kids]
        return len(kids) == 2 and all(st not in ("Z", None) for _, st in state["kids"])
    wait_until(reaped, msg=lambda: f"only the 2 shells as children of procinit, no zombie: {state}")

    t0 = time.monotonic()
    os.kill(inner, signal.SIGTERM)
    rc, lines, err = finish(p)
    took = time.monotonic() - t0
    dump = "\n".join(lines) + "\n--- stderr:\n" + err
    assert rc == 0, dump
    assert took < 2.0, f"stopping took {took:.1f}s\n{dump}"
    assert "system    | SIGTERM received" in lines, dump
    assert "web.1     | got-TERM" in lines, dump
    assert lines[-1] == "system    | exit 0", dump


def test_minimal_root_single_command(rootdir):
    rc, lines, err = finish(start(rootdir, "--", "/bin/sh", "-c", 'echo "hi, parent $PPID"; exit 3'))
    assert (rc, lines) == (3, ["hi, parent 1"]), err


def children(pid):
    """Children of every thread of pid (a child belongs to the thread that forked it)."""
    out = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/children") as f:
                out += [int(k) for k in f.read().split()]
        except OSError:
            pass
    return sorted(out)


def stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None
