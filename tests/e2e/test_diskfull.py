# SPDX-License-Identifier: MIT
# stdout on a full disk (issue 11): `procinit > app.log` on a small tmpfs that
# fills up while a child talks, then gets room again. Lines that cannot be
# written are dropped and counted, stderr says so at most once a second, and
# output resumes as soon as writes succeed: later lines, `exited with code 3`
# and `exit 3` reach the file, no two lines are joined, and the exit status is
# the child's. The tmpfs lives in a private mount namespace (unshare --mount),
# so no mount outlives the test; the test reaches it through /proc/PID/root.
# Likewise a file over RLIMIT_FSIZE (EFBIG) that is then truncated, as
# `> app.log` or logrotate's copytruncate do.

import errno
import os
import re
import shutil
import subprocess
import threading
import time

import pytest

from conftest import BIN, PYTHON, clean_env, kill_tagged, wait_until, write_procfile

UNSHARE = shutil.which("unshare") or "/usr/bin/unshare"
LINE = re.compile(r"app\.1  \| line (\d+) (x{60})")
SYSTEM = re.compile(r"system \| .*")
DROPPED = re.compile(r"procinit: stdout: (.+?); (\d+) lines? dropped( in all)?")

# Writes "line N xxx..." every 10 ms until the file `stop` exists, then exits 3.
TALKER = """\
import os, sys, time
i = 0
while not os.path.exists("stop"):
    os.write(1, b"line %d %s\\n" % (i, b"x" * 60))
    i += 1
    time.sleep(0.01)
sys.exit(3)
"""

# $1 the mount point, $2 procinit, $3 the Procfile, $4 where app.log is copied at the end
WRAPPER = """\
mount -t tmpfs -o size=256k procinit-e2e "$1" || exit 99
"$2" -t 1 -f "$3" > "$1/app.log"
rc=$?
cp "$1/app.log" "$4"
exit $rc
"""

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount a tmpfs")


class Run:
    """The wrapper shell inside its own mount namespace; stderr read by a thread."""

    def __init__(self, tmp_path, tag):
        self.mnt = tmp_path / "mnt"
        self.mnt.mkdir()
        self.copy = tmp_path / "app.log"
        procfile = write_procfile(tmp_path, f"app: exec {PYTHON} talker.py")
        (tmp_path / "talker.py").write_text(TALKER)
        self.proc = subprocess.Popen(
            [UNSHARE, "--mount", "--propagation", "private", "sh", "-c", WRAPPER, "sh",
             str(self.mnt), BIN, str(procfile), str(self.copy)],
            cwd=str(tmp_path), env=clean_env(None, tag), stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE, start_new_session=True)
        self.err = b""
        self.reader = threading.Thread(target=self._read_err, daemon=True)
        self.reader.start()

    def _read_err(self):
        for chunk in iter(lambda: self.proc.stderr.read1(4096), b""):
            self.err += chunk

    def inside(self, name):
        """A path on the tmpfs, as seen from outside its namespace."""
        return f"/proc/{self.proc.pid}/root{self.mnt}/{name}"

    def log(self):
        try:
            with open(self.inside("app.log"), "rb") as f:
                return f.read().decode()
        except OSError:
            return ""

    def stderr(self):
        return self.err.decode()

    def dump(self):
        return f"app.log (tail):\n{self.log()[-2000:]}\n--- stderr:\n{self.stderr()}"


def numbers(text):
    return [int(m.group(1)) for m in map(LINE.fullmatch, text.splitlines()) if m]


def fill(path):
    """Writes zeros to PATH until the filesystem is full."""
    block = b"\0" * 4096
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(block)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
                return


@needs_root
def test_full_disk_drops_counts_and_resumes(tmp_path, tag):
    r = Run(tmp_path, tag)
    try:
        wait_until(lambda: r.proc.poll() is not None or len(numbers(r.log())) >= 20, msg=r.dump)
        if r.proc.poll() == 99:
            pytest.skip("cannot mount a tmpfs here")
        assert r.proc.poll() is None, r.dump()
        fill(r.inside("fill"))
        full_at = time.monotonic()
        # the first failed write is reported at once
        wait_until(lambda: DROPPED.search(r.stderr()), timeout=10, msg=r.dump)
        last_before = max(numbers(r.log()))
        # the disk stays full for about 1.5 s: room for a second, rate-limited report
        time.sleep(max(0.0, full_at + 1.5 - time.monotonic()))
        os.unlink(r.inside("fill"))
        freed_at = time.monotonic()
        # writes resume: lines written after the space came back reach the file
        wait_until(lambda: max(numbers(r.log())) > last_before + 20, timeout=10, msg=r.dump)
        # ... and once the interval allows, stderr hears how many were lost in all
        wait_until(lambda: "in all" in r.stderr(), timeout=10, msg=r.dump)
        (tmp_path / "stop").touch()
        rc = r.proc.wait(30)
        r.reader.join(10)
    finally:
        if r.proc.poll() is None:
            os.killpg(r.proc.pid, 9)
            r.proc.wait(5)
        kill_tagged(tag)
    text = r.copy.read_text()
    lines = text.splitlines()
    err = r.stderr()
    cut = [ln for ln in lines if not LINE.fullmatch(ln) and not SYSTEM.fullmatch(ln)]
    print(f"\n[diskfull] stdout full for {freed_at - full_at:.2f} s, line cut by it: {cut}; "
          f"stderr:\n{err}")
    assert rc == 3, r.dump()
    assert text.endswith("\n")
    assert lines[-2:] == ["system | app.1  exited with code 3", "system | exit 3"], lines[-5:]

    # Every line whole, except the one the full disk cut (what fit of it, then a newline).
    assert len(cut) <= 1, cut
    for ln in cut:
        assert re.fullmatch(r"app\.1  \| (l(i(n(e( \d*( x*)?)?)?)?)?)?", ln), cut

    # The lines lost are exactly those reported, and the reports came at most once a second.
    seen = numbers(text)
    assert seen == sorted(seen) and max(seen) > last_before + 20
    missing = max(seen) - min(seen) + 1 - len(seen)
    assert missing > 0, "the full disk did not cost a line: the test did not test"
    reports = [(m.group(1), int(m.group(2)), bool(m.group(3))) for m in DROPPED.finditer(err)]
    assert reports and all(e == "No space left on device" for e, _, done in reports if not done), err
    assert max(n for _, n, _ in reports) == missing, (missing, err)
    assert len(reports) <= (freed_at - full_at) + 2, err
    assert len(err.splitlines()) == len(reports), err


def test_file_too_large_then_truncated_resumes(tmp_path, tag):
    """EFBIG (RLIMIT_FSIZE; procinit blocks SIGXFSZ) is not "stdout is gone": once the
    file is truncated, the next lines and the exit lines arrive, and the line the
    limit cut is not ended in the emptied file (no stray empty line)."""
    import resource

    limit = 2000
    write_procfile(tmp_path, f"app: exec {PYTHON} talker.py")
    (tmp_path / "talker.py").write_text(TALKER)
    log = tmp_path / "app.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [BIN, "-t", "1"], cwd=str(tmp_path), env=clean_env(None, tag), stdin=subprocess.DEVNULL,
            stdout=out, stderr=subprocess.PIPE, start_new_session=True,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY)))
    err = bytearray()
    reader = threading.Thread(target=lambda: [err.extend(c) for c in iter(lambda: proc.stderr.read1(4096), b"")],
                              daemon=True)
    reader.start()
    try:
        wait_until(lambda: b"File too large" in err, timeout=10,
                   msg=lambda: f"{log.stat().st_size} bytes, stderr {bytes(err)!r}")
        assert log.stat().st_size == limit
        os.truncate(log, 0)
        wait_until(lambda: len(numbers(log.read_text())) >= 3, timeout=10, msg=lambda: log.read_text())
        (tmp_path / "stop").touch()
        rc = proc.wait(30)
        reader.join(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 9)
            proc.wait(5)
        kill_tagged(tag)
    text = log.read_text()
    lines = text.splitlines()
    print(f"\n[diskfull] RLIMIT_FSIZE={limit}, truncated: {len(lines)} lines after; stderr:\n{err.decode()}")
    assert rc == 3, (text, err)
    assert all(LINE.fullmatch(ln) or SYSTEM.fullmatch(ln) for ln in lines), text
    assert lines[-2:] == ["system | app.1  exited with code 3", "system | exit 3"], text
    assert re.match(r"procinit: stdout: File too large; \d+ lines? dropped\n", err.decode())
