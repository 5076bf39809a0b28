# SPDX-License-Identifier: MIT
# `procinit run`: the app's environment (env files, no PORT), a Procfile name
# runs its command with extra arguments in ROOT (once, also when the entry
# uses "$@" itself), exit status passes through, 127 / 126 when the command
# cannot be run (also with stderr closed); no prefixes, no supervision lines.

import os
import subprocess

import pytest

from conftest import BIN, clean_env

from conftest import write_procfile


def make_app(tmp_path):
    write_procfile(tmp_path, """
        greet: printf '[%s]' hello "$GREETING"
        where: pwd
        fail: exit 9
    """)
    (tmp_path / ".env").write_text("GREETING=from-dotenv\nFOO=bar\n")


def test_run_env_sees_dotenv_and_no_port(run_cli, tmp_path):
    make_app(tmp_path)
    r = run_cli("run", "env", env={"FOO": "inherited"})
    assert (r.returncode, r.stderr) == (0, "")
    env = dict(ln.split("=", 1) for ln in r.stdout.splitlines() if "=" in ln)
    assert env["GREETING"] == "from-dotenv"
    assert env["FOO"] == "bar"
    assert "PORT" not in env and "PS" not in env


def test_run_procfile_name_with_args(run_cli, tmp_path):
    make_app(tmp_path)
    r = run_cli("run", "greet", "a b", "c")
    assert (r.returncode, r.stdout, r.stderr) == (0, "[hello][from-dotenv][a b][c]", "")


def test_run_procfile_name_in_root(run_cli, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    make_app(app)
    r = run_cli("-d", str(app), "run", "where")
    assert (r.returncode, r.stdout) == (0, f"{app}\n")
    r = run_cli("-f", "app/Procfile", "run", "where")
    assert (r.returncode, r.stdout) == (0, f"{app}\n")


def test_run_exit_status_passes_through(run_cli, tmp_path):
    make_app(tmp_path)
    assert run_cli("run", "fail").returncode == 9
    r = run_cli("run", "sh", "-c", "echo out; echo err >&2; exit 7")
    assert (r.returncode, r.stdout, r.stderr) == (7, "out\n", "err\n")


def test_run_options_after_command_belong_to_it(run_cli, tmp_path):
    make_app(tmp_path)
    r = run_cli("run", "echo", "-f", "--version", "-t", "x")
    assert (r.returncode, r.stdout) == (0, "-f --version -t x\n")


def test_run_with_named_env_file(run_cli, tmp_path):
    make_app(tmp_path)
    (tmp_path / "other.env").write_text("GREETING=other\n")
    r = run_cli("-e", "other.env", "run", "greet")
    assert (r.returncode, r.stdout) == (0, "[hello][other]")


def test_run_missing_command_127(run_cli, tmp_path):
    make_app(tmp_path)
    r = run_cli("run", "no-such-command-e2e")
    assert r.returncode == 127
    assert r.stdout == ""
    assert "no-such-command-e2e" in r.stderr


def test_run_not_executable_126(run_cli, tmp_path):
    make_app(tmp_path)
    script = tmp_path / "noexec.sh"
    script.write_text("#!/bin/sh\necho should-not-run\n")
    os.chmod(script, 0o644)
    r = run_cli("run", str(script))
    assert r.returncode == 126
    assert r.stdout == ""


def test_run_is_exec_not_supervised(run_cli, tmp_path):
    """run execs: the command's pid is procinit's own pid, its parent is our process."""
    make_app(tmp_path)
    r = run_cli("run", "sh", "-c", 'echo "$$ $PPID"')
    assert r.returncode == 0
    # sh's parent is the test process (subprocess.run), i.e. no supervisor in between
    assert int(r.stdout.split()[1]) == os.getpid()


# An entry that uses its arguments itself gets them once: "$@" is appended only
# when the command does not already refer to $@, $*, $1..$9 (outside '...').
@pytest.mark.parametrize("command,args,out", [
    ('printf "[%s]" "$@"', ["a b", "c"], "[a b][c]"),
    ('exec printf "[%s]" "$@"', ["x"], "[x]"),
    ('printf "[%s]" $*', ["a", "b"], "[a][b]"),
    ('printf "[%s]" "first=$1"', ["x", "y"], "[first=x]"),
    ('printf "[%s]" "${2:-none}"', ["x"], "[none]"),
    ("printf '[%s]' '$@'", ["x"], "[$@][x]"),
    ('printf "[%s]" \\$1', ["x"], "[$1][x]"),
    ('printf "[%s]" $0', ["x"], "[args][x]"),
    ('printf "[%s]" fixed', [], "[fixed]"),
], ids=["dquote-at", "exec-at", "star", "dollar-1", "brace-2", "single-quoted", "escaped",
        "dollar-0", "no-args"])
def test_run_entry_gets_its_arguments_once(run_cli, tmp_path, command, args, out):
    (tmp_path / "Procfile").write_text(f"args: {command}\n")
    r = run_cli("run", "args", *args)
    assert (r.returncode, r.stdout, r.stderr) == (0, out, "")


def run_stderr_closed(tmp_path, tag, *args):
    """procinit with file descriptor 2 closed: its message cannot be written."""
    return subprocess.run(["/bin/sh", "-c", 'exec "$0" "$@" 2>&-', BIN, *args], cwd=str(tmp_path),
                          env=clean_env(None, tag), stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=30)


def test_run_exit_codes_with_stderr_closed(tmp_path, tag):
    """The status comes from exec's errno, saved before the message is written."""
    make_app(tmp_path)
    assert run_stderr_closed(tmp_path, tag, "run", "no-such-command-e2e").returncode == 127
    script = tmp_path / "noexec.sh"
    script.write_text("#!/bin/sh\necho should-not-run\n")
    os.chmod(script, 0o644)
    assert run_stderr_closed(tmp_path, tag, "run", str(script)).returncode == 126
