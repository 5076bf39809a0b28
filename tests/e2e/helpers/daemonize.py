# SPDX-License-Identifier: MIT
# daemonize.py [--exit N] [--ignore-term] ARGV...: starts ARGV as a real
# daemon (its own session and process group, stdio on /dev/null), waits
# until it has left our group and exec'd, prints "spawned" and exits N
# (default 0). The daemon is an orphan in procinit's sense: it belongs to
# no instance's process group.
import os
import signal
import sys

args = sys.argv[1:]
code = 0
ignore = False
while args and args[0].startswith("--"):
    if args[0] == "--exit":
        code = int(args[1])
        args = args[2:]
    elif args[0] == "--ignore-term":
        ignore = True
        args = args[1:]
    else:
        break
r, w = os.pipe()
os.set_inheritable(w, False)
if os.fork() == 0:
    os.close(r)
    os.setsid()
    if ignore:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.execvp(args[0], args)  # the pipe's write end closes on exec: the parent goes on
os.close(w)
os.read(r, 1)
print("spawned", flush=True)
sys.exit(code)
