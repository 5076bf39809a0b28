# SPDX-License-Identifier: MIT
# procinit as PID 1 of a new PID namespace (unshare --pid --fork --mount-proc):
# the kernel delivers only signals it handles, so these check that SIGTERM,
# SIGINT and forwarded signals work there, and that exit statuses pass out.

import os
import signal

import pytest

from conftest import BIN, proc_stat, write_procfile

COMM = os.path.basename(BIN)[:15]  # the kernel's comm of the procinit process

SEED = """
    exit_0: sleep {s0}; echo success; exit 0
    exit_1: sleep {s1}; echo failed; exit 1
    loop: while :; do sleep 0.2; echo 'hello world'; done
"""


def test_pid1_is_pid1(procinit, tmp_path):
    write_procfile(tmp_path, 'probe: echo "ppid=$PPID"; read -r l < /proc/1/comm; echo "init=$l"; exit 0')
    p = procinit(pid1=True)
    assert p.wait() == 0, p.dump()
    assert "probe.1 | ppid=1" in p.lines()
    assert f"probe.1 | init={COMM}" in p.lines(), p.dump()


def test_pid1_first_exit_status(procinit, tmp_path):
    write_procfile(tmp_path, SEED.format(s0=1000, s1=0.3))
    p = procinit("-m", "all=1,loop=2", pid1=True)
    assert p.wait() == 1, p.dump()
    lines = p.lines()
    assert [ln.split(" start")[0] for ln in lines if " start at pid: " in ln] == [
        "system   | exit_0.1", "system   | exit_1.1", "system   | loop.1  ", "system   | loop.2  "]
    assert "system   | exit_1.1 exited with code 1" in lines
    assert lines[-1] == "system   | exit 1"


@pytest.mark.parametrize("sig,announce", [(signal.SIGTERM, "SIGTERM received"),
                                          (signal.SIGINT, "ctrl-c detected")], ids=["TERM", "INT"])
def test_pid1_stop_signal(procinit, tmp_path, sig, announce):
    write_procfile(tmp_path, SEED.format(s0=1000, s1=1000))
    p = procinit("-m", "all=1,loop=2", pid1=True)
    p.wait_line(r"loop\.2   \| hello world")
    assert proc_stat(p.pid)[3] == COMM
    p.signal(sig)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    i = lines.index(f"system   | {announce}")
    assert lines[i + 1] == "system   | sending SIGTERM for children"
    assert len([ln for ln in lines if ln.startswith("system   | sending SIGTERM for ") and " at pid " in ln]) == 4
    assert lines[-1] == "system   | exit 0"


def test_pid1_sigkill_escalation(procinit, tmp_path):
    write_procfile(tmp_path, "stubborn: trap '' TERM; echo ready; while :; do sleep 0.05; done")
    p = procinit("-t", "1", pid1=True)
    p.wait_line(r"stubborn\.1 \| ready")
    p.signal(signal.SIGTERM)
    assert p.wait() == 137, p.dump()
    assert p.find(r"system     \| sending SIGKILL for stubborn\.1 at pid \d+") is not None
    assert p.lines()[-1] == "system     | exit 137"


def test_pid1_forwards_sighup(procinit, tmp_path):
    write_procfile(tmp_path, "hup: trap 'echo got HUP' HUP; echo ready; while :; do sleep 0.05; done")
    p = procinit(pid1=True)
    p.wait_line(r"hup\.1  \| ready")
    p.signal(signal.SIGHUP)
    p.wait_line(r"hup\.1  \| got HUP")
    assert "system | SIGHUP received, forwarding to children" in p.lines()
    assert p.alive()
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
