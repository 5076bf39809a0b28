# SPDX-License-Identifier: MIT
# Zombies: as PID 1, procinit inherits every orphan in the container and
# must reap it. A process orphans 100 short-lived children; once they have
# ended, no zombie may be left (read from /proc inside the container). After
# the command (single-command mode) or the last process (Procfile mode) is
# gone, orphans still alive get SIGTERM, then SIGKILL after --timeout.

import re
import time

from conftest import wait_until

ORPHANS = "for i in $(seq 100); do (sleep 0.1 &); done; echo spawned; sleep 1000"


def wait_no_zombies(c, long_sleeps=1):
    """Wait until the 100 short sleeps are gone and nothing is a zombie; return the last snapshot."""
    snap = {}

    def check():
        procs = c.procs()
        snap["zombies"] = [p for p in procs if p[1] == "Z"]
        snap["sleeps"] = [p for p in procs if p[3] == "sleep" and p[1] != "Z"]
        snap["procs"] = procs
        return not snap["zombies"] and len(snap["sleeps"]) == long_sleeps  # only the `sleep 1000`s
    wait_until(check, msg=lambda: f"no zombies; {len(snap.get('zombies', []))} zombies, "
               f"{len(snap.get('sleeps', []))} live sleeps; processes: {snap.get('procs')}\n{c.dump()}")
    return snap


def test_procfile_reaps_orphans(dk):
    app = dk.app(f"""
        orphans: {ORPHANS}
        other: sleep 1000
    """)
    c = dk.start(app=app)
    c.wait_output(r"orphans\.1 \| spawned")
    snap = wait_no_zombies(c, long_sleeps=2)
    assert snap["procs"][0][0] == 1 and snap["procs"][0][3] == "procinit"
    assert c.running(), c.dump()
    assert c.stop() < 5.0
    assert c.state() == ("exited", 0), c.dump()


def test_single_command_reaps_orphans(dk):
    c = dk.start("--", "sh", "-c", ORPHANS)
    c.wait_output("spawned")
    wait_no_zombies(c)
    assert c.running(), c.dump()


def test_single_command_verbose_logs_reaped_pids(dk):
    # -v logs each reaped pid to stderr: at least the 100 orphans' pids.
    c = dk.start("-v", "--", "sh", "-c", ORPHANS)
    c.wait_output("spawned")
    wait_no_zombies(c)
    assert len([ln for ln in c.lines(1) if re.search(r"\b\d+\b", ln)]) >= 100, c.dump()
    c2 = dk.start("--", "sh", "-c", ORPHANS, opts=["-e", "PROCINIT_VERBOSITY=1"])
    c2.wait_output("spawned")
    wait_no_zombies(c2)
    assert len([ln for ln in c2.lines(1) if re.search(r"\b\d+\b", ln)]) >= 100, c2.dump()


# An orphan that reports SIGTERM, or ignores it; the command waits until the
# orphan is set up, then exits 5.
ORPHAN_TRAPS = ("(trap 'echo orphan-got-TERM; exit 0' TERM; : > /tmp/ready; while :; do sleep 0.1; done) & "
                "while [ ! -e /tmp/ready ]; do sleep 0.02; done; echo parent-exits; exit 5")
ORPHAN_IGNORES = ("(trap '' TERM; : > /tmp/ready; while :; do sleep 0.1; done) & "
                  "while [ ! -e /tmp/ready ]; do sleep 0.02; done; echo parent-exits; exit 5")


def test_single_command_leftover_orphans_get_sigterm(dk):
    c = dk.start("--", "sh", "-c", ORPHAN_TRAPS)
    assert c.wait_exit(10) == 5, c.dump()
    assert c.lines() == ["parent-exits", "orphan-got-TERM"], c.dump()


def test_single_command_leftover_orphans_get_sigkill_after_timeout(dk):
    for flags, env in ((["-t", "1"], []), (["--timeout", "1"], []), ([], ["-e", "PROCINIT_TIMEOUT=1"])):
        c = dk.start(*flags, "--", "sh", "-c", ORPHAN_IGNORES, opts=env)
        c.wait_output("parent-exits")
        t0 = time.monotonic()
        assert c.wait_exit(10) == 5, c.dump()
        took = time.monotonic() - t0
        assert 0.5 < took < 4.0, f"{flags}{env}: exited {took:.1f}s after the command (timeout 1 s)\n{c.dump()}"


def test_procfile_leftovers_in_the_group_get_the_instances_sigterm(dk, tmp_path):
    """What the parent left in its process group belongs to its instance: it gets the
    instance's one SIGTERM, and nothing is called an orphan."""
    out = tmp_path / "out"
    out.mkdir()
    app = dk.app(f"""
        parent: {ORPHAN_TRAPS.replace("echo orphan-got-TERM", ": > /out/orphan-got-TERM")}
    """)
    c = dk.start(app=app, opts=["-v", f"{out}:/out"])
    assert c.wait_exit(10) == 5, c.dump()
    assert (out / "orphan-got-TERM").exists(), c.dump()
    lines = c.lines()
    assert "system   | parent.1 exited with code 5" in lines
    assert any(re.fullmatch(r"system   \| sending SIGTERM for parent\.1's process group \d+", ln)
               for ln in lines), c.dump()
    assert not any("orphan" in ln for ln in lines), c.dump()
    assert lines[-1] == "system   | exit 5"


# A daemon that left the parent's group (setsid) before the parent exits.
DAEMON_TRAPS = ("setsid sh -c \"trap ': > /out/daemon-got-TERM; exit 0' TERM; : > /tmp/ready; "
                "while :; do sleep 0.1; done\" </dev/null >/dev/null 2>&1 & "
                "while [ ! -e /tmp/ready ]; do sleep 0.02; done; echo parent-exits; exit 5")


def test_procfile_setsid_daemon_is_an_orphan_and_gets_sigterm(dk, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    app = dk.app(f"""
        parent: {DAEMON_TRAPS}
    """)
    c = dk.start(app=app, opts=["-v", f"{out}:/out"])
    assert c.wait_exit(10) == 5, c.dump()
    assert (out / "daemon-got-TERM").exists(), c.dump()
    lines = c.lines()
    assert "system   | parent.1 exited with code 5" in lines
    # as PID 1 every process left in the container counts: the daemon and its sleep
    assert any(re.fullmatch(r"system   \| sending SIGTERM to [12] orphaned process(es)?", ln)
               for ln in lines), c.dump()
    assert lines[-1] == "system   | exit 5"
