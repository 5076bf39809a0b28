# SPDX-License-Identifier: MIT
# leave_orphan.py CODE [--ignore-term | --survive-term]: double-forks an
# orphan, waits until it is ready, prints "child exiting", exits with CODE.
# The orphan prints "orphan ready pid=P" once its SIGTERM disposition is set:
# ignored with --ignore-term; else a handler that prints "orphan got SIGTERM"
# and exits 0 (with --survive-term it goes on running). Then it sleeps for up
# to 120 s.
import os
import signal
import sys
import time

code = int(sys.argv[1])
ignore = "--ignore-term" in sys.argv
survive = "--survive-term" in sys.argv
r, w = os.pipe()
mid = os.fork()
if mid == 0:
    if os.fork() == 0:
        os.close(r)
        if ignore:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        else:
            def term(sig, frame):
                os.write(1, b"orphan got SIGTERM\n")
                if not survive:
                    os._exit(0)
            signal.signal(signal.SIGTERM, term)
        os.write(1, f"orphan ready pid={os.getpid()}\n".encode())
        os.write(w, b"x")
        os.close(w)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.05)
        os._exit(3)
    os._exit(0)
os.close(w)
os.waitpid(mid, 0)
os.read(r, 1)
os.write(1, b"child exiting\n")
os._exit(code)
