# SPDX-License-Identifier: MIT
# pdeath_parent.py PROGRAM [ARG...]: a child subreaper that starts a middle
# process, which starts PROGRAM (stdin /dev/null) and prints
# "started pid=P", then waits for a line on stdin and exits: PROGRAM's parent
# dies. The subreaper then prints "middle gone", adopts PROGRAM, waits for it
# and prints "program exit=N" or "program signal=N", then exits 0.
import ctypes
import os
import sys

PR_SET_CHILD_SUBREAPER = 36
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit("prctl failed")
r, w = os.pipe()
mid = os.fork()
if mid == 0:
    os.close(r)
    prog = os.fork()
    if prog == 0:
        os.close(w)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.execvp(sys.argv[1], sys.argv[1:])
    os.write(w, f"{prog}\n".encode())
    os.close(w)
    os.write(1, f"started pid={prog}\n".encode())
    sys.stdin.readline()
    os._exit(0)
os.close(w)
prog = int(os.read(r, 64).decode())
os.close(r)
os.waitpid(mid, 0)
os.write(1, b"middle gone\n")
_, status = os.waitpid(prog, 0)
if os.WIFSIGNALED(status):
    os.write(1, f"program signal={os.WTERMSIG(status)}\n".encode())
else:
    os.write(1, f"program exit={os.WEXITSTATUS(status)}\n".encode())
