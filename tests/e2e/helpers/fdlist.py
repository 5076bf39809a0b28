# SPDX-License-Identifier: MIT
# fdlist.py: prints one line per open file descriptor, "FD TARGET", in order
# (TARGET from /proc/self/fd; the descriptor used to list the folder itself is
# left out since it is closed again by the time it is looked up).
import os

for name in sorted(os.listdir("/proc/self/fd"), key=int):
    try:
        target = os.readlink(f"/proc/self/fd/{name}")
    except OSError:
        continue
    print(name, target, flush=True)
