# SPDX-License-Identifier: MIT
# Stopping: SIGKILL escalation after --timeout, a second SIGINT kills at once,
# forwarded signals (HUP, QUIT, USR1, USR2) reach the children's groups; SIGWINCH is
# not for children on pipes.

import signal
import time

import pytest

from conftest import pids_with_arg, wait_until, write_procfile

STUBBORN = "stubborn: trap '' TERM; echo ready; while :; do sleep 0.05; done"


def test_sigkill_escalation_after_first_exit(procinit, tmp_path):
    write_procfile(tmp_path, f"""
        {STUBBORN}
        quits: while [ ! -e go ]; do sleep 0.01; done; exit 4
    """)
    p = procinit("-t", "1")
    p.wait_line(r"stubborn\.1 \| ready")
    (tmp_path / "go").touch()
    rc = p.wait()
    lines = p.lines()
    assert rc == 4, p.dump()
    term = lines.index(next(ln for ln in lines if ln.startswith("system     | sending SIGTERM for stubborn.1 at pid ")))
    kill = p.find(r"system     \| sending SIGKILL for stubborn\.1 at pid \d+")
    assert kill is not None and kill > term, p.dump()
    assert lines[term].split()[-1] == lines[kill].split()[-1]  # same pid
    delay = p.line_time(kill) - p.line_time(term)
    assert 0.9 <= delay <= 3.0, delay
    assert "system     | stubborn.1 terminated by SIGKILL" in lines[kill:]
    assert lines[-1] == "system     | exit 4"


def test_sigkill_escalation_on_sigint_exits_137(procinit, tmp_path):
    write_procfile(tmp_path, f"""
        {STUBBORN}
        polite: exec sleep 1000
    """)
    p = procinit("-t", "1")
    p.wait_line(r"stubborn\.1 \| ready")
    t0 = time.monotonic()
    p.signal(signal.SIGINT)
    rc = p.wait()
    elapsed = p.end_time - t0
    lines = p.lines()
    assert rc == 137, p.dump()
    assert 0.9 <= elapsed <= 3.0, elapsed
    assert "system     | ctrl-c detected" in lines
    assert p.find(r"system     \| sending SIGKILL for stubborn\.1 at pid \d+") is not None
    # polite went away on SIGTERM: it gets no SIGKILL
    assert p.find(r"system     \| sending SIGKILL for polite\.1 .*") is None, p.dump()
    assert "system     | polite.1   terminated by SIGTERM" in lines
    assert "system     | stubborn.1 terminated by SIGKILL" in lines
    assert lines[-1] == "system     | exit 137"


def test_fractional_timeout(procinit, tmp_path):
    write_procfile(tmp_path, STUBBORN)
    p = procinit("-t", "0.3")
    p.wait_line(r"stubborn\.1 \| ready")
    t0 = time.monotonic()
    p.signal(signal.SIGTERM)
    assert p.wait() == 137, p.dump()
    assert 0.25 <= p.end_time - t0 <= 2.0, p.end_time - t0
    assert p.lines()[-1] == "system     | exit 137"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_second_signal_kills_at_once(procinit, tmp_path, sig):
    write_procfile(tmp_path, STUBBORN)
    p = procinit("-t", "30")
    p.wait_line(r"stubborn\.1 \| ready")
    p.signal(sig)
    p.wait_line(r"system     \| sending SIGTERM for stubborn\.1 at pid \d+")
    t0 = time.monotonic()
    p.signal(sig)
    rc = p.wait(timeout=20)
    assert rc == 137, p.dump()
    assert p.end_time - t0 < 10, "second signal did not kill at once"
    assert p.lines()[-1] == "system     | exit 137"


def test_second_signal_keeps_first_exit_status(procinit, tmp_path):
    write_procfile(tmp_path, f"""
        {STUBBORN}
        quits: while [ ! -e go ]; do sleep 0.01; done; exit 5
    """)
    p = procinit("-t", "30")
    p.wait_line(r"stubborn\.1 \| ready")
    (tmp_path / "go").touch()
    p.wait_line(r"system     \| sending SIGTERM for stubborn\.1 at pid \d+")
    t0 = time.monotonic()
    p.signal(signal.SIGINT)
    assert p.wait(timeout=20) == 5, p.dump()
    assert p.end_time - t0 < 10
    assert p.lines()[-1] == "system     | exit 5"


@pytest.mark.parametrize("name", ["HUP", "QUIT", "USR1", "USR2"])
def test_forwarded_signals(procinit, tmp_path, name):
    sig = getattr(signal, "SIG" + name)
    write_procfile(tmp_path, f"""
        catcher: trap 'echo got {name}' {name}; echo ready; while :; do sleep 0.05; done
        other: trap 'echo other got {name}' {name}; echo ready; while :; do sleep 0.05; done
    """)
    p = procinit()
    p.wait_line(r"catcher\.1 \| ready")
    p.wait_line(r"other\.1   \| ready")
    p.signal(sig)
    p.wait_line(rf"catcher\.1 \| got {name}")
    p.wait_line(rf"other\.1   \| other got {name}")
    assert f"system    | SIG{name} received, forwarding to children" in p.lines()
    assert p.alive()
    # still supervising: a second forward works, then a normal stop
    p.signal(sig)
    p.wait_line(rf"catcher\.1 \| got {name}", count=2)
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert not any("sending SIG" + name in ln for ln in lines)
    assert lines.count(f"system    | SIG{name} received, forwarding to children") == 2
    assert lines[-1] == "system    | exit 0"


def test_sigwinch_is_not_forwarded_to_children_on_pipes(procinit, tmp_path):
    """Without --tty the children have no terminal: a resize is not theirs (Apache httpd
    takes SIGWINCH as its graceful stop), and procinit says nothing about it."""
    write_procfile(tmp_path, """
        catcher: trap 'echo got WINCH' WINCH; trap 'echo got USR1' USR1; echo ready; while :; do sleep 0.05; done
    """)
    p = procinit()
    p.wait_line(r"catcher\.1 \| ready")
    p.signal(signal.SIGWINCH)
    # a marker signal taken after the WINCH: by then a forwarded WINCH would have arrived
    p.signal(signal.SIGUSR1)
    p.wait_line(r"catcher\.1 \| got USR1")
    p.wait_line(r"system    \| SIGUSR1 received, forwarding to children")
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert "catcher.1 | got WINCH" not in lines, p.dump()
    assert not any("WINCH" in ln for ln in lines), p.dump()


def test_grandchildren_get_signals_via_group(procinit, tmp_path, tag):
    """A process starts background sleeps and waits; stopping kills the whole group."""
    marker = "1000.%d" % (int(tag[:6], 16) % 100000)
    write_procfile(tmp_path, f"""
        family: sleep {marker} & sleep {marker} & sleep {marker} & echo started; wait
        quits: while [ ! -e go ]; do sleep 0.01; done; exit 0
    """)
    p = procinit()
    p.wait_line(r"family\.1 \| started")
    wait_until(lambda: len(pids_with_arg(marker)) == 3)
    (tmp_path / "go").touch()
    assert p.wait() == 0, p.dump()
    assert pids_with_arg(marker) == [], "grandchildren survived procinit"
    assert "system   | family.1 terminated by SIGTERM" in p.lines()
