# SPDX-License-Identifier: MIT
# `docker stop` sends SIGTERM to PID 1 and SIGKILLs after 10 s. Under
# procinit the container must stop at once (not after Docker's 10 s), with
# every child having seen SIGTERM and had the chance to exit on its own.

from conftest import wait_until

STOP_LIMIT = 5.0  # well under Docker's 10 s grace, with room for a slow machine

TRAP_TERM = "trap 'echo got-TERM; exit 0' TERM; echo ready; sleep 1000 & wait"


def test_procfile_docker_stop(dk):
    app = dk.app(f"""
        web: {TRAP_TERM}
        worker: {TRAP_TERM}
    """)
    c = dk.start(app=app)
    c.wait_output(r"web\.1    \| ready")
    c.wait_output(r"worker\.1 \| ready")
    took = c.stop()
    assert took < STOP_LIMIT, f"docker stop took {took:.1f}s\n{c.dump()}"
    assert c.state() == ("exited", 0), c.dump()
    lines = c.lines()
    i = lines.index("system   | SIGTERM received")
    assert lines[i + 1] == "system   | sending SIGTERM for children"
    assert "web.1    | got-TERM" in lines
    assert "worker.1 | got-TERM" in lines
    assert "system   | web.1    exited with code 0" in lines
    assert "system   | worker.1 exited with code 0" in lines
    assert lines[-1] == "system   | exit 0"


def test_procfile_docker_stop_escalates_to_sigkill(dk):
    # A child that ignores SIGTERM is SIGKILLed after --timeout (here 1 s),
    # still well before Docker's own SIGKILL, and the status says so.
    app = dk.app("""
        stubborn: trap '' TERM; echo ready; while :; do sleep 0.05; done
    """)
    c = dk.start("-t", "1", app=app)
    c.wait_output(r"stubborn\.1 \| ready")
    took = c.stop()
    assert 0.8 < took < STOP_LIMIT, f"docker stop took {took:.1f}s\n{c.dump()}"
    assert c.state() == ("exited", 137), c.dump()
    lines = c.lines()
    assert any(ln.startswith("system     | sending SIGKILL for stubborn.1 at pid ") for ln in lines), c.dump()
    assert lines[-1] == "system     | exit 137"


def test_single_command_docker_stop(dk):
    # SIGTERM reaches the shell, whose trap ends it with 0; its `sleep` is an
    # orphan by then and procinit's sweep ends it, so the stop is still quick.
    c = dk.start("--", "sh", "-c", TRAP_TERM)
    c.wait_output("ready")
    took = c.stop()
    assert took < STOP_LIMIT, f"docker stop took {took:.1f}s\n{c.dump()}"
    assert c.state() == ("exited", 0), c.dump()
    assert c.lines() == ["ready", "got-TERM"]


def test_single_command_docker_stop_default_action(dk):
    # A command without a handler dies of the forwarded SIGTERM: 143, or 0 with -E 143.
    c = dk.start("--", "sleep", "1000")
    wait_running_child(c, "sleep")
    took = c.stop()
    assert took < STOP_LIMIT, f"docker stop took {took:.1f}s\n{c.dump()}"
    assert c.state() == ("exited", 143), c.dump()

    c = dk.start("-E", "143", "--", "sleep", "1000")
    wait_running_child(c, "sleep")
    took = c.stop()
    assert took < STOP_LIMIT, f"docker stop took {took:.1f}s\n{c.dump()}"
    assert c.state() == ("exited", 0), c.dump()


def wait_running_child(c, comm):
    wait_until(lambda: any(p[3] == comm and p[2] == 1 for p in c.procs()) or not c.running(),
               msg=f"a {comm} child of PID 1")
    assert c.running(), c.dump()
