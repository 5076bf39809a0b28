# SPDX-License-Identifier: MIT
# Signals without windows (issue 11): a signal procinit forwards or must
# survive, sent while it starts its threads, never kills it. musl's first
# pthread_create unblocks libc's signals 32-34 in the calling thread and
# hands that mask on; before the fix `kill -33` right after the start killed
# half of the runs. reltool waits until procinit's main has blocked signals,
# then sends every signal but SIGKILL, SIGSTOP and the faults, round after
# round for 20 ms, with the CPUs kept busy so that threads start late.

import os
import subprocess

import pytest

from conftest import BIN, clean_env, scaled
from helpers import relutil


@pytest.fixture
def reltool(tmp_path_factory):
    return relutil.reltool(tmp_path_factory)


@pytest.fixture
def busy_cpus():
    """Two busy loops, niced, for the length of the test."""
    procs = [subprocess.Popen(["nice", "-n", "5", "sh", "-c", "while :; do :; done"])
             for _ in range(os.cpu_count() or 2)]
    yield
    for p in procs:
        p.kill()
        p.wait()


@pytest.mark.parametrize("mode", [["--", "sleep", "1000"], ["-x", "w: sleep 1000"]],
                         ids=["single", "procfile"])
def test_signals_while_threads_start_never_kill(reltool, busy_cpus, tag, mode):
    runs = scaled(200, 20)
    r = subprocess.run([reltool, "early-signals", str(runs), BIN] + mode, env=clean_env(None, tag),
                       capture_output=True, text=True, timeout=runs * 12)
    print(f"\n[signals] early signals, {mode[0]} mode: {r.stdout.strip().splitlines()[-1]}")
    assert r.stdout.strip().splitlines()[-1] == f"runs={runs} killed=0 hung=0 exited={runs}", r.stdout
