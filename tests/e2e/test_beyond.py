# SPDX-License-Identifier: MIT
# Beyond foreman: --can-die, --restart (backoff, budget, same PORT), --stop-signal,
# -x inline definitions, -f - from stdin, and --tty.

import os
import re
import signal
import subprocess

from conftest import (BIN, PYTHON, DEADLINE, clean_env, is_alive, pids_with_arg, tagged_pids, wait_until,
                      write_procfile)


def test_can_die_leaves_the_others_running(procinit, tmp_path):
    p = procinit("-x", "migrate: echo migrated; exit 3",
                 "-x", "web: echo web-up; while :; do sleep 0.05; done",
                 "--can-die", "migrate")
    p.wait_line(r"system +\| migrate\.1 exited with code 3")
    p.wait_line(r"web\.1 +\| web-up")
    # The can-die exit stopped nothing: web is still running and nobody got SIGTERM.
    assert p.alive(), p.dump()
    assert not any("sending SIGTERM" in ln for ln in p.lines()), p.dump()
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    assert p.lines()[-1] == "system    | exit 0"


def test_all_can_die_exited_means_exit_0(procinit):
    p = procinit("-x", "a: exit 4", "-x", "b: sleep 0.2; exit 5", "--can-die", "a,b")
    assert p.wait() == 0, p.dump()
    assert "system | a.1    exited with code 4" in p.lines()
    assert "system | b.1    exited with code 5" in p.lines()
    assert p.lines()[-1] == "system | exit 0"


def test_restart_keeps_name_ps_and_port(procinit):
    p = procinit("-x", "other: while :; do sleep 0.05; done",
                 "-x", "flaky: echo run PS=$PS PORT=$PORT; exit 1",
                 "--restart", "flaky", "-p", "7000")
    p.wait_line(r"flaky\.1 +\| run PS=flaky\.1 PORT=7100", count=3)
    p.wait_line(r"system +\| flaky\.1 start at pid: \d+ \(restart 2\)")
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()
    runs = [ln for ln in p.lines() if ln.startswith("flaky.1 ")]
    assert all(ln == "flaky.1 | run PS=flaky.1 PORT=7100" for ln in runs), runs


def test_restart_backoff_delays(procinit):
    # Each run exits at once: restarts come after 0.1, 0.2, 0.4, 0.8 s.
    p = procinit("-x", "keep: while :; do sleep 0.05; done",
                 "-x", "crash: exit 2", "--restart", "crash")
    starts = []
    for n in range(5):
        pattern = r"system +\| crash\.1 +start at pid: \d+" + (f" \\(restart {n}\\)" if n else "")
        starts.append(p.line_time(p.wait_line(pattern)))
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    for gap, want in zip(gaps, [0.1, 0.2, 0.4, 0.8]):
        assert want * 0.9 <= gap <= want + 0.5, (gaps, p.dump())
    assert "system  | restarting crash.1 in 0.4 s" in p.lines()


def test_restart_budget_stops_a_crash_loop(procinit):
    p = procinit("-x", "keep: while :; do sleep 0.05; done",
                 "-x", "crash: exit 7", "--restart", "crash", "--restart-limit", "3/60")
    assert p.wait() == 7, p.dump()
    lines = p.lines()
    assert sum(1 for ln in lines if re.fullmatch(r"system +\| crash\.1 +start at pid: \d+.*", ln)) == 4
    i = lines.index("system  | crash.1 restarted 3 times within 60 s: giving up")
    assert lines[i + 1].startswith("system  | sending SIGTERM for keep.1 at pid ")
    assert lines[-1] == "system  | exit 7"


def test_sweep_after_a_restart_finds_the_new_runs_orphans(procinit, tmp_path, tag):
    """The first run exits with nothing left (the reaper finds no child at
    all); the restarted run leaves a daemon. That earlier "no child" must not
    make the final sweep skip the daemon."""
    mark = "3001.%d" % (int(tag[:6], 16) % 100000)
    p = procinit("-t", "1", "--restart", "w", "-x",
                 "w: [ -e ran ] || { touch ran; exit 1; }; "
                 f"(setsid sh -c 'exec sleep {mark}' </dev/null >/dev/null 2>&1 &); "
                 "echo daemonized; exec sleep 1000")
    p.wait_line(r"w\.1 +\| daemonized")
    daemon = wait_until(lambda: (pids_with_arg(mark) or [None])[0], msg="the daemon")
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    assert "system | sending SIGTERM to 1 orphaned process" in p.lines(), p.dump()
    assert not is_alive(daemon)
    assert tagged_pids(tag) == []


def test_sigint_cancels_pending_restart(procinit):
    p = procinit("-x", "keep: while :; do sleep 0.05; done",
                 "-x", "slow: exit 1", "--restart", "slow")
    # After 5 quick crashes the next restart waits 3.2 s: stop during that wait.
    p.wait_line(r"system +\| restarting slow\.1 in 3\.2 s")
    p.signal(signal.SIGINT)
    assert p.wait(timeout=3) == 0, p.dump()
    assert not any("(restart 6)" in ln for ln in p.lines()), p.dump()


def test_stop_signal_per_type(procinit):
    p = procinit("-x", "w: trap 'echo got-INT; exit 0' INT; trap 'echo got-TERM; exit 1' TERM; "
                 "echo ready; while :; do sleep 0.05; done",
                 "-x", "v: trap 'echo v-got-TERM; exit 0' TERM; echo ready; while :; do sleep 0.05; done",
                 "--stop-signal", "w=INT")
    p.wait_line(r"w\.1 +\| ready")
    p.wait_line(r"v\.1 +\| ready")
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert any(re.fullmatch(r"system \| sending SIGINT for w\.1 at pid \d+", ln) for ln in lines)
    assert any(re.fullmatch(r"system \| sending SIGTERM for v\.1 at pid \d+", ln) for ln in lines)
    assert "w.1    | got-INT" in lines and "v.1    | v-got-TERM" in lines


def test_inline_definitions_need_no_procfile(procinit, tmp_path):
    # A Procfile in the folder must be ignored when -x is used.
    write_procfile(tmp_path, "wrong: echo from-file")
    p = procinit("-x", "one: echo one; sleep 0.3", "-x", "two: echo two PORT=$PORT; sleep 5")
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert "one.1  | one" in lines and "two.1  | two PORT=5100" in lines
    assert not any("from-file" in ln for ln in lines)


def test_inline_errors_and_mixing(run_cli, tmp_path):
    r = run_cli("-x", "good: true", "-x", "bad line")
    assert (r.returncode, r.stderr) == (2, "procinit: -x:2: expected 'name: command'\n")
    write_procfile(tmp_path, "a: true")
    r = run_cli("-f", "Procfile", "-x", "b: true")
    assert r.returncode == 2
    assert r.stderr == "procinit: -x cannot be combined with -f: put the processes in one place\n"
    r = run_cli("-x", "a: true", "--can-die", "nope")
    assert (r.returncode, r.stderr) == (2, "procinit: --can-die: unknown process 'nope'\n")
    r = run_cli("-x", "a: true", "--stop-signal", "a=BOGUS")
    assert (r.returncode, r.stderr) == (2, "procinit: --stop-signal: unknown signal 'BOGUS'\n")
    r = run_cli("-x", "a: true", "--restart-limit", "x")
    assert r.returncode == 2 and "--restart-limit: expected N/SECONDS" in r.stderr


def test_procfile_from_stdin(tmp_path, tag):
    r = subprocess.run([BIN, "-f", "-", "--no-color"], input=b"web: echo from-stdin\n",
                       cwd=str(tmp_path), env=clean_env(None, tag), capture_output=True,
                       timeout=DEADLINE)
    assert r.returncode == 0, r
    assert b"web.1  | from-stdin\n" in r.stdout
    r = subprocess.run([BIN, "-f", "-"], input=b"web echo\n", cwd=str(tmp_path),
                       env=clean_env(None, tag), capture_output=True, timeout=DEADLINE)
    assert (r.returncode, r.stderr) == (2, b"procinit: <stdin>:1: expected 'name: command'\n")


def test_tty_child_line_buffers_without_u(procinit):
    # Python block-buffers a pipe; on a terminal it prints each line at once.
    code = "import sys,time; print(sys.stdout.isatty()); print('first'); time.sleep(1.5); print('second')"
    p = procinit("--tty", "-x", f"py: {PYTHON} -c \"{code}\"")
    i = p.wait_line(r"py\.1 +\| first")
    j = p.wait_line(r"py\.1 +\| second")
    assert p.wait() == 0, p.dump()
    assert p.find(r"py\.1 +\| True") is not None, p.dump()
    # 'first' arrived well before 'second': not held back until exit.
    assert p.line_time(j) - p.line_time(i) > 1.0, p.dump()


def test_tty_child_is_session_leader_with_terminal(procinit):
    p = procinit("--tty", "-x", "t: readlink /proc/$$/fd/1; ps -o sid=,pgid=,pid= -p $$; sleep 0.2")
    assert p.wait() == 0, p.dump()
    ttyline = p.lines()[p.wait_line(r"t\.1 +\| .*")]
    assert re.fullmatch(r"t\.1 +\| /dev/pts/\d+", ttyline), p.dump()
    ids = next(ln for ln in p.lines() if re.fullmatch(r"t\.1 +\| +\d+ +\d+ +\d+", ln)).split("|")[1].split()
    assert ids[0] == ids[1] == ids[2], ids


def test_tty_window_size_follows_procinit(pty_spawn, tmp_path):
    import fcntl
    import struct
    import termios
    t = pty_spawn([BIN, "--tty", "--no-color", "-x",
                   "w: trap 'stty size </dev/tty' WINCH; stty size </dev/tty; echo ready; while :; do sleep 0.05; done"],
                  cwd=tmp_path)
    t.expect(rb"w\.1 +\| 24 80\r?\n")
    t.expect(rb"w\.1 +\| ready")
    mark = t.mark()
    # Our terminal changes size: procinit gets SIGWINCH and resizes the child's.
    fcntl.ioctl(t.master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 132, 0, 0))
    t.expect(rb"w\.1 +\| 40 132", start=mark)
    t.send(b"\x03")
    assert t.wait() == 0


def test_tty_missing_dev_pts_is_a_clear_error(tmp_path):
    r = subprocess.run(["unshare", "--mount", "sh", "-c",
                        f"mount -t tmpfs none /dev/pts && exec {BIN} --tty -x 'a: true'"],
                       capture_output=True, timeout=DEADLINE)
    assert r.returncode == 2, r
    assert r.stderr.decode().startswith("procinit: --tty: cannot open a pseudo-terminal"), r.stderr
