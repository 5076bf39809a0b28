# SPDX-License-Identifier: MIT
# `procinit export compose` run for real: Debian's docker-compose brings the
# generated compose.yaml up against the private engine (with a test-only
# override file: no network, a folder mounted at /out). Each service runs its
# replicas, each container gets the env-file variables byte for byte, PORT
# and PS, and runs the Procfile command unchanged (its output proves it);
# `docker-compose down` stops them gracefully: SIGTERM through procinit (-g:
# the command's whole group), well before Docker's SIGKILL.

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import REPO, TEST_IMAGE, apt_install, find_tool, wait_until

BIN = os.environ.get("PROCINIT_BIN", str(REPO / "build" / "procinit"))

# Each command traps SIGTERM, records its environment and an output of awkward
# quoting, then waits; the trap leaves a marker so the stop can be proven after `down`.
SHAPE = ("trap 'echo \"$PS\" >\"/out/$HOSTNAME.term\"; exit 0' TERM; "
         "cat /proc/$$/environ >\"/out/$HOSTNAME.env\"; {out}; "
         "while :; do sleep 0.1; done")
PROCFILE = {
    "web": SHAPE.format(out="printf '%s|%s|%s\\n' \"it's \\\"q\\\" \\$HOME 100%\" \"$PORT\" '%(here)s' "
                            ">\"/out/$HOSTNAME.out\""),
    "worker_2": SHAPE.format(out="printf 'ünï ✓ [%s]\\n' \"$GREETING\" >\"/out/$HOSTNAME.out\""),
}
ENV_FILE = ('GREETING="héllo \\"wörld\\" \\$dollar ✓"\n'
            'MULTI="line one\nline two ; # x\n"\n'
            "SQ='${NOT_EXPANDED} %(here)s $$'\n"
            'EDGE="\\"quoted\'"\n')
KEYS = ("GREETING", "MULTI", "SQ", "EDGE")


def env_file_values(app):
    """The env-file variables as procinit itself applies them (`procinit run`)."""
    r = subprocess.run([BIN, "-d", str(app), "run", "/usr/bin/env", "-0"], capture_output=True, timeout=60,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    assert r.returncode == 0, r.stderr
    pairs = dict(item.split(b"=", 1) for item in r.stdout.split(b"\0") if item)
    return {k: pairs[k.encode()] for k in KEYS}


@pytest.fixture(scope="session")
def compose_cli():
    if not find_tool("docker-compose"):
        apt_install("docker-compose")
    return find_tool("docker-compose")


def test_compose_export_runs(engine, test_image, compose_cli, tmp_path):
    app = tmp_path / "shop"
    app.mkdir()
    (app / "Procfile").write_text("".join(f"{k}: {v}\n" for k, v in PROCFILE.items()))
    (app / ".env").write_text(ENV_FILE)
    want = env_file_values(app)
    assert want["GREETING"] == 'héllo "wörld" $dollar ✓'.encode() and b"${NOT_EXPANDED}" in want["SQ"]
    out = tmp_path / "export"
    r = subprocess.run([BIN, "-d", str(app), "-m", "web=2,worker_2=1", "-p", "7000", "-t", "3",
                        "--image", TEST_IMAGE, "export", "compose", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    marks = tmp_path / "out"
    marks.mkdir()
    # Test-only additions, kept out of the generated file: no network, a place to write.
    (out / "override.yaml").write_text(
        "services:\n" + "".join(f"  {s}:\n    network_mode: none\n    volumes: [\"{marks}:/out\"]\n"
                                for s in PROCFILE))
    project = f"pt{uuid.uuid4().hex[:10]}"
    env = dict(engine.env, COMPOSE_PROJECT_NAME=project)
    base = [compose_cli, "-f", str(out / "compose.yaml"), "-f", str(out / "override.yaml")]

    def compose(*args, timeout=180):
        return subprocess.run(base + list(args), env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, cwd=out)
    try:
        r = compose("up", "-d")
        assert r.returncode == 0, r.stdout + r.stderr
        wait_until(lambda: len(list(marks.glob("*.out"))) == 3,
                   msg=lambda: f"3 containers' output; logs:\n{compose('logs').stdout}")
        ps = engine.docker("ps", "--filter", f"label=com.docker.compose.project={project}",
                           "--format", "{{.Label \"com.docker.compose.service\"}}").stdout.split()
        assert sorted(ps) == ["web", "web", "worker_2"]
        seen = {}
        for envfile in marks.glob("*.env"):
            host = envfile.stem
            got = dict(item.split(b"=", 1) for item in envfile.read_bytes().split(b"\0") if item)
            for k, v in want.items():
                assert got[k.encode()] == v, f"{host}: {k}"
            ps_name = got[b"PS"].decode()
            seen.setdefault(ps_name, []).append(host)
            port = {"web": b"7000", "worker_2": b"7100"}[ps_name]
            assert got[b"PORT"] == port
            text = (marks / f"{host}.out").read_bytes()
            if ps_name == "web":
                assert text == b"it's \"q\" $HOME 100%|7000|%(here)s\n"
            else:
                assert text == "ünï ✓ [héllo \"wörld\" $dollar ✓]\n".encode()
        assert sorted((k, len(v)) for k, v in seen.items()) == [("web", 2), ("worker_2", 1)]
        # down: SIGTERM to procinit, forwarded to the group; the traps exit 0 at once.
        t0 = time.monotonic()
        r = compose("down", timeout=120)
        took = time.monotonic() - t0
        assert r.returncode == 0, r.stdout + r.stderr
        terms = sorted(p.read_text().strip() for p in marks.glob("*.term"))
        assert terms == ["web", "web", "worker_2"], f"not every command saw SIGTERM: {terms}"
        # The grace is 3 + 2 s: a SIGKILL by Docker would make down take at least that.
        assert took < 5, f"docker-compose down took {took:.1f} s"
    finally:
        compose("down", "-t", "0", timeout=120)


def test_readme_example_runs(engine, test_image, compose_cli, tmp_path):
    """README's worked example: examples/web-and-worker under docker-compose (the test image
    stands in for the example's, as its commands need only busybox)."""
    out = tmp_path / "deploy"
    r = subprocess.run([BIN, "-d", str(REPO / "examples" / "web-and-worker"), "-m", "web=2,worker=1", "--app", "shop",
                        "--image", TEST_IMAGE, "export", "compose", str(out)],
                       capture_output=True, text=True, timeout=60, env={"PATH": os.environ.get("PATH", "")})
    assert r.returncode == 0, r.stderr
    (out / "override.yaml").write_text("services:\n  web:\n    network_mode: none\n"
                                       "  worker:\n    network_mode: none\n")
    env = dict(engine.env, COMPOSE_PROJECT_NAME=f"pt{uuid.uuid4().hex[:10]}")
    base = [compose_cli, "-f", str(out / "compose.yaml"), "-f", str(out / "override.yaml")]

    def compose(*args, timeout=180):
        return subprocess.run(base + list(args), env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, cwd=out)

    def logs():
        return compose("logs", "--no-color").stdout
    try:
        assert compose("up", "-d").returncode == 0
        wait_until(lambda: logs().count("hello from shop: web listening on port 8000") >= 2
                   and "worker took a job from queue jobs (literal ${APP_NAME})" in logs(), msg=logs)
        t0 = time.monotonic()
        assert compose("down").returncode == 0
        assert time.monotonic() - t0 < 5, "down waited for Docker's SIGKILL"
    finally:
        compose("down", "-t", "0", timeout=120)
