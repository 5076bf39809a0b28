# SPDX-License-Identifier: MIT
# sigrec.py [--fork] [--exit-on SIGNUM] [--code N]: records signals.
# Installs a handler for every signal Python may catch (1..NSIG-1 except KILL,
# STOP and the fault signals), then prints "child ready pid=P pgrp=G"; each
# signal received is printed at once as "child got N" (raw write, one line).
# --fork: first starts a grandchild in the same process group doing the same
# with role "grandchild" (its ready line comes first). On --exit-on SIGNUM the
# process prints its "got" line and exits with --code (default 0). Both exit
# by themselves (code 3) after 120 s, so nothing can linger.
import os
import signal
import sys
import time

args = sys.argv[1:]
fork = "--fork" in args
exit_on = int(args[args.index("--exit-on") + 1]) if "--exit-on" in args else None
code = int(args[args.index("--code") + 1]) if "--code" in args else 0
SKIP = {signal.SIGKILL, signal.SIGSTOP, signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE,
        signal.SIGILL, signal.SIGABRT, signal.SIGSYS, signal.SIGTRAP, signal.SIGCHLD}
role = "child"


def handler(sig, frame):
    os.write(1, f"{role} got {sig}\n".encode())
    if sig == exit_on:
        os._exit(code)


def install():
    for n in range(1, signal.NSIG):
        if n in SKIP:
            continue
        try:
            signal.signal(n, handler)
        except (OSError, ValueError, RuntimeError):
            pass


if fork:
    r, w = os.pipe()
    if os.fork() == 0:
        role = "grandchild"
        install()
        os.close(r)
        os.write(1, f"grandchild ready pid={os.getpid()} pgrp={os.getpgrp()}\n".encode())
        os.write(w, b"x")
        os.close(w)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(0.05)
        os._exit(3)
    os.close(w)
    os.read(r, 1)
    os.close(r)
install()
os.write(1, f"child ready pid={os.getpid()} pgrp={os.getpgrp()}\n".encode())
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    time.sleep(0.05)
os._exit(3)
