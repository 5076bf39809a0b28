# SPDX-License-Identifier: MIT
# The process model (issue 10): a Procfile instance is its program and its
# process group. A simple command runs without a shell, so the app itself
# is procinit's child: it gets exactly one stop signal, finishes its graceful
# shutdown and its own exit status is shown; PR_SET_PDEATHSIG reaches it; no
# shell is needed at all. What is left in an instance's group belongs to the
# instance (one stop signal, --timeout, SIGKILL, exit 137); only processes
# that left every group are orphans. And the faults found by hand: a start
# that fails during a restart, a child that cannot die, a stopped child.

import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import (BIN, HELPERS, PYTHON, is_alive, pids_with_arg, proc_stat, tagged_pids,
                      wait_until, write_procfile)
from helpers import relutil

SLACK = relutil.slack(BIN)

# A Python app that shuts down gracefully: half a second of work after SIGTERM.
APP = r"""
import signal, sys, time
count = 0
def term(sig, frame):
    global count
    count += 1
    print(f"SIGTERM #{count}", flush=True)
    if count == 1:
        time.sleep(0.5)
        print("clean shutdown", flush=True)
        sys.exit(0)
signal.signal(signal.SIGTERM, term)
print("ready", flush=True)
while True:
    time.sleep(1)
"""


def marker(tag, base):
    """A sleep duration unique to this test, to find its processes."""
    return "%d.%d" % (base, int(tag[:6], 16) % 100000)


@pytest.mark.parametrize("command", [
    "{py} w.py",
    "{py} w.py --port $PORT",
    "cd . && {py} w.py",
], ids=["plain", "with-port", "shell-stays"])
def test_graceful_app_gets_exactly_one_sigterm(procinit, tmp_path, command):
    (tmp_path / "w.py").write_text(APP)
    write_procfile(tmp_path, f"""
        w: {command.format(py=PYTHON)}
        x: sleep 1
    """)
    p = procinit()
    rc = p.wait()
    lines = p.lines()
    assert rc == 0, p.dump()
    assert "w.1    | SIGTERM #1" in lines, p.dump()
    assert "w.1    | SIGTERM #2" not in lines, p.dump()
    assert "w.1    | clean shutdown" in lines, p.dump()
    assert not any("orphan" in ln for ln in lines), p.dump()
    assert lines.count("system | sending SIGTERM for w.1 at pid " + lines[0].split()[-1]) <= 1
    if command.startswith("cd"):
        # the shell is the leader and dies of the group's SIGTERM; the app finishes anyway
        assert "system | w.1    terminated by SIGTERM" in lines, p.dump()
    else:
        # the app itself is the child: its own status is shown
        assert "system | w.1    exited with code 0" in lines, p.dump()
        assert lines.index("w.1    | clean shutdown") < lines.index("system | w.1    exited with code 0")
    assert lines[-1] == "system | exit 0"


def test_the_program_is_the_child(procinit, tmp_path, tag):
    """No intermediate shell: the pid in the start line is the program's."""
    mark = marker(tag, 4100)
    write_procfile(tmp_path, f"w: sleep {mark}")
    p = procinit()
    i = p.wait_line(r"system \| w\.1 +start at pid: \d+")
    pid = int(p.lines()[i].split()[-1])
    st = proc_stat(pid)
    assert st is not None and st[3] == "sleep", st
    assert st[1] == p.pid and st[2] == pid, st  # our child, leader of its own group
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()


@pytest.mark.parametrize("command", ["sleep {m}", "sleep $N", "exec sleep {m}"],
                         ids=["plain", "variable", "exec"])
def test_sigkill_of_procinit_leaves_no_app_alive(procinit, tmp_path, tag, command):
    """PR_SET_PDEATHSIG is set on the program itself, not on a shell."""
    mark = marker(tag, 4200)
    write_procfile(tmp_path, "w: " + command.format(m=mark))
    p = procinit(env={"N": mark})
    p.wait_line(r"system \| w\.1 +start at pid: \d+")
    wait_until(lambda: pids_with_arg(mark), msg="the sleep")
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    wait_until(lambda: pids_with_arg(mark) == [], msg="the sleep to die with procinit")


def _static_tool(tmp_path):
    """A static program that prints its arguments and $PORT (no libc needed at run time)."""
    src = tmp_path / "args.c"
    src.write_text(r"""
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("[%s]", argv[i]);
	printf(" PORT=%s\n", getenv("PORT") ? getenv("PORT") : "-");
	return 0;
}
""")
    out = tmp_path / "args"
    cc = shutil.which("musl-gcc") or "cc"
    subprocess.run([cc, "-static", "-O", "-o", str(out), str(src)], check=True)
    return out


def _static_binary(path):
    """True when the ELF file has no program interpreter (no dynamic loader to find)."""
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    return b"/ld-linux" not in data and b"ld-musl" not in data


needs_static_root = pytest.mark.skipif(os.geteuid() != 0 or not _static_binary(BIN),
                                       reason="chroot needs root and a static procinit")


@needs_static_root
def test_simple_commands_need_no_shell(tmp_path, tag):
    """A root with procinit, one static program and a Procfile: no /bin/sh anywhere."""
    root = tmp_path / "root"
    (root / "bin").mkdir(parents=True)
    shutil.copy(BIN, root / "procinit")
    shutil.copy(_static_tool(tmp_path), root / "bin" / "args")
    (root / "Procfile").write_text(
        "a: /bin/args one 'two words' \"$PORT\" ${PS}\n"
        "b: args found-in-path\n"
        "c: PORT=1 args assigned\n")
    r = subprocess.run(["/usr/sbin/chroot", str(root), "/procinit", "-f", "/Procfile", "--can-die", "all"],
                       env={"PATH": "/bin", "PROCINIT_E2E_TAG": tag}, capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, r
    out = r.stdout.splitlines()
    assert "a.1    | [one][two words][5000][a.1] PORT=5000" in out, r.stdout
    assert "b.1    | [found-in-path] PORT=5100" in out, r.stdout
    assert "c.1    | [assigned] PORT=1" in out, r.stdout
    assert out[-1] == "system | exit 0"


@needs_static_root
def test_shell_syntax_without_a_shell_says_so(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(BIN, root / "procinit")
    (root / "Procfile").write_text("a: true && false\n")
    r = subprocess.run(["/usr/sbin/chroot", str(root), "/procinit", "-f", "/Procfile"], env={},
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 127, r
    out = r.stdout.splitlines()
    assert "system | a.1    could not start: /bin/sh: No such file or directory" in out, r.stdout
    assert "system | a.1    exited with code 127" in out, r.stdout


def test_group_member_ignoring_sigterm_is_killed_after_timeout(procinit, tmp_path, tag):
    """The leader dies of SIGTERM; what it left in its group ignores it. It belongs to the
    instance: SIGKILL after --timeout, exit 137, and nothing is called an orphan."""
    mark = marker(tag, 4300)
    write_procfile(tmp_path, f"""
        w: (trap '' TERM; exec sleep {mark}) & echo started; wait
    """)
    p = procinit("-t", "1")
    p.wait_line(r"w\.1 +\| started")
    wait_until(lambda: pids_with_arg(mark), msg="the sleep")
    t0 = time.monotonic()
    p.signal(signal.SIGINT)
    rc = p.wait()
    took = p.end_time - t0
    lines = p.lines()
    assert rc == 137, p.dump()
    assert "system | w.1    terminated by SIGTERM" in lines, p.dump()
    assert [ln for ln in lines if "sending SIGTERM" in ln and "w.1" in ln] == [
        ln for ln in lines if ln.startswith("system | sending SIGTERM for w.1 at pid ")], p.dump()
    assert any(ln.startswith("system | sending SIGKILL for w.1 at pid ") for ln in lines), p.dump()
    assert not any("orphan" in ln for ln in lines), p.dump()
    assert 0.9 <= took <= 1 + SLACK, took
    assert pids_with_arg(mark) == []


def test_setsid_daemon_is_still_an_orphan(procinit, tmp_path, tag):
    mark = marker(tag, 4400)
    write_procfile(tmp_path, f"""
        d: {PYTHON} {HELPERS / "daemonize.py"} sleep {mark}
        w: exec sleep 1000
    """)
    p = procinit("-t", "1", "--can-die", "d")
    p.wait_line(r"d\.1 +\| spawned")
    daemon = wait_until(lambda: (pids_with_arg(mark) or [None])[0], msg="the daemon")
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    assert "system | sending SIGTERM to 1 orphaned process" in p.lines(), p.dump()
    assert not is_alive(daemon)


def test_stopped_child_gets_sigcont_after_its_stop_signal(procinit, tmp_path):
    """A SIGSTOPped child would sit on its SIGTERM until SIGKILL (exit 137)."""
    write_procfile(tmp_path, "w: exec sleep 1000")
    p = procinit("-t", "5")
    i = p.wait_line(r"system \| w\.1 +start at pid: \d+")
    pid = int(p.lines()[i].split()[-1])
    os.kill(pid, signal.SIGSTOP)
    wait_until(lambda: (proc_stat(pid) or "Z")[0] == "T", msg="the child to stop")
    t0 = time.monotonic()
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()
    assert "system | w.1    terminated by SIGTERM" in p.lines(), p.dump()
    assert not any("SIGKILL" in ln for ln in p.lines()), p.dump()
    assert p.end_time - t0 < 5


# ---------------------------------------------------------------- a child that cannot die

TRACER = r"""
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_SEIZE = 0x4206
pid = int(sys.argv[1])
if libc.ptrace(PTRACE_SEIZE, pid, None, None) != 0:
    sys.exit("ptrace: %s" % os.strerror(ctypes.get_errno()))
print("attached", flush=True)
time.sleep(120)  # never waits: the tracee, once dead, stays a zombie nobody else may reap
"""


def test_child_that_cannot_be_reaped_does_not_hang_procinit(procinit, tmp_path):
    """A traced child killed by SIGKILL stays in the process table until its tracer reaps it,
    which this one never does. procinit gives up after the grace and exits 137 at once; its own
    child is not an "orphaned process"."""
    write_procfile(tmp_path, """
        w: exec sleep 1000
        x: exec sleep 1000
    """)
    p = procinit("-t", "1")
    i = p.wait_line(r"system \| w\.1 +start at pid: \d+")
    pid = int(p.lines()[i].split()[-1])
    p.wait_line(r"system \| x\.1 +start at pid: \d+")
    tracer = subprocess.Popen([PYTHON, "-c", TRACER, str(pid)], stdout=subprocess.PIPE, text=True)
    try:
        assert tracer.stdout.readline().strip() == "attached"
        t0 = time.monotonic()
        p.signal(signal.SIGINT)
        rc = p.wait()
        took = p.end_time - t0
        lines = p.lines()
        assert rc == 137, p.dump()
        assert "system | w.1 did not end after SIGKILL; giving up on it" in lines, p.dump()
        assert "system | x.1    terminated by SIGTERM" in lines, p.dump()
        assert not any("orphan" in ln for ln in lines), p.dump()
        assert lines[-1] == "system | exit 137"
        # --timeout (1 s) + the kill grace (3 s), nothing more
        assert took <= 1 + 3 + SLACK, took
    finally:
        tracer.kill()
        tracer.wait()


# ---------------------------------------------------------------- a restart that cannot start

def _pids_cgroup():
    base = Path("/sys/fs/cgroup/pids")
    if not (base / "cgroup.procs").exists() or not os.access(base, os.W_OK):
        return None
    d = base / ("procinit-e2e-" + uuid.uuid4().hex[:12])
    d.mkdir()
    return d


def test_restart_whose_pump_cannot_start_ends_as_could_not_start(procinit, tmp_path, tag):
    """The old run's pipe is still held by a grandchild; then the pids cgroup is full, so the
    new run's pump thread cannot be created. It used to crash procinit (a stale flag, a NULL
    pump): now the instance could not start (126) and the normal stop follows."""
    cg = _pids_cgroup()
    if cg is None:
        pytest.skip("no writable pids cgroup (v1) here")
    mark = marker(tag, 4500)
    p = None
    try:
        # the leader waits with the builtin read on a fifo: once the cgroup is full it
        # could not fork a sleep any more
        os.mkfifo(tmp_path / "go")
        write_procfile(tmp_path, f"""
            w: (trap '' TERM; setsid sleep {mark}) & echo holding; read x < go; exit 1
            x: exec sleep 1000
        """)
        p = procinit("-t", "1", "--restart", "w",
                     preexec=lambda: Path(cg, "cgroup.procs").write_text(str(os.getpid())))
        p.wait_line(r"w\.1 +\| holding")
        p.wait_line(r"system \| x\.1 +start at pid: \d+")
        wait_until(lambda: pids_with_arg(mark), msg="the grandchild holding the pipe")
        wait_until(lambda: "sleep" in [proc_stat(q)[3] for q in tagged_pids(tag) if proc_stat(q)],
                   msg="x.1's sleep")
        current = int((cg / "pids.current").read_text())
        # the leader's exit frees one: the restart's pump thread finds no room
        (cg / "pids.max").write_text(str(current - 1))
        with open(tmp_path / "go", "w") as f:
            f.write("go\n")
        rc = p.wait()
        lines = p.lines()
        assert rc == 126, p.dump()
        assert "system | w.1    exited with code 1" in lines, p.dump()
        assert "system | restarting w.1 in 0.1 s" in lines, p.dump()
        assert any(ln.startswith("system | w.1    could not start: ") for ln in lines), p.dump()
        assert "system | w.1    exited with code 126" in lines, p.dump()
        assert sum(1 for ln in lines if ln.startswith("system | restarting w.1")) == 1, p.dump()
        assert "system | x.1    terminated by SIGTERM" in lines, p.dump()
        assert lines[-1] == "system | exit 126"
    finally:
        (cg / "pids.max").write_text("max")
        if p is not None:
            p.kill()
        for q in pids_with_arg(mark) + tagged_pids(tag):
            os.kill(q, signal.SIGKILL)
        wait_until(lambda: not (cg / "cgroup.procs").read_text().split(), msg="the cgroup to empty")
        cg.rmdir()


# ---------------------------------------------------------------- the sweep

def test_orphans_adopted_during_the_sweep_get_sigterm_too(tmp_path, tag):
    """The orphan dies of the sweep's SIGTERM and hands its child over: that child gets
    SIGTERM as well, so no SIGKILL is needed and the sweep ends at once (it used to take
    0.3 s or 2.3 s depending on timing, and the sleep got SIGKILL without a SIGTERM)."""
    from conftest import clean_env
    script = ("sh -c 'trap \"echo got-term\" TERM; sleep 100 & wait' & sleep 0.3; exit 5")
    for _ in range(5):
        r = subprocess.run([BIN, "-v", "-t", "2", "--", "sh", "-c", script], env=clean_env(None, tag),
                           capture_output=True, text=True, timeout=30, start_new_session=True)
        assert r.returncode == 5, r
        assert "got-term" in r.stdout, r
        assert "SIGKILL" not in r.stderr, r
        # the inner sh and, once it is handed over, its sleep: one SIGTERM each (both in one
        # pass when the sh dies and hands the sleep over while the pass is under way)
        sent = [int(n) for n in re.findall(r"procinit: sending SIGTERM to (\d+) orphaned process", r.stderr)]
        assert sum(sent) == 2, r
        assert tagged_pids(tag) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a mount namespace")
@pytest.mark.parametrize("mode", [["--", "sh", "-c"], ["-x"]], ids=["single", "procfile"])
def test_subreaper_without_proc_does_not_wait_for_orphans_it_cannot_see(tmp_path, tag, mode):
    """As a subreaper without /proc, orphans cannot be found: say so once and end, instead
    of waiting --timeout for nothing (the orphans are left alone, as the message says)."""
    from conftest import clean_env, kill_tagged
    mark = marker(tag, 4600)
    cmd = f"(setsid sleep {mark} </dev/null >/dev/null 2>&1 &); sleep 0.2; exit 3"
    args = mode + ([cmd] if mode[0] == "--" else [f"w: {cmd}"])
    inner = " ".join(f"'{a}'" for a in [BIN, "-t", "10"] + args)
    try:
        t0 = time.monotonic()
        r = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs none /proc && exec {inner}"],
                           env=clean_env(None, tag), capture_output=True, text=True, timeout=30)
        took = time.monotonic() - t0
        assert r.returncode == 3, r
        assert r.stderr.count("procinit: warning: orphans cannot be found without /proc: "
                              "they are left alone\n") == 1, r.stderr
        assert took < 5, took
    finally:
        kill_tagged(tag)
