# SPDX-License-Identifier: MIT
# relutil: what test_faults, test_load and test_badinput share besides
# conftest: the reltool C helper (compiled once per session with cc -O2),
# /proc/PID/status figures (peak RSS, threads), which sanitizer the binary
# under test carries, and the timing slack that follows from it.
import os
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
_reltool = None


def reltool(tmp_path_factory):
    """Path of helpers/reltool.c compiled with `cc -O2` into the session's tmp dir."""
    global _reltool
    if _reltool is None:
        out = tmp_path_factory.mktemp("reltool") / "reltool"
        subprocess.run(["cc", "-O2", "-Wall", "-o", str(out), str(HERE / "reltool.c")], check=True)
        _reltool = str(out)
    return _reltool


def proc_status(pid):
    """/proc/PID/status as a dict of stripped strings ({} once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return {k: v.strip() for k, v in (ln.split(":", 1) for ln in f if ":" in ln)}
    except (FileNotFoundError, ProcessLookupError):
        return {}


def peak_rss_kib(pid):
    """VmHWM (peak resident set) of a live process, in KiB."""
    return int(proc_status(pid)["VmHWM"].split()[0])


def rss_kib(pid):
    return int(proc_status(pid)["VmRSS"].split()[0])


def threads(pid):
    return int(proc_status(pid)["Threads"])


_san = {}


def sanitizer(binary):
    """'asan', 'tsan' or None: which sanitizer runtime the binary was built with."""
    if binary not in _san:
        with open(binary, "rb") as f:
            data = f.read()
        _san[binary] = "tsan" if b"__tsan_init" in data else "asan" if b"__asan_init" in data else None
    return _san[binary]


def slack(binary):
    """Seconds of margin on top of a documented delay: more for sanitized builds."""
    return 3.0 if sanitizer(binary) else 2.0


def run_as_nobody(nproc=None):
    """A preexec_fn: optionally lower RLIMIT_NPROC, then drop to nobody:nogroup."""
    import resource

    def pre():
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    return pre
