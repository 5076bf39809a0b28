# SPDX-License-Identifier: MIT
# Output through `docker logs` (the json-file driver reading procinit's
# stdout): several processes write many lines at once, in writes that split
# lines; every line must arrive whole, once, in order, with its own prefix.

import re

WRITERS = 5
LINES = 10000
LINE = re.compile(r"(w\d)\.1   \| (w\d) (\d{6}) (x+)")


def test_concurrent_output_whole_and_prefixed(dk):
    app = dk.app("\n".join(f"w{i}: /helpers/writer.sh {i} {LINES}" for i in range(1, WRITERS + 1)))
    c = dk.start(app=app)
    for i in range(1, WRITERS + 1):
        c.wait_output(rf"w{i}\.1   \| w{i} done", timeout=60)
    assert c.stop() < 5.0
    assert c.state() == ("exited", 0), c.dump()
    out, err = c.logs()
    assert err == ""
    seen = {f"w{i}": [] for i in range(1, WRITERS + 1)}
    bad = []
    for ln in out.splitlines():
        m = LINE.fullmatch(ln)
        if m:
            name, wid, seq, xs = m.group(1), m.group(2), int(m.group(3)), m.group(4)
            if name != wid or len(xs) != (seq * 7 + int(wid[1:]) * 13) % 61 + 1:
                bad.append(ln)
            seen[wid].append(seq)
        elif not (ln.startswith("system | ") or re.fullmatch(r"w\d\.1   \| w\d done", ln)):
            bad.append(ln)
    assert not bad, f"{len(bad)} mangled lines, e.g.: {bad[:5]}"
    for wid, seqs in seen.items():
        assert seqs == list(range(1, LINES + 1)), f"{wid}: {len(seqs)} lines, not 1..{LINES} in order"


def test_partial_line_and_stderr_are_shown(dk):
    # A prompt without newline shows as its own line once 100 ms pass without
    # output; stderr is prefixed too.
    app = dk.app("""
        web: printf 'prompt> '; sleep 0.5; echo to-stderr >&2; sleep 1000
    """)
    c = dk.start(app=app)
    c.wait_output(r"web\.1  \| prompt> ")
    c.wait_output(r"web\.1  \| to-stderr")
    assert c.stop() < 5.0
