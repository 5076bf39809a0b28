# SPDX-License-Identifier: MIT
# Orphans are reaped (as PID 1 of a PID namespace and as a child subreaper),
# no zombies stay behind, orphans still alive after the last direct child get
# SIGTERM (then SIGKILL), and a grandchild holding the pipe does not hang procinit.

import signal
import time

import pytest

from conftest import HELPERS, PYTHON, children_of, no_zombies, pids_with_arg, proc_stat, wait_until, write_procfile

MODES = [pytest.param(False, id="subreaper"), pytest.param(True, id="pid1")]


def marker(tag, base=1001):
    return "%d.%d" % (base, int(tag[:6], 16) % 100000)


@pytest.mark.parametrize("pid1", MODES)
def test_double_fork_orphans_reaped(procinit, tmp_path, pid1):
    n = 30
    all_flag = " --all" if pid1 else ""
    write_procfile(tmp_path, f"orph: exec {PYTHON} {HELPERS}/orphans.py {n}{all_flag}")
    p = procinit(pid1=pid1)
    rc = p.wait()
    assert rc == 0, p.dump()
    lines = p.lines()
    assert f"orph.1 | orphans={n} reparented={n} reaped={n} zombies=0" in lines, p.dump()
    assert lines[-1] == "system | exit 0"


@pytest.mark.parametrize("pid1", MODES)
def test_shell_orphans_leave_no_zombies(procinit, tmp_path, pid1):
    """`(sleep 0.5 &)` twenty times: the sleeps become orphans of procinit and must be reaped."""
    write_procfile(tmp_path, """
        forker: i=0; while [ $i -lt 20 ]; do (sleep 0.5 &); i=$((i+1)); done; echo forked; exec sleep 1000
    """)
    p = procinit(pid1=pid1)
    init = p.pid
    # the orphans were handed to procinit (besides forker itself)
    wait_until(lambda: len(children_of(init)) > 1, msg="orphans reparented to procinit")
    p.wait_line(r"forker\.1 \| forked")

    def settled():
        kids = children_of(init)
        # only forker itself (now `sleep 1000`) may remain: no zombie, no orphan
        return len(kids) == 1 and proc_stat(kids[0])[3] == "sleep" and no_zombies(init)
    wait_until(settled, msg=lambda: f"children of procinit: {[(k, proc_stat(k)) for k in children_of(init)]}")
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    assert p.lines()[-1] == "system   | exit 0"


@pytest.mark.parametrize("pid1", MODES)
def test_namespace_has_no_zombies_while_running(procinit, tmp_path, pid1):
    """A checker inside counts zombies after orphans came and went: children of procinit
    (its parent), or, as PID 1, every zombie in the namespace."""
    write_procfile(tmp_path, r"""
        churn: i=0; while [ $i -lt 40 ]; do (sleep 0.02 &); (true &); i=$((i+1)); done; touch churned; exec sleep 1000
        check: while [ ! -e churned ]; do sleep 0.01; done; t=0; while :; do z=0; for f in /proc/[0-9]*/stat; do read -r l 2>/dev/null < $f || continue; r=${l##*) }; set -- $r; [ "$1" = Z ] && [ "$2" = "$PPID" -o "$PPID" = 1 ] && z=$((z+1)); done; [ $z -eq 0 ] && break; t=$((t+1)); [ $t -ge 500 ] && break; sleep 0.01; done; echo "zombies=$z"; exec sleep 1000
    """)
    p = procinit(pid1=pid1)
    p.wait_line(r"check\.1 \| zombies=\d+")
    assert "check.1 | zombies=0" in p.lines(), p.dump()
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()


@pytest.mark.parametrize("pid1", MODES)
def test_orphan_alive_after_last_child_gets_sigterm(procinit, tmp_path, tag, pid1):
    mark = marker(tag)
    write_procfile(tmp_path, f"""
        daemon: {PYTHON} {HELPERS / "daemonize.py"} --exit 6 sleep {mark}
    """)
    p = procinit(pid1=pid1)
    rc = p.wait()
    lines = p.lines()
    assert rc == 6, p.dump()
    assert "daemon.1 | spawned" in lines
    assert "system   | sending SIGTERM to 1 orphaned process" in lines, p.dump()
    assert lines.index("system   | daemon.1 exited with code 6") < lines.index(
        "system   | sending SIGTERM to 1 orphaned process")
    assert lines[-1] == "system   | exit 6"
    assert pids_with_arg(mark) == []


@pytest.mark.parametrize("pid1", MODES)
def test_orphan_ignoring_sigterm_is_killed_after_timeout(procinit, tmp_path, tag, pid1):
    mark = marker(tag)
    write_procfile(tmp_path, f"""
        daemon: {PYTHON} {HELPERS / "daemonize.py"} --ignore-term sleep {mark}
    """)
    p = procinit("-t", "1", pid1=pid1)
    rc = p.wait()
    lines = p.lines()
    assert rc == 0, p.dump()
    i = lines.index("system   | sending SIGTERM to 1 orphaned process")
    delay = p.end_time - p.line_time(i)
    assert 0.9 <= delay <= 3.0, delay
    assert lines[-1] == "system   | exit 0"
    assert pids_with_arg(mark) == []


@pytest.mark.parametrize("single", [True, False], ids=["alone", "with-sibling"])
def test_grandchild_holding_pipe_does_not_hang(procinit, tmp_path, tag, single):
    mark = marker(tag, 1004)
    procfile = f"holder: sleep {mark} & echo hi\n"
    if not single:
        procfile += "other: exec sleep 1000\n"
    write_procfile(tmp_path, procfile)
    t0 = time.monotonic()
    p = procinit()
    rc = p.wait(timeout=20)
    assert rc == 0, p.dump()
    assert p.end_time - t0 < 10
    lines = p.lines()
    w = 8
    hi = lines.index(f"{'holder.1':<{w}} | hi")
    ex = lines.index(f"{'system':<{w}} | holder.1 exited with code 0")
    assert hi < ex
    assert lines[-1] == f"{'system':<{w}} | exit 0"
    assert pids_with_arg(mark) == []
