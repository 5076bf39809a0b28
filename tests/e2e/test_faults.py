# SPDX-License-Identifier: MIT
# Fault injection (issue 4): children that misbehave (ignore SIGTERM,
# daemonize, keep the output pipe open), spawning that fails (RLIMIT_NPROC as
# a uid of its own, RLIMIT_NOFILE, commands that cannot run, an unusable working
# folder), procinit's stdout closed, broken or blocked, a signal storm, a
# 200 MB line and binary data, procinit SIGKILLed, and descriptors leaking
# into children. Each ends with procinit in control: children stopped, the
# documented status and message, no hang, nothing lost that was written
# before the fault. Figures are printed (pytest -s shows them).

import errno
import fcntl
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

import pytest

from conftest import (BIN, DEADLINE, HELPERS, PYTHON, clean_env, is_alive, kill_tagged, pids_with_arg,
                      proc_stat, scaled, tagged_pids, wait_until, write_procfile)

sys.path.insert(0, str(HELPERS))
import relutil  # noqa: E402

SLACK = relutil.slack(BIN)
EMFILE = (os.strerror(errno.EMFILE), "No file descriptors available")  # glibc, musl
EAGAIN = "Resource temporarily unavailable"  # the same text in glibc and musl
MODES = [pytest.param(False, id="subreaper"), pytest.param(True, id="pid1")]
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run procinit as another user")


@pytest.fixture(scope="session")
def reltool(tmp_path_factory):
    return relutil.reltool(tmp_path_factory)


@pytest.fixture
def public_dir():
    """A folder any user can read (pytest's tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="procinit-e2e-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def marker(tag, base):
    """A unique `sleep` argument, so a test finds its own processes."""
    return "%d.%d" % (base, int(tag[:6], 16) % 100000)


def others(p, tag):
    """Live processes of this test other than procinit (and unshare)."""
    own = {p.proc.pid, p.pid}
    return [x for x in tagged_pids(tag) if x not in own]


# ---------------------------------------------------------------- misbehaving children

def test_child_ignoring_sigterm_is_killed_with_its_group(procinit, tmp_path, tag):
    mark = marker(tag, 2001)
    write_procfile(tmp_path, f"""
        stubborn: trap '' TERM; sleep {mark} & echo "written before the fault"; while :; do sleep 0.05; done
        polite: exec sleep 1000
    """)
    p = procinit("-t", "1")
    p.wait_line(r"stubborn\.1 \| written before the fault")
    wait_until(lambda: pids_with_arg(mark), msg="the grandchild")
    t0 = time.monotonic()
    p.signal(signal.SIGTERM)
    rc = p.wait()
    took = p.end_time - t0
    print(f"\n[fault] child ignoring SIGTERM, -t 1: exit {rc} after {took:.2f} s")
    lines = p.lines()
    assert rc == 137, p.dump()
    kill = p.find(r"system     \| sending SIGKILL for stubborn\.1 at pid \d+")
    assert kill is not None and lines.index("stubborn.1 | written before the fault") < kill, p.dump()
    assert "system     | stubborn.1 terminated by SIGKILL" in lines
    assert "system     | polite.1   terminated by SIGTERM" in lines
    assert lines[-1] == "system     | exit 137"
    assert 0.9 <= took <= 1 + SLACK, took
    # the grandchild ignored SIGTERM too; the SIGKILL to the group took it
    wait_until(lambda: not pids_with_arg(mark), timeout=1, msg="the grandchild to be gone")
    assert tagged_pids(tag) == []


@pytest.mark.parametrize("single", [False, True], ids=["procfile", "single"])
@pytest.mark.parametrize("pid1", MODES)
def test_orphans_child_killed_when_handed_over_during_sigkill(procinit, tmp_path, tag, pid1, single):
    """A daemon ignoring SIGTERM has a child ignoring it too. As a subreaper,
    procinit sees only the daemon (the child's parent is the daemon); when
    SIGKILL takes the daemon, its child is handed to procinit and must get
    SIGKILL as well, not outlive the sweep's grace period."""
    mark_a, mark_b = marker(tag, 2003), marker(tag, 2004)
    cmd = (f"""(setsid sh -c "trap '' TERM; sleep {mark_b} & exec sleep {mark_a}" """
           f"""</dev/null >/dev/null 2>&1 &); echo daemonized; exec sleep 1000""")
    if single:
        p = procinit("-t", "1", "--", "sh", "-c", cmd, pid1=pid1)
    else:
        write_procfile(tmp_path, f"daemon: {cmd}")
        p = procinit("-t", "1", pid1=pid1)
    p.wait_line(r"(daemon\.1 +\| )?daemonized")
    a = wait_until(lambda: (pids_with_arg(mark_a) or [None])[0], msg="the daemon")
    b = wait_until(lambda: (pids_with_arg(mark_b) or [None])[0], msg="its child")
    wait_until(lambda: proc_stat(a)[1] == p.pid, msg="the daemon to be reparented to procinit")
    assert proc_stat(b)[1] == a
    t0 = time.monotonic()
    p.signal(signal.SIGTERM)
    rc = p.wait()
    took = p.end_time - t0
    print(f"\n[fault] daemon and its child ignoring SIGTERM ({'pid1' if pid1 else 'subreaper'}, "
          f"{'single' if single else 'procfile'}): exit {rc} after {took:.2f} s")
    assert rc == (143 if single else 137), p.dump()
    assert 0.9 <= took <= 1 + SLACK, took
    assert not is_alive(a) and not is_alive(b)
    assert tagged_pids(tag) == []


@pytest.mark.parametrize("pid1", MODES)
def test_daemon_double_fork_setsid_killed_in_orphan_sweep(procinit, tmp_path, tag, pid1):
    mark = marker(tag, 2002)
    write_procfile(tmp_path, f"""
        daemon: (setsid sh -c "trap '' TERM; exec sleep {mark}" </dev/null >/dev/null 2>&1 &); echo daemonized; exec sleep 1000
    """)
    p = procinit("-t", "1", pid1=pid1)
    init = p.pid
    p.wait_line(r"daemon\.1 \| daemonized")
    dpid = wait_until(lambda: (pids_with_arg(mark) or [None])[0], msg="the daemon")
    # a real daemon: its own session and group, adopted by procinit
    wait_until(lambda: proc_stat(dpid)[1] == init, msg="the daemon to be reparented to procinit")
    assert proc_stat(dpid)[2] == dpid
    t0 = time.monotonic()
    p.signal(signal.SIGTERM)
    rc = p.wait()
    took = p.end_time - t0
    print(f"\n[fault] setsid daemon ignoring SIGTERM ({'pid1' if pid1 else 'subreaper'}): "
          f"exit {rc} after {took:.2f} s")
    lines = p.lines()
    assert rc == 137, p.dump()
    # the sweep may start before daemon.1's exit line is out (that waits for its last bytes)
    sweep = [ln for ln in lines if "orphaned process" in ln]
    assert sweep == ["system   | sending SIGTERM to 1 orphaned process",
                     "system   | sending SIGKILL to 1 orphaned process"], p.dump()
    assert lines.index(sweep[0]) > lines.index("system   | SIGTERM received")
    assert "system   | daemon.1 terminated by SIGTERM" in lines
    assert lines[-1] == "system   | exit 137"
    assert 0.9 <= took <= 1 + SLACK, took
    assert not is_alive(dpid)
    assert tagged_pids(tag) == []


@pytest.mark.parametrize("pid1", MODES)
def test_grandchild_keeps_pipe_open_and_writing(procinit, tmp_path, tag, pid1):
    """The parent exits; its grandchild (own session, ignores SIGTERM) holds the pipe and writes on."""
    write_procfile(tmp_path, """
        holder: echo "parent wrote this"; (setsid sh -c "trap '' TERM; while :; do echo grandchild-writes; sleep 0.05; done" &); while [ ! -e go ]; do sleep 0.01; done; exit 4
        other: exec sleep 1000
    """)
    p = procinit("-t", "1", pid1=pid1)
    p.wait_line(r"holder\.1 \| grandchild-writes", count=3)
    t0 = time.monotonic()
    (tmp_path / "go").touch()
    rc = p.wait()
    took = p.end_time - t0
    print(f"\n[fault] grandchild holding the pipe ({'pid1' if pid1 else 'subreaper'}): "
          f"exit {rc} after {took:.2f} s")
    lines = p.lines()
    assert rc == 4, p.dump()
    exited = lines.index("system   | holder.1 exited with code 4")
    assert lines.index("holder.1 | parent wrote this") < exited
    assert p.find(r"system   \| sending SIGTERM to [1-9]\d* orphaned process(es)?", exited) is not None, p.dump()
    assert p.find(r"system   \| sending SIGKILL to [1-9]\d* orphaned process(es)?", exited) is not None, p.dump()
    assert lines[-1] == "system   | exit 4"
    # drain grace (max(timeout, 1 s)), then the orphan sweep (timeout), then SIGKILL
    assert took <= 2 + SLACK, took
    assert tagged_pids(tag) == []


# ---------------------------------------------------------------- spawning fails

def assert_stopped_after_start_failures(lines, reason):
    """Some instances 'could not start: REASON'; every started one got SIGTERM and ended; exit 126."""
    w = len(lines[0].split(" | ")[0])
    failed = [ln for ln in lines if re.fullmatch(rf"system *\| web\.\d+ *could not start: {reason}", ln)]
    assert failed, "\n".join(lines)
    for m in filter(None, (re.fullmatch(r"system *\| (web\.\d+) *start at pid: (\d+)", ln) for ln in lines)):
        name = f"{m.group(1):<{w}}"
        assert f"{'system':<{w}} | sending SIGTERM for {m.group(1)} at pid {m.group(2)}" in lines, lines
        assert f"{'system':<{w}} | {name} terminated by SIGTERM" in lines, lines
    assert lines[-1] == f"{'system':<{w}} | exit 126"
    return len(failed)


@needs_root
def test_rlimit_nproc_as_unused_uid(procinit, public_dir, tag):
    write_procfile(public_dir, "web: echo up; exec sleep 1000")
    p = procinit("-m", "web=8", "-t", "1", cwd=public_dir, preexec=relutil.run_as_unused_uid(nproc=10))
    rc = p.wait()
    lines = p.lines()
    assert rc == 126, p.dump()
    failed = assert_stopped_after_start_failures(lines, EAGAIN)
    print(f"\n[fault] RLIMIT_NPROC=10 as an unused uid, -m web=8: {8 - failed} started, {failed} could not start, "
          f"exit {rc}")
    assert p.stderr == ""
    assert tagged_pids(tag) == []


@needs_root
@pytest.mark.parametrize("nproc", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("mode", ["procfile", "single"])
def test_rlimit_nproc_tiny(public_dir, tag, mode, nproc):
    """With almost no tasks allowed, procinit ends with 1 (no threads) or 126 (no child),
    each time with a message."""
    write_procfile(public_dir, "web: echo up; exec sleep 1000")
    args = ["-m", "web=2", "-t", "1"] if mode == "procfile" else ["--", "sh", "-c", "echo ran; exit 3"]
    try:
        r = subprocess.run([BIN] + args, cwd=str(public_dir), env=clean_env(None, tag), capture_output=True,
                           text=True, timeout=DEADLINE, preexec_fn=relutil.run_as_unused_uid(nproc=nproc),
                           start_new_session=True)
    except subprocess.TimeoutExpired:
        pytest.fail(f"procinit hung with RLIMIT_NPROC={nproc}")
    finally:
        kill_tagged(tag)
    print(f"\n[fault] RLIMIT_NPROC={nproc} ({mode}): exit {r.returncode}, stderr {r.stderr.strip()!r}")
    if r.returncode == 1:
        assert r.stderr == f"procinit: cannot start threads: {EAGAIN}\n", (nproc, r.stdout, r.stderr)
    elif mode == "single":
        assert (r.returncode, r.stdout, r.stderr) in (
            (126, "", f"procinit: cannot start sh: {EAGAIN}\n"), (3, "ran\n", "")), (nproc, r)
    else:
        assert r.returncode == 126, (nproc, r.stdout, r.stderr)
        assert_stopped_after_start_failures(r.stdout.splitlines(), EAGAIN)
        assert r.stderr == ""


def skip_if_loader_failed(r):
    # A sanitized binary is dynamic: with 3 descriptors ld.so cannot even open its runtime.
    if relutil.sanitizer(BIN) and r.returncode == 127 and "error while loading shared libraries" in r.stderr:
        pytest.skip("the dynamic loader of the sanitized build needs a descriptor")


@pytest.mark.parametrize("nofile", [3, 4, 5, 6, 8, 10, 12])
def test_rlimit_nofile_procfile(tmp_path, tag, nofile):
    write_procfile(tmp_path, "web: echo up; exec sleep 3")
    lim = (nofile, nofile)
    r = subprocess.run([BIN, "-m", "web=3", "-t", "1"], cwd=str(tmp_path), env=clean_env(None, tag),
                       capture_output=True, text=True, timeout=DEADLINE, start_new_session=True,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, lim))
    kill_tagged(tag)
    skip_if_loader_failed(r)
    lines = r.stdout.splitlines()
    print(f"\n[fault] RLIMIT_NOFILE={nofile}, -m web=3: exit {r.returncode}, "
          f"{sum('start at pid' in ln for ln in lines)} started")
    if r.returncode == 2:
        # not even the Procfile could be opened: nothing was started
        assert r.stdout == "" and r.stderr in [f"procinit: Procfile: {m}\n" for m in EMFILE], r
    elif r.returncode == 126:
        assert_stopped_after_start_failures(lines, f"({'|'.join(EMFILE)})")
        assert r.stderr == ""
    else:
        assert r.returncode == 0 and "could not start" not in r.stdout, r


@pytest.mark.parametrize("nofile", [3, 4, 5, 6])
def test_rlimit_nofile_single(tmp_path, tag, nofile):
    lim = (nofile, nofile)
    r = subprocess.run([BIN, "--", "sh", "-c", "echo ran; exit 3"], cwd=str(tmp_path), env=clean_env(None, tag),
                       capture_output=True, text=True, timeout=DEADLINE, start_new_session=True,
                       preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, lim))
    kill_tagged(tag)
    skip_if_loader_failed(r)
    print(f"\n[fault] RLIMIT_NOFILE={nofile} (single): exit {r.returncode}")
    assert (r.returncode, r.stdout, r.stderr) in [(126, "", f"procinit: cannot start sh: {m}\n") for m in EMFILE] + [
        (3, "ran\n", "")], r


@pytest.mark.parametrize("cmd,code,why", [
    ("./no-such-tool", 127, "No such file or directory"),
    ("./tool.sh", 126, "Permission denied"),
    ("./adir", 126, "Permission denied"),
], ids=["missing", "not-executable", "directory"])
def test_command_cannot_run(procinit, tmp_path, tag, cmd, code, why):
    """A simple command is exec'd by procinit itself: why it cannot run is a system line."""
    (tmp_path / "tool.sh").write_text("#!/bin/sh\necho never\n")
    (tmp_path / "tool.sh").chmod(0o644)
    (tmp_path / "adir").mkdir()
    write_procfile(tmp_path, f"""
        bad: {cmd}
        good: echo "written before"; exec sleep 1000
    """)
    p = procinit("-t", "1")
    rc = p.wait()
    lines = p.lines()
    assert rc == code, p.dump()
    msg = lines.index(f"system | bad.1  could not start: {cmd}: {why}")
    assert msg < lines.index(f"system | bad.1  exited with code {code}")
    assert "system | good.1 terminated by SIGTERM" in lines
    assert lines[-1] == f"system | exit {code}"
    assert tagged_pids(tag) == []


@needs_root
def test_working_folder_unusable_at_spawn(procinit, public_dir, tag):
    """-d names a folder that exists but the (unprivileged) children cannot enter: each
    instance 'could not start: chdir: ...' and counts as 126; nothing is left running."""
    locked = public_dir / "locked"
    locked.mkdir()
    locked.chmod(0o700)  # root's: the children's uid may not search it
    write_procfile(public_dir, """
        web: echo never; exec sleep 1000
        worker: echo never; exec sleep 1000
    """)
    p = procinit("-d", locked, "-f", public_dir / "Procfile", "-t", "1", cwd=public_dir,
                 preexec=relutil.run_as_unused_uid())
    rc = p.wait()
    lines = p.lines()
    print(f"\n[fault] unusable working folder: exit {rc}")
    assert rc == 126, p.dump()
    for name in ("web.1   ", "worker.1"):
        assert f"system   | {name} could not start: chdir: Permission denied" in lines, p.dump()
        assert f"system   | {name} exited with code 126" in lines, p.dump()
    assert not [ln for ln in lines if "never" in ln]
    assert lines[-1] == "system   | exit 126"
    assert tagged_pids(tag) == []


def test_working_folder_removed_after_start(procinit, tmp_path, tag):
    """The root folder vanishes while running; a --restart then cannot chdir: each restart
    'could not start: chdir: ...' (127), the restart budget runs out, the rest is stopped."""
    root = tmp_path / "root"
    root.mkdir()
    write_procfile(tmp_path, f"""
        web: echo "written before"; while [ ! -e {tmp_path}/go ]; do sleep 0.01; done; exit 1
        other: echo up; exec sleep 1000
    """)
    p = procinit("-d", root, "-f", tmp_path / "Procfile", "--restart", "web", "--restart-limit", "2/60", "-t", "1")
    p.wait_line(r"web\.1   \| written before")
    p.wait_line(r"other\.1 \| up")
    (root / ".procinit.sock").unlink()  # the control socket lives in ROOT too
    root.rmdir()
    (tmp_path / "go").touch()
    rc = p.wait()
    lines = p.lines()
    print(f"\n[fault] working folder removed after start, --restart: exit {rc}")
    assert rc == 127, p.dump()
    assert "system  | web.1   exited with code 1" in lines, p.dump()
    assert lines.index("web.1   | written before") < lines.index("system  | web.1   exited with code 1")
    assert lines.count("system  | web.1   could not start: chdir: No such file or directory") == 2, p.dump()
    assert "system  | web.1 restarted 2 times within 60 s: giving up" in lines, p.dump()
    assert "system  | other.1 terminated by SIGTERM" in lines
    assert lines[-1] == "system  | exit 127"
    assert tagged_pids(tag) == []


# ---------------------------------------------------------------- procinit's stdout

STDOUT_PROCFILE = """
    chatty: touch chatty.up; exec yes chatty-line-with-some-text
    stubborn: trap '' TERM; touch stubborn.up; while :; do echo stubborn-still-here; done
    quiet: touch quiet.up; exec sleep 1000
"""
NAMES = ("chatty", "stubborn", "quiet")
FIONREAD = getattr(termios, "FIONREAD", 0x541B)
F_GETPIPE_SZ = getattr(fcntl, "F_GETPIPE_SZ", 1032)


def pipe_fill(fd):
    return int.from_bytes(fcntl.ioctl(fd, FIONREAD, b"\0\0\0\0"), sys.byteorder)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
@pytest.mark.parametrize("how", ["closed", "epipe", "blocked"])
def test_stop_with_stdout_gone_or_blocked(procinit, tmp_path, tag, how, sig):
    timeout = 1.0
    write_procfile(tmp_path, STDOUT_PROCFILE)
    r = None
    if how == "closed":
        p = procinit("-t", timeout, stdout="closed")
    elif how == "epipe":
        p = procinit("-t", timeout, stdout=subprocess.PIPE)
        assert p.proc.stdout.readline().startswith(b"system     | ")
        p.proc.stdout.close()  # the reader goes away: writes now fail with EPIPE
    else:
        r, w = os.pipe()
        try:
            p = procinit("-t", timeout, stdout=w)
        finally:
            os.close(w)
    try:
        wait_until(lambda: all((tmp_path / f"{n}.up").exists() for n in NAMES), msg="children up")
        if r is not None:
            size = fcntl.fcntl(r, F_GETPIPE_SZ)
            # Small writes can fill a pipe's page slots before its bytes: half is plenty.
            wait_until(lambda: pipe_fill(r) >= size // 2, msg="procinit's stdout pipe to fill up")
        t0 = time.monotonic()
        p.signal(sig)
        wait_until(lambda: not others(p, tag), timeout=timeout + SLACK,
                   msg=lambda: f"children to stop: {[(x, proc_stat(x)) for x in others(p, tag)]}")
        stopped = time.monotonic() - t0
        # exit: after the drain grace (max(timeout, 1 s)) and the flush (<= 5 s) at most
        rc = p.wait(timeout=timeout + 1 + 1 + 5 * SLACK)
        took = p.end_time - t0
        print(f"\n[fault] stdout {how}, SIG{sig.name[3:]}: children gone after {stopped:.2f} s, "
              f"exit {rc} after {took:.2f} s")
        assert rc == 137, p.stderr
        assert p.stderr == ""
        assert took <= timeout + 2 + SLACK, took
        if r is not None:
            # what was written before the block is whole lines (a torn last one at most)
            fcntl.fcntl(r, fcntl.F_SETFL, os.O_NONBLOCK)
            data = b""
            while True:
                try:
                    chunk = os.read(r, 1 << 16)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                data += chunk
            complete = data.split(b"\n")[:-1]
            rx = re.compile(rb"(system    |chatty\.1  |stubborn\.1|quiet\.1   ) \| .*")
            assert complete and all(rx.fullmatch(ln) for ln in complete), complete[:3]
    finally:
        if r is not None:
            os.close(r)
    assert tagged_pids(tag) == []


# ---------------------------------------------------------------- signal storm

@pytest.mark.parametrize("pid1", MODES)
def test_signal_storm_then_clean_stop(procinit, tmp_path, tag, reltool, pid1):
    n = scaled(20000, 2000)
    write_procfile(tmp_path, f"""
        a: exec {reltool} sigcount
        b: exec {reltool} sigcount
        talk: trap '' HUP USR1 USR2; i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.02; done
    """)
    p = procinit(pid1=pid1)
    p.wait_line(r"a\.1    \| ready")
    p.wait_line(r"b\.1    \| ready")
    p.wait_line(r"talk\.1 \| tick 3")
    storm = subprocess.run([reltool, "kill-storm", str(p.pid), str(n), str(int(signal.SIGHUP)),
                            str(int(signal.SIGUSR1))], capture_output=True, text=True, timeout=DEADLINE)
    assert storm.stdout.startswith(f"sent={n} "), storm
    # The storm is over once a last, different signal has made it through. Its system line
    # is dropped while the announce ring is still full of storm lines: then send another.
    for attempt in range(50):
        p.signal(signal.SIGUSR2)
        try:
            p.wait_line(r"system \| SIGUSR2 received, forwarding to children", timeout=0.5)
            break
        except pytest.fail.Exception:
            assert p.alive() and attempt < 49, p.dump()
    counts = {c: p.wait_line(rf"{c}\.1    \| hup=\d+ usr1=\d+") for c in "ab"}
    assert p.alive()
    forwarded = len([ln for ln in p.lines() if re.fullmatch(r"system \| SIG(HUP|USR1) received, .*", ln)])
    dropped = sum(int(m.group(1)) for m in (re.fullmatch(r"system \| \((\d+) system lines dropped.*", ln)
                                             for ln in p.lines()) if m)
    t0 = time.monotonic()
    p.signal(signal.SIGTERM)
    rc = p.wait()
    took = p.end_time - t0
    lines = p.lines()
    print(f"\n[fault] signal storm ({'pid1' if pid1 else 'subreaper'}): {storm.stdout.strip()}; "
          f"{forwarded + dropped} forwarded (the rest coalesced; {dropped} of their system lines dropped), "
          f"children saw "
          f"{lines[counts['a']].split('| ')[1]!r} / {lines[counts['b']].split('| ')[1]!r}; "
          f"SIGTERM -> exit {rc} in {took:.2f} s")
    assert rc == 0, p.dump()
    assert forwarded >= 1
    for c in "ab":
        assert p.find(rf"{c}\.1    \| term hup=[1-9]\d* usr1=[1-9]\d*") is not None, p.dump()
        assert f"system | {c}.1    exited with code 0" in lines
    assert "system | talk.1 terminated by SIGTERM" in lines
    assert lines[-1] == "system | exit 0"
    ticks = [int(ln.split()[-1]) for ln in lines if ln.startswith("talk.1 | tick ")]
    assert ticks == list(range(len(ticks))), "a line of the talker was lost or reordered"
    assert tagged_pids(tag) == []


# ---------------------------------------------------------------- huge lines, binary data

@pytest.mark.parametrize("kind,size", [("pattern", scaled(200 << 20)), ("binary", scaled(32 << 20))],
                         ids=["200MB-line", "binary-NUL"])
def test_huge_line_and_binary_data_memory_bounded(procinit, tmp_path, tag, reltool, kind, size):
    write_procfile(tmp_path, f"""
        big: {reltool} stream {kind} {size} && touch big.done; exec sleep 1000
    """)
    r, w = os.pipe()
    checker = subprocess.Popen([reltool, "check-stream", "big.1", kind, str(size)], stdin=r,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(r)
    try:
        t0 = time.monotonic()
        try:
            p = procinit("-t", "1", stdout=w)
        finally:
            os.close(w)
        wait_until(lambda: (tmp_path / "big.done").exists(), timeout=DEADLINE + size / 2e6,
                   msg="the writer to finish")
        secs = time.monotonic() - t0
        hwm = relutil.peak_rss_kib(p.pid)
        nthreads = relutil.threads(p.pid)
        p.signal(signal.SIGTERM)
        rc = p.wait()
        out, err = checker.communicate(timeout=DEADLINE)
    finally:
        if checker.poll() is None:
            checker.kill()
            checker.wait()
    res = dict(kv.split("=") for kv in out.split())
    res = {k: int(v) for k, v in res.items()}
    print(f"\n[fault] {kind} {size} bytes: {res['bytes']} body bytes in {res['lines']} lines "
          f"({res['splits']} split by procinit, longest {res['maxline']}), {res['errors']} errors, "
          f"{size / secs / 1e6:.0f} MB/s; procinit peak RSS {hwm / 1024:.1f} MiB, {nthreads} threads")
    assert rc == 0, p.stderr
    assert p.stderr == ""
    assert res["errors"] == 0, err
    assert res["maxline"] <= 65536
    if kind == "pattern":
        # one line without a newline: 64 KiB pieces, every byte there
        assert res["bytes"] == size
        assert res["lines"] == res["splits"] >= -(-size // 65536)
    else:
        assert size - res["bytes"] == res["lines"] - res["splits"]  # every '\n' a line end
    limit = 20 * 1024 if not relutil.sanitizer(BIN) else 64 * 1024
    assert hwm < limit, f"peak RSS {hwm} KiB"


# ---------------------------------------------------------------- procinit killed

def test_sigkill_of_procinit_takes_direct_children(procinit, tmp_path, tag):
    mark = marker(tag, 2003)
    write_procfile(tmp_path, f"""
        plain: echo "pid=$$"; exec sleep 1000
        deaf: trap '' TERM HUP INT; echo "pid=$$"; while :; do sleep 0.05; done
        parent: echo "pid=$$"; sleep {mark} & wait
    """)
    p = procinit()
    pids = []
    for name in ("plain", "deaf", "parent"):
        i = p.wait_line(rf"{name}\.1 *\| pid=\d+")
        pids.append(int(p.lines()[i].split("=")[1]))
    grandchild = wait_until(lambda: (pids_with_arg(mark) or [None])[0], msg="the grandchild")
    t0 = time.monotonic()
    p.signal(signal.SIGKILL)
    p.proc.wait(DEADLINE)
    wait_until(lambda: not any(is_alive(x) for x in pids), timeout=5,
               msg=lambda: f"direct children to die: {[(x, proc_stat(x)) for x in pids]}")
    took = time.monotonic() - t0
    print(f"\n[fault] procinit SIGKILLed: its {len(pids)} direct children gone after {took:.3f} s; "
          f"the grandchild {'survives (not covered by PR_SET_PDEATHSIG)' if is_alive(grandchild) else 'is gone'}")


def test_sigkill_of_procinit_takes_single_command(procinit, tag):
    mark = marker(tag, 2004)
    p = procinit("--", "sleep", mark)
    # procinit's own argv holds the marker too
    child = wait_until(lambda: ([x for x in pids_with_arg(mark) if x != p.pid] or [None])[0], msg="the command")
    assert proc_stat(child)[1] == p.pid
    p.signal(signal.SIGKILL)
    p.proc.wait(DEADLINE)
    wait_until(lambda: not is_alive(child), timeout=5, msg="the command to die with procinit")


# ---------------------------------------------------------------- descriptors

FDLIST = f"{PYTHON} {HELPERS}/fdlist.py"


def fd_report(lines, name):
    """{fd: target} printed by fdlist.py for one instance."""
    out = {}
    for ln in lines:
        m = re.fullmatch(rf"{re.escape(name)} *\| (\d+) (.*)", ln)
        if m:
            out[int(m.group(1))] = m.group(2)
    return out


def test_siblings_see_none_of_each_others_descriptors(procinit, tmp_path):
    n = 4
    write_procfile(tmp_path, f"probe: {FDLIST}; echo listed; exec sleep 1000")
    p = procinit("-m", f"probe={n}")
    p.wait_line(r"probe\.\d \| listed", count=n)
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    for i in range(1, n + 1):
        fds = fd_report(lines, f"probe.{i}")
        assert sorted(fds) == [0, 1, 2], (i, fds)
        assert fds[0] == "/dev/null" and fds[1] == fds[2] and fds[1].startswith("pipe:"), fds


def run_with_inherited_fd(tmp_path, tag, args):
    """procinit run with an extra, inheritable descriptor from its parent; returns (fd, target, result)."""
    (tmp_path / "inherited.txt").write_text("x")
    fd = os.open(tmp_path / "inherited.txt", os.O_RDONLY)
    try:
        r = subprocess.run([BIN] + args, cwd=str(tmp_path), env=clean_env(None, tag), pass_fds=(fd,),
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=DEADLINE,
                           start_new_session=True)
    finally:
        os.close(fd)
        kill_tagged(tag)
    return fd, str(tmp_path / "inherited.txt"), r


def test_inherited_descriptor_not_passed_to_procfile_children(tmp_path, tag):
    """README: every child has 0, 1 and 2 'and no other file descriptors', even when
    procinit's own parent leaked one to procinit."""
    write_procfile(tmp_path, f"probe: {FDLIST}")
    fd, target, r = run_with_inherited_fd(tmp_path, tag, [])
    assert r.returncode == 0, r
    fds = fd_report(r.stdout.splitlines(), "probe.1")
    print(f"\n[fault] Procfile child with fd {fd} inherited by procinit sees {sorted(fds)}")
    assert sorted(fds) == [0, 1, 2], fds


def test_single_mode_passes_inherited_descriptors_only(tmp_path, tag):
    """Single-command mode hands its own descriptors on untouched (as tini does: socket
    activation), but none that procinit opened itself."""
    fd, target, r = run_with_inherited_fd(tmp_path, tag, ["--"] + FDLIST.split())
    assert r.returncode == 0, r
    fds = dict((int(a), b) for a, b in (ln.split(" ", 1) for ln in r.stdout.splitlines()))
    print(f"\n[fault] single-command child with fd {fd} inherited by procinit sees {sorted(fds)}")
    assert sorted(fds) == [0, 1, 2, fd], fds
    assert fds[fd] == target
