# SPDX-License-Identifier: MIT
# Output pipes (issue 5): a child that keeps its pipe full gets a 256 KiB
# pipe instead of 64 KiB, and its lines still arrive whole; at most 16 pipes
# are grown at once, so a crowd of fast writers cannot use up the user's pipe
# budget. The writers read their own stdout's size with F_GETPIPE_SZ.

import re
import subprocess

from conftest import HELPERS, PYTHON, write_procfile

BIG = 256 * 1024
GROW_MAX = 16


def reports(folder):
    out = {}
    for f in folder.iterdir():
        if not f.name.endswith(".tmp"):
            start, size, written = map(int, f.read_text().split())
            out[f.name] = (start, size, written)
    return out


def test_fast_writer_pipe_grows_lines_whole(procinit, tmp_path):
    rep = tmp_path / "rep"
    rep.mkdir()
    write_procfile(tmp_path, f"t: exec {PYTHON} {HELPERS}/pipefill.py {rep} 1 64")
    p = procinit("--no-color")
    assert p.wait() == 0, p.dump()
    (start, size, written), = reports(rep).values()
    assert start == 64 * 1024, start
    assert size == BIG, (size, written)
    lines = p.lines()
    body = [ln for ln in lines if not ln.startswith("system")]
    assert len(body) == written * ((1 << 20) // 80 + 1)
    bad = [ln for ln in body if not re.fullmatch(r"t\.1 +\| (x{79}|y{15})", ln)]
    assert bad == [], bad[:3]


def test_at_most_sixteen_pipes_grow(procinit, tmp_path):
    n = GROW_MAX + 4
    rep = tmp_path / "rep"
    rep.mkdir()
    write_procfile(tmp_path, f"t: exec {PYTHON} {HELPERS}/pipefill.py {rep} {n} 8")
    p = procinit("--no-color", "-m", f"t={n}", stdout=subprocess.DEVNULL)
    assert p.wait() == 0, p.stderr
    got = reports(rep)
    assert len(got) == n, got
    sizes = sorted(size for _, size, _ in got.values())
    assert sizes == [64 * 1024] * (n - GROW_MAX) + [BIG] * GROW_MAX, got
    # the ones refused kept their pipe while writing all they were asked to
    assert all(w == 8 for _, size, w in got.values() if size != BIG), got
