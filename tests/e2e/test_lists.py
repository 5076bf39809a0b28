# SPDX-License-Identifier: MIT
# The comma lists of -e, --can-die, --restart and --stop-signal (issue 11:
# one splitter for all of them, src/lex.c): an empty item is an error that
# names the option and the list, never skipped silently; every other item
# is checked as before. `check` validates them as `start` would.

import pytest

GOOD = "web: exit 0\nworker: exit 0\n"


@pytest.mark.parametrize("args,message", [
    (["--can-die", "web,,worker"], "--can-die: empty process name in 'web,,worker'"),
    (["--can-die", ""], "--can-die: empty process name in ''"),
    (["--restart", ",web"], "--restart: empty process name in ',web'"),
    (["--restart", "web,"], "--restart: empty process name in 'web,'"),
    (["--stop-signal", "web=INT,"], "--stop-signal: expected NAME=SIGNAL, got ''"),
    (["--stop-signal", "web=INT,,worker=HUP"], "--stop-signal: expected NAME=SIGNAL, got ''"),
    (["--stop-signal", "web="], "--stop-signal: unknown signal ''"),
    (["--stop-signal", "=INT"], "--stop-signal: unknown process ''"),
    (["--can-die", "web,nope"], "--can-die: unknown process 'nope'"),
    (["-e", "a.env,,b.env"], "-e: empty file name in 'a.env,,b.env'"),
], ids=["can-die-inner", "can-die-empty", "restart-leading", "restart-trailing", "stop-signal-trailing",
        "stop-signal-inner", "stop-signal-no-signal", "stop-signal-no-name", "can-die-unknown", "env-inner"])
def test_empty_or_unknown_item_is_an_error(run_cli, tmp_path, args, message):
    (tmp_path / "Procfile").write_text(GOOD)
    for cmd in (["check"], []):
        r = run_cli(*args, *cmd)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", f"procinit: {message}\n"), cmd


def test_good_lists_pass(run_cli, tmp_path):
    (tmp_path / "Procfile").write_text(GOOD)
    (tmp_path / "a.env").write_text("A=1\n")
    (tmp_path / "b.env").write_text("B=${A}2\n")
    r = run_cli("-e", "a.env,b.env", "--can-die", "web,worker", "--restart", "all",
                "--stop-signal", "web=INT,worker=HUP", "--stop-signal", "all=TERM", "check")
    assert (r.returncode, r.stdout, r.stderr) == (0, "valid procfile detected (web, worker)\n", "")
    r = run_cli("-e", "a.env,b.env", "run", "sh", "-c", 'echo "$A $B"')
    assert (r.returncode, r.stdout, r.stderr) == (0, "1 12\n", "")
