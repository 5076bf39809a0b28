# SPDX-License-Identifier: MIT
# writer.py ID COUNT: writes COUNT lines "wID SEQ xxx..." (SEQ 6 digits, the x
# run's length depends on SEQ and ID) in chunks of odd sizes, at most PIPE_BUF bytes,
# that end at line ends, with raw os.write (no buffering), as fast as possible.
import os
import select
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
        # Each odd-sized chunk is at most PIPE_BUF bytes and ends at a line's end,
        # so the pipe takes it whole: a chunk that stopped mid-line, or a larger one
        # the pipe took in parts, could leave a partial line that a writer
        # descheduled for over 100 ms would see flushed as a line of its own, by
        # design (lines split across reads: fuzz_linesplit).
        limit = min(off + sizes[k % len(sizes)], off + select.PIPE_BUF, len(raw))
        end = raw.rfind(b"\n", off, limit) + 1
        if end <= off:  # no line end within the size: up to the next one
            end = raw.find(b"\n", limit - 1) + 1 or len(raw)
        while off < end:
            off += os.write(1, data[off:end])
        k += 1

if __name__ == "__main__":
    main()
