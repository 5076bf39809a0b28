# SPDX-License-Identifier: MIT
# Job control. Procfile mode (not PID 1): SIGTSTP (ctrl-z) stops every child
# group and then procinit; SIGCONT (fg) resumes them all; as PID 1, SIGTSTP is
# ignored with a system line. Single mode under an interactive shell: ctrl-z
# stops the command, procinit takes the terminal back and stops too; fg gives
# it back and resumes the command. The shell cases run bash -i on a
# pseudo-terminal and type into it.

import os
import re
import signal

from conftest import BIN, children_of, cmdline, proc_stat, tagged_pids, wait_until, write_procfile

PROCFILE = """
    a: echo ready-a; exec sleep 1000
    b: echo ready-b; while :; do sleep 1; done
"""

BASH = ["bash", "--norc", "--noprofile", "--noediting", "-i"]
SHELL_ENV = {"PS1": "PROMPT> ", "TERM": "dumb", "HISTFILE": "/dev/null", "PROMPT_COMMAND": None}


def state(pid):
    st = proc_stat(pid)
    return st[0] if st else None


def group_members(pgids):
    """Every live process whose process group is one of pgids."""
    out = []
    for pid in (int(d) for d in os.listdir("/proc") if d.isdigit()):
        st = proc_stat(pid)
        if st and st[2] in pgids and st[0] != "Z":
            out.append(pid)
    return out


def all_in(pids, states):
    return all(state(q) is not None and state(q) in states for q in pids)


def describe(pids):
    return lambda: ", ".join(f"{q}:{state(q)}:{(proc_stat(q) or ('', 0, 0, '?'))[3]}" for q in pids)


def family(init):
    """procinit's children (one group each) and everything in those groups: wait until both
    instances run their sleep."""
    def check():
        kids = children_of(init)
        if len(kids) != 2:
            return None
        members = group_members(set(kids))
        sleeps = [q for q in members if proc_stat(q)[3] == "sleep"]
        return (kids, members) if len(sleeps) == 2 else None
    return wait_until(check, msg=lambda: f"two children of {init} each running a sleep")


# ---------------------------------------------------------------- Procfile mode, signals

def test_procfile_tstp_stops_everything_cont_resumes(procinit, tmp_path):
    write_procfile(tmp_path, PROCFILE)
    p = procinit()
    p.wait_line(r"a\.1    \| ready-a")
    p.wait_line(r"b\.1    \| ready-b")
    kids, members = family(p.pid)
    assert all(proc_stat(k)[2] == k for k in kids) and proc_stat(p.pid)[2] != kids[0]
    p.signal(signal.SIGTSTP)
    wait_until(lambda: all_in(members + [p.pid], "T"), msg=describe(members + [p.pid]))
    # stopped, it does nothing: no line appears while it is stopped
    n = len(p.lines())
    p.signal(signal.SIGCONT)
    i = p.wait_line(r"system \| resumed")
    assert i == n, p.dump()
    wait_until(lambda: all_in(members + [p.pid], "SR"), msg=describe(members + [p.pid]))
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert lines.count("system | resumed") == 1
    assert "system | a.1    terminated by SIGTERM" in lines
    assert lines[-1] == "system | exit 0"
    assert group_members(set(kids)) == []


def test_procfile_stop_twice(procinit, tmp_path):
    """Two rounds of stop/continue; the app keeps working in between."""
    write_procfile(tmp_path, "tick: echo ready; while :; do sleep 0.05; echo tick; done")
    p = procinit()
    p.wait_line(r"tick\.1 \| ready")
    for k in range(2):
        p.signal(signal.SIGTSTP)
        wait_until(lambda: state(p.pid) == "T", msg=describe([p.pid]))
        kids = children_of(p.pid)
        wait_until(lambda: all_in(group_members(set(kids)), "T"), msg=describe(group_members(set(kids))))
        p.signal(signal.SIGCONT)
        p.wait_line(r"system \| resumed", count=k + 1)
        n = len([ln for ln in p.lines() if ln == "tick.1 | tick"])
        p.wait_line(r"tick\.1 \| tick", count=n + 2)
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()


def test_procfile_tstp_ignored_as_pid1(procinit, tmp_path):
    write_procfile(tmp_path, PROCFILE)
    p = procinit(pid1=True)
    p.wait_line(r"b\.1    \| ready-b")
    kids, members = family(p.pid)
    p.signal(signal.SIGTSTP)
    # the line is written when the TSTP has been handled: nothing was stopped before it
    p.wait_line(r"system \| SIGTSTP ignored: procinit is PID 1")
    assert all_in(members + [p.pid], "SR"), describe(members + [p.pid])()
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    assert p.lines()[-1] == "system | exit 0"


def test_single_tstp_without_tty_is_forwarded(procinit):
    """No terminal: ctrl-z semantics do not apply, SIGTSTP is forwarded like any signal;
    procinit keeps running and forwards SIGCONT too."""
    p = procinit("--", "sleep", "1000")
    child = wait_until(lambda: [c for c in children_of(p.pid) if proc_stat(c)[3] == "sleep"])[0]
    p.signal(signal.SIGTSTP)
    wait_until(lambda: state(child) == "T", msg=describe([child]))
    assert state(p.pid) in "SR"
    p.signal(signal.SIGCONT)
    wait_until(lambda: state(child) in "SR", msg=describe([child]))
    p.signal(signal.SIGTERM)
    assert p.wait() == 143, p.dump()


# ---------------------------------------------------------------- under an interactive shell

def start_shell(pty_spawn):
    t = pty_spawn(BASH, env=SHELL_ENV)
    t.expect(rb"PROMPT> ")
    return t


def find_procinit(tag):
    def check():
        found = [q for q in tagged_pids(tag) if (cmdline(q) or [b""])[0] == BIN.encode()]
        return found[0] if len(found) == 1 else None
    return wait_until(check, msg="procinit started by the shell")


def test_shell_procfile_ctrl_z_fg_ctrl_c(pty_spawn, tmp_path, tag):
    write_procfile(tmp_path, PROCFILE)
    t = start_shell(pty_spawn)
    shell = t.proc.pid
    m = t.mark()
    t.send(f"{BIN} --no-color\n".encode())
    init = find_procinit(tag)
    t.expect(rb"a\.1    \| ready-a", m)
    t.expect(rb"b\.1    \| ready-b", m)
    kids, members = family(init)
    assert t.fg_pgrp() == init  # the shell made procinit's job the foreground group

    m = t.mark()
    t.send(b"\x1a")
    wait_until(lambda: all_in(members + [init], "T"), msg=describe(members + [init]))
    t.expect(rb"Stopped", m)
    t.expect(rb"PROMPT> ", m)
    assert t.fg_pgrp() == shell

    m = t.mark()
    t.send(b"fg\n")
    t.expect(rb"system \| resumed", m)
    wait_until(lambda: all_in(members + [init], "SR"), msg=describe(members + [init]))
    assert t.fg_pgrp() == init

    m = t.mark()
    t.send(b"\x03")
    t.expect(rb"system \| exit 0\r\n", m)
    t.expect(rb"PROMPT> ", m)
    out = t.output[m:].decode("utf-8", "replace")
    assert out.count("ctrl-c detected") == 1, out
    assert re.search(r"system \| a\.1    terminated by SIGTERM", out), out
    t.send(b"echo rc=$?\n")
    t.expect(rb"rc=0\r\n", m)
    wait_until(lambda: group_members(set(kids)) == [] and state(init) is None)


def test_shell_single_ctrl_z_fg_ctrl_c(pty_spawn, tag):
    t = start_shell(pty_spawn)
    shell = t.proc.pid
    m = t.mark()
    t.send(f"{BIN} -- sleep 1000\n".encode())
    init = find_procinit(tag)

    def child():
        kids = [k for k in children_of(init) if proc_stat(k) and proc_stat(k)[3] == "sleep"]
        return kids[0] if kids and t.fg_pgrp() == kids[0] else None
    sleeper = wait_until(child, msg="sleep as the terminal's foreground group")

    t.send(b"\x1a")
    wait_until(lambda: state(sleeper) == "T" and state(init) == "T", msg=describe([sleeper, init]))
    t.expect(rb"Stopped", m)
    t.expect(rb"PROMPT> ", m)
    assert t.fg_pgrp() == shell

    m = t.mark()
    t.send(b"fg\n")
    wait_until(lambda: all_in([sleeper, init], "SR") and t.fg_pgrp() == sleeper,
               msg=lambda: describe([sleeper, init])() + f" fg={t.fg_pgrp()}")

    # a second round works the same
    t.send(b"\x1a")
    wait_until(lambda: state(sleeper) == "T" and state(init) == "T", msg=describe([sleeper, init]))
    t.expect(rb"Stopped", m)
    m = t.mark()
    t.send(b"fg\n")
    wait_until(lambda: all_in([sleeper, init], "SR") and t.fg_pgrp() == sleeper,
               msg=lambda: describe([sleeper, init])() + f" fg={t.fg_pgrp()}")

    m = t.mark()
    t.send(b"\x03")
    t.expect(rb"PROMPT> ", m)
    t.send(b"echo rc=$?\n")
    t.expect(rb"rc=130\r\n", m)
    assert b"procinit:" not in t.output  # procinit said nothing
    wait_until(lambda: state(init) is None and state(sleeper) is None)
