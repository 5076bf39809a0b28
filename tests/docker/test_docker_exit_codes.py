# SPDX-License-Identifier: MIT
# Exit codes through `docker run`: the container's status is procinit's, which
# is the first process's code (Procfile mode) or the command's (single-command
# mode), 128+N when signal N killed it.

import pytest

CASES = [
    ("exit 3", 3),
    ("kill -9 $$", 137),
    ("kill -TERM $$", 143),
    ("exit 0", 0),
]
IDS = ["exit3", "KILL", "TERM", "exit0"]


@pytest.mark.parametrize("script,code", CASES, ids=IDS)
def test_procfile_first_exit_status(dk, script, code):
    # `other` is still running when `first` ends: it gets SIGTERM and the
    # container takes the first exit's status, not the stop's.
    app = dk.app(f"""
        first: while [ ! -e /tmp/other-up ]; do sleep 0.02; done; echo bye; {script}
        other: trap 'exit 0' TERM; : > /tmp/other-up; sleep 1000 & wait
    """)
    r = dk.run(app=app)
    assert r.returncode == code, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert "first.1 | bye" in lines
    assert "system  | other.1 exited with code 0" in lines
    assert lines[-1] == f"system  | exit {code}"


@pytest.mark.parametrize("script,code", CASES, ids=IDS)
def test_single_command_status(dk, script, code):
    r = dk.run("--", "sh", "-c", f"echo bye; {script}")
    assert r.returncode == code, r.stdout + r.stderr
    assert r.stdout == "bye\n"  # stdout inherited: no prefix, no system lines


def test_single_command_expect_exit(dk):
    r = dk.run("-E", "3", "--", "sh", "-c", "exit 3")
    assert r.returncode == 0, r.stderr
    r = dk.run("--expect-exit", "143", "-E", "3", "--", "sh", "-c", "kill -TERM $$")
    assert r.returncode == 0, r.stderr
    r = dk.run("-E", "3", "--", "sh", "-c", "exit 4")
    assert r.returncode == 4, r.stderr


def test_single_command_not_found_and_not_executable(dk):
    r = dk.run("--", "/no/such/program")
    assert r.returncode == 127, r.stdout + r.stderr
    assert "/no/such/program" in r.stderr
    r = dk.run("--", "/app/Procfile", app=dk.app("x: true"))  # a file without x bits
    assert r.returncode == 126, r.stdout + r.stderr
    assert "/app/Procfile" in r.stderr


def test_single_command_is_exec_not_shell(dk):
    # COMMAND is exec'd directly: no shell expands the argument, and the
    # command is procinit's child.
    r = dk.run("--", "sh", "-c", 'echo "$0|$1|$PPID"', "a b", "$HOME")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "a b|$HOME|1\n"


def test_single_command_stdin_inherited(dk):
    r = dk.engine.docker("run", "--rm", "-i", "--network", "none", dk.image, "--", "sh", "-c",
                         "read -r l; echo got:$l", input="hello\n", check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "got:hello\n"
