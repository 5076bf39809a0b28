# SPDX-License-Identifier: MIT
# dribble.py COUNT INTERVAL TAIL: writes "x" COUNT times, one every INTERVAL
# seconds, then TAIL and a newline, with raw os.write. The times follow a fixed
# schedule from the start, so a late wake-up does not stretch the later gaps.
import os
import sys
import time


def main():
    count, interval, tail = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    t0 = time.monotonic()
    for i in range(count + 1):
        delay = t0 + i * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        os.write(1, b"x" if i < count else tail.encode() + b"\n")


main()
