# SPDX-License-Identifier: MIT
# The control verbs (issue 13): status (lines, JSON, exit codes), restart,
# stop, scale and quit against a running procinit, with the system lines
# each one prints; every name checked before anything happens; a requested
# stop or restart never counts as the first exit; where the socket is
# (ROOT/.procinit.sock, -d, -f, --socket, PROCINIT_SOCKET, none, a private
# folder when ROOT is read-only, a long ROOT); a live socket, a stale one and
# a planted symlink; who may connect (another uid, through setpriv); no
# descriptor of it in the children; no socket in single-command mode.

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import (BIN, DEADLINE, HELPERS, PYTHON, UNSHARE, children_of, clean_env, is_alive, wait_until,
                      write_procfile)

sys.path.insert(0, str(HELPERS))
import relutil  # noqa: E402

SLACK = relutil.slack(BIN)
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (another uid, mounts)")

# Prints its PS and PORT, then sleeps: a restart must give back the same ones.
SHOW = 'echo "$PS port=$PORT"; exec sleep 1000'
# Ignores SIGTERM: only SIGKILL ends it.
STUBBORN = "trap '' TERM; echo stubborn; while :; do sleep 0.05; done"
HEADER = "NAME STATE READY PID UPTIME RESTARTS LAST EXIT"
UID = os.geteuid()


def status_rows(out, ready=None):
    """{name: [state, pid, uptime, restarts, last exit]} from `procinit status`; the READY
    column ("yes"/"no") goes into the dict READY when one is given."""
    lines = out.splitlines()
    assert " ".join(lines[0].split()) == HEADER, out
    rows = {}
    for ln in lines[1:]:
        m = re.fullmatch(r"(\S+) +(\S+) +(yes|no) +(\S+) +(\S+) +(\d+) +(.+)", ln)
        assert m, ln
        rows[m.group(1)] = [m.group(2)] + list(m.groups()[3:])
        if ready is not None:
            ready[m.group(1)] = m.group(3)
    return rows


@pytest.fixture
def ctl(run_cli, tmp_path):
    """ctl('status', ...) -> CompletedProcess of a verb run in tmp_path (or cwd=...)."""
    def run(*args, cwd=None, env=None):
        return run_cli(*args, cwd=cwd or tmp_path, env=env)
    return run


def rows(ctl, **kw):
    r = ctl("status", **kw)
    assert r.returncode in (0, 1), (r.returncode, r.stdout, r.stderr)
    return status_rows(r.stdout)


def wait_states(ctl, want, **kw):
    """Wait until status shows exactly these {name: state} (names absent from WANT must be absent)."""
    last = {}

    def check():
        nonlocal last
        last = rows(ctl, **kw)
        return {n: r[0] for n, r in last.items()} == want
    wait_until(check, msg=lambda: f"states {want}; status: {last}")
    return last


def start(procinit, tmp_path, procfile, *args):
    write_procfile(tmp_path, procfile)
    p = procinit(*args)
    wait_until(lambda: (tmp_path / ".procinit.sock").exists() or not p.alive(), msg="the socket")
    return p


# ---------------------------------------------------------------- status

def test_status_lines_json_and_exit_codes(procinit, tmp_path, ctl):
    r = ctl("status")
    assert r.returncode == 3, r
    assert r.stderr == "procinit: status: no procinit answers at ./.procinit.sock: No such file or directory\n"
    p = start(procinit, tmp_path, f"web: {SHOW}\nworker: {SHOW}", "-m", "web=2,worker=1")
    for n in ("web.1", "web.2", "worker.1"):
        p.wait_line(rf"{re.escape(n)} +\| {re.escape(n)} port=\d+")
    r = ctl("status")
    assert r.returncode == 0 and r.stderr == "", r
    lines = r.stdout.splitlines()
    assert lines[0] == "NAME      STATE      READY  PID      UPTIME   RESTARTS  LAST EXIT"
    ready = {}
    st = status_rows(r.stdout, ready)
    assert ready == {"web.1": "yes", "web.2": "yes", "worker.1": "yes"}
    assert list(st) == ["web.1", "web.2", "worker.1"]
    starts = {m.group(1): m.group(2) for m in
              (re.fullmatch(r"system +\| (\S+) +start at pid: (\d+)", ln) for ln in p.lines()) if m}
    for name, row in st.items():
        assert row[0] == "running" and row[1] == starts[name], (name, row)
        assert re.fullmatch(r"\d+s", row[2]) and row[3:] == ["0", "-"], row
    # the columns line up: each field starts where its header does
    for ln in lines[1:]:
        assert ln.index("running") == lines[0].index("STATE"), lines
    j = ctl("status", "--json")
    assert j.returncode == 0, j
    doc = json.loads(j.stdout)
    assert doc["pid"] == p.pid and doc["stopping"] is False
    assert [i["name"] for i in doc["instances"]] == ["web.1", "web.2", "worker.1"]
    for i in doc["instances"]:
        assert i["state"] == "running" and i["pid"] == int(starts[i["name"]])
        assert i["uptime"] >= 0 and i["restarts"] == 0 and i["last_exit"] is None
        assert i["ready"] is True
    # a stopped instance counts as not running: 1
    assert ctl("stop", "web.2").returncode == 0
    st = wait_states(ctl, {"web.1": "running", "web.2": "stopped", "worker.1": "running"})
    assert st["web.2"][1:] == ["-", "-", "0", "SIGTERM"]
    assert ctl("status").returncode == 1
    doc = json.loads(ctl("status", "--json").stdout)
    assert doc["instances"][1] == {"name": "web.2", "state": "stopped", "ready": False, "pid": None,
                                   "uptime": None, "restarts": 0,
                                   "last_exit": {"signal": "SIGTERM"}}
    assert ctl("restart", "web.2").returncode == 0
    wait_states(ctl, {"web.1": "running", "web.2": "running", "worker.1": "running"})
    assert ctl("status").returncode == 0
    assert ctl("quit").returncode == 0
    assert p.wait() == 0, p.dump()
    assert ctl("status").returncode == 3
    assert not (tmp_path / ".procinit.sock").exists()


def test_status_can_die_exited_is_fine_exit_code_is_not(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, "once: exit 0\nweb: exec sleep 1000", "--can-die", "once")
    p.wait_line(r"system +\| once\.1 exited with code 0")
    st = wait_states(ctl, {"once.1": "exited", "web.1": "running"})
    assert st["once.1"][1:] == ["-", "-", "0", "exit 0"]
    assert ctl("status").returncode == 0
    assert json.loads(ctl("status", "--json").stdout)["instances"][0]["last_exit"] == {"code": 0}
    p.signal(signal.SIGTERM)
    assert p.wait() == 0


def test_status_while_stopping(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"stubborn: {STUBBORN}", "-t", "5")
    p.wait_line(r"stubborn\.1 \| stubborn")
    p.signal(signal.SIGTERM)
    p.wait_line(r"system +\| sending SIGTERM for stubborn\.1 at pid \d+")
    r = ctl("status", "--json")
    assert r.returncode == 1, r
    doc = json.loads(r.stdout)
    assert doc["stopping"] is True and doc["instances"][0]["state"] == "stopping"
    # restart, stop and scale are refused now; quit kills what is left, as a second SIGTERM
    for verb, arg in (("restart", "stubborn"), ("stop", "stubborn.1"), ("scale", "stubborn=2")):
        r = ctl(verb, arg)
        assert (r.returncode, r.stderr) == (1, f"procinit: {verb}: procinit is stopping\n"), r
    assert ctl("quit").returncode == 0
    p.wait_line(rf"system +\| quit requested again \(uid {UID}\): killing everything")
    assert p.wait() == 137


# ---------------------------------------------------------------- restart

def test_restart_same_name_port_and_ps(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"web: {SHOW}\nworker: {SHOW}", "-m", "web=2,worker=1")
    p.wait_line(r"web\.1 +\| web\.1 port=5000")
    p.wait_line(r"worker\.1 +\| worker\.1 port=5100")
    before = rows(ctl)
    r = ctl("restart", "web.1")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), r
    p.wait_line(r"web\.1 +\| web\.1 port=5000", count=2)
    st = wait_states(ctl, {"web.1": "running", "web.2": "running", "worker.1": "running"})
    lines = p.lines()
    old = before["web.1"][1]
    i = lines.index(f"system   | restart of web.1 requested (uid {UID})")
    assert lines[i + 1] == f"system   | sending SIGTERM for web.1 at pid {old}"
    assert "system   | web.1    terminated by SIGTERM" in lines[i + 2:]
    assert f"system   | web.1    start at pid: {st['web.1'][1]}" in lines[i + 2:]
    assert st["web.1"][1] != old and st["web.1"][3:] == ["1", "SIGTERM"]
    # the others never noticed
    assert st["web.2"][1] == before["web.2"][1] and st["worker.1"][1] == before["worker.1"][1]
    assert "restart of web.2" not in p.output.decode()
    # a restart is no first exit: everything still runs, and quit ends with 0
    assert ctl("quit").returncode == 0
    assert p.wait() == 0, p.dump()


def test_restart_a_type_restarts_each_instance(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"web: {SHOW}\nworker: {SHOW}", "-m", "web=2,worker=1")
    p.wait_line(r"worker\.1 +\| worker\.1 port=5100")
    before = rows(ctl)
    assert ctl("restart", "web").returncode == 0
    for n, port in (("web.1", 5000), ("web.2", 5001)):
        p.wait_line(rf"{n} +\| {n} port={port}", count=2)
        p.wait_line(rf"system +\| restart of {n} requested \(uid {UID}\)")
    st = wait_states(ctl, {"web.1": "running", "web.2": "running", "worker.1": "running"})
    assert st["worker.1"][1] == before["worker.1"][1] and st["worker.1"][3] == "0"
    assert st["web.1"][3] == st["web.2"][3] == "1"
    p.signal(signal.SIGTERM)
    assert p.wait() == 0


def test_restart_sigterm_ignored_gets_sigkill_after_timeout(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"stubborn: {STUBBORN}\nweb: exec sleep 1000", "-t", "1")
    p.wait_line(r"stubborn\.1 \| stubborn")
    r = ctl("restart", "stubborn")
    assert r.returncode == 0, r
    i = p.wait_line(r"system     \| sending SIGTERM for stubborn\.1 at pid \d+")
    k = p.wait_line(r"system     \| sending SIGKILL for stubborn\.1 at pid \d+")
    took = p.line_time(k) - p.line_time(i)
    assert 0.9 <= took <= 1 + SLACK, took
    p.wait_line(r"system     \| stubborn\.1 terminated by SIGKILL")
    p.wait_line(r"stubborn\.1 \| stubborn", count=2)
    st = wait_states(ctl, {"stubborn.1": "running", "web.1": "running"})
    assert st["stubborn.1"][3:] == ["1", "SIGKILL"]
    # The SIGKILLs of requests are not the final stop's: stop it too, then quit -> 0, not 137.
    assert ctl("stop", "stubborn").returncode == 0
    p.wait_line(r"system     \| stubborn\.1 terminated by SIGKILL", count=2)
    assert ctl("quit").returncode == 0
    assert p.wait() == 0, p.dump()


def test_restart_of_a_stopped_or_exited_instance_starts_it(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"web: {SHOW}\nonce: echo once; exit 3", "--can-die", "once")
    p.wait_line(r"system +\| once\.1 exited with code 3")
    assert ctl("stop", "web").returncode == 0
    wait_states(ctl, {"web.1": "stopped", "once.1": "exited"})
    assert ctl("restart", "web", "once.1").returncode == 0
    p.wait_line(r"web\.1  \| web\.1 port=5000", count=2)
    p.wait_line(r"once\.1 \| once", count=2)
    p.wait_line(r"system +\| once\.1 exited with code 3", count=2)
    # a stopped instance is simply started: no stop signal for it
    lines = p.lines()
    i = lines.index(f"system | restart of web.1 requested (uid {UID})")
    assert re.fullmatch(r"system \| web\.1  start at pid: \d+", lines[i + 1]), lines[i:]
    st = wait_states(ctl, {"web.1": "running", "once.1": "exited"})
    assert st["once.1"][3:] == ["1", "exit 3"]
    p.signal(signal.SIGTERM)
    assert p.wait() == 0


def test_every_name_is_checked_before_anything_happens(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"web: {SHOW}\nworker: {SHOW}", "-m", "web=2,worker=1")
    p.wait_line(r"worker\.1 +\| worker\.1 port=5100")
    before = rows(ctl)
    for args, msg in ((("restart", "web.1", "wbe"), "restart: no process 'wbe'"),
                      (("stop", "web.3", "worker"), "stop: no process 'web.3'"),
                      (("restart", "web.1", "worker.1.1"), "restart: no process 'worker.1.1'"),
                      (("restart", "we b"), "restart: no process 'we b'"),
                      (("scale", "web=3", "nope=1"), "scale: no process 'nope'")):
        r = ctl(*args)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", f"procinit: {msg}\n"), (args, r)
    r = ctl("stop", "a", "b")
    assert r.returncode == 2 and r.stderr == "procinit: stop: no process 'a'\nprocinit: stop: no process 'b'\n"
    after = rows(ctl)
    assert {n: (r[0], r[1], r[3]) for n, r in after.items()} == {n: (r[0], r[1], r[3]) for n, r in before.items()}
    out = p.output.decode()
    assert "requested" not in out and "sending" not in out, out
    p.signal(signal.SIGTERM)
    assert p.wait() == 0


# ---------------------------------------------------------------- stop

def test_stop_leaves_it_stopped_and_the_others_running(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"web: {SHOW}\nworker: {SHOW}")
    p.wait_line(r"worker\.1 \| worker\.1 port=5100")
    before = rows(ctl)
    r = ctl("stop", "web")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), r
    p.wait_line(rf"system   \| stop of web\.1 requested \(uid {UID}\)")
    p.wait_line(rf"system   \| sending SIGTERM for web\.1 at pid {before['web.1'][1]}")
    p.wait_line(r"system   \| web\.1    terminated by SIGTERM")
    st = wait_states(ctl, {"web.1": "stopped", "worker.1": "running"})
    assert st["worker.1"][1] == before["worker.1"][1]
    # No first exit: no "sending SIGTERM for children", and the worker lives on.
    assert p.find(r"system +\| sending SIGTERM for children") is None
    assert p.alive() and is_alive(int(before["worker.1"][1]))
    # stopping it again changes nothing
    assert ctl("stop", "web.1").returncode == 0
    assert rows(ctl)["web.1"][0] == "stopped"
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    assert "system   | web.1    terminated by SIGTERM" == [ln for ln in p.lines() if "web.1    term" in ln][0]


def test_stop_the_last_running_one_keeps_procinit_until_quit(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"a: {SHOW}\nb: {SHOW}")
    p.wait_line(r"b\.1    \| b\.1 port=5100")
    assert ctl("stop", "a").returncode == 0
    wait_states(ctl, {"a.1": "stopped", "b.1": "running"})
    assert ctl("stop", "b.1").returncode == 0
    wait_states(ctl, {"a.1": "stopped", "b.1": "stopped"})
    # nothing runs, and procinit stays: for a while, and answering
    with pytest.raises(subprocess.TimeoutExpired):
        p.proc.wait(1.0)
    assert ctl("status").returncode == 1
    assert ctl("restart", "b").returncode == 0
    p.wait_line(r"b\.1    \| b\.1 port=5100", count=2)
    wait_states(ctl, {"a.1": "stopped", "b.1": "running"})
    assert ctl("stop", "b").returncode == 0
    wait_states(ctl, {"a.1": "stopped", "b.1": "stopped"})
    r = ctl("quit")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), r
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert lines[-3:] == [f"system | quit requested (uid {UID})", "system | sending SIGTERM for children",
                          "system | exit 0"], lines


# ---------------------------------------------------------------- scale

def test_scale_to_zero_then_two(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"web: {SHOW}\nworker: {SHOW}", "-m", "web=2,worker=1")
    p.wait_line(r"web\.2    \| web\.2 port=5001")
    r = ctl("scale", "web=0")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), r
    p.wait_line(rf"system   \| scale of web from 2 to 0 requested \(uid {UID}\)")
    p.wait_line(r"system   \| web\.1    terminated by SIGTERM")
    p.wait_line(r"system   \| web\.2    terminated by SIGTERM")
    # scaled away: gone from status and from names; the rest is as it should be
    wait_states(ctl, {"worker.1": "running"})
    assert ctl("status").returncode == 0
    r = ctl("restart", "web")
    assert (r.returncode, r.stderr) == (2, "procinit: restart: no process 'web'\n")
    lines = p.lines()
    i = lines.index(f"system   | scale of web from 2 to 0 requested (uid {UID})")
    # the highest number goes first
    assert re.fullmatch(r"system   \| sending SIGTERM for web\.2 at pid \d+", lines[i + 1]), lines[i:]
    assert re.fullmatch(r"system   \| sending SIGTERM for web\.1 at pid \d+", lines[i + 2]), lines[i:]
    assert p.find(r"system +\| sending SIGTERM for children") is None
    r = ctl("scale", "web=2")
    assert r.returncode == 0, r
    p.wait_line(rf"system   \| scale of web from 0 to 2 requested \(uid {UID}\)")
    p.wait_line(r"web\.1    \| web\.1 port=5000", count=2)
    p.wait_line(r"web\.2    \| web\.2 port=5001", count=2)
    st = wait_states(ctl, {"web.1": "running", "web.2": "running", "worker.1": "running"})
    assert st["web.1"][3:] == ["1", "SIGTERM"]
    assert ctl("quit").returncode == 0
    assert p.wait() == 0, p.dump()


def test_scale_up_numbers_ports_and_a_type_not_started(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"web: {SHOW}\nworker: {SHOW}\nclock: {SHOW}", "start", "web")
    p.wait_line(r"web\.1  \| web\.1 port=5000")
    assert ctl("scale", "web=3", "clock=2").returncode == 0
    p.wait_line(r"web\.2  \| web\.2 port=5001")
    p.wait_line(r"web\.3  \| web\.3 port=5002")
    # clock is the third type of the Procfile: 5000 + 200, and the next numbers
    p.wait_line(r"clock\.1 \| clock\.1 port=5200")
    p.wait_line(r"clock\.2 \| clock\.2 port=5201")
    p.wait_line(rf"system \| scale of clock from 0 to 2 requested \(uid {UID}\)")
    st = wait_states(ctl, {"web.1": "running", "web.2": "running", "web.3": "running",
                           "clock.1": "running", "clock.2": "running"})
    assert list(st) == ["web.1", "web.2", "web.3", "clock.1", "clock.2"]
    # down by one, up by two: web.3 comes back, web.4 is new
    assert ctl("scale", "web=2").returncode == 0
    wait_states(ctl, {"web.1": "running", "web.2": "running", "clock.1": "running", "clock.2": "running"})
    assert ctl("scale", "web=4").returncode == 0
    p.wait_line(r"web\.3  \| web\.3 port=5002", count=2)
    p.wait_line(r"web\.4  \| web\.4 port=5003")
    wait_states(ctl, {f"web.{i}": "running" for i in range(1, 5)} | {"clock.1": "running", "clock.2": "running"})
    assert ctl("stop", "clock.2").returncode == 0
    assert ctl("quit").returncode == 0
    assert p.wait() == 0, p.dump()


def test_scale_past_a_port_changes_nothing(procinit, tmp_path, ctl):
    # base 65530: web's ports are 65530..65535, worker's would start at 65630
    p = start(procinit, tmp_path, f"web: {SHOW}\nworker: {SHOW}", "-p", "65530", "start", "web")
    p.wait_line(r"web\.1  \| web\.1 port=65530")
    for args, msg in ((("scale", "web=7"), "scale: the port of web.7 is out of range 1..65535"),
                      (("scale", "web=2", "worker=1"), "scale: the port of worker.1 is out of range 1..65535")):
        r = ctl(*args)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", f"procinit: {msg}\n"), r
    assert "scale of" not in p.output.decode()
    assert list(rows(ctl)) == ["web.1"]
    assert ctl("scale", "web=6").returncode == 0
    p.wait_line(r"web\.6  \| web\.6 port=65535")
    p.signal(signal.SIGTERM)
    assert p.wait() == 0


def test_quit_is_a_graceful_stop(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, "web: trap 'echo bye; exit 0' TERM; echo up; sleep 1000 & wait")
    p.wait_line(r"web\.1  \| up")
    r = ctl("quit")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), r
    assert p.wait() == 0
    lines = p.lines()
    # System lines keep their order; a child's own lines come through another thread
    # (its pump) and may land between them: the child answers the SIGTERM as soon as
    # it is sent, maybe before the lines that announce it are out.
    system = [ln for ln in lines if ln.startswith("system | ")]
    i = system.index(f"system | quit requested (uid {UID})")
    assert system[i + 1] == "system | sending SIGTERM for children", lines
    assert re.fullmatch(r"system \| sending SIGTERM for web\.1 at pid \d+", system[i + 2]), lines
    assert "web.1  | bye" in lines and lines[-1] == "system | exit 0"
    assert not (tmp_path / ".procinit.sock").exists()


# ---------------------------------------------------------------- where the socket is

def test_socket_mode_and_the_verbs_options(procinit, tmp_path, ctl, run_cli):
    app = tmp_path / "app"
    app.mkdir()
    p = start(procinit, app, "web: exec sleep 1000", "-f", app / "Procfile")
    sock = app / ".procinit.sock"
    st = os.lstat(sock)
    assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == UID
    assert ctl("status").returncode == 3  # not in tmp_path itself
    for args, cwd in ((("-f", "app/Procfile"), tmp_path), (("-d", "app"), tmp_path),
                      (("-f", app / "Procfile"), "/"), ((), app), (("--socket", sock), "/")):
        r = run_cli(*args, "status", cwd=cwd)
        assert r.returncode == 0 and "web.1" in r.stdout, (args, r)
    r = run_cli("status", cwd="/", env={"PROCINIT_SOCKET": str(sock)})
    assert r.returncode == 0, r
    p.signal(signal.SIGTERM)
    assert p.wait() == 0
    assert not sock.exists()


def test_socket_option_env_and_none(procinit, tmp_path, ctl):
    write_procfile(tmp_path, "web: exec sleep 1000")
    sock = tmp_path / "s" / "ctl.sock"
    sock.parent.mkdir()
    p = procinit(env={"PROCINIT_SOCKET": str(sock)})
    wait_until(sock.exists)
    assert not (tmp_path / ".procinit.sock").exists()
    assert ctl("status").returncode == 3
    assert ctl("--socket", sock, "status").returncode == 0
    assert ctl("status", env={"PROCINIT_SOCKET": str(sock)}).returncode == 0
    p.signal(signal.SIGTERM)
    assert p.wait() == 0 and not sock.exists()
    # none: no socket at all, and the verbs say it is off
    p = procinit("--socket", "none")
    p.wait_line(r"system \| web\.1  start at pid: \d+")
    assert sorted(os.listdir(tmp_path)) == ["Procfile", "s"]
    r = ctl("--socket", "none", "status")
    assert (r.returncode, r.stderr) == (2, "procinit: status: the control socket is off (--socket none)\n")
    p.signal(signal.SIGTERM)
    assert p.wait() == 0
    # a path longer than sun_path is refused before anything starts
    r = ctl("--socket", "/tmp/" + "x" * 103, "status")
    assert r.returncode == 2 and "longer than 107 bytes" in r.stderr, r


def test_a_live_socket_stops_a_second_procinit(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, "web: exec sleep 1000")
    q = procinit()
    assert q.wait() == 2
    assert q.stderr == (f"procinit: ./.procinit.sock: another procinit (pid {p.pid}) is running with this "
                        "socket: stop it, or give this one another --socket\n")
    assert q.output == b""  # nothing started
    assert ctl("status").returncode == 0  # the first one still serves
    p.signal(signal.SIGTERM)
    assert p.wait() == 0


def test_a_stale_socket_is_replaced(procinit, tmp_path, ctl):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(tmp_path / ".procinit.sock"))  # bound, never listening: a dead procinit's
    s.close()
    p = start(procinit, tmp_path, "web: exec sleep 1000")
    p.wait_line(r"system \| web\.1  start at pid: \d+")
    assert ctl("status").returncode == 0
    p.signal(signal.SIGTERM)
    assert p.wait() == 0


@pytest.mark.parametrize("kind", ["symlink", "dangling", "file"])
def test_what_is_not_our_socket_is_not_followed_or_replaced(procinit, tmp_path, ctl, kind):
    write_procfile(tmp_path, "web: exec sleep 1000")
    target = tmp_path / "elsewhere" / "target.sock"
    target.parent.mkdir()
    planted = tmp_path / ".procinit.sock"
    if kind == "file":
        planted.write_text("mine\n")
    else:
        if kind == "symlink":
            target.write_text("precious\n")
        planted.symlink_to(target)
    p = procinit()
    assert p.wait() == 2
    what = "exists and is not a socket" if kind == "file" else \
        "a symbolic link is where the control socket goes: not followed"
    assert p.stderr.startswith(f"procinit: ./.procinit.sock: {what}"), p.stderr
    assert p.output == b""
    assert os.path.islink(planted) == (kind != "file")
    if kind == "symlink":
        assert target.read_text() == "precious\n"
    if kind == "dangling":
        assert not os.path.lexists(target)


def test_a_long_root_uses_a_private_folder(procinit, tmp_path, ctl, run_cli):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    p = start_private(procinit, deep, "web: exec sleep 1000", "-d", deep)
    m = p.wait_line(r"system \| control socket: (/tmp/procinit-\d+/[0-9a-f]{16}\.sock) "
                    r"\(\.procinit\.sock in the root folder would be longer than 107 bytes\)")
    path = re.search(r"(/tmp/procinit-\d+/[0-9a-f]{16}\.sock)", p.lines()[m]).group(1)
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    assert run_cli("-d", deep, "status").returncode == 0
    assert run_cli("status", cwd=deep).returncode == 0
    p.signal(signal.SIGTERM)
    assert p.wait() == 0
    assert not os.path.exists(path)


def start_private(procinit, root, procfile, *args, **kw):
    write_procfile(root, procfile)
    p = procinit(*args, **kw)
    p.wait_line(r"system +\| (control socket|no control socket): .*")
    return p


def read_only_then_start(app):
    """A shell line for `unshare --mount`: APP read-only in the new namespace, then procinit in it."""
    return (f'mount --bind "{app}" "{app}" && mount -o remount,ro,bind "{app}" && cd "{app}" && '
            f'exec "{BIN}" "$@"')


@needs_root
def test_read_only_root_falls_back_to_a_private_folder(procinit, tmp_path, run_cli, tag):
    """ROOT on a read-only mount (as in a container): the socket goes to $XDG_RUNTIME_DIR/procinit
    or /tmp/procinit-UID, a system line says where, and the verbs find it there."""
    app = tmp_path / "app"
    app.mkdir()
    write_procfile(app, "web: exec sleep 1000")
    xdg = tmp_path / "xdg"
    xdg.mkdir(mode=0o700)
    script = read_only_then_start(app)
    for env, base in (({"XDG_RUNTIME_DIR": str(xdg)}, f"{xdg}/procinit"), ({"XDG_RUNTIME_DIR": None},
                                                                           f"/tmp/procinit-{UID}")):
        h = subprocess.Popen([UNSHARE, "--mount", "--propagation", "private", "sh", "-c", script, "sh"],
                             cwd=app, env=clean_env(env, tag), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
        try:
            line = h.stdout.readline()
            m = re.fullmatch(rf"system \| control socket: ({re.escape(base)}/[0-9a-f]{{16}}\.sock) "
                             r"\(\./\.procinit\.sock: Read-only file system\)\n", line)
            assert m, (line, h.stderr.read() if h.poll() is not None else "")
            path = m.group(1)
            st = os.lstat(base)
            assert stat.S_ISDIR(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == UID
            assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
            r = run_cli("status", cwd=app, env=env)
            assert r.returncode == 0 and "web.1" in r.stdout, r
            r = run_cli("quit", cwd=app, env=env)
            assert r.returncode == 0, r
            assert h.wait(DEADLINE) == 0
            assert not os.path.exists(path)
        finally:
            if h.poll() is None:
                os.killpg(h.pid, signal.SIGKILL)
                h.wait()


@needs_root
def test_a_private_folder_that_is_not_private_is_not_used(procinit, tmp_path, run_cli, tag):
    app = tmp_path / "app"
    app.mkdir()
    write_procfile(app, "web: exec sleep 1000")
    xdg = tmp_path / "xdg"
    (xdg / "procinit").mkdir(parents=True)
    os.chmod(xdg / "procinit", 0o755)  # others may look in: not ours to use
    env = {"XDG_RUNTIME_DIR": str(xdg)}
    script = read_only_then_start(app)
    h = subprocess.Popen([UNSHARE, "--mount", "--propagation", "private", "sh", "-c", script, "sh"],
                         cwd=app, env=clean_env(env, tag), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, start_new_session=True)
    try:
        line = h.stdout.readline()
        assert re.fullmatch(rf"system \| control socket: /tmp/procinit-{UID}/[0-9a-f]{{16}}\.sock "
                            r"\(\./\.procinit\.sock: Read-only file system\)\n", line), line
        assert os.listdir(xdg / "procinit") == []
        assert run_cli("status", cwd=app, env=env).returncode == 0
        assert run_cli("quit", cwd=app, env=env).returncode == 0
        assert h.wait(DEADLINE) == 0
    finally:
        if h.poll() is None:
            os.killpg(h.pid, signal.SIGKILL)
            h.wait()


# ---------------------------------------------------------------- who may connect

@pytest.fixture
def public_dir():
    """A folder any user can enter (pytest's tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="procinit-ctl-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def as_uid(uid, *args, cwd):
    return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", BIN, *args],
                          cwd=cwd, env=clean_env(), capture_output=True, text=True, timeout=DEADLINE)


@needs_root
def test_another_uid_is_refused(procinit, public_dir):
    write_procfile(public_dir, "web: exec sleep 1000")
    p = procinit(cwd=public_dir)
    sock = public_dir / ".procinit.sock"
    wait_until(sock.exists)
    uid = relutil.unused_uid()
    # The socket's mode keeps it out.
    r = as_uid(uid, "stop", "web", cwd=public_dir)
    assert (r.returncode, r.stderr) == (
        3, "procinit: stop: no procinit answers at ./.procinit.sock: Permission denied\n"), r
    # With the mode opened up, SO_PEERCRED still does: a refusal line, one line on procinit's stderr.
    os.chmod(sock, 0o666)
    r = as_uid(uid, "stop", "web", cwd=public_dir)
    assert (r.returncode, r.stdout, r.stderr) == (
        2, "", f"procinit: refused: uid {uid} may not control this procinit (only uid {UID} and root)\n"), r
    assert "stop of" not in p.output.decode()
    p.signal(signal.SIGTERM)
    assert p.wait() == 0
    assert re.fullmatch(rf"procinit: warning: control socket: refused a client of uid {uid} \(pid \d+\): "
                        rf"only uid {UID} and root may connect\n", p.stderr), p.stderr
    assert "system | web.1  terminated by SIGTERM" in p.lines()


@needs_root
def test_a_user_procinit_serves_its_user_and_root(procinit, public_dir, run_cli):
    """procinit run as an unprivileged uid in a folder it cannot write: a private folder of its own,
    reachable by that uid and by root, not by a third uid."""
    write_procfile(public_dir, "web: exec sleep 1000")
    uid = relutil.unused_uid()
    p = procinit(cwd=public_dir, preexec=as_user(uid))
    i = p.wait_line(rf"system \| control socket: /tmp/procinit-{uid}/[0-9a-f]{{16}}\.sock \(.*Permission denied\)")
    path = re.search(r"(/tmp/\S+\.sock)", p.lines()[i]).group(1)
    st = os.lstat(os.path.dirname(path))
    assert st.st_uid == uid and stat.S_IMODE(st.st_mode) == 0o700
    r = as_uid(uid, "status", cwd=public_dir)
    assert r.returncode == 0 and "web.1" in r.stdout, r
    # root finds it with --socket (its own private folder is another)
    assert run_cli("--socket", path, "status", cwd=public_dir).returncode == 0
    other = relutil.unused_uid()
    r = as_uid(other, "--socket", path, "status", cwd=public_dir)
    assert r.returncode == 3 and "Permission denied" in r.stderr, r
    r = as_uid(uid, "quit", cwd=public_dir)
    assert r.returncode == 0, r
    assert p.wait() == 0, p.dump()
    assert not os.path.exists(os.path.dirname(path))


def as_user(uid):
    def pre():
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    return pre


# ---------------------------------------------------------------- descriptors, modes

def test_children_get_no_descriptor_of_the_socket(procinit, tmp_path, ctl):
    p = start(procinit, tmp_path, f"fds: {PYTHON} {HELPERS}/fdlist.py; exec sleep 1000")
    p.wait_line(r"fds\.1  \| 2 .*")
    assert ctl("restart", "fds").returncode == 0  # also after clients came and went
    p.wait_line(r"fds\.1  \| 2 .*", count=2)
    fds = [ln.split("| ", 1)[1].split()[0] for ln in p.lines() if ln.startswith("fds.1  | ")]
    assert fds == ["0", "1", "2", "0", "1", "2"], p.dump()
    p.signal(signal.SIGTERM)
    assert p.wait() == 0


def test_single_command_mode_has_no_socket(procinit, tmp_path, ctl):
    write_procfile(tmp_path, "web: exec sleep 1000")
    p = procinit("--", "sleep", "1000")
    wait_until(lambda: children_of(p.pid), msg="the command")
    assert not (tmp_path / ".procinit.sock").exists()
    assert ctl("status").returncode == 3
    p.signal(signal.SIGTERM)
    p.wait()
