# SPDX-License-Identifier: MIT
# procinit's own stdout going away: a reader that closes the pipe early (EPIPE)
# or stdout closed from the start. Output is dropped; procinit still stops its
# children and exits with the right status, without hanging.

import signal
import subprocess

import pytest

from conftest import DEADLINE, tagged_pids, wait_until, write_procfile

PROCFILE = """
    chatty: yes chatty-line-with-some-text | head -n 200000; touch chatted; exec sleep 1000
    quits: while [ ! -e chatted ]; do sleep 0.01; done; exit 5
    stays: exec sleep 1000
"""


def close_after_first_line(p):
    first = p.proc.stdout.readline()
    assert first.startswith(b"system   | chatty.1 start at pid: ")
    p.proc.stdout.close()


def test_epipe_first_exit_status(procinit, tmp_path, tag):
    write_procfile(tmp_path, PROCFILE)
    p = procinit(stdout=subprocess.PIPE)
    close_after_first_line(p)
    assert p.wait() == 5, p.stderr
    assert (tmp_path / "chatted").exists()
    assert tagged_pids(tag) == []


def test_epipe_then_sigint(procinit, tmp_path, tag):
    write_procfile(tmp_path, """
        chatty: yes chatty-line-with-some-text | head -n 200000; touch chatted; exec sleep 1000
        stays: exec sleep 1000
    """)
    p = procinit(stdout=subprocess.PIPE)
    close_after_first_line(p)
    wait_until(lambda: (tmp_path / "chatted").exists())
    # procinit is still supervising after the broken pipe
    assert p.alive()
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.stderr
    assert tagged_pids(tag) == []


@pytest.mark.parametrize("pid1", [False, True], ids=["plain", "pid1"])
def test_stdout_closed(procinit, tmp_path, tag, pid1):
    write_procfile(tmp_path, PROCFILE)
    p = procinit(stdout="closed", pid1=pid1)
    assert p.wait(timeout=DEADLINE) == 5, p.stderr
    assert tagged_pids(tag) == []
