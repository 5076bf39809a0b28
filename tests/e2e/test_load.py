# SPDX-License-Identifier: MIT
# Load (issue 4): a formation of 500 processes starts, prints and stops
# cleanly; 16 children writing 1,000,000 lines each as fast as they can lose,
# split or merge no line; 10,000 orphans created and exiting under procinit
# as PID 1 leave no zombie. Volumes scale with PROCINIT_E2E_SCALE; the
# figures (peak RSS, threads, times, lines) are printed for pytest -s.

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from conftest import BIN, DEADLINE, HELPERS, scaled, tagged_pids, wait_until, write_procfile, zombies_of

sys.path.insert(0, str(HELPERS))
import relutil  # noqa: E402

SLACK = relutil.slack(BIN)


@pytest.fixture(scope="session")
def reltool(tmp_path_factory):
    return relutil.reltool(tmp_path_factory)


def test_formation_of_500(procinit, tmp_path, tag):
    n = scaled(500, 50)
    timeout = 5
    write_procfile(tmp_path, 'web: echo "hello from $PS"; exec sleep 1000')
    t0 = time.monotonic()
    p = procinit("-m", f"web={n}", "-t", timeout)
    p.wait_line(r"web\.\d+ *\| hello from web\.\d+", count=n, timeout=DEADLINE + n / 10)
    up = time.monotonic() - t0
    hwm, threads = relutil.peak_rss_kib(p.pid), relutil.threads(p.pid)
    t1 = time.monotonic()
    p.signal(signal.SIGTERM)
    rc = p.wait(timeout=timeout + 5 + SLACK * 4)
    down = p.end_time - t1
    lines = p.lines()
    dropped = [ln for ln in lines if re.fullmatch(r"system *\| \(\d+ system lines dropped.*", ln)]
    n_dropped = sum(int(re.search(r"[(](\d+)", ln).group(1)) for ln in dropped)
    print(f"\n[load] -m web={n}: all started and printed in {up:.2f} s; procinit peak RSS "
          f"{hwm / 1024:.1f} MiB, {threads} threads; SIGTERM -> exit {rc} in {down:.2f} s; "
          f"system lines dropped: {n_dropped}")
    assert rc == 0, p.dump()  # 0: every process ended within --timeout
    w = len(f"web.{n}")
    names = [f"web.{i}" for i in range(1, n + 1)]
    hello = [re.fullmatch(r"(web\.\d+) *\| hello from (web\.\d+)", ln) for ln in lines]
    hello = [m.groups() for m in hello if m]
    assert sorted(a for a, b in hello) == sorted(names) and all(a == b for a, b in hello)
    # every system line is there: none dropped from the announce queue (stdout keeps up)
    assert dropped == [], dropped
    for what in (r"system *\| web\.\d+ *start at pid: \d+", r"system *\| sending SIGTERM for web\.\d+ at pid \d+",
                 r"system *\| web\.\d+ *terminated by SIGTERM"):
        assert len([ln for ln in lines if re.fullmatch(what, ln)]) == n, what
    assert lines[-1] == f"{'system':<{w}} | exit 0"
    assert down <= timeout, down
    # one pump thread per child plus main, reaper (and its helper), signal, announce and
    # control threads (TSan adds one)
    assert threads <= n + 7, threads
    assert hwm < (64 if not relutil.sanitizer(BIN) else 512) * 1024, hwm
    assert tagged_pids(tag) == []


def test_16_writers_every_line_whole(procinit, tmp_path, tag, reltool):
    n = scaled(1_000_000, 10_000)
    k = 16
    write_procfile(tmp_path, "\n".join(
        f"w{i}: {reltool} lines {i} {n} && touch done{i}; exec sleep 1000" for i in range(k)))
    r, w = os.pipe()
    checker = subprocess.Popen([reltool, "check-lines"], stdin=r, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    os.close(r)
    try:
        t0 = time.monotonic()
        try:
            p = procinit("-t", "2", stdout=w)
        finally:
            os.close(w)
        wait_until(lambda: all((tmp_path / f"done{i}").exists() for i in range(k)),
                   timeout=DEADLINE + k * n / 50_000, msg="the writers to finish")
        secs = time.monotonic() - t0
        hwm, threads = relutil.peak_rss_kib(p.pid), relutil.threads(p.pid)
        p.signal(signal.SIGTERM)
        rc = p.wait()
        out, err = checker.communicate(timeout=DEADLINE)
    finally:
        if checker.poll() is None:
            checker.kill()
            checker.wait()
    counts = {}
    for ln in out.splitlines():
        m = re.fullmatch(r"(\S+) lines=(\d+) bad=(\d+)", ln)
        if m:
            counts[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    summary = dict(kv.split("=") for kv in out.splitlines()[-1].split())
    print(f"\n[load] {k} writers x {n} lines: {k * n} lines in {secs:.2f} s ({k * n / secs / 1e6:.2f} M lines/s), "
          f"{sum(b for _, b in counts.values())} bad, {summary['other']} unparsable, "
          f"{summary['system']} system lines; procinit peak RSS {hwm / 1024:.1f} MiB, {threads} threads")
    assert rc == 0, p.stderr
    assert p.stderr == ""
    assert counts == {f"w{i}.1": (n, 0) for i in range(k)}, (counts, err)
    assert summary["other"] == "0", err
    # 16 starts, the stop sequence (2 + 16 + 16) and the exit line
    assert summary["system"] == str(k + 2 + k + k + 1)


def test_10000_orphans_as_pid1_leave_no_zombie(procinit, tmp_path, tag, reltool):
    n = scaled(10_000, 1000)
    write_procfile(tmp_path, f"orph: {reltool} orphans {n}; exec sleep 1000")
    p = procinit("-t", "1", pid1=True)
    i = p.wait_line(r"orph\.1 \| orphans=.*", timeout=DEADLINE + n / 500)
    report = dict(kv.split("=") for kv in p.lines()[i].split("| ")[1].split())
    hwm, threads = relutil.peak_rss_kib(p.pid), relutil.threads(p.pid)
    zombies = zombies_of(p.pid)
    p.signal(signal.SIGTERM)
    rc = p.wait()
    print(f"\n[load] {n} orphans under procinit as PID 1: {report['reparented']} reparented to it, made and "
          f"reaped in {report['secs']} s, {report['zombies']} zombies after; procinit peak RSS "
          f"{hwm / 1024:.1f} MiB, {threads} threads")
    assert report["orphans"] == report["reparented"] == str(n), report
    assert report["zombies"] == "0", report
    assert int(report["procs"]) <= int(report["base"]), report
    assert zombies == []
    assert rc == 0, p.dump()
    assert p.lines()[-1] == "system | exit 0"
