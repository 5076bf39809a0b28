# SPDX-License-Identifier: MIT
# What a child gets: its own process group, stdin /dev/null, stdout and stderr
# on one pipe, no other fds, no blocked or ignored signals (whatever procinit
# inherited), the command run in ROOT.

import os
import re
import signal

from conftest import proc_stat, write_procfile


def test_child_fds_group_and_signals(procinit, tmp_path):
    write_procfile(tmp_path, """
        probe: echo "pid=$$"; exec sleep 1000
        other: exec sleep 1000
    """)
    # procinit was started with signals blocked and ignored (a `cmd &` from a script ignores
    # INT and QUIT); its Procfile children start clean all the same, as under systemd.
    def pre():
        signal.pthread_sigmask(signal.SIG_SETMASK, {signal.SIGUSR1, signal.SIGTERM})
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGQUIT, signal.SIG_IGN)
    p = procinit(preexec=pre)
    i = p.wait_line(r"probe\.1 \| pid=\d+")
    pid = int(p.lines()[i].split("=")[1])
    start = p.find(rf"system  \| probe\.1 start at pid: {pid}")
    assert start is not None, p.dump()
    try:
        fds = sorted(int(f) for f in os.listdir(f"/proc/{pid}/fd"))
        links = {f: os.readlink(f"/proc/{pid}/fd/{f}") for f in fds}
        with open(f"/proc/{pid}/status") as f:
            status = dict(ln.split(":\t", 1) for ln in f.read().splitlines() if ":\t" in ln)
    finally:
        p.signal(signal.SIGTERM)
        assert p.wait() == 0, p.dump()
    assert fds == [0, 1, 2], links
    assert links[0] == "/dev/null"
    assert re.fullmatch(r"pipe:\[\d+\]", links[1]) and links[1] == links[2], links
    # Signals 32 and 33 belong to libc; sanitizer runtimes block or ignore them.
    libc_signals = 3 << 31
    assert int(status["SigBlk"], 16) & ~libc_signals == 0, status["SigBlk"]
    assert int(status["SigIgn"], 16) & ~libc_signals == 0, status["SigIgn"]


def test_child_is_group_leader(procinit, tmp_path):
    write_procfile(tmp_path, """
        probe: echo "pid=$$"; exec sleep 1000
    """)
    p = procinit()
    i = p.wait_line(r"probe\.1 \| pid=\d+")
    pid = int(p.lines()[i].split("=")[1])
    st = proc_stat(pid)
    p.signal(signal.SIGINT)
    assert p.wait() == 0
    assert st is not None and st[2] == pid, st
    assert st[1] == p.pid


def test_stdin_is_dev_null(procinit, tmp_path):
    write_procfile(tmp_path, """
        reader: cat; echo "cat rc=$?"; read x; echo "read rc=$?"
    """)
    p = procinit()
    assert p.wait() == 0, p.dump()
    assert [ln for ln in p.lines() if ln.startswith("reader.1")] == [
        "reader.1 | cat rc=0", "reader.1 | read rc=1"]


def test_command_runs_in_sh_in_root(procinit, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    write_procfile(app, """
        probe: echo "$(pwd)|$(readlink /proc/$$/exe)"; exit 0
    """)
    p = procinit("-f", str(app / "Procfile"))
    assert p.wait() == 0, p.dump()
    sh = os.path.realpath("/bin/sh")
    assert f"probe.1 | {app}|{sh}" in p.lines(), p.dump()
