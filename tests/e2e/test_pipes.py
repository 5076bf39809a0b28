# SPDX-License-Identifier: MIT
# Output pipes (issue 5): a child that keeps its pipe full gets a 256 KiB
# pipe instead of 64 KiB, and its lines still arrive whole; at most 16 pipes
# are grown at once, so a crowd of fast writers cannot use up the user's pipe
# budget; one refused asks again, and grows once a place is free. The
# writers read their own stdout's size with F_GETPIPE_SZ.

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


LATE = r"""
import fcntl, os, sys, time
rep, out, grow_max = sys.argv[1], sys.argv[2], int(sys.argv[3])
phase1, phase2 = int(sys.argv[4]), int(sys.argv[5])
block = (b"z" * 79 + b"\n") * 13107 + b"z" * 15 + b"\n"
deadline = time.monotonic() + 30
while len([n for n in os.listdir(rep) if not n.endswith(".tmp")]) < grow_max and time.monotonic() < deadline:
    time.sleep(0.01)
def write(mib):
    for _ in range(mib):
        os.write(1, block)
        if fcntl.fcntl(1, 1032) != 65536:
            return
write(phase1)  # every place is taken: refused, and refused again
first = fcntl.fcntl(1, 1032)
open(os.path.join(out, "go"), "w").close()  # the grown writers may leave now
write(phase2)
open(os.path.join(out, "late"), "w").write(f"{first} {fcntl.fcntl(1, 1032)}")
"""


def test_refused_writer_grows_once_a_place_is_free(procinit, tmp_path):
    """16 fast writers hold every place; a 17th keeps asking, and gets its
    256 KiB pipe once they have ended (they may: --can-die)."""
    rep = tmp_path / "rep"
    rep.mkdir()
    (tmp_path / "late.py").write_text(LATE)
    p = procinit("--no-color", "--can-die", "a", "-m", f"a={GROW_MAX},b=1",
                 "-x", f"a: {PYTHON} {HELPERS}/pipefill.py {rep} 1 8 && "
                 f"while [ ! -e {tmp_path}/go ]; do sleep 0.01; done",
                 "-x", f"b: exec {PYTHON} {tmp_path}/late.py {rep} {tmp_path} {GROW_MAX} 8 64",
                 stdout=subprocess.DEVNULL)
    assert p.wait() == 0, p.stderr
    first, last = map(int, (tmp_path / "late").read_text().split())
    assert first == 64 * 1024, first
    assert last == BIG, last
