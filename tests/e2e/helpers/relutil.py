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


def unused_uid():
    """A uid no process runs as and no account names, picked at random from a
    high range: RLIMIT_NPROC counts the processes of a real uid, so with a shared
    one (like nobody) anything else running as it takes the test's places."""
    import pwd
    import random

    taken = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            uids = proc_status(pid).get("Uid", "")
            taken.update(int(u) for u in uids.split())
    rng = random.SystemRandom()
    for _ in range(100):
        uid = rng.randrange(1_000_000_000, 2_000_000_000)
        try:
            pwd.getpwuid(uid)
        except KeyError:
            if uid not in taken:
                return uid
    raise RuntimeError("no unused uid found")


def run_as_unused_uid(nproc=None):
    """A preexec_fn: optionally lower RLIMIT_NPROC, then drop to a uid (and the gid
    of the same number) that nothing else uses. The working folder must be one
    any user can enter and read."""
    import resource

    uid = unused_uid()  # chosen here, in the parent, before the fork

    def pre():
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    return pre
