# SPDX-License-Identifier: MIT
# writer.py ID COUNT: writes COUNT lines "wID SEQ xxx..." (SEQ 6 digits, the x
# run's length depends on SEQ and ID) in chunks of odd sizes that end at line ends,
# with raw os.write (no buffering), as fast as possible.
import os
import sys


def line_len(i, seq):
    return (seq * 7 + i * 13) % 61 + 1


def main():
    i, count = int(sys.argv[1]), int(sys.argv[2])
    parts = [b"w%d %06d %s\n" % (i, seq, b"x" * line_len(i, seq)) for seq in range(count)]
    data = memoryview(b"".join(parts))
    sizes = (4093, 17, 65536, 1, 999, 8191, 3)
    off = k = 0
    raw = bytes(data)
    while off < len(data):
        # Each odd-sized chunk ends at a line's end: a writer descheduled for
        # over 100 ms mid-line would otherwise see its partial line flushed as
        # a line of its own, by design (random read splits: fuzz_linesplit).
        end = raw.find(b"\n", min(off + sizes[k % len(sizes)], len(raw)) - 1) + 1 or len(raw)
        while off < end:
            off += os.write(1, data[off:end])
        k += 1


if __name__ == "__main__":
    main()
