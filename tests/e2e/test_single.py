# SPDX-License-Identifier: MIT
# Single-command mode, `procinit [OPTIONS] -- COMMAND [ARG...]`, as a container
# init: exit statuses, untouched stdio, signal forwarding (-g, -r), -v/-vv,
# inherited signal mask and dispositions, orphan reaping and the final sweep
# (as subreaper and as PID 1), --pdeathsig, PROCINIT_* variables, and the
# terminal (foreground group, ctrl-c, a job-control shell as the child).

import os
import re
import signal
import subprocess
import threading
import time

import pytest

from conftest import (BIN, DEADLINE, HELPERS, PYTHON, SCALE, children_of, clean_env, is_alive,
                      kill_tagged, proc_stat, scaled, wait_until)

SIGREC = [PYTHON, HELPERS / "sigrec.py"]
ORPHAN = [PYTHON, HELPERS / "leave_orphan.py"]
EMIT = [PYTHON, HELPERS / "emit.py"]
FDLIST = [PYTHON, HELPERS / "fdlist.py"]

# Signals every build forwards: 1..31 without KILL, STOP, CHLD and the fault
# signals, and the real-time signals from 35 (musl's SIGRTMIN; glibc's is 34).
FAULTS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL, signal.SIGABRT,
          signal.SIGSYS, signal.SIGTRAP}
CLASSIC = [s for s in range(1, 32)
           if s not in FAULTS | {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD}]
REALTIME = list(range(35, int(signal.SIGRTMAX) + 1))

# Slack for timing checks, larger for sanitizer builds on a loaded machine.
SLACK = 1.0 if SCALE >= 1 else 2.5


@pytest.fixture
def run_raw(tmp_path, tag):
    """Run procinit to completion: returns CompletedProcess with bytes output."""
    def run(*args, input=None, env=None, preexec=None, stdin=None, timeout=DEADLINE, cwd=None):
        kw = {"input": input} if input is not None else {
            "stdin": stdin if stdin is not None else subprocess.DEVNULL}
        try:
            return subprocess.run([BIN] + [str(a) for a in args], cwd=str(cwd or tmp_path),
                                  env=clean_env(env, tag), capture_output=True, timeout=timeout,
                                  start_new_session=True, preexec_fn=preexec, **kw)
        except subprocess.TimeoutExpired:
            pytest.fail(f"procinit {args} did not finish within {timeout}s")
    try:
        yield run
    finally:
        kill_tagged(tag)


def stderr_lines(p):
    return p.stderr.splitlines()


def ready_pid(p, role="child"):
    """Wait for sigrec's ready line; return the pid it reports."""
    i = p.wait_line(rf"{role} ready pid=\d+ pgrp=\d+")
    return int(re.search(r"pid=(\d+)", p.lines()[i]).group(1))


def got(role, sig):
    return f"{role} got {int(sig)}"


# ---------------------------------------------------------------- exit status

@pytest.mark.parametrize("script,code", [
    ("exit 0", 0), ("exit 3", 3), ("exit 255", 255),
    ("kill -9 $$", 137), ("kill -TERM $$", 143), ("kill -INT $$", 130),
], ids=["0", "3", "255", "KILL", "TERM", "INT"])
def test_exit_status(run_raw, script, code):
    r = run_raw("--", "sh", "-c", script)
    assert (r.returncode, r.stdout, r.stderr) == (code, b"", b"")


def test_child_killed_from_outside_exits_137(procinit):
    p = procinit("--", "sleep", "1000")
    child = wait_until(lambda: [c for c in children_of(p.pid) if proc_stat(c)[3] == "sleep"])[0]
    os.kill(child, signal.SIGKILL)
    assert p.wait() == 137, p.dump()
    assert p.output == b"" and p.stderr == ""


def test_sigterm_forwarded_child_killed_exits_143(procinit):
    p = procinit("--", "sleep", "1000")
    wait_until(lambda: [c for c in children_of(p.pid) if proc_stat(c)[3] == "sleep"])
    p.signal(signal.SIGTERM)
    assert p.wait() == 143, p.dump()
    assert p.stderr == ""


@pytest.mark.parametrize("flags,script,code", [
    (["-E", "143"], "kill -TERM $$", 0),
    (["--expect-exit", "143"], "exit 143", 0),
    (["--expect-exit=3", "-E4"], "exit 4", 0),
    (["-E", "3", "-E", "4"], "exit 3", 0),
    (["-E", "3"], "exit 4", 4),
    (["-E", "143"], "kill -KILL $$", 137),
    (["-E", "0"], "exit 0", 0),
], ids=["143-signal", "143-code", "forms", "two", "other", "137-unmapped", "0"])
def test_expect_exit(run_raw, flags, script, code):
    r = run_raw(*flags, "--", "sh", "-c", script)
    assert (r.returncode, r.stderr) == (code, b"")


def test_command_not_found_127(run_raw, tag):
    name = f"no-such-command-{tag[:8]}"
    r = run_raw("--", name, "arg")
    assert (r.returncode, r.stdout, r.stderr) == (127, b"", f"procinit: {name}: command not found\n".encode())
    r = run_raw("--", "./missing")
    assert (r.returncode, r.stderr) == (127, b"procinit: ./missing: command not found\n")


def test_command_not_executable_126(run_raw, tmp_path):
    f = tmp_path / "noexec"
    f.write_text("#!/bin/sh\necho ran\n")
    f.chmod(0o644)
    r = run_raw("--", "./noexec")
    assert (r.returncode, r.stdout, r.stderr) == (126, b"", b"procinit: ./noexec: Permission denied\n")
    r = run_raw("--", str(tmp_path))
    assert (r.returncode, r.stderr) == (126, f"procinit: {tmp_path}: Permission denied\n".encode())
    # found by a $PATH search but not executable
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "prog-noexec").write_text("#!/bin/sh\necho ran\n")
    r = run_raw("--", "prog-noexec", env={"PATH": f"{bindir}:/usr/bin:/bin"})
    assert (r.returncode, r.stdout, r.stderr) == (126, b"", b"procinit: prog-noexec: Permission denied\n")


@pytest.mark.parametrize("args,message", [
    (["--"], "-- needs a command"),
    (["-r", "FOO:TERM", "--", "true"], "-r: unknown signal 'FOO'"),
    (["-r", "HUP:BAR", "--", "true"], "-r: unknown signal 'BAR'"),
    (["--rewrite", "HUP", "--", "true"], "--rewrite: expected FROM:TO, got 'HUP'"),
    (["-E", "256", "--", "true"], "-E: invalid exit code '256' (0..255)"),
    (["-E", "x", "--", "true"], "-E: invalid exit code 'x' (0..255)"),
    (["--pdeathsig", "NOPE", "--", "true"], "--pdeathsig: unknown signal 'NOPE'"),
    (["-t", "abc", "--", "true"], "-t: invalid timeout 'abc'"),
], ids=["no-command", "rewrite-from", "rewrite-to", "rewrite-form", "E-range", "E-text",
        "pdeathsig", "timeout"])
def test_usage_errors(run_raw, tmp_path, args, message):
    r = run_raw(*args)
    assert (r.returncode, r.stdout, r.stderr) == (2, b"", f"procinit: {message}\n".encode())


# ---------------------------------------------------------------- stdio and argv

def test_stdin_passed_through_byte_exact(run_raw):
    data = bytes(range(256)) * 300 + b"\r\n\x00tail without newline"
    r = run_raw("--", "cat", input=data)
    assert (r.returncode, r.stderr) == (0, b"")
    assert r.stdout == data


def test_stdout_stderr_unprefixed_byte_exact(run_raw):
    out = b"line one\n\x00\xff\xfe binary\r\n\x1b[31mcolour\x1b[0m\npartial"
    err = b"error \xc3\x28 invalid utf-8\n\x00no newline"
    r = run_raw("--", *EMIT, out.hex(), err.hex(), "5")
    assert r.returncode == 5
    assert r.stdout == out
    assert r.stderr == err


def test_child_gets_procinits_own_descriptors(tmp_path, tag):
    """fd 0, 1 and 2 of the child are procinit's own files (no pipe in between), and nothing else."""
    (tmp_path / "in.txt").write_text("input\n")
    with open(tmp_path / "in.txt", "rb") as fin, open(tmp_path / "err.txt", "wb") as ferr:
        proc = subprocess.Popen([BIN, "--"] + [str(a) for a in FDLIST], stdin=fin, stdout=subprocess.PIPE,
                                stderr=ferr, env=clean_env(None, tag), cwd=str(tmp_path),
                                start_new_session=True)
        try:
            pipe = os.readlink(f"/proc/self/fd/{proc.stdout.fileno()}")
            out, _ = proc.communicate(timeout=DEADLINE)
        finally:
            kill_tagged(tag)
    assert proc.returncode == 0
    assert out.decode().splitlines() == [f"0 {tmp_path}/in.txt", f"1 {pipe}", f"2 {tmp_path}/err.txt"]
    assert (tmp_path / "err.txt").read_bytes() == b""


def test_arguments_passed_without_shell(run_raw):
    r = run_raw("--", "printf", "%s|", "a  b", "$HOME", "*", "-v", "--", "-g", "")
    assert (r.returncode, r.stdout, r.stderr) == (0, b"a  b|$HOME|*|-v|--|-g||", b"")


def test_env_file_applied_but_no_implicit_dotenv(run_raw, tmp_path):
    (tmp_path / ".env").write_text("FROM_DOTENV=yes\n")
    (tmp_path / "vars").write_text("GREETING='hello there'\n")
    r = run_raw("--", "sh", "-c", 'echo "${FROM_DOTENV:-unset}"')
    assert (r.returncode, r.stdout) == (0, b"unset\n")
    r = run_raw("-e", tmp_path / "vars", "--", "sh", "-c", 'echo "$GREETING"')
    assert (r.returncode, r.stdout, r.stderr) == (0, b"hello there\n", b"")


# ---------------------------------------------------------------- forwarding

def test_every_catchable_signal_is_forwarded(procinit):
    """Each signal sent to procinit arrives at the child, exactly once, in order."""
    p = procinit("--", *SIGREC, "--exit-on", int(signal.SIGTERM))
    ready_pid(p)
    sent = [s for s in CLASSIC + REALTIME if s != signal.SIGTERM] + [int(signal.SIGTERM)]
    for s in sent[:-1]:
        p.signal(s)
        p.wait_line(got("child", s))
    # the last one ends the child: its line is checked after the exit (wait_line
    # may report an exit that races with the line's arrival)
    p.signal(sent[-1])
    assert p.wait() == 0, p.dump()
    assert p.lines()[1:] == [got("child", s) for s in sent], p.dump()
    assert p.stderr == ""


SIGNAL_CASES = [signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                signal.SIGWINCH, signal.SIGTERM, 40, int(signal.SIGRTMAX)]


def vv_name(n):
    """Regex for procinit's name of signal n (real-time names depend on the libc's SIGRTMIN)."""
    if n >= 34:
        return r"SIGRTMIN\+(\d+)"
    return re.escape(signal.Signals(n).name)


@pytest.mark.parametrize("sig", SIGNAL_CASES, ids=lambda s: signal.Signals(s).name if s < 34 else f"RT{s}")
def test_forwarded_signal_with_vv(procinit, sig):
    sig = int(sig)
    p = procinit("-vv", "--", *SIGREC, "--exit-on", int(signal.SIGTERM))
    child = ready_pid(p)
    rounds = 1 if sig == signal.SIGTERM else 2
    for k in range(rounds):
        p.signal(sig)
        if sig != signal.SIGTERM:  # SIGTERM ends the child: checked after the exit
            p.wait_line(got("child", sig), count=k + 1)
    if sig != signal.SIGTERM:
        assert p.alive()
        p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    err = stderr_lines(p)
    name = vv_name(sig)
    fwd = re.compile(rf"procinit: forwarding ({name}) as ({name}) to pid {child}")
    for line in err[:rounds]:
        m = fwd.fullmatch(line)
        assert m, err
        if sig >= 34:
            assert m.group(2) == m.group(4) and sig - int(m.group(2)) in (34, 35), line
    rest = err[rounds:]
    if sig != signal.SIGTERM:
        assert rest[0] == f"procinit: forwarding SIGTERM as SIGTERM to pid {child}"
        rest = rest[1:]
    assert rest == [f"procinit: child {child} exited with code 0"]
    assert [ln for ln in p.lines() if " got " in ln] == [got("child", sig)] * rounds + (
        [got("child", signal.SIGTERM)] if sig != signal.SIGTERM else [])


def check_group_delivery(p, to_group):
    """sigrec --fork under procinit: HUP to procinit reaches the grandchild iff to_group."""
    gc = ready_pid(p, "grandchild")
    child = ready_pid(p)
    assert proc_stat(gc)[2] == child  # same process group
    p.signal(signal.SIGHUP)
    p.wait_line(got("child", signal.SIGHUP))
    if to_group:
        p.wait_line(got("grandchild", signal.SIGHUP))
    else:
        # A HUP sent to the group would be pending in the grandchild before this one
        # and handled first (lower number): once the sentinel shows, HUP did not come.
        os.kill(gc, signal.SIGRTMAX)
        p.wait_line(got("grandchild", signal.SIGRTMAX))
        assert got("grandchild", signal.SIGHUP) not in p.lines(), p.dump()
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert lines.count(got("child", signal.SIGHUP)) == 1
    assert lines.count(got("grandchild", signal.SIGHUP)) == (1 if to_group else 0)
    # the grandchild got SIGTERM, with the group or from the orphan sweep
    assert got("grandchild", signal.SIGTERM) in lines
    assert not is_alive(gc)
    return child


@pytest.mark.parametrize("flag", ["-g", "--pgroup"])
def test_pgroup_reaches_grandchild(procinit, flag):
    p = procinit(flag, "-vv", "--", *SIGREC, "--fork", "--exit-on", int(signal.SIGTERM))
    child = check_group_delivery(p, True)
    assert stderr_lines(p)[0] == f"procinit: forwarding SIGHUP as SIGHUP to group {child}"


def test_without_pgroup_only_the_child(procinit):
    p = procinit("-vv", "--", *SIGREC, "--fork", "--exit-on", int(signal.SIGTERM))
    child = check_group_delivery(p, False)
    assert stderr_lines(p)[0] == f"procinit: forwarding SIGHUP as SIGHUP to pid {child}"


def test_rewrite_and_drop(procinit):
    p = procinit("-vv", "-r", "HUP:USR2", "--rewrite", "SIGUSR1:0", "-r", "3:12", "-r", "winch:40",
                 "--", *SIGREC, "--exit-on", int(signal.SIGTERM))
    child = ready_pid(p)
    p.signal(signal.SIGHUP)
    p.wait_line(got("child", signal.SIGUSR2))
    # USR1 is dropped: ALRM sent right after it arrives, USR1 never does
    p.signal(signal.SIGUSR1)
    p.signal(signal.SIGALRM)
    p.wait_line(got("child", signal.SIGALRM))
    p.signal(signal.SIGQUIT)
    p.wait_line(got("child", signal.SIGUSR2), count=2)
    p.signal(signal.SIGWINCH)
    p.wait_line(got("child", 40))
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    assert [ln for ln in p.lines() if " got " in ln] == [
        got("child", signal.SIGUSR2), got("child", signal.SIGALRM), got("child", signal.SIGUSR2),
        got("child", 40), got("child", signal.SIGTERM)]
    err = stderr_lines(p)
    assert err[:4] == [
        f"procinit: forwarding SIGHUP as SIGUSR2 to pid {child}",
        "procinit: dropping SIGUSR1",
        f"procinit: forwarding SIGALRM as SIGALRM to pid {child}",
        f"procinit: forwarding SIGQUIT as SIGUSR2 to pid {child}",
    ], err
    assert re.fullmatch(rf"procinit: forwarding SIGWINCH as SIGRTMIN\+\d+ to pid {child}", err[4]), err
    assert err[5:] == [f"procinit: forwarding SIGTERM as SIGTERM to pid {child}",
                       f"procinit: child {child} exited with code 0"]


def test_rewrite_drop_sigterm(procinit):
    """-r TERM:0: SIGTERM no longer reaches the child (it keeps running); INT still does."""
    p = procinit("-vv", "-r", "15:0", "--", *SIGREC, "--exit-on", int(signal.SIGINT), "--code", "4")
    child = ready_pid(p)
    p.signal(signal.SIGTERM)
    # pending signals are taken lowest first: WINCH (28) comes after TERM (15)
    p.signal(signal.SIGWINCH)
    p.wait_line(got("child", signal.SIGWINCH))
    assert p.alive()
    p.signal(signal.SIGINT)
    assert p.wait() == 4, p.dump()
    assert [ln for ln in p.lines() if " got " in ln] == [got("child", signal.SIGWINCH),
                                                         got("child", signal.SIGINT)]
    assert stderr_lines(p) == [
        "procinit: dropping SIGTERM",
        f"procinit: forwarding SIGWINCH as SIGWINCH to pid {child}",
        f"procinit: forwarding SIGINT as SIGINT to pid {child}",
        f"procinit: child {child} exited with code 4",
    ]


# ---------------------------------------------------------------- -v

def test_verbose_child_exit_and_reaped_orphan(procinit):
    p = procinit("-v", "--", "sh", "-c", "sleep 1000 & echo $$ $!; exit 3")
    assert p.wait() == 3, p.dump()
    child, orphan = map(int, p.lines()[0].split())
    assert p.lines() == [f"{child} {orphan}"]
    assert stderr_lines(p) == [
        f"procinit: child {child} exited with code 3",
        "procinit: sending SIGTERM to 1 orphaned process",
        f"procinit: reaped orphan {orphan}",
    ]
    assert not is_alive(orphan)


STORM = r"""
import os, sys
r, w = os.pipe()
pids = []
for _ in range(int(sys.argv[1])):
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.read(r, 1)  # until every writer is gone: all wake at once
        os._exit(0)
    pids.append(pid)
print(" ".join(map(str, pids)), flush=True)
"""


def test_verbose_storm_of_orphans_every_exit_reported(procinit):
    """Hundreds of orphans die at the same moment (their parent's exit closes
    the pipe they wait on). Every reap is reported once, and "no child left"
    never overtakes one: the last lines are not lost when procinit exits."""
    n = scaled(300, 100)
    p = procinit("-v", "--", PYTHON, "-c", STORM, str(n))
    assert p.wait() == 0, p.dump()
    orphans = sorted(map(int, p.lines()[0].split()))
    assert len(orphans) == n
    reaped = [ln for ln in stderr_lines(p) if ln.startswith("procinit: reaped orphan ")]
    assert sorted(int(ln.rsplit(" ", 1)[1]) for ln in reaped) == orphans, p.stderr[-2000:]


def test_verbose_child_killed(procinit):
    p = procinit("--verbose", "--", "sh", "-c", "echo $$; kill -9 $$")
    assert p.wait() == 137, p.dump()
    child = int(p.lines()[0])
    assert stderr_lines(p) == [f"procinit: child {child} killed by signal 9"]


def test_quiet_by_default(procinit):
    p = procinit("--", "sh", "-c", "sleep 1000 & exit 3")
    assert p.wait() == 3, p.dump()
    assert p.stderr == ""


# ---------------------------------------------------------------- signal mask and dispositions

# Signals 32 and 33 belong to libc (glibc's SIGCANCEL/SIGSETXID): sanitizer
# runtimes block or ignore them on their own, so they are left out of the checks.
LIBC_SIGNALS = 3 << 31


def status_lines(out):
    return {k: "%016x" % (int(v, 16) & ~LIBC_SIGNALS)
            for k, v in (ln.split(":\t") for ln in out.decode().splitlines())}


def mask(*sigs):
    return "%016x" % sum(1 << (int(s) - 1) for s in sigs)


GREP = ["--", "grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"]


def test_child_starts_with_clean_mask(run_raw):
    """procinit blocks (nearly) everything itself; none of that reaches the child."""
    r = run_raw(*GREP)
    assert (r.returncode, r.stderr) == (0, b"")
    assert status_lines(r.stdout) == {"SigBlk": mask(), "SigIgn": mask()}


def test_inherited_sig_ign_stays_ignored(run_raw):
    def pre():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    r = run_raw(*GREP, preexec=pre)
    assert (r.returncode, r.stderr) == (0, b"")
    assert status_lines(r.stdout) == {"SigBlk": mask(), "SigIgn": mask(signal.SIGHUP, signal.SIGINT)}


def test_inherited_sigchld_ignore_restored_in_child(run_raw):
    def pre():
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    r = run_raw(*GREP, preexec=pre)
    assert (r.returncode, r.stderr) == (0, b"")
    assert status_lines(r.stdout) == {"SigBlk": mask(), "SigIgn": mask(signal.SIGCHLD)}
    # procinit itself still gets the child's status
    r = run_raw("--", "sh", "-c", "exit 5", preexec=pre)
    assert (r.returncode, r.stderr) == (5, b"")


def test_inherited_blocked_mask_arrives_unchanged(run_raw):
    blocked = [signal.SIGUSR1, signal.SIGTERM, signal.SIGWINCH, 40]

    def pre():
        signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    r = run_raw(*GREP, preexec=pre)
    assert (r.returncode, r.stderr) == (0, b"")
    assert status_lines(r.stdout) == {"SigBlk": mask(*blocked), "SigIgn": mask()}


# ---------------------------------------------------------------- orphans

MODES = [pytest.param(False, id="subreaper"), pytest.param(True, id="pid1")]


@pytest.mark.parametrize("pid1", MODES)
def test_orphans_reaped_no_zombies(procinit, pid1):
    n = 50
    args = ["--", PYTHON, HELPERS / "orphans.py", n] + (["--all"] if pid1 else [])
    p = procinit(*args, pid1=pid1)
    assert p.wait() == 0, p.dump()
    assert p.lines() == [f"orphans={n} reparented={n} reaped={n} zombies=0"]
    assert p.stderr == ""


@pytest.mark.parametrize("pid1", MODES)
def test_orphan_ignoring_sigterm_killed_after_timeout(procinit, pid1):
    p = procinit("-v", "-t", "1", "--", *ORPHAN, "7", "--ignore-term", pid1=pid1)
    assert p.wait() == 7, p.dump()
    assert p.lines()[:2] == [p.lines()[0], "child exiting"], p.dump()
    orphan = int(re.fullmatch(r"orphan ready pid=(\d+)", p.lines()[0]).group(1))
    j = 1
    elapsed = p.end_time - p.line_time(j)
    assert 0.8 <= elapsed <= 1.0 + SLACK, elapsed
    err = stderr_lines(p)
    assert len(err) == 4, err
    assert re.fullmatch(r"procinit: child \d+ exited with code 7", err[0]), err
    assert err[1:] == ["procinit: sending SIGTERM to 1 orphaned process",
                       "procinit: sending SIGKILL to 1 orphaned process",
                       f"procinit: reaped orphan {orphan}"]
    if not pid1:
        assert proc_stat(orphan) is None


@pytest.mark.parametrize("pid1", MODES)
def test_orphan_gets_sigterm_after_child_exits(procinit, pid1):
    p = procinit("-t", "10", "--", *ORPHAN, "4", pid1=pid1)
    assert p.wait() == 4, p.dump()
    assert p.lines()[1:] == ["child exiting", "orphan got SIGTERM"], p.dump()
    orphan = int(re.fullmatch(r"orphan ready pid=(\d+)", p.lines()[0]).group(1))
    j = 1
    assert p.end_time - p.line_time(j) < 1.0 + SLACK  # not the 10 s timeout
    assert p.stderr == ""
    if not pid1:
        assert proc_stat(orphan) is None


@pytest.mark.parametrize("pid1", MODES)
def test_stopped_orphan_gets_sigcont_after_sigterm(procinit, tmp_path, pid1):
    """An orphan that was SIGSTOPped when the command exited gets SIGCONT after the
    sweep's SIGTERM, as an instance does: it runs its trap and exits at once instead
    of sitting on the SIGTERM until the SIGKILL after --timeout."""
    script = ("sh -c 'trap \"echo got-term >term; exit 0\" TERM; : >ready; sleep 1000 & wait' & o=$!; "
              "while [ ! -e ready ]; do sleep 0.05; done; kill -STOP $o; "
              "while read -r _ _ st _ </proc/$o/stat && [ \"$st\" != T ]; do sleep 0.05; done; exit 5")
    p = procinit("-t", "30", "--", "sh", "-c", script, pid1=pid1)
    assert p.wait(timeout=20) == 5, p.dump()  # well before the 30 s --timeout
    assert (tmp_path / "term").read_text() == "got-term\n"
    assert p.stderr == ""


def test_sigterm_during_sweep_hurries_sigkill(procinit):
    """After the child exited, a SIGTERM to procinit cuts the orphans' grace short."""
    p = procinit("-v", "-t", "60", "--", *ORPHAN, "6", "--survive-term")
    i = p.wait_line(r"orphan ready pid=\d+")
    orphan = int(p.lines()[i].split("=")[1])
    p.wait_line("child exiting")
    p.wait_line("orphan got SIGTERM")  # the sweep has begun
    t0 = time.monotonic()
    p.signal(signal.SIGTERM)
    assert p.wait() == 6, p.dump()
    assert p.end_time - t0 < 1.0 + SLACK
    assert stderr_lines(p)[1:] == ["procinit: sending SIGTERM to 1 orphaned process",
                                   "procinit: sending SIGKILL to 1 orphaned process",
                                   f"procinit: reaped orphan {orphan}"]


# ---------------------------------------------------------------- --pdeathsig

class LineReader:
    def __init__(self, stream):
        self.lines = []
        self._stream = stream
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        for ln in self._stream:
            self.lines.append(ln.decode().rstrip("\n"))

    def wait(self, pattern):
        rx = re.compile(pattern)
        return wait_until(lambda: next((ln for ln in self.lines if rx.fullmatch(ln)), None),
                          msg=lambda: f"{pattern!r} in {self.lines}")


@pytest.fixture
def pdeath(tmp_path, tag):
    procs = []

    def start(*procinit_args):
        argv = [PYTHON, HELPERS / "pdeath_parent.py", BIN, *procinit_args]
        proc = subprocess.Popen([str(a) for a in argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=clean_env(None, tag), cwd=str(tmp_path),
                                start_new_session=True)
        procs.append(proc)
        return proc, LineReader(proc.stdout)
    try:
        yield start
    finally:
        kill_tagged(tag)
        for proc in procs:
            proc.kill()
            proc.wait()
            for s in (proc.stdin, proc.stdout, proc.stderr):
                s.close()


def pdeath_common(pdeath, *flags):
    proc, out = pdeath(*flags, "--", *SIGREC, "--exit-on", int(signal.SIGTERM))
    pid = int(out.wait(r"started pid=\d+").split("=")[1])
    child = int(out.wait(r"child ready pid=\d+ pgrp=\d+").split()[2].split("=")[1])
    assert proc_stat(child)[1] == pid
    return proc, out, pid, child


@pytest.mark.parametrize("name", ["TERM", "SIGTERM", "15"])
def test_pdeathsig_term_forwarded(pdeath, name):
    proc, out, pid, child = pdeath_common(pdeath, "--pdeathsig", name)
    assert [ln for ln in out.lines if " got " in ln] == []
    proc.stdin.write(b"die\n")
    proc.stdin.flush()
    out.wait("program exit=0")
    assert proc.wait(DEADLINE) == 0
    # "middle gone" (from the subreaper) and the child's line race each other
    assert out.lines[-1] == "program exit=0"
    assert sorted(out.lines[-3:-1]) == sorted(["middle gone", got("child", signal.SIGTERM)])


def test_pdeathsig_kill_takes_the_child_too(pdeath):
    proc, out, pid, child = pdeath_common(pdeath, "--pdeathsig", "KILL")
    proc.stdin.write(b"die\n")
    proc.stdin.flush()
    out.wait("program signal=9")
    wait_until(lambda: not is_alive(child), msg="the child to die with procinit")
    assert proc.wait(DEADLINE) == 0


@pytest.mark.parametrize("name", ["ALRM", "PWR", "RTMIN+3"])
def test_pdeathsig_any_signal_is_a_graceful_stop(pdeath, name):
    """A signal procinit would otherwise not act on still stops it when the parent dies:
    the command gets SIGTERM (the graceful stop), and procinit exits with its status."""
    proc, out, pid, child = pdeath_common(pdeath, "--pdeathsig", name)
    proc.stdin.write(b"die\n")
    proc.stdin.flush()
    out.wait("program exit=0")
    assert got("child", signal.SIGTERM) in out.lines, out.lines
    assert proc.wait(DEADLINE) == 0


@pytest.mark.parametrize("name", ["ALRM", "PWR", "HUP"])
def test_pdeathsig_any_signal_stops_procfile_mode(pdeath, tmp_path, name):
    """Procfile mode: the --pdeathsig signal, whatever it is, is the graceful stop."""
    (tmp_path / "Procfile").write_text("w: exec sleep 1000\n")
    proc, out = pdeath("--pdeathsig", name, "-t", "5")
    out.wait(r"started pid=\d+")
    out.wait(r"system \| w\.1 +start at pid: \d+")
    proc.stdin.write(b"die\n")
    proc.stdin.flush()
    out.wait("program exit=0")
    assert f"system | SIG{name} received (--pdeathsig)" in out.lines, out.lines
    assert "system | w.1    terminated by SIGTERM" in out.lines, out.lines
    assert proc.wait(DEADLINE) == 0


def test_no_pdeathsig_by_default(pdeath):
    proc, out, pid, child = pdeath_common(pdeath)
    proc.stdin.write(b"die\n")
    proc.stdin.flush()
    out.wait("middle gone")
    os.kill(pid, signal.SIGUSR1)
    out.wait(got("child", signal.SIGUSR1))
    assert is_alive(pid)
    os.kill(pid, signal.SIGTERM)
    out.wait("program exit=0")
    assert [ln for ln in out.lines if " got " in ln] == [got("child", signal.SIGUSR1),
                                                         got("child", signal.SIGTERM)]


# ---------------------------------------------------------------- PROCINIT_* variables

@pytest.mark.parametrize("env,flags", [
    ({"PROCINIT_TIMEOUT": "1"}, []),
    ({"PROCINIT_TIMEOUT": "0.5"}, ["-t", "1"]),
    ({"PROCINIT_TIMEOUT": "30"}, ["-t", "1"]),
    ({"PROCINIT_TIMEOUT": "bogus"}, ["--timeout=1"]),
], ids=["env", "flag-wins-lower", "flag-wins-higher", "flag-wins-invalid"])
def test_procinit_timeout(procinit, env, flags):
    p = procinit(*flags, "--", *ORPHAN, "7", "--ignore-term", env=env)
    assert p.wait() == 7, p.dump()
    j = p.find("child exiting")
    assert j == 1, p.dump()
    elapsed = p.end_time - p.line_time(j)
    assert 0.8 <= elapsed <= 1.0 + SLACK, elapsed
    assert p.stderr == ""


@pytest.mark.parametrize("value", ["x", "-1", "86401", "1s", "nan", " 1"])
def test_procinit_timeout_invalid(run_raw, tmp_path, value):
    r = run_raw("--", "touch", "ran", env={"PROCINIT_TIMEOUT": value})
    assert (r.returncode, r.stdout) == (2, b"")
    assert r.stderr == f"procinit: PROCINIT_TIMEOUT: invalid timeout '{value}' (0..86400)\n".encode()
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("value,flags,group", [
    ("1", [], True), ("true", [], True), ("0", [], False), ("false", [], False),
    ("", [], False), ("0", ["-g"], True),
], ids=["1", "true", "0", "false", "empty", "flag-wins"])
def test_procinit_pgroup(procinit, value, flags, group):
    p = procinit(*flags, "-vv", "--", *SIGREC, "--fork", "--exit-on", int(signal.SIGTERM),
                 env={"PROCINIT_PGROUP": value})
    child = check_group_delivery(p, group)
    assert stderr_lines(p)[0] == f"procinit: forwarding SIGHUP as SIGHUP to {'group' if group else 'pid'} {child}"


@pytest.mark.parametrize("value,flags,level", [
    ("0", [], 0), ("1", [], 1), ("2", [], 2), ("9", [], 2),
    ("2", ["-v"], 1), ("0", ["-vv"], 2), ("x", ["-v"], 1),
], ids=["0", "1", "2", "9", "flag-wins-lower", "flag-wins-higher", "flag-wins-invalid"])
def test_procinit_verbosity(procinit, value, flags, level):
    p = procinit(*flags, "--", *SIGREC, "--exit-on", int(signal.SIGTERM), "--code", "3",
                 env={"PROCINIT_VERBOSITY": value})
    child = ready_pid(p)
    p.signal(signal.SIGHUP)
    p.wait_line(got("child", signal.SIGHUP))
    p.signal(signal.SIGTERM)
    assert p.wait() == 3, p.dump()
    expected = [f"procinit: forwarding SIGHUP as SIGHUP to pid {child}",
                f"procinit: forwarding SIGTERM as SIGTERM to pid {child}"] if level >= 2 else []
    if level >= 1:
        expected.append(f"procinit: child {child} exited with code 3")
    assert stderr_lines(p) == expected


@pytest.mark.parametrize("value", ["x", "10", "-1", "1x"])
def test_procinit_verbosity_invalid(run_raw, tmp_path, value):
    r = run_raw("--", "touch", "ran", env={"PROCINIT_VERBOSITY": value})
    assert (r.returncode, r.stdout) == (2, b"")
    assert r.stderr == f"procinit: PROCINIT_VERBOSITY: invalid level '{value}' (0..9)\n".encode()
    assert not (tmp_path / "ran").exists()


# ---------------------------------------------------------------- terminal

def tty_child(t):
    """Wait until procinit (the session leader) has a child that leads the terminal's foreground group."""
    def check():
        kids = children_of(t.proc.pid)
        if len(kids) == 1 and t.fg_pgrp() == kids[0]:
            return kids[0]
        return None
    return wait_until(check, msg=lambda: f"a child of procinit in the foreground "
                      f"(fg={t.fg_pgrp()}, children={children_of(t.proc.pid)})")


def test_tty_ctrl_c_reaches_child_directly(pty_spawn):
    t = pty_spawn([BIN, "-vv", "--", "sh", "-c", "sleep 1000"])
    child = tty_child(t)
    assert child != t.proc.pid
    assert proc_stat(child)[2] == child
    wait_until(lambda: any(proc_stat(q) and proc_stat(q)[3] == "sleep" for q in [child] + children_of(child)))
    t0 = time.monotonic()
    t.send(b"\x03")
    assert t.wait() == 130
    assert time.monotonic() - t0 < 1.0 + SLACK
    t._reader.join(DEADLINE)
    # procinit did not see SIGINT itself (-vv would log its forwarding): only the exit line
    text = t.output.decode("utf-8", "replace").replace("^C", "")  # the terminal's echo
    assert [ln for ln in text.splitlines() if "procinit" in ln] == [
        f"procinit: child {child} killed by signal 2"], text


def test_tty_descriptors_passed_through(pty_spawn):
    t = pty_spawn([BIN, "--"] + FDLIST)
    assert t.wait() == 0
    t._reader.join(DEADLINE)
    lines = t.output.decode().splitlines()
    assert len(lines) == 3 and all(re.fullmatch(rf"{k} /dev/pts/\d+", ln) for k, ln in enumerate(lines)), lines
    assert len({ln.split()[1] for ln in lines}) == 1


BASH = ["bash", "--norc", "--noprofile", "--noediting", "-i"]
SHELL_ENV = {"PS1": "PROMPT> ", "TERM": "dumb", "HISTFILE": "/dev/null", "PROMPT_COMMAND": None}


def test_tty_job_control_shell_as_child(pty_spawn):
    """`procinit -- bash -i`: the shell gets job control (ctrl-z stops its job, fg resumes it),
    and procinit neither stops nor interferes."""
    t = pty_spawn([BIN, "--"] + BASH, env=SHELL_ENV)
    shell = tty_child(t)
    t.expect(rb"PROMPT> ")
    m = t.mark()
    t.send(b"sleep 1000\n")

    def job():
        kids = [k for k in children_of(shell) if proc_stat(k) and proc_stat(k)[3] == "sleep"]
        return kids[0] if kids and t.fg_pgrp() == kids[0] else None
    sleeper = wait_until(job, msg="sleep as the foreground job")
    t.send(b"\x1a")
    t.expect(rb"Stopped", m)
    wait_until(lambda: proc_stat(sleeper)[0] == "T")
    wait_until(lambda: t.fg_pgrp() == shell)
    assert proc_stat(t.proc.pid)[0] in "SR" and proc_stat(shell)[0] in "SR"
    t.send(b"fg\n")
    wait_until(lambda: proc_stat(sleeper)[0] in "SR" and t.fg_pgrp() == sleeper)
    m = t.mark()
    t.send(b"\x03")
    wait_until(lambda: proc_stat(sleeper) is None)
    t.expect(rb"PROMPT> ", m)
    t.send(b"echo rc=$((1+2))\n")
    t.expect(rb"rc=3\r\n", m)
    t.send(b"exit 3\n")
    assert t.wait() == 3


def test_libc_internal_signals_are_forwarded_not_fatal(procinit):
    """Signals 32-34 (kept by musl for itself; 34 is glibc's SIGRTMIN) reach the child
    instead of killing procinit with their default action."""
    p = procinit("-vv", "--", "sleep", "1000")
    child = wait_until(lambda: [c for c in children_of(p.pid) if proc_stat(c)[3] == "sleep"])[0]
    os.kill(p.pid, 34)
    assert p.wait() == 128 + 34, p.stderr
    assert re.search(r"procinit: forwarding (signal 34|SIGRTMIN\+0) as (signal 34|SIGRTMIN\+0) "
                     rf"to pid {child}", p.stderr), p.stderr


def test_libc_signal_pending_at_start_is_not_lost(procinit):
    """A signal 34 already pending when procinit starts (blocked by the parent, which
    exec's mask and pending set carry over) survives musl's first pthread_create,
    which unblocks it for a moment while it is ignored: it reaches the child."""
    def pend():
        signal.pthread_sigmask(signal.SIG_BLOCK, {34})
        os.kill(os.getpid(), 34)

    p = procinit("-vv", "--", "sleep", "1000", preexec=pend)
    child = wait_until(lambda: [c for c in children_of(p.pid) if proc_stat(c)[3] == "sleep"])[0]

    def pending(pid):  # the child runs with the mask procinit got: 34 blocked, so it waits there
        with open(f"/proc/{pid}/status") as f:
            st = dict(line.split(":\t", 1) for line in f.read().splitlines())
        return (int(st["SigPnd"], 16) | int(st["ShdPnd"], 16)) >> 33 & 1
    wait_until(lambda: pending(child))  # a fork inherits no pending signal: procinit sent it
    p.signal(signal.SIGTERM)
    assert p.wait() == 128 + signal.SIGTERM, p.stderr
    assert re.search(r"procinit: forwarding (signal 34|SIGRTMIN\+0) as (signal 34|SIGRTMIN\+0) "
                     rf"to pid {child}", p.stderr), p.stderr
