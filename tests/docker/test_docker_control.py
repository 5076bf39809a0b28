# SPDX-License-Identifier: MIT
# `procinit status` as a Docker HEALTHCHECK (issue 13), in a real container
# whose app folder is mounted read-only: the socket goes to a private folder
# under /tmp, a system line says so, and `docker exec` finds it the same way.
# The container becomes healthy, unhealthy after `procinit stop web`,
# healthy again after `procinit restart web`, and `procinit quit` ends it.

import re

from conftest import wait_until

HEALTH = ["--health-cmd", "/procinit status", "--health-interval", "1s", "--health-timeout", "10s",
          "--health-retries", "1"]


def health(c):
    return c.engine.docker("inspect", "-f", "{{.State.Health.Status}}", c.name).stdout.strip()


def wait_health(c, want):
    wait_until(lambda: health(c) == want, timeout=60,
               msg=lambda: f"health {want!r}, is {health(c)!r}\n{c.dump()}")


def test_status_as_a_healthcheck(dk):
    app = dk.app("""
        web: echo up; exec sleep 1000
        worker: exec sleep 1000
    """)
    c = dk.start(app=app, opts=HEALTH)
    c.wait_output(r"web\.1    \| up")
    first = c.lines()[0]
    assert re.fullmatch(r"system   \| control socket: /tmp/procinit-0/[0-9a-f]{16}\.sock "
                        r"\(\./\.procinit\.sock: Read-only file system\)", first), c.dump()
    wait_health(c, "healthy")
    r = c.exec("/procinit", "status", check=False)
    assert r.returncode == 0 and re.search(r"^web\.1 +running ", r.stdout, re.M), r
    r = c.exec("/procinit", "stop", "web", check=False)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), r
    c.wait_output(r"system   \| stop of web\.1 requested \(uid 0\)")
    wait_health(c, "unhealthy")
    r = c.exec("/procinit", "status", check=False)
    assert r.returncode == 1 and re.search(r"^web\.1 +stopped ", r.stdout, re.M), r
    assert c.running()  # the worker still runs, and so does procinit
    r = c.exec("/procinit", "restart", "web", check=False)
    assert r.returncode == 0, r
    wait_health(c, "healthy")
    r = c.exec("/procinit", "quit", check=False)
    assert r.returncode == 0, r
    assert c.wait_exit() == 0, c.dump()
    lines = c.lines()
    assert "system   | quit requested (uid 0)" in lines and lines[-1] == "system   | exit 0"
