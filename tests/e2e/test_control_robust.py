# SPDX-License-Identifier: MIT
# The control socket is never in the way (issue 13): the wire format by
# hand (what socat users type); garbage, a megabyte without a line feed,
# empty and half-sent requests; a client that sends nothing (answered after
# its deadline while others are served); a client killed mid-request or
# before it reads its reply; 32 clients at once and the 33rd refused; no
# descriptor kept after hundreds of clients; and 100 clients at once while
# 8 children write flat out, every request answered or refused and no line
# of output lost or split.

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import BIN, DEADLINE, HELPERS, PYTHON, clean_env, scaled, wait_until, write_procfile

sys.path.insert(0, str(HELPERS))
import relutil  # noqa: E402

SLACK = relutil.slack(BIN)


@pytest.fixture(scope="session")
def reltool(tmp_path_factory):
    return relutil.reltool(tmp_path_factory)


def exchange(path, data, shut=True, timeout=DEADLINE):
    """Connect, send DATA (a refusal may come first), read the reply to its end."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(str(path))
    try:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed before it read all of it
    out = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:  # it closed with our bytes unread: what it wrote came first
            break
        if not chunk:
            break
        out += chunk
    s.close()
    return out


def nfds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.fixture
def app(procinit, tmp_path, run_cli):  # run_cli first: its cleanup kills what the test tagged
    write_procfile(tmp_path, "web: exec sleep 1000\nworker: exec sleep 1000")
    p = procinit()
    sock = tmp_path / ".procinit.sock"
    wait_until(sock.exists)
    p.wait_line(r"system +\| worker\.1 start at pid: \d+")
    yield p, sock
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    assert p.stderr == ""


def test_the_wire_format_by_hand(app):
    p, sock = app
    out = exchange(sock, b"status\n").decode()
    assert out.startswith("0 ok\nNAME ") and "\nweb.1 " in out and "\nworker.1 " in out, out
    out = exchange(sock, b"status json\r\n").decode()
    head, body = out.split("\n", 1)
    assert head == "0 ok" and json.loads(body)["pid"] == p.pid
    for req, reply in ((b"bogus\n", b"2 error\nunknown request 'bogus'\n"),
                       (b"\n", b"2 error\nempty request\n"),
                       (b"status\tjson\n", b"2 error\ncontrol character in request\n"),
                       (b"restart\n", b"2 error\nrestart needs a process name\n"),
                       (b"restart nope\n", b"2 error\nrestart: no process 'nope'\n"),
                       (b"scale web=x\n", b"2 error\nscale: invalid count 'x' for 'web'\n"),
                       (b"\xff\xfe\n", b"2 error\nunknown request '\\xff\\xfe'\n"),
                       (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"2 error\nunknown request 'GET'\n")):
        assert exchange(sock, req) == reply, req
    # One request per connection: what follows its line feed is not read.
    out = exchange(sock, b"stop web\nquit\n")
    assert out == b"0 ok\n"
    p.wait_line(r"system   \| web\.1    terminated by SIGTERM")
    assert exchange(sock, b"restart web\n") == b"0 ok\n"
    p.wait_line(r"system   \| web\.1    start at pid: \d+", count=2)
    assert p.alive() and p.find(r"system +\| quit requested.*") is None


def test_garbage_empty_and_half_sent_requests(app, tmp_path):
    p, sock = app
    base = nfds(p.pid)
    # a megabyte without a line feed costs a 4 KiB buffer, then a reply
    assert exchange(sock, b"x" * (1 << 20)) == b"2 error\nrequest longer than 4095 bytes\n"
    assert exchange(sock, os.urandom(1 << 16).replace(b"\n", b"")) == \
        b"2 error\nrequest longer than 4095 bytes\n"
    # random bytes with line feeds: an error, whatever they are
    for _ in range(20):
        out = exchange(sock, os.urandom(300) + b"\n")
        assert re.fullmatch(rb"2 error\n[ -~]+\n", out), out
    # half a request, then the end of what the client sends
    assert exchange(sock, b"stat") == b"2 error\nincomplete request: no line feed\n"
    assert exchange(sock, b"restart web.1") == b"2 error\nincomplete request: no line feed\n"
    # nothing at all: a look whether we live, no reply
    assert exchange(sock, b"") == b""
    assert exchange(sock, b"status\n").startswith(b"0 ok\n")
    assert "requested" not in p.output.decode()
    wait_until(lambda: nfds(p.pid) == base, msg=lambda: f"{nfds(p.pid)} descriptors, {base} before")


def test_a_silent_client_is_answered_at_its_deadline_and_blocks_nobody(app, tmp_path, run_cli):
    p, sock = app
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(DEADLINE)
    t0 = time.monotonic()
    s.connect(str(sock))
    # meanwhile others are served at once
    for _ in range(5):
        r = run_cli("status", timeout=2 + SLACK)
        assert r.returncode == 0, r
    assert time.monotonic() - t0 < 5, "served behind the silent client"
    out = s.recv(4096)
    took = time.monotonic() - t0
    assert out == b"2 error\nno request within 5 s\n"
    assert 4.9 <= took <= 5 + SLACK, took
    assert s.recv(4096) == b""
    s.close()


def test_a_client_killed_mid_request_or_before_its_reply(app, tmp_path, run_cli):
    p, sock = app
    base = nfds(p.pid)
    before = run_cli("status").stdout
    script = ("import os, socket, sys\n"
              "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
              "s.connect(sys.argv[1])\n"
              "s.sendall(sys.argv[2].encode())\n"
              "os.kill(os.getpid(), 9)\n")
    for req in ("restart we", "stop web.1", "status\n", "status json\n", "restart web\n"):
        r = subprocess.run([PYTHON, "-c", script, str(sock), req], env=clean_env(), timeout=DEADLINE)
        assert r.returncode == -signal.SIGKILL
    # the full restart request was taken; the cut ones changed nothing
    p.wait_line(r"system   \| restart of web\.1 requested \(uid \d+\)")
    p.wait_line(r"system   \| web\.1    start at pid: \d+", count=2)
    assert "stop of" not in p.output.decode()
    assert run_cli("status").returncode == 0
    assert before.splitlines()[2] == run_cli("status").stdout.splitlines()[2]  # worker untouched
    wait_until(lambda: nfds(p.pid) == base, msg=lambda: f"{nfds(p.pid)} descriptors, {base} before")


def test_32_clients_at_once_and_the_33rd_refused(app, tmp_path, run_cli):
    p, sock = app
    held = []
    for _ in range(32):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(str(sock))
        held.append(s)
    try:
        # the slots are taken once the server has accepted them all
        def refused():
            r = run_cli("status")
            return r if r.returncode == 3 else None
        r = wait_until(refused, msg="a refusal")
        assert r.stderr == "procinit: busy: 32 clients at once already; try again\n", r
        assert exchange(sock, b"status\n") == b"3 error\nbusy: 32 clients at once already; try again\n"
    finally:
        for s in held:
            s.close()
    wait_until(lambda: run_cli("status").returncode == 0, msg="a slot again")


def test_hundreds_of_clients_leave_no_descriptor(app, tmp_path):
    p, sock = app
    base = nfds(p.pid)
    for i in range(scaled(300, 50)):
        out = exchange(sock, b"status\n" if i % 3 else b"nonsense\n")
        assert out.startswith(b"0 ok\n" if i % 3 else b"2 error\n")
    wait_until(lambda: nfds(p.pid) == base, msg=lambda: f"{nfds(p.pid)} descriptors, {base} before")


def test_100_clients_while_8_children_write_flat_out(procinit, tmp_path, reltool):
    n = scaled(2_000_000, 50_000)
    k = 8
    write_procfile(tmp_path, "\n".join(
        f"w{i}: {reltool} lines {i} {n} && touch done{i}; exec sleep 1000" for i in range(k)))
    r, w = os.pipe()
    checker = subprocess.Popen([reltool, "check-lines"], stdin=r, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    os.close(r)
    clients = []
    try:
        try:
            p = procinit("-t", "2", stdout=w)
        finally:
            os.close(w)
        wait_until((tmp_path / ".procinit.sock").exists)
        t0 = time.monotonic()
        clients = [subprocess.Popen([BIN, "status"], cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True) for _ in range(100)]
        results = [(c.wait(DEADLINE),) + c.communicate() for c in clients]
        secs = time.monotonic() - t0
        overlapped = not all((tmp_path / f"done{i}").exists() for i in range(k))
        wait_until(lambda: all((tmp_path / f"done{i}").exists() for i in range(k)),
                   timeout=DEADLINE + k * n / 50_000, msg="the writers to finish")
        p.signal(signal.SIGTERM)
        rc = p.wait()
        out, err = checker.communicate(timeout=DEADLINE)
    finally:
        for c in clients:
            if c.poll() is None:
                c.kill()
                c.wait()
        if checker.poll() is None:
            checker.kill()
            checker.wait()
    answered = refused = 0
    for code, o, e in results:
        if code == 0:
            st = o.splitlines()
            assert len(st) == k + 1 and all(re.match(rf"w\d\.1 +running ", ln) for ln in st[1:]), o
            answered += 1
        else:
            assert (code, o, e) == (3, "", "procinit: busy: 32 clients at once already; try again\n")
            refused += 1
    counts = {}
    for ln in out.splitlines():
        m = re.fullmatch(r"(\S+) lines=(\d+) bad=(\d+)", ln)
        if m:
            counts[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    summary = dict(kv.split("=") for kv in out.splitlines()[-1].split())
    print(f"\n[control] 100 clients while {k} writers write {n} lines each: {answered} answered, "
          f"{refused} refused in {secs:.2f} s; writers still writing at the end: {overlapped}")
    assert overlapped, "the writers were done before the clients: raise n"
    assert rc == 0 and p.stderr == "", p.stderr
    assert counts == {f"w{i}.1": (n, 0) for i in range(k)}, (counts, err)
    assert summary["other"] == "0", err
    assert summary["system"] == str(k + 2 + k + k + 1)
