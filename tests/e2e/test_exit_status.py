# SPDX-License-Identifier: MIT
# procinit's exit status follows the first process to exit: its code, or
# 128+N when signal N ended it; the system lines say which.

import re
import resource

import pytest

from conftest import tagged_pids, write_procfile


@pytest.mark.parametrize("cmd,code,how", [
    ("exit 3", 3, "exited with code 3"),
    ("exit 0", 0, "exited with code 0"),
    ("exit 255", 255, "exited with code 255"),
    ("kill -9 $$", 137, "terminated by SIGKILL"),
    ("kill -TERM $$", 143, "terminated by SIGTERM"),
    ("kill -USR1 $$", 138, "terminated by SIGUSR1"),
])
def test_first_exit_status(procinit, tmp_path, cmd, code, how):
    write_procfile(tmp_path, f"""
        quits: echo before; {cmd}
        stays: exec sleep 1000
    """)
    p = procinit()
    rc = p.wait()
    lines = p.lines()
    assert rc == code, p.dump()
    assert "quits.1 | before" in lines
    i = lines.index(f"system  | quits.1 {how}")
    assert lines.index("quits.1 | before") < i
    assert lines[i + 1:] == [
        lines[i + 1],  # sending SIGTERM for stays.1 (pid checked below)
        "system  | stays.1 terminated by SIGTERM",
        f"system  | exit {code}",
    ], p.dump()
    assert lines[i + 1].startswith("system  | sending SIGTERM for stays.1 at pid ")


def test_later_exits_do_not_change_status(procinit, tmp_path):
    """The second process exits by itself with another code on SIGTERM: the first exit's status is kept."""
    write_procfile(tmp_path, """
        first: while [ ! -e ready ]; do sleep 0.01; done; exit 7
        second: trap 'exit 9' TERM; touch ready; while :; do sleep 0.05; done
    """)
    p = procinit()
    assert p.wait() == 7, p.dump()
    lines = p.lines()
    assert "system   | first.1  exited with code 7" in lines
    assert "system   | second.1 exited with code 9" in lines
    assert lines[-1] == "system   | exit 7"


def test_command_not_found_is_127(procinit, tmp_path):
    write_procfile(tmp_path, """
        missing: no-such-command-e2e
        stays: exec sleep 1000
    """)
    p = procinit()
    assert p.wait() == 127, p.dump()
    lines = p.lines()
    # exec'd by procinit itself (no shell): the reason is a system line, before the exit line
    msg = lines.index("system    | missing.1 could not start: no-such-command-e2e: command not found")
    assert msg < lines.index("system    | missing.1 exited with code 127")
    assert lines[-1] == "system    | exit 127"


def test_command_not_found_under_the_shell_is_127(procinit, tmp_path):
    """With shell syntax the shell stays and says it itself, as process output."""
    write_procfile(tmp_path, """
        missing: no-such-command-e2e && true
        stays: exec sleep 1000
    """)
    p = procinit()
    assert p.wait() == 127, p.dump()
    lines = p.lines()
    msg = [i for i, ln in enumerate(lines) if ln.startswith("missing.1 | ") and "no-such-command-e2e" in ln]
    assert len(msg) == 1, lines
    assert msg[0] < lines.index("system    | missing.1 exited with code 127")
    assert lines[-1] == "system    | exit 127"


def test_could_not_start_counts_as_126(procinit, tmp_path, tag):
    """With few fds, some instances cannot get their pipe: 'could not start', exit 126, the rest stopped."""
    write_procfile(tmp_path, "web: exec sleep 1000")
    p = procinit("-m", "web=6", "-t", "2",
                 preexec=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (12, 12)))
    assert p.wait() == 126, p.dump()
    lines = p.lines()
    failed = [ln for ln in lines if re.fullmatch(r"system \| web\.\d  could not start: \S.*", ln)]
    assert failed, p.dump()
    started = [re.fullmatch(r"system \| (web\.\d)  start at pid: (\d+)", ln) for ln in lines]
    for m in filter(None, started):
        assert f"system | sending SIGTERM for {m.group(1)} at pid {m.group(2)}" in lines
        assert f"system | {m.group(1)}  terminated by SIGTERM" in lines
    assert lines[-1] == "system | exit 126"
    assert tagged_pids(tag) == []


def test_crlf_procfile_commands_have_no_cr(procinit, tmp_path):
    (tmp_path / "Procfile").write_bytes(b"web: echo \"[$PS]\"; exit 4\r\n\r\n")
    p = procinit()
    assert p.wait() == 4, p.dump()
    assert p.lines()[1:] == ["web.1  | [web.1]", "system | web.1  exited with code 4", "system | exit 4"]
