# SPDX-License-Identifier: MIT
# The output format: a golden file for a controlled run (pids masked), colour
# escape sequences and the colour cycle, colour selection from the environment,
# --timestamp.

import re
import shutil
import signal
import time

import pytest

from conftest import GOLDEN, write_procfile

ESC = "\x1b"
COLOURS = [36, 33, 32, 35, 31, 34, 96, 93, 92, 95, 91, 94]


def mask_pids(lines):
    return [re.sub(r"pid:? \d+$", lambda m: m.group(0).split()[0] + " <PID>", ln) for ln in lines]


def test_golden_output(procinit, tmp_path):
    shutil.copy(GOLDEN / "two_procs.Procfile", tmp_path / "Procfile")
    p = procinit("--no-color")
    assert p.wait() == 3, p.dump()
    lines = p.lines()
    golden = (GOLDEN / "two_procs.txt").read_text().splitlines()
    assert mask_pids(lines) == golden
    # the pid in the SIGTERM line is alpha's start pid
    start = re.fullmatch(r".*alpha\.1 +start at pid: (\d+)", lines[0]).group(1)
    assert lines[9].endswith(f"at pid {start}")
    assert p.stderr == ""


def test_colour_line_escapes(procinit, tmp_path):
    write_procfile(tmp_path, """
        web: echo hello
        worker: exec sleep 1000
    """)
    p = procinit("--color")
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert f"{ESC}[36mweb.1    | {ESC}[0mhello" in lines, p.dump()
    start = [ln for ln in lines if "start at pid" in ln]
    assert re.fullmatch(re.escape(f"{ESC}[1;37msystem   | {ESC}[0mweb.1    start at pid: ") + r"\d+", start[0]), start
    assert lines[-1] == f"{ESC}[1;37msystem   | {ESC}[0mexit 0"
    # every line is coloured
    assert all(ln.startswith(ESC + "[") for ln in lines), lines


def test_colour_cycle(procinit, tmp_path):
    names = [f"t{i}" for i in range(14)]
    write_procfile(tmp_path, "\n".join(f"{n}: echo hi; exec sleep 1000" for n in names))
    p = procinit("--color", "-t", "2")
    p.wait_line(r".*\| \x1b\[0mhi", count=len(names))
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    for i, n in enumerate(names):
        want = f"{ESC}[{COLOURS[i % len(COLOURS)]}m{n + '.1':<6} | {ESC}[0mhi"
        assert want in lines, (want, lines)


def test_timestamp_plain_and_colour(procinit, tmp_path):
    write_procfile(tmp_path, "web: echo hello")
    p = procinit("--no-color", "--timestamp")
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert len(lines) == 4, lines
    for ln in lines:
        assert re.fullmatch(r"\d\d:\d\d:\d\d (system|web\.1 ) \| .*", ln), ln
    m = re.fullmatch(r"(\d\d):(\d\d):(\d\d) web\.1  \| hello", lines[1])
    assert m, lines
    now = time.localtime()
    got = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
    want = now.tm_hour * 3600 + now.tm_min * 60 + now.tm_sec
    assert min(abs(got - want), 86400 - abs(got - want)) <= 5, (lines[1], time.strftime("%H:%M:%S", now))

    p = procinit("--color", "--timestamp")
    assert p.wait() == 0, p.dump()
    assert re.fullmatch(r"\x1b\[36m\d\d:\d\d:\d\d web\.1  \| \x1b\[0mhello", p.lines()[1]), p.lines()
    assert re.fullmatch(r"\x1b\[1;37m\d\d:\d\d:\d\d system \| \x1b\[0mexit 0", p.lines()[-1]), p.lines()


@pytest.mark.parametrize("args,env,coloured", [
    ((), {}, False),                                  # stdout is a pipe
    ((), {"FORCE_COLOR": "1"}, True),
    ((), {"FORCE_COLOR": "0"}, False),
    ((), {"FORCE_COLOR": "false"}, False),
    ((), {"COLOR": "true"}, True),
    ((), {"COLOR": "1"}, True),
    ((), {"COLOR": "false", "FORCE_COLOR": "1"}, False),
    ((), {"COLOR": "0", "FORCE_COLOR": "1"}, False),
    ((), {"NO_COLOR": "1", "COLOR": "true"}, False),
    ((), {"NO_COLOR": "", "COLOR": "true"}, True),
    (("--color",), {"NO_COLOR": "1"}, True),
    (("--no-color",), {"FORCE_COLOR": "1"}, False),
    (("--no-color",), {"COLOR": "true"}, False),
])
def test_colour_selection(procinit, tmp_path, args, env, coloured):
    write_procfile(tmp_path, "web: echo hello")
    p = procinit(*args, env=env)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    if coloured:
        assert f"{ESC}[36mweb.1  | {ESC}[0mhello" in lines, lines
    else:
        assert lines[1] == "web.1  | hello", lines
        assert not any(ESC in ln for ln in lines), lines


def test_width_from_longest_name_in_this_run(procinit, tmp_path):
    """Only instances that run count for the width; instance numbers count (webapp.10)."""
    write_procfile(tmp_path, """
        a_very_long_process_name: exec sleep 1000
        webapp: echo "$PS up"; exec sleep 1000
    """)
    p = procinit("-m", "a_very_long_process_name=0,webapp=10")
    p.wait_line(r"webapp\.\d+ +\| webapp\.\d+ up", count=10)
    p.signal(signal.SIGTERM)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    w = len("webapp.10")
    for n in range(1, 11):
        assert f"{'webapp.%d' % n:<{w}} | webapp.{n} up" in lines, lines
    assert p.find(re.escape(f"{'system':<{w}} | {'webapp.1':<{w}} start at pid: ") + r"\d+") is not None
    assert lines[-1] == f"{'system':<{w}} | exit 0"
