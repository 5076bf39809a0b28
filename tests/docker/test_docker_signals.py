# SPDX-License-Identifier: MIT
# Signals from the Docker engine: `docker kill -s SIG` goes to PID 1, and so
# does the CLI's signal proxy (`docker run` without -t, then ctrl-c). Procfile
# mode stops on SIGINT and forwards SIGHUP & co; single-command mode forwards
# everything, optionally rewritten (-r) or to the whole group (-g).

import signal

from conftest import wait_until

# Prints a line for each signal it traps; a busy loop of short sleeps so the
# trap runs within 0.1 s even when only the shell (not its sleep) is signalled.
def trapper(*sigs, ready="ready"):
    traps = "; ".join(f"trap 'echo got-{s}' {s}" for s in sigs)
    return f"{traps}; echo {ready}; while :; do sleep 0.1; done"


def test_procfile_docker_kill_int_stops_gracefully(dk):
    app = dk.app(f"""
        web: trap 'echo got-TERM; exit 0' TERM; echo ready; sleep 1000 & wait
        other: sleep 1000
    """)
    c = dk.start(app=app)
    c.wait_output(r"web\.1   \| ready")
    c.kill("INT")
    assert c.wait_exit(10) == 0, c.dump()
    lines = c.lines()
    assert lines.count("system  | ctrl-c detected") == 1, c.dump()
    i = lines.index("system  | ctrl-c detected")
    assert lines[i + 1] == "system  | sending SIGTERM for children"
    assert "web.1   | got-TERM" in lines
    assert "system  | other.1 terminated by SIGTERM" in lines
    assert lines[-1] == "system  | exit 0"


def test_procfile_docker_kill_hup_is_forwarded(dk):
    app = dk.app(f"""
        web: {trapper("HUP", "USR1")}
        worker: {trapper("HUP", "USR1")}
    """)
    c = dk.start(app=app)
    c.wait_output(r"web\.1    \| ready")
    c.wait_output(r"worker\.1 \| ready")
    c.kill("HUP")
    c.wait_output(r"web\.1    \| got-HUP")
    c.wait_output(r"worker\.1 \| got-HUP")
    c.kill("USR1")
    c.wait_output(r"web\.1    \| got-USR1")
    c.wait_output(r"worker\.1 \| got-USR1")
    assert c.running(), c.dump()
    lines = c.lines()
    assert "system   | SIGHUP received, forwarding to children" in lines
    assert "system   | SIGUSR1 received, forwarding to children" in lines
    assert not any("SIGTERM" in ln or "exited" in ln for ln in lines), c.dump()
    # and it still stops normally afterwards
    assert c.stop() < 5.0
    assert c.state() == ("exited", 0), c.dump()


def test_procfile_ctrl_c_through_signal_proxy(dk):
    # `docker run` attached without a terminal: the CLI proxies its SIGINT to the container.
    app = dk.app("""
        web: trap 'echo got-TERM; exit 0' TERM; echo ready; sleep 1000 & wait
    """)
    a = dk.attach(app=app)
    a.wait_output(r"web\.1  \| ready")
    wait_until(a.container.running)
    a.proc.send_signal(signal.SIGINT)
    assert a.wait(10) == 0, a.text()
    lines = a.lines()
    assert lines.count("system | ctrl-c detected") == 1, a.text()
    assert "web.1  | got-TERM" in lines
    assert lines[-1] == "system | exit 0"


def test_single_command_forwards_signals(dk):
    c = dk.start("--", "sh", "-c", trapper("HUP", "USR1", "USR2", "QUIT", "WINCH", "INT"))
    c.wait_output("ready")
    for sig in ("HUP", "USR1", "USR2", "QUIT", "WINCH"):
        c.kill(sig)
        c.wait_output(f"got-{sig}")
        assert c.running(), c.dump()
    # SIGINT too is only forwarded: the shell traps it and goes on
    c.kill("INT")
    c.wait_output("got-INT")
    assert c.running(), c.dump()
    assert c.lines() == ["ready", "got-HUP", "got-USR1", "got-USR2", "got-QUIT", "got-WINCH", "got-INT"]


def test_single_command_kill_int_default_action(dk):
    # Forwarded SIGINT to a command that does not handle it: it dies, 130.
    c = dk.start("--", "sh", "-c", "echo ready; exec sleep 1000")
    c.wait_output("ready")
    wait_until(lambda: any(p[3] == "sleep" for p in c.procs()))
    c.kill("INT")
    assert c.wait_exit(10) == 130, c.dump()


def test_single_command_rewrite(dk):
    # -r 10:15 (USR1 -> TERM) and -r 1:0 (drop HUP). Signals are handled in
    # order, so once got-USR2 shows, a HUP sent before it has been dealt with.
    c = dk.start("-r", "10:15", "--rewrite", "1:0", "--", "sh", "-c", trapper("HUP", "USR1", "USR2", "TERM"))
    c.wait_output("ready")
    c.kill("HUP")
    c.kill("USR2")
    c.wait_output("got-USR2")
    c.kill("USR1")
    c.wait_output("got-TERM")
    assert c.lines() == ["ready", "got-USR2", "got-TERM"], c.dump()
    assert c.running()


def test_single_command_pgroup(dk):
    # With -g (or PROCINIT_PGROUP=1) a signal reaches the child's whole process
    # group: here the shell and a background subshell both trap USR1.
    script = ("(trap 'echo sub-USR1' USR1; echo sub-ready; while :; do sleep 0.1; done) & "
              "trap 'echo main-USR1' USR1; echo main-ready; while :; do sleep 0.1; done")
    for flags, env in ((["-g"], []), (["--pgroup"], []), ([], ["-e", "PROCINIT_PGROUP=1"])):
        c = dk.start(*flags, "--", "sh", "-c", script, opts=env)
        c.wait_output("sub-ready")
        c.wait_output("main-ready")
        c.kill("USR1")
        c.wait_output("main-USR1")
        c.wait_output("sub-USR1")
        assert c.running(), c.dump()
