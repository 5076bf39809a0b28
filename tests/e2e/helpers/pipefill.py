# SPDX-License-Identifier: MIT
# pipefill.py DIR COUNT MIB: writes whole 80-byte lines to stdout (a pipe to
# procinit) in 1 MiB writes until the pipe's size (F_GETPIPE_SZ) is no longer
# the one it started with, or MIB MiB are written. Then it records
# "START_SIZE SIZE MIB_WRITTEN" in DIR/$PS and waits (30 s at most) until
# COUNT such files exist, so that every writer is alive while the others
# count, and exits 0.
import fcntl
import os
import sys
import time

F_GETPIPE_SZ = 1032


def main():
    out, count, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    block = memoryview((b"x" * 79 + b"\n") * ((1 << 20) // 80) + b"y" * 15 + b"\n")
    start = size = fcntl.fcntl(1, F_GETPIPE_SZ)
    written = 0
    while size == start and written < limit:
        off = 0
        while off < len(block):
            off += os.write(1, block[off:])
        written += 1
        size = fcntl.fcntl(1, F_GETPIPE_SZ)
    name = os.environ["PS"]
    with open(os.path.join(out, name + ".tmp"), "w") as f:
        f.write(f"{start} {size} {written}\n")
    os.rename(os.path.join(out, name + ".tmp"), os.path.join(out, name))
    deadline = time.monotonic() + 30
    while len([n for n in os.listdir(out) if not n.endswith(".tmp")]) < count:
        if time.monotonic() > deadline:
            sys.exit(3)
        time.sleep(0.01)


if __name__ == "__main__":
    main()
