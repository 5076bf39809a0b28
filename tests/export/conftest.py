# SPDX-License-Identifier: MIT
# Shared helpers for the `procinit export` tests: the awkward fixture app
# (tests/export/awkward: quotes, $, %, backslashes, unicode, a tab, CRLF line
# ends, a multi-line env value), the options each format is exported with,
# and the oracles the round-trip tests compare against: the Procfile's
# commands read here, the env-file variables as `procinit run` applies them.

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from polling import DEADLINE, wait_until  # noqa: E402,F401  (re-exported for the tests)

BIN = os.environ.get("PROCINIT_BIN", str(REPO / "build" / "procinit"))
HERE = Path(__file__).resolve().parent
AWKWARD = HERE / "awkward"
GOLDEN = HERE / "golden"
REGOLD = os.environ.get("PROCINIT_REGOLD") == "1"

FORMATS = ("systemd", "supervisord", "runit", "compose", "kubernetes")
IMAGE = "registry.example/shop:1"

# The options of the golden exports: every mapping each format has.
COMMON = ["-m", "all=1,web=2", "-p", "6000", "-t", "2.5", "--restart", "worker_2",
          "--stop-signal", "worker_2=INT", "--app", "shop",
          "--ready", "web=tcp", "--ready", "web-1=http:8080/health?x=1", "--ready",
          'worker_2=exec:test -s "$PS.out"']
PER_FORMAT = {
    "systemd": ["--user", "app", "--log", "/var/log/shop"],
    "supervisord": ["--user", "app", "--log", "/var/log/shop"],
    "runit": ["--user", "app", "--log", "/var/log/shop"],
    "compose": ["--user", "app", "--image", IMAGE],
    "kubernetes": ["--user", "1000", "--image", IMAGE],
}

# The inherited environment of every export: nothing that the env files could pick up.
CLEAN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8"}


def run_procinit(*args, cwd=None, env=None):
    return subprocess.run([BIN, *map(str, args)], cwd=cwd, env=env or CLEAN_ENV, capture_output=True,
                          timeout=DEADLINE)


@pytest.fixture
def app_dir(tmp_path):
    """A copy of the awkward app; its path is the root folder the exports name."""
    if not os.access(BIN, os.X_OK):
        pytest.fail(f"{BIN} is missing: run `make` first")
    dest = tmp_path / "awkward"
    shutil.copytree(AWKWARD, dest)
    return dest


def export(app, fmt, out, *extra, check=True):
    """procinit export FMT OUT with the golden options (and EXTRA); returns CompletedProcess."""
    r = run_procinit("-d", app, *COMMON, *PER_FORMAT[fmt], *extra, "export", fmt, out)
    if check and r.returncode != 0:
        pytest.fail(f"export {fmt} failed ({r.returncode}):\n{r.stderr.decode(errors='replace')}")
    return r


def files_of(folder):
    """{relative path: (bytes, mode)} of every file under folder."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file():
            out[str(p.relative_to(folder))] = (p.read_bytes(), p.stat().st_mode & 0o7777)
    return out


def procfile_commands(app):
    """{name: command} as the Procfile says, read here (CRLF ends, comments skipped)."""
    cmds = {}
    for line in (Path(app) / "Procfile").read_bytes().decode().split("\r\n"):
        if line and not line.startswith("#"):
            name, cmd = line.split(":", 1)
            cmds[name] = cmd.strip()
    return cmds


ENV_KEYS = ("GREETING", "MULTI", "SQ", "ESC", "EMPTY", "TRAILING", "EDGE", "PCT")


def env_file_vars(app, *env_args):
    """{key: bytes} of the fixture's env-file variables, as `procinit run` applies them."""
    r = run_procinit("-d", app, *env_args, "run", "/usr/bin/env", "-0")
    assert r.returncode == 0, r.stderr
    pairs = dict(item.split(b"=", 1) for item in r.stdout.split(b"\0") if item)
    return {k: pairs[k.encode()] for k in ENV_KEYS + ("WINDOWS",) if k.encode() in pairs}
