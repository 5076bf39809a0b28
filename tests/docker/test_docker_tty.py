# SPDX-License-Identifier: MIT
# `docker run -it` driven through a pseudo-terminal, as a person at a shell:
# ctrl-c (byte 0x03) reaches the container's terminal, whose foreground
# process group gets SIGINT. Procfile mode: that group is procinit alone (its
# children have their own groups), so "ctrl-c detected" shows exactly once
# and the children get SIGTERM, not SIGINT. Single-command mode: procinit
# makes the command's group the foreground one, so ctrl-c reaches it.

import time

from conftest import DEADLINE, wait_until

PROMPT = 5.0  # seconds from ctrl-c to the CLI's exit; Docker's SIGKILL would take 10


def test_procfile_ctrl_c_in_terminal(dk):
    app = dk.app("""
        web: trap 'echo got-TERM; exit 0' TERM; echo ready; sleep 1000 & wait
        worker: trap 'echo got-TERM; exit 0' TERM; echo ready; while :; do sleep 0.1; done
    """)
    a = dk.attach(app=app, tty=True)
    a.wait_output(r"web\.1    \| ready")
    a.wait_output(r"worker\.1 \| ready")
    t0 = time.monotonic()
    a.send(b"\x03")
    rc = a.wait(10 + PROMPT)
    took = time.monotonic() - t0
    assert took < PROMPT, f"ctrl-c took {took:.1f}s to stop the container:\n{a.text()}"
    assert rc == 0, a.text()
    lines = a.lines()
    assert lines.count("system   | ctrl-c detected") == 1, a.text()
    assert "web.1    | got-TERM" in lines
    assert "worker.1 | got-TERM" in lines
    assert not any("SIGINT" in ln for ln in lines), a.text()  # no child saw the terminal's SIGINT
    assert lines[-1] == "system   | exit 0"


def test_procfile_output_is_coloured_on_a_terminal(dk):
    app = dk.app("web: echo hello; exit 0")
    a = dk.attach(app=app, tty=True)
    assert a.wait(DEADLINE) == 0, a.text()
    with a._lock:
        raw = bytes(a._data)
    assert b"\x1b[36mweb.1  | \x1b[0mhello" in raw, raw


def test_single_command_ctrl_c_reaches_child(dk):
    a = dk.attach("--", "sh", "-c", "echo ready; sleep 1000", tty=True)
    a.wait_output("ready")
    # the child is the terminal's foreground group only once its sleep runs
    wait_until(lambda: any(p[3] == "sleep" for p in a.container.procs()))
    t0 = time.monotonic()
    a.send(b"\x03")
    rc = a.wait(10 + PROMPT)
    took = time.monotonic() - t0
    assert took < PROMPT, f"ctrl-c took {took:.1f}s:\n{a.text()}"
    assert rc == 130, a.text()


def test_single_command_ctrl_c_reaches_childs_group(dk):
    # The terminal's SIGINT goes to the child's whole group, as at a shell
    # prompt: the shell's foreground `sleep` dies of it (status 130) and the
    # shell's trap runs after it. Were SIGINT only forwarded to the shell, its
    # trap would wait for the sleep, and nothing would happen for 1000 s.
    a = dk.attach("--", "sh", "-c", "trap 'echo sh-INT' INT; echo ready; sleep 1000; echo \"sleep=$?\"; exit 7",
                  tty=True)
    a.wait_output("ready")
    wait_until(lambda: any(p[3] == "sleep" for p in a.container.procs()))
    t0 = time.monotonic()
    a.send(b"\x03")
    rc = a.wait(10 + PROMPT)
    took = time.monotonic() - t0
    assert took < PROMPT, f"ctrl-c took {took:.1f}s:\n{a.text()}"
    assert rc == 7, a.text()
    assert a.lines()[-2:] == ["sh-INT", "sleep=130"], a.text()


def test_single_command_terminal_is_the_childs(dk):
    # The command reads the terminal (stdin inherited) as the foreground group:
    # no SIGTTIN, the typed line arrives.
    a = dk.attach("--", "sh", "-c", 'echo ready; read -r l; echo "got:$l"; exit 4', tty=True)
    a.wait_output("ready")
    a.send(b"typed\r")
    assert a.wait() == 4, a.text()
    assert "got:typed" in a.lines(), a.text()

