# SPDX-License-Identifier: MIT
# Shared helpers for the end-to-end suite: where the binary is, a handle that
# runs procinit (optionally as PID 1 under unshare) with a reader thread that
# timestamps every output line, deadline-based waiting, and cleanup that finds
# every process a test started (by a unique tag in its environment) and kills it.

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from polling import DEADLINE, wait_until  # noqa: E402  (shared with tests/docker)
BIN = os.environ.get("PROCINIT_BIN", str(REPO / "build" / "procinit"))
SCALE = float(os.environ.get("PROCINIT_E2E_SCALE", "1.0") or "1.0")
HELPERS = Path(__file__).resolve().parent / "helpers"
GOLDEN = Path(__file__).resolve().parent / "golden"
PYTHON = "/usr/bin/python3"
UNSHARE = "/usr/bin/unshare"

TAG_VAR = "PROCINIT_E2E_TAG"

# Variables that change procinit's behaviour; tests start from a clean slate.
SCRUB = ("NO_COLOR", "COLOR", "FORCE_COLOR", "PORT", "PS", "CLICOLOR", "CLICOLOR_FORCE")


def scaled(n, minimum=1):
    return max(minimum, int(n * SCALE))


# ---------------------------------------------------------------- /proc helpers

def proc_stat(pid):
    """(state, ppid, pgrp, comm) of a pid, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("utf-8", "replace")
    except (FileNotFoundError, ProcessLookupError):
        return None
    comm = data[data.index("(") + 1:data.rindex(")")]
    fields = data[data.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[2]), comm


def all_pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def children_of(pid):
    out = []
    for p in all_pids():
        st = proc_stat(p)
        if st and st[1] == pid:
            out.append(p)
    return out


def zombies_of(pid):
    """Zombie children of pid."""
    out = []
    for p in all_pids():
        st = proc_stat(p)
        if st and st[1] == pid and st[0] == "Z":
            out.append(p)
    return out


def no_zombies(pid):
    """True if pid (procinit) has no zombie children, i.e. it reaped everything that died."""
    return not zombies_of(pid)


def is_alive(pid):
    """True if pid exists and is not a zombie."""
    st = proc_stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[:-1]
    except (FileNotFoundError, ProcessLookupError):
        return None


def pids_with_arg(arg):
    """Live (non-zombie) processes whose argv contains arg exactly."""
    arg = arg.encode() if isinstance(arg, str) else arg
    return [p for p in all_pids() if (cmdline(p) or []).count(arg) and is_alive(p)]


def tagged_pids(tag):
    """Every live process whose environment carries this test's tag."""
    needle = f"{TAG_VAR}={tag}".encode()
    out = []
    for p in all_pids():
        if p == os.getpid():
            continue
        try:
            with open(f"/proc/{p}/environ", "rb") as f:
                env = f.read().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if needle in env and is_alive(p):
            out.append(p)
    return out


def kill_tagged(tag):
    for _ in range(50):
        pids = tagged_pids(tag)
        if not pids:
            return
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


# ---------------------------------------------------------------- files

def write_procfile(path, text):
    """Write a Procfile (dedented lines); path may be a folder (then PATH/Procfile)."""
    path = Path(path)
    if path.is_dir():
        path = path / "Procfile"
    lines = [ln.strip() for ln in text.strip("\n").splitlines()]
    path.write_text("\n".join(lines) + "\n")
    return path


# ---------------------------------------------------------------- the handle

class Procinit:
    """A running procinit. Output is read by a thread; each line gets its arrival time."""

    def __init__(self, args, cwd, env, tag, pid1=False, stdout="pipe", preexec=None):
        self.args = [str(a) for a in args]
        self.tag = tag
        self.pid1 = pid1
        argv = [BIN] + self.args
        if pid1:
            argv = [UNSHARE, "--pid", "--fork", "--mount-proc"] + argv
        self._data = bytearray()
        self._line_times = []        # arrival time of the n-th newline
        self._lines = []             # complete lines parsed so far (bytes)
        self._parsed = 0             # offset in _data up to which _lines is built
        self._lock = threading.Lock()
        self._inner = None
        self.start_time = time.monotonic()
        # stdout: "pipe" (read by a thread), "closed" (fd 1 closed), or a Popen stdout value
        out = {"pipe": subprocess.PIPE, "closed": subprocess.DEVNULL}.get(stdout, stdout)
        def pre():
            if preexec:
                preexec()
            if stdout == "closed":
                os.close(1)
        self.proc = subprocess.Popen(
            argv, cwd=str(cwd), env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.PIPE, start_new_session=True, preexec_fn=pre)
        self.stderr_data = b""
        self._reader = None
        if stdout == "pipe":
            self._reader = threading.Thread(target=self._read, daemon=True)
            self._reader.start()
        self._err_reader = threading.Thread(target=self._read_err, daemon=True)
        self._err_reader.start()

    # -- reading
    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            t = time.monotonic()
            with self._lock:
                self._data += chunk
                n = chunk.count(b"\n")
                if n:
                    self._line_times.extend([t] * n)

    def _read_err(self):
        self.stderr_data = self.proc.stderr.read()

    @property
    def output(self):
        with self._lock:
            return bytes(self._data)

    def raw_lines(self):
        """Complete lines received so far, as bytes without the newline."""
        with self._lock:
            end = self._data.rfind(b"\n") + 1
            if end > self._parsed:
                self._lines.extend(bytes(self._data[self._parsed:end - 1]).split(b"\n"))
                self._parsed = end
            return list(self._lines)

    def lines(self):
        return [ln.decode("utf-8", "surrogateescape") for ln in self.raw_lines()]

    def line_time(self, index):
        """Arrival time (monotonic) of complete line number index."""
        with self._lock:
            return self._line_times[index]

    @property
    def stderr(self):
        return self.stderr_data.decode("utf-8", "surrogateescape")

    def find(self, pattern, start=0):
        """Index of the first line at or after start that fully matches pattern, or None."""
        rx = re.compile(pattern)
        for i, ln in enumerate(self.lines()[start:], start):
            if rx.fullmatch(ln):
                return i
        return None

    def wait_line(self, pattern, timeout=DEADLINE, count=1):
        """Wait until count lines fully match pattern; return the index of the last one."""
        rx = re.compile(pattern)

        def check():
            hits = [i for i, ln in enumerate(self.lines()) if rx.fullmatch(ln)]
            if len(hits) >= count:
                return hits[count - 1] + 1  # +1 so that index 0 is truthy
            if self.proc.poll() is not None and (self._reader is None or not self._reader.is_alive()):
                pytest.fail(f"procinit exited ({self.proc.returncode}) before {count}x {pattern!r}:\n"
                            + self.dump())
            return None
        return wait_until(check, timeout, msg=lambda: f"{count}x {pattern!r}; output so far:\n" + self.dump()) - 1

    def dump(self):
        return "\n".join(self.lines()[-60:]) + "\n--- stderr:\n" + self.stderr

    # -- the process
    @property
    def pid(self):
        """pid of procinit itself (inside unshare: the child of unshare)."""
        if not self.pid1:
            return self.proc.pid
        if self._inner is None:
            def inner():
                kids = children_of(self.proc.pid)
                return kids[0] if kids else None
            self._inner = wait_until(inner, msg="the child of unshare")
        return self._inner

    def signal(self, sig):
        os.kill(self.pid, sig)

    def alive(self):
        return self.proc.poll() is None

    def wait(self, timeout=DEADLINE):
        """Wait for exit and for all output; return the exit status."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"procinit did not exit within {timeout}s; output:\n" + self.dump())
        self.end_time = time.monotonic()
        if self._reader:
            self._reader.join(timeout)
            assert not self._reader.is_alive(), "procinit's stdout still open after it exited"
        self._err_reader.join(timeout)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if self._inner:
                try:
                    os.kill(self._inner, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass


def clean_env(extra=None, tag=None):
    env = {k: v for k, v in os.environ.items() if k not in SCRUB and not k.startswith("PYTEST_")}
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    env["LC_ALL"] = "C"
    # TSan sleeps 1 s at exit by default; a short pause keeps the suite fast under `make tsan`
    env.setdefault("TSAN_OPTIONS", "atexit_sleep_ms=50")
    if tag:
        env[TAG_VAR] = tag
    if extra:
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
    return env


@pytest.fixture
def tag():
    return uuid.uuid4().hex


@pytest.fixture
def procinit(tmp_path, tag):
    """Factory: procinit(*args, cwd=tmp_path, env={...}, pid1=False, stdout="pipe", preexec=None) -> Procinit."""
    handles = []

    def start(*args, cwd=None, env=None, pid1=False, stdout="pipe", preexec=None):
        h = Procinit(args, cwd or tmp_path, clean_env(env, tag), tag, pid1=pid1, stdout=stdout,
                     preexec=preexec)
        handles.append(h)
        return h

    try:
        yield start
    finally:
        for h in handles:
            h.kill()
        kill_tagged(tag)
        for h in handles:
            for s in (h.proc.stdout, h.proc.stderr):
                if s:
                    try:
                        s.close()
                    except OSError:
                        pass


@pytest.fixture
def run_cli(tmp_path, tag):
    """Run procinit to completion (for short commands): returns CompletedProcess with str output."""
    def run(*args, cwd=None, env=None, timeout=DEADLINE):
        try:
            return subprocess.run([BIN] + [str(a) for a in args], cwd=str(cwd or tmp_path),
                                  env=clean_env(env, tag), stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=timeout, text=True,
                                  errors="surrogateescape", start_new_session=True)
        except subprocess.TimeoutExpired:
            pytest.fail(f"procinit {args} did not finish within {timeout}s")
    try:
        yield run
    finally:
        kill_tagged(tag)


def pytest_report_header(config):
    return f"procinit binary: {BIN} (scale {SCALE})"


def pytest_sessionstart(session):
    if not os.access(BIN, os.X_OK):
        sys.stderr.write(f"\nprocinit binary {BIN} is missing: run `make` (or set PROCINIT_BIN)\n")


# ---------------------------------------------------------------- pseudo-terminals

class PtyProc:
    """A process on a new pseudo-terminal, which becomes its controlling terminal
    (the process is a session leader, so its group starts as the foreground group).
    A thread collects everything written to the terminal."""

    def __init__(self, argv, cwd, env, rows=24, cols=80):
        import fcntl
        import struct
        import termios
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

        def pre():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        self.proc = subprocess.Popen([str(a) for a in argv], cwd=str(cwd), env=env, stdin=slave,
                                     stdout=slave, stderr=slave, start_new_session=True,
                                     preexec_fn=pre)
        os.close(slave)
        self._data = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:  # EIO once no process holds the terminal any more
                break
            if not chunk:
                break
            with self._lock:
                self._data += chunk

    @property
    def output(self):
        with self._lock:
            return bytes(self._data)

    def mark(self):
        """Offset of the end of the output so far, for expect(start=...)."""
        return len(self.output)

    def send(self, data):
        os.write(self.master, data)

    def expect(self, pattern, start=0, timeout=DEADLINE):
        """Wait until the output after offset start matches the bytes regex; return the match."""
        rx = re.compile(pattern)

        def check():
            return rx.search(self.output, start)
        return wait_until(check, timeout, msg=lambda: f"{pattern!r} on the terminal; got:\n"
                          + self.output[start:].decode("utf-8", "replace")[-3000:])

    def fg_pgrp(self):
        """The terminal's foreground process group."""
        return os.tcgetpgrp(self.master)

    def wait(self, timeout=DEADLINE):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.proc.args[0]} did not exit within {timeout}s; terminal:\n"
                        + self.output.decode("utf-8", "replace")[-3000:])

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        self._reader.join(5)
        if not self._reader.is_alive():
            os.close(self.master)


@pytest.fixture
def pty_spawn(tmp_path, tag):
    """Factory: pty_spawn(argv, cwd=tmp_path, env={...}) -> PtyProc; the environment carries
    the test's tag, so everything started on the terminal is killed afterwards."""
    handles = []

    def start(argv, cwd=None, env=None):
        h = PtyProc(argv, cwd or tmp_path, clean_env(env, tag))
        handles.append(h)
        return h

    try:
        yield start
    finally:
        kill_tagged(tag)
        for h in handles:
            h.close()
        kill_tagged(tag)
