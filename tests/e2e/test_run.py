# SPDX-License-Identifier: MIT
# `procinit run`: the app's environment (env files, no PORT), a Procfile name
# runs its command with extra arguments in ROOT, exit status passes through,
# 127 / 126 when the command cannot be run; no prefixes, no supervision lines.

import os

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
