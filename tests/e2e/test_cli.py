# SPDX-License-Identifier: MIT
# Command line and file errors: exit 2 and the exact message on stderr; `check`
# lists every error or the process types; --help, --version, option syntax.

import re
from pathlib import Path

import pytest

# exits at once, so that a missed error fails fast instead of running
GOOD = "web: exit 0\nworker: exit 0\n"


def write(path, data):
    path.write_bytes(data.encode() if isinstance(data, str) else data)


def assert_usage_error(r, message):
    assert (r.returncode, r.stderr, r.stdout) == (2, f"procinit: {message}\n", "")


@pytest.mark.parametrize("content,message", [
    ("web\n", "Procfile:1: expected 'name: command'"),
    ("# c\n\nweb exec sleep 1\n", "Procfile:3: expected 'name: command'"),
    ("we.b: true\n", "Procfile:1: invalid character '.' in process name"),
    ("web:\n", "Procfile:1: empty command for process 'web'"),
    ("web:    \n", "Procfile:1: empty command for process 'web'"),
    ("web: true\nworker: true\nweb: false\n", "Procfile:3: duplicate process 'web' (first defined on line 1)"),
    (b"web: true\nworker: tr\0ue\n", "Procfile:2: NUL byte in line"),
    ("# only a comment\n\n", "Procfile: no processes defined"),
    ("", "Procfile: no processes defined"),
], ids=["no-colon", "line-3", "bad-char", "empty-cmd", "blank-cmd", "duplicate", "nul", "comments-only", "empty-file"])
def test_procfile_errors(run_cli, tmp_path, content, message):
    write(tmp_path / "Procfile", content)
    assert_usage_error(run_cli(), message)
    r = run_cli("check")
    assert (r.returncode, r.stderr) == (2, f"procinit: {message}\n")


def test_check_lists_every_error(run_cli, tmp_path):
    write(tmp_path / "Procfile",
          "web: true\nbad line\n# comment\nw!x: true\nworker:\nweb: again\nok: true\n")
    r = run_cli("check")
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        "procinit: Procfile:2: expected 'name: command'",
        "procinit: Procfile:4: invalid character '!' in process name",
        "procinit: Procfile:5: empty command for process 'worker'",
        "procinit: Procfile:6: duplicate process 'web' (first defined on line 1)",
    ]
    assert "valid procfile detected" not in r.stdout


def test_check_valid(run_cli, tmp_path):
    write(tmp_path / "Procfile", "# app\r\nweb: exec sleep 1000\r\n\r\nworker: exec sleep 1000\r\nclock_2-b: true\r\n")
    r = run_cli("check")
    assert (r.returncode, r.stdout, r.stderr) == (0, "valid procfile detected (web, worker, clock_2-b)\n", "")


def test_check_with_options_before_and_after(run_cli, tmp_path):
    (tmp_path / "app").mkdir()
    write(tmp_path / "app" / "Procfile", GOOD)
    ok = (0, "valid procfile detected (web, worker)\n", "")
    for args in (("check", "-f", "app/Procfile"), ("-fapp/Procfile", "check"),
                 ("--procfile=app/Procfile", "check"), ("--procfile", "app/Procfile", "check"),
                 ("-d", "app", "check"), ("check", "--root=app")):
        r = run_cli(*args)
        assert (r.returncode, r.stdout, r.stderr) == ok, args


def test_check_reports_env_file_errors_too(run_cli, tmp_path):
    write(tmp_path / "Procfile", "web: true\nbad\n")
    write(tmp_path / "bad.env", "A=1\nx-y=2\n")
    r = run_cli("check", "-e", "bad.env")
    assert r.returncode == 2
    assert sorted(r.stderr.splitlines()) == sorted([
        "procinit: Procfile:2: expected 'name: command'",
        "procinit: bad.env:2: invalid variable name 'x-y'",
    ])


@pytest.mark.parametrize("content,message", [
    ("A=1\nx-y=2\n", "bad.env:2: invalid variable name 'x-y'"),
    ("A=1\nJUST TEXT\n", "bad.env:2: expected KEY=VALUE"),
    ('A=1\nB="abc\n', "bad.env:2: unterminated double-quoted value"),
    ("A=1\nB='abc\n", "bad.env:2: unterminated single-quoted value"),
    ('A="abc"x\n', "bad.env:1: unexpected text after closing quote"),
    ("A=1\n\n# c\nB=${A\n", "bad.env:4: unterminated ${...}"),
], ids=["name", "no-equals", "dquote", "squote", "after-quote", "brace"])
def test_env_file_errors(run_cli, tmp_path, content, message):
    write(tmp_path / "Procfile", GOOD)
    write(tmp_path / "bad.env", content)
    assert_usage_error(run_cli("-e", "bad.env"), message)
    r = run_cli("check", "-e", "bad.env")
    assert (r.returncode, r.stderr) == (2, f"procinit: {message}\n")


def test_default_dotenv_error_names_root(run_cli, tmp_path):
    (tmp_path / "app").mkdir()
    write(tmp_path / "app" / "Procfile", GOOD)
    write(tmp_path / "app" / ".env", "1BAD=x\n")
    assert_usage_error(run_cli("-d", "app"), "app/.env:1: invalid variable name '1BAD'")


def test_missing_and_directory_procfile(run_cli, tmp_path):
    assert_usage_error(run_cli(), "Procfile: No such file or directory")
    (tmp_path / "app").mkdir()
    assert_usage_error(run_cli("-f", "app/Procfile.dev"), "app/Procfile.dev: No such file or directory")
    assert_usage_error(run_cli("-d", "app"), "app/Procfile: No such file or directory")
    assert_usage_error(run_cli("-f", "app"), "app: Is a directory")
    r = run_cli("check", "-f", "app")
    assert (r.returncode, r.stderr) == (2, "procinit: app: Is a directory\n")


@pytest.mark.parametrize("args,message", [
    (("--bogus",), "unknown option '--bogus'"),
    (("-t", "abc"), "-t: invalid timeout 'abc'"),
    (("-p", "70000"), "-p: port 70000 out of range 1..65535"),
    (("-p0",), "-p: port 0 out of range 1..65535"),
    (("-m", "nope=1"), "-m: unknown process 'nope'"),
    (("-m", "web=20000"), "-m: count 20000 for 'web' out of range 0..10000"),
    (("start", "nope"), "no process 'nope' in Procfile"),
    (("-m", "all=0"), "nothing to run"),
    (("-m", "web=0,worker=0"), "nothing to run"),
])
def test_usage_errors_exact(run_cli, tmp_path, args, message):
    write(tmp_path / "Procfile", GOOD)
    assert_usage_error(run_cli(*args), message)


def test_long_option_error_names_the_option(run_cli, tmp_path):
    """With --timeout=abc the message may name the option either way."""
    write(tmp_path / "Procfile", GOOD)
    r = run_cli("--timeout=abc")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr in ("procinit: -t: invalid timeout 'abc'\n", "procinit: --timeout: invalid timeout 'abc'\n")


@pytest.mark.parametrize("args", [
    ("-t",), ("-f",), ("--procfile",), ("-t", "-1"), ("-t", "86401"), ("-t", "5s"), ("-t", ""),
    ("-p", "abc"), ("-p", "80x"), ("-p", "-1"), ("-m", "web"), ("-m", "web=x"), ("-m", "web=-1"),
    ("-x",), ("--color=yes",), ("frobnicate",), ("--version=1",),
], ids=lambda a: " ".join(a) or "empty")
def test_usage_errors_one_line(run_cli, tmp_path, args):
    write(tmp_path / "Procfile", GOOD)
    r = run_cli(*args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr.startswith("procinit: ") and r.stderr.count("\n") == 1, r.stderr


def test_missing_procfile_in_missing_folder_names_path_as_given(run_cli, tmp_path):
    assert_usage_error(run_cli("-f", "nope/Procfile.dev"), "nope/Procfile.dev: No such file or directory")


def test_start_named_process_path_in_message(run_cli, tmp_path):
    (tmp_path / "app").mkdir()
    write(tmp_path / "app" / "Procfile", GOOD)
    assert_usage_error(run_cli("-d", "app", "start", "nope"), "no process 'nope' in app/Procfile")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(run_cli, tmp_path, flag):
    r = run_cli(flag)
    assert (r.returncode, r.stderr) == (0, "")
    assert "usage" in r.stdout.lower()
    for word in ("--procfile", "--root", "--env", "--formation", "--port", "--timeout",
                 "--color", "--no-color", "--timestamp", "start", "run", "check"):
        assert word in r.stdout, word


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(run_cli, tmp_path, flag):
    r = run_cli(flag)
    assert (r.returncode, r.stdout, r.stderr) == (0, "procinit 0.1.0\n", "")


def test_double_dash_ends_options(procinit, tmp_path):
    write(tmp_path / "Procfile", "-x: echo dash-x; exit 3\nweb: exec sleep 1000\n")
    p = procinit("-t", "1", "start", "--", "-x")
    assert p.wait() == 3, p.dump()
    assert p.lines()[1:] == ["-x.1   | dash-x", "system | -x.1   exited with code 3", "system | exit 3"]


# ---------------------------------------------------------------- the option table

REPO = Path(__file__).resolve().parents[2]


def help_words(text):
    return sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text)) |
                  set(re.findall(r"PROCINIT_[A-Z]+", text)))


def test_help_lists_what_readme_and_man_page_document(run_cli):
    """--help comes from cli.c's table; README's table and the man page must keep up with it."""
    r = run_cli("--help")
    assert r.returncode == 0
    words = help_words(r.stdout)
    assert "--ready-timeout" in words and "PROCINIT_SOCKET" in words
    readme = (REPO / "README.md").read_text()
    man = (REPO / "procinit.1").read_text().replace("\\-", "-")
    def missing(doc):
        return [w for w in words if not re.search(rf"(?<![\w-]){w}(?![\w-])", doc)]
    assert missing(readme) == []
    assert missing(man) == []
    assert max(len(ln) for ln in r.stdout.splitlines()) <= 100


@pytest.mark.parametrize("args,message", [
    (("restart",), "restart needs a process name"),
    (("stop",), "stop needs a process name"),
    (("scale", "web=x"), "scale: invalid count 'x' for 'web'"),
    (("scale", "web=10001"), "scale: count 10001 for 'web' out of range 0..10000"),
    (("status", "web"), "unexpected argument 'web'"),
    (("export", "systemd"), "export needs FORMAT and DIR"),
    (("-m", "web=2", "status"), "-m belongs to Procfile mode, not to status"),
    (("--image", "app:1"), "--image belongs to export, not to start"),
    (("--ready", "web=tcp", "--", "touch", "ran"),
     "--ready belongs to Procfile mode, not to single-command mode"),
    (("--after", "web=db", "exec", "touch", "ran"),
     "--after belongs to Procfile mode, not to single-command mode"),
    (("--ready", "web"), "--ready: expected NAME=CHECK, got 'web'"),
    (("--ready-timeout", "86401"), "--ready-timeout: timeout 86401 out of range 0..86400"),
    (("--on-exit", "shutdown", "--", "touch", "ran"),
     "--on-exit: expected poweroff, reboot or halt, got 'shutdown'"),
    (("-r", "ABRT:TERM", "--", "touch", "ran"),
     "-r: cannot rewrite SIGABRT: fault signals are never forwarded"),
    (("-r", "SEGV:0", "exec", "touch", "ran"),
     "-r: cannot rewrite SIGSEGV: fault signals are never forwarded"),
    (("exec",), "exec needs a command"),
], ids=lambda a: " ".join(a) if isinstance(a, tuple) else None)
def test_new_usage_errors(run_cli, tmp_path, args, message):
    write(tmp_path / "Procfile", GOOD)
    assert_usage_error(run_cli(*args), message)
    assert not (tmp_path / "ran").exists()


def test_exec_is_single_command_mode(run_cli, tmp_path):
    """`exec COMMAND` is `-- COMMAND`, spelled so a kernel command line can carry it."""
    r = run_cli("exec", "sh", "-c", "echo \"$0 $1\"; exit 3", "a", "-t")
    assert (r.returncode, r.stdout, r.stderr) == (3, "a -t\n", "")
    r = run_cli("-E", "3", "exec", "sh", "-c", "exit 3")
    assert (r.returncode, r.stderr) == (0, "")


def test_expect_exit_takes_every_code(run_cli):
    """-E accepts any number of codes (tini's test passes all of them)."""
    codes = [a for n in range(256) for a in ("-E", str(n))]
    r = run_cli(*codes, "--", "sh", "-c", "exit 200")
    assert (r.returncode, r.stderr) == (0, "")
    r = run_cli(*codes[:400], "--", "sh", "-c", "exit 200")  # 0..199
    assert r.returncode == 200


def test_variables_only_where_they_apply(run_cli, tmp_path):
    """A malformed PROCINIT_* fails the commands that read it, not --help or the others."""
    write(tmp_path / "Procfile", GOOD)
    r = run_cli("--help", env={"PROCINIT_TIMEOUT": "bogus"})
    assert (r.returncode, r.stderr) == (0, "")
    assert_usage_error(run_cli("check", env={"PROCINIT_TIMEOUT": "bogus"}),
                       "PROCINIT_TIMEOUT: invalid timeout 'bogus' (0..86400)")
    assert_usage_error(run_cli("-e", "none.env", "-t", "1", "check", env={"PROCINIT_TIMEOUT": "bogus"}),
                       "none.env: No such file or directory")
