# SPDX-License-Identifier: MIT
# The seed scenarios (foreman-style example): start lines in Procfile order,
# the first exit stops the others with SIGTERM, and procinit exits with that
# process's status; SIGINT / SIGTERM to procinit stop everything with exit 0.

import re
import signal

import pytest

from conftest import write_procfile

LOOP = "loop: while :; do sleep 0.2; echo 'hello world'; done"
NAMES = ["exit_0.1", "exit_1.1", "loop.1", "loop.2"]


def seed_procfile(tmp_path, exit0_sleep, exit1_sleep):
    write_procfile(tmp_path, f"""
        exit_0: sleep {exit0_sleep}; echo success; exit 0
        exit_1: sleep {exit1_sleep}; echo failed; exit 1
        {LOOP}
    """)


def check_start_lines(lines):
    starts = [ln for ln in lines if " start at pid: " in ln]
    assert len(starts) == 4, lines
    pids = {}
    for ln, name in zip(starts, NAMES):
        m = re.fullmatch(r"system   \| (\S+) +start at pid: (\d+)", ln)
        assert m, ln
        assert m.group(1) == name
        # the name is padded to the column width (8)
        assert ln.startswith(f"system   | {name:<8} start at pid: ")
        pids[name] = int(m.group(2))
    return pids


def check_sigterm_lines(lines, after, names, pids):
    sent = [ln for ln in lines[after:] if re.fullmatch(r"system   \| sending SIGTERM for \S+ at pid \d+", ln)]
    expected = {f"system   | sending SIGTERM for {n} at pid {pids[n]}" for n in names}
    assert set(sent) == expected and len(sent) == len(expected), lines
    for n in names:
        assert f"system   | {n:<8} terminated by SIGTERM" in lines, lines


@pytest.mark.parametrize("first,code,text", [("exit_1", 1, "failed"), ("exit_0", 0, "success")],
                         ids=["exit_1-first", "exit_0-first"])
def test_first_exit_stops_others(procinit, tmp_path, first, code, text):
    if first == "exit_1":
        seed_procfile(tmp_path, 1000, 0.5)
    else:
        seed_procfile(tmp_path, 0.5, 1000)
    p = procinit("-m", "all=1,loop=2")
    rc = p.wait()
    lines = p.lines()
    assert rc == code, p.dump()
    pids = check_start_lines(lines)
    out_i = lines.index(f"{first}.1 | {text}")
    exit_i = lines.index(f"system   | {first}.1 exited with code {code}")
    assert out_i < exit_i
    others = [n for n in NAMES if n != f"{first}.1"]
    check_sigterm_lines(lines, exit_i, others, pids)
    assert lines[-1] == f"system   | exit {code}"
    assert p.stderr == ""


@pytest.mark.parametrize("sig,announce", [(signal.SIGINT, "ctrl-c detected"),
                                          (signal.SIGTERM, "SIGTERM received")], ids=["INT", "TERM"])
def test_signal_stops_all(procinit, tmp_path, sig, announce):
    seed_procfile(tmp_path, 1000, 1000)
    p = procinit("-m", "all=1,loop=2")
    p.wait_line(r"loop\.1   \| hello world")
    p.wait_line(r"loop\.2   \| hello world")
    p.signal(sig)
    rc = p.wait()
    lines = p.lines()
    assert rc == 0, p.dump()
    pids = check_start_lines(lines)
    a = lines.index(f"system   | {announce}")
    b = lines.index("system   | sending SIGTERM for children")
    assert a < b
    check_sigterm_lines(lines, b, NAMES, pids)
    assert not any("exited with code" in ln for ln in lines), lines
    assert lines[-1] == "system   | exit 0"


def test_loop_output_prefix(procinit, tmp_path):
    """Process output lines carry the padded name; nothing else precedes ' | '."""
    seed_procfile(tmp_path, 1000, 1)
    p = procinit("-m", "all=1,loop=2")
    assert p.wait() == 1
    for ln in p.lines():
        assert re.fullmatch(r"(system  |exit_0\.1|exit_1\.1|loop\.1  |loop\.2  ) \| .*", ln), ln
    assert p.lines().count("loop.1   | hello world") >= 1
