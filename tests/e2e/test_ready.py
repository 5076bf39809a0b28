# SPDX-License-Identifier: MIT
# Readiness and start order (issue 14): --ready NAME=CHECK (tcp, http, log,
# exec, notify, exit), --after NAME=DEP, --ready-timeout, and the stop in
# reverse order. Order is proven by the order of the system lines and by
# timestamps the processes write themselves.

import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import PYTHON, wait_until, write_procfile

# A TCP server on $PORT that starts listening after DELAY seconds.
LATE_SERVER = r"""
import os, socket, sys, time
time.sleep(float(sys.argv[1]))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(os.environ["PORT"])))
s.listen(16)
print("listening", flush=True)
open("web.up", "w").write(repr(time.time()))
while True:
    c, _ = s.accept()
    c.close()
"""

# An HTTP server on $PORT whose /health answers 503 for the first N requests, then 200.
HTTP_SERVER = r"""
import http.server, os, sys
left = [int(sys.argv[1])]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path == "/health" and left[0] <= 0 else 503
        if self.path == "/health":
            left[0] -= 1
        self.send_response(code)
        self.end_headers()
        print(f"GET {self.path} -> {code}", flush=True)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
"""

# sd_notify by hand: STATUS= then READY=1 after a delay, over $NOTIFY_SOCKET.
NOTIFIER = r"""
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"STATUS=warming up", os.environ["NOTIFY_SOCKET"])
time.sleep(float(sys.argv[1]))
s.sendto(b"READY=1\nSTATUS=serving", os.environ["NOTIFY_SOCKET"])
print("notified", flush=True)
while True:
    time.sleep(1)
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def index(lines, pattern):
    rx = re.compile(pattern)
    for i, ln in enumerate(lines):
        if rx.fullmatch(ln):
            return i
    raise AssertionError(f"no line matches {pattern!r}:\n" + "\n".join(lines))


def test_migration_runs_to_completion_before_web_starts(procinit, tmp_path):
    write_procfile(tmp_path, f"""
        migrate: sleep 0.3; {PYTHON} -c 'import time; open("migrated", "w").write(repr(time.time()))'; echo migrated
        web: {PYTHON} -c 'import time; open("web", "w").write(repr(time.time()))'; echo web up; exec sleep 1000
    """)
    p = procinit("--ready", "migrate=exit", "--after", "web=migrate")
    p.wait_line(r"web\.1 +\| web up")
    lines = p.lines()
    done = index(lines, r"system +\| migrate\.1 exited with code 0")
    assert index(lines, r"system +\| web\.1 +waiting for migrate") < done
    ready = index(lines, r"system +\| migrate\.1 ready \(exit after \d+\.\d\d s\)")
    started = index(lines, r"system +\| web\.1 +start at pid: \d+")
    assert done < ready < started, p.dump()
    assert float((tmp_path / "migrated").read_text()) < float((tmp_path / "web").read_text())
    # the one-shot's exit 0 stopped nothing
    assert p.alive()
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()


def test_failed_migration_stops_everything_with_its_code(procinit, tmp_path):
    write_procfile(tmp_path, """
        migrate: echo migrating; exit 3
        web: echo never; exec sleep 1000
        other: exec sleep 1000
    """)
    p = procinit("--ready", "migrate=exit", "--after", "web=migrate", "-t", "1")
    assert p.wait() == 3, p.dump()
    lines = p.lines()
    assert not any(ln.startswith("web.1") for ln in lines), p.dump()
    # web never started: it is neither signalled nor reported
    assert not any("web.1" in ln and ("start at" in ln or "exited" in ln or "terminated" in ln
                                      or "sending" in ln) for ln in lines), p.dump()
    assert "system  | other.1   terminated by SIGTERM".replace("  ", " ", 0) in lines or \
        any(re.fullmatch(r"system +\| other\.1 +terminated by SIGTERM", ln) for ln in lines)
    assert lines[-1].endswith("| exit 3")


def test_tcp_check_and_a_worker_after_web(procinit, tmp_path):
    (tmp_path / "server.py").write_text(LATE_SERVER)
    write_procfile(tmp_path, f"""
        web: exec {PYTHON} server.py 0.5
        worker: {PYTHON} -c 'import time; open("worker", "w").write(repr(time.time()))'; echo working; exec sleep 1000
    """)
    port = free_port()
    p = procinit("--ready", "web=tcp", "--after", "worker=web", "-p", str(port))
    p.wait_line(r"worker\.1 \| working")
    lines = p.lines()
    m = re.fullmatch(rf"system +\| web\.1 +ready \(tcp:{port} after (\d+\.\d\d) s\)",
                     lines[index(lines, r"system +\| web\.1 +ready .*")])
    assert m and float(m.group(1)) >= 0.45, p.dump()
    assert index(lines, r"system +\| worker\.1 +waiting for web") < index(lines, r"system +\| web\.1 +ready .*") \
        < index(lines, r"system +\| worker\.1 +start at pid: \d+")
    assert float((tmp_path / "web.up").read_text()) <= float((tmp_path / "worker").read_text())
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()


def test_tcp_check_on_a_given_port(procinit, tmp_path):
    (tmp_path / "server.py").write_text(LATE_SERVER)
    port = free_port()
    write_procfile(tmp_path, f"db: PORT={port} exec {PYTHON} server.py 0.2\nx: exec sleep 1000\n")
    p = procinit("--ready", f"db=tcp:{port}", "--after", "x=db")
    p.wait_line(rf"system +\| db\.1 +ready \(tcp:{port} after \d+\.\d\d s\)")
    p.wait_line(r"system +\| x\.1 +start at pid: \d+")
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()


def test_http_check_waits_for_2xx(procinit, tmp_path):
    (tmp_path / "server.py").write_text(HTTP_SERVER)
    write_procfile(tmp_path, f"""
        web: exec {PYTHON} server.py 2
        after: echo after web; exec sleep 1000
    """)
    port = free_port()
    p = procinit("--ready", "web=http:/health", "--after", "after=web", "-p", str(port))
    p.wait_line(r"after\.1 +\| after web")
    # The server's own line races procinit's system lines (two pipes, two threads): wait for
    # it. Two 503s before the probe stopped prove that it waited for the 2xx: one that took
    # a 503 as ready would have stopped after the first.
    p.wait_line(r"web\.1 +\| GET /health -> 200")
    lines = p.lines()
    assert lines.count("web.1   | GET /health -> 503") == 2, p.dump()
    assert lines.count("web.1   | GET /health -> 200") == 1, p.dump()
    ready = index(lines, rf"system +\| web\.1 +ready \(http:{port}/health after \d+\.\d\d s\)")
    assert ready < index(lines, r"system +\| after\.1 +start at pid: \d+")
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()


def test_log_check(procinit, tmp_path):
    write_procfile(tmp_path, """
        web: echo starting; sleep 0.3; printf 'database sys'; sleep 0.2; echo 'tem is listening now'; exec sleep 1000
        app: echo app up; exec sleep 1000
    """)
    p = procinit("--ready", "web=log:system is listening", "--after", "app=web")
    p.wait_line(r"app\.1 +\| app up")
    lines = p.lines()
    assert index(lines, r"system +\| web\.1 +ready \(log after \d+\.\d\d s\)") < \
        index(lines, r"system +\| app\.1 +start at pid: \d+"), p.dump()
    assert any("database sys" in ln for ln in lines[:index(lines, r"system +\| web\.1 +ready .*")])
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()


def test_exec_check(procinit, tmp_path):
    write_procfile(tmp_path, """
        web: sleep 0.4; touch up; exec sleep 1000
        app: echo app up; exec sleep 1000
    """)
    p = procinit("--ready", 'web=exec:test -e up && test "$PS" = web.1', "--after", "app=web")
    p.wait_line(r"app\.1 +\| app up")
    lines = p.lines()
    i = index(lines, r"system +\| web\.1 +ready \(exec after \d+\.\d\d s\)")
    # not before the file existed: the check is what waited
    assert float(re.search(r"after (\d+\.\d\d) s", lines[i]).group(1)) >= 0.4, p.dump()
    assert i < index(lines, r"system +\| app\.1 +start at pid: \d+"), p.dump()
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()


def test_notify_check(procinit, tmp_path):
    (tmp_path / "notifier.py").write_text(NOTIFIER)
    write_procfile(tmp_path, f"""
        web: exec {PYTHON} notifier.py 0.3
        app: echo app up; exec sleep 1000
    """)
    p = procinit("--ready", "web=notify", "--after", "app=web")
    p.wait_line(r"app\.1 +\| app up")
    lines = p.lines()
    assert "system | web.1 status: warming up" in lines, p.dump()
    assert "system | web.1 status: serving" in lines, p.dump()
    assert index(lines, r"system \| web\.1 +ready \(notify after \d+\.\d\d s\)") < \
        index(lines, r"system \| app\.1 +start at pid: \d+"), p.dump()
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()


@pytest.mark.skipif(shutil.which("systemd-notify") is None, reason="systemd-notify is not installed")
def test_systemd_notify_ready(procinit, tmp_path):
    write_procfile(tmp_path, """
        web: sleep 0.2; systemd-notify --ready --status="up and running"; echo notified; exec sleep 1000
        app: echo app up; exec sleep 1000
    """)
    p = procinit("--ready", "web=notify", "--after", "app=web", "--ready-timeout", "20")
    p.wait_line(r"app\.1 +\| app up")
    lines = p.lines()
    assert index(lines, r"system \| web\.1 +ready \(notify after \d+\.\d\d s\)") < \
        index(lines, r"system \| app\.1 +start at pid: \d+"), p.dump()
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()


def test_ready_timeout_counts_as_exit_1(procinit, tmp_path):
    port = free_port()  # nothing listens there
    write_procfile(tmp_path, """
        web: exec sleep 1000
        app: echo never; exec sleep 1000
    """)
    p = procinit("--ready", f"web=tcp:{port}", "--after", "app=web", "--ready-timeout", "0.5", "-t", "1")
    assert p.wait() == 1, p.dump()
    lines = p.lines()
    assert any(re.fullmatch(r"system \| web\.1 +not ready after 0\.5 s", ln) for ln in lines), p.dump()
    assert any(re.fullmatch(r"system \| web\.1 +terminated by SIGTERM", ln) for ln in lines), p.dump()
    assert not any(ln.startswith("app.1") or ("app.1" in ln and "waiting" not in ln) for ln in lines), p.dump()
    assert lines[-1] == "system | exit 1"


@pytest.mark.parametrize("args,message", [
    (["--after", "web=worker", "--after", "worker=web"], "procinit: --after: cycle web -> worker -> web"),
    (["--after", "web=web"], "procinit: --after: cycle web -> web"),
    (["--after", "web=worker", "--after", "worker=db", "--after", "db=web"],
     "procinit: --after: cycle web -> worker -> db -> web"),
    (["--after", "web=nope"], "procinit: --after: unknown process 'nope'"),
    (["--after", "nope=web"], "procinit: --after: unknown process 'nope'"),
    (["--after", "web"], "procinit: --after: expected NAME=DEP, got 'web'"),
    (["--ready", "nope=tcp"], "procinit: --ready: unknown process 'nope'"),
    (["--ready", "web=tcp:0"], "procinit: --ready: invalid check 'tcp:0' (tcp[:PORT], http:[PORT]/PATH, "
                               "log:TEXT, exec:COMMAND, notify, exit)"),
], ids=["two", "self", "three", "unknown-dep", "unknown-name", "shape", "ready-unknown", "ready-check"])
@pytest.mark.parametrize("command", ["start", "check"])
def test_bad_order_is_a_usage_error(run_cli, tmp_path, args, message, command):
    write_procfile(tmp_path, """
        web: exec sleep 1000
        worker: exec sleep 1000
        db: exec sleep 1000
    """)
    r = run_cli(*args, command)
    assert r.returncode == 2, r
    assert message in r.stderr.splitlines(), r.stderr
    assert r.stdout == ""


def test_stop_goes_in_reverse_order(procinit, tmp_path):
    """c waits for b, b for a: at the stop c gets its signal first, b once c has exited,
    a once b has exited."""
    trap = "trap 'echo $PS stopping; sleep 0.3; exit 0' TERM; echo $PS up; while :; do sleep 0.05; done"
    write_procfile(tmp_path, f"""
        a: {trap}
        b: {trap}
        c: {trap}
    """)
    p = procinit("--after", "b=a", "--after", "c=b", "-t", "5")
    p.wait_line(r"c\.1 +\| c\.1 up")
    t0 = time.monotonic()
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    sent = {n: index(lines, rf"system \| sending SIGTERM for {n}\.1 at pid \d+") for n in "abc"}
    ended = {n: index(lines, rf"system \| {n}\.1 +exited with code 0") for n in "abc"}
    assert sent["c"] < ended["c"] < sent["b"] < ended["b"] < sent["a"] < ended["a"], p.dump()
    # each waited for its dependent's 0.3 s of shutdown
    assert p.end_time - t0 >= 0.85


def test_without_after_the_stop_is_at_once(procinit, tmp_path):
    trap = "trap 'echo $PS stopping; sleep 0.3; exit 0' TERM; echo $PS up; while :; do sleep 0.05; done"
    write_procfile(tmp_path, f"""
        a: {trap}
        b: {trap}
    """)
    p = procinit("--ready", "a=log:up", "-t", "5")
    p.wait_line(r"b\.1 +\| b\.1 up")
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert index(lines, r"system \| sending SIGTERM for b\.1 at pid \d+") < index(lines, r"system \| a\.1 +exited with code 0")


def test_ctrl_c_while_waiting(procinit, tmp_path):
    """Nothing that never started is reported as exited or signalled."""
    port = free_port()
    write_procfile(tmp_path, """
        web: echo web up; exec sleep 1000
        worker: echo never; exec sleep 1000
    """)
    p = procinit("--ready", f"web=tcp:{port}", "--after", "worker=web")
    p.wait_line(r"system +\| worker\.1 waiting for web")
    p.wait_line(r"web\.1 +\| web up")
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert [ln for ln in lines if "worker.1" in ln] == ["system   | worker.1 waiting for web"], p.dump()
    assert lines[-1] == "system   | exit 0"


def test_ready_and_after_are_procfile_mode_only(run_cli):
    for args in (["--ready", "x=tcp"], ["--after", "a=b"]):
        r = run_cli(*args, "--", "true")
        assert r.returncode == 2, r
        assert "Procfile mode" in r.stderr, r.stderr


def test_status_counts_readiness(procinit, tmp_path, run_cli):
    """`procinit status` shows READY per instance and exits 1 until every instance that
    should run is ready: a Docker HEALTHCHECK says healthy only then."""
    write_procfile(tmp_path, """
        web: echo starting; while [ ! -e go ]; do sleep 0.02; done; echo listening; exec sleep 1000
        other: exec sleep 1000
    """)
    p = procinit("--ready", "web=log:listening")
    p.wait_line(r"web\.1 +\| starting")
    r = run_cli("status")
    assert r.returncode == 1, r
    rows = {ln.split()[0]: ln.split() for ln in r.stdout.splitlines()[1:]}
    assert rows["web.1"][1:3] == ["running", "no"] and rows["other.1"][1:3] == ["running", "yes"], r.stdout
    (tmp_path / "go").touch()
    p.wait_line(r"system +\| web\.1 +ready \(log after \d+\.\d\d s\)")
    r = run_cli("status")
    assert r.returncode == 0, r
    assert [ln.split()[2] for ln in r.stdout.splitlines()[1:]] == ["yes", "yes"], r.stdout
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()


def test_scaled_instances_get_their_readiness_check(procinit, tmp_path, run_cli):
    """An instance that scale adds has its type's --ready check, and status counts it."""
    write_procfile(tmp_path, """
        web: echo "$PS up"; exec sleep 1000
    """)
    p = procinit("--ready", "web=log:up")
    p.wait_line(r"system +\| web\.1 +ready \(log after \d+\.\d\d s\)")
    assert run_cli("scale", "web=2").returncode == 0
    p.wait_line(r"system +\| web\.2 +ready \(log after \d+\.\d\d s\)")
    r = run_cli("status")
    assert r.returncode == 0, r
    assert [ln.split()[:3] for ln in r.stdout.splitlines()[1:]] == [
        ["web.1", "running", "yes"], ["web.2", "running", "yes"]], r.stdout
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
