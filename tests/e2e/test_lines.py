# SPDX-License-Identifier: MIT
# Line integrity under concurrent heavy writers, partial lines (shown after
# 100 ms without a byte, at the latest 1 s after their first byte; last bytes
# before the exit line), 64 KiB pieces, bytes passed untouched, stderr merged
# into the same stream.

import re
import signal
import sys

from conftest import HELPERS, PYTHON, scaled, wait_until, write_procfile

sys.path.insert(0, str(HELPERS))
from writer import line_len  # noqa: E402


def test_eight_writers_lines_whole_and_complete(procinit, tmp_path):
    n = scaled(100_000, 1000)
    writers = 8
    write_procfile(tmp_path, "\n".join(
        f"w{i}: {PYTHON} {HELPERS}/writer.py {i} {n} && touch done{i} && exec sleep 1000"
        for i in range(writers)))
    p = procinit()
    wait_until(lambda: all((tmp_path / f"done{i}").exists() for i in range(writers)),
               timeout=60 + 60 * (n / 100_000), msg=lambda: p.dump())
    p.signal(signal.SIGINT)
    assert p.wait(timeout=60) == 0, p.dump()
    rx = re.compile(rb"w(\d)\.1   \| w(\d) (\d{6}) (x+)")
    expect_next = [0] * writers
    other = []
    for ln in p.raw_lines():
        m = rx.fullmatch(ln)
        if not m:
            other.append(ln)
            continue
        i = int(m.group(1))
        seq = int(m.group(3))
        assert int(m.group(2)) == i, ln
        assert seq == expect_next[i], (ln, expect_next[i])
        assert len(m.group(4)) == line_len(i, seq), ln
        expect_next[i] = seq + 1
    assert expect_next == [n] * writers
    # everything else is a system line: 8 starts, the stop sequence, the exit line
    assert all(ln.startswith(b"system | ") for ln in other), other[:5]
    assert len(other) == 8 + 2 + 8 + 8 + 1, other


def test_partial_line_flushed_after_quiet(procinit, tmp_path):
    write_procfile(tmp_path, "p: printf abc; sleep 2; echo def")
    p = procinit()
    s = p.wait_line(r"system \| p\.1    start at pid: \d+")
    a = p.wait_line(r"p\.1    \| abc", timeout=1.9)
    assert p.line_time(a) - p.line_time(s) < 1.0, "partial line not shown well before the 2 s"
    assert p.find(r"p\.1    \| .*def") is None
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    assert lines[a:] == [
        "p.1    | abc",
        "p.1    | def",
        "system | p.1    exited with code 0",
        "system | exit 0",
    ], p.dump()


def test_bytes_within_quiet_period_join(procinit, tmp_path):
    write_procfile(tmp_path, "j: printf ab; sleep 0.02; printf cd; sleep 0.02; echo ef; exit 0")
    p = procinit()
    assert p.wait() == 0, p.dump()
    assert [ln for ln in p.lines() if ln.startswith("j.1")] == ["j.1    | abcdef"]


def test_slowly_typed_line_stays_one_line(procinit, tmp_path):
    """Every byte restarts the 100 ms quiet period: ten bytes 20 ms apart (200 ms in
    all, twice the quiet period) and the newline make one line."""
    write_procfile(tmp_path, f"s: {PYTHON} {HELPERS}/dribble.py 10 0.02 END")
    p = procinit()
    assert p.wait() == 0, p.dump()
    body = [ln for ln in p.lines() if ln.startswith("s.1")]
    print(f"\n[lines] 10 bytes 20 ms apart, then END: {len(body)} line(s) {body}")
    assert body == ["s.1    | xxxxxxxxxxEND"], p.dump()


def test_dribble_shown_at_least_once_a_second(procinit, tmp_path):
    """A byte every 50 ms for 3 s never leaves 100 ms of quiet: the 1 s cap from the
    first byte of the line shows it in pieces of about 20 bytes."""
    write_procfile(tmp_path, f"d: {PYTHON} {HELPERS}/dribble.py 60 0.05 END")
    p = procinit()
    assert p.wait() == 0, p.dump()
    body = [ln[len("d.1    | "):] for ln in p.lines() if ln.startswith("d.1")]
    print(f"\n[lines] a byte every 50 ms for 3 s: {len(body)} lines of {[len(b) for b in body]} bytes")
    assert "".join(body) == "x" * 60 + "END", p.dump()
    assert len(body) >= 2, f"3 s of dribble shown as one line: {body}"
    # 32 bytes are 1.6 s of dribble: the cap plus room for a slow pump
    assert max(len(b) for b in body) <= 32, body
    # one piece per 100 ms (the old timer) would make about 30; a late byte may split one more
    assert len(body) <= 8, body


def test_last_partial_line_before_exit_line(procinit, tmp_path):
    write_procfile(tmp_path, "t: echo first; printf 'tail-no-newline'")
    p = procinit()
    assert p.wait() == 0, p.dump()
    assert p.lines()[1:] == [
        "t.1    | first",
        "t.1    | tail-no-newline",
        "system | t.1    exited with code 0",
        "system | exit 0",
    ], p.dump()


def test_long_line_split_in_64k_pieces(procinit, tmp_path):
    write_procfile(tmp_path, f"""
        long: {PYTHON} -c "import os,sys; d=b'a'*150000+b'b'*10+b'\\n'; [os.write(1, d[i:i+4096]) for i in range(0, len(d), 4096)]"
    """)
    p = procinit()
    assert p.wait() == 0, p.dump()
    body = [ln for ln in p.raw_lines() if ln.startswith(b"long.1 | ")]
    sizes = [len(ln) - len(b"long.1 | ") for ln in body]
    assert sizes == [65536, 65536, 150010 - 2 * 65536], sizes
    assert b"".join(ln[len(b"long.1 | "):] for ln in body) == b"a" * 150000 + b"b" * 10


def test_bytes_pass_through_untouched(procinit, tmp_path):
    write_procfile(tmp_path, r"bin: printf 'a\000b\377c\r\nx\033[1mbold\n\303\251t\303\251\n'")
    p = procinit()
    assert p.wait() == 0, p.dump()
    body = [ln for ln in p.raw_lines() if ln.startswith(b"bin.1  | ")]
    assert body == [b"bin.1  | a\x00b\xffc\r", b"bin.1  | x\x1b[1mbold", "bin.1  | été".encode()]


def test_stderr_merged_in_order(procinit, tmp_path):
    write_procfile(tmp_path, "err: echo out1; echo err1 >&2; echo out2; echo err2 >&2; exit 2")
    p = procinit()
    assert p.wait() == 2, p.dump()
    assert [ln for ln in p.lines() if ln.startswith("err.1")] == [
        "err.1  | out1", "err.1  | err1", "err.1  | out2", "err.1  | err2"]
    assert p.stderr == ""
