# SPDX-License-Identifier: MIT
# Run as a Procfile process: makes N orphans by double fork. Each orphan waits
# until its parent is gone, reports its new parent pid, then exits. Then waits
# (with a deadline) until every orphan has been reaped and prints one line:
#   orphans=N reparented=R reaped=D zombies=Z
# reparented: orphans whose new parent was procinit (our parent);
# reaped: orphans whose /proc entry is gone; zombies: zombie children of
# procinit (with --all: every zombie in /proc, for a PID namespace).
import os
import sys
import time

n = int(sys.argv[1])
count_all = "--all" in sys.argv
init = os.getppid()
r, w = os.pipe()
pids = []
for _ in range(n):
    child = os.fork()
    if child == 0:
        os.close(r)
        mid = os.getpid()
        grandchild = os.fork()
        if grandchild == 0:
            me = os.getpid()
            deadline = time.monotonic() + 20
            while os.getppid() == mid and time.monotonic() < deadline:
                time.sleep(0.002)
            os.write(w, f"{me} {os.getppid()}\n".encode())
            os._exit(0)
        os._exit(0)
    os.waitpid(child, 0)
os.close(w)
data = b""
while True:
    chunk = os.read(r, 65536)
    if not chunk:
        break
    data += chunk
reports = [tuple(map(int, ln.split())) for ln in data.decode().splitlines()]
reparented = sum(1 for _, ppid in reports if ppid == init)


def zombies():
    z = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] == "Z" and (count_all or int(fields[1]) == init):
            z += 1
    return z


deadline = time.monotonic() + 20
while True:
    reaped = sum(1 for pid, _ in reports if not os.path.exists(f"/proc/{pid}"))
    z = zombies()
    if (reaped == len(reports) and z == 0) or time.monotonic() > deadline:
        break
    time.sleep(0.01)
print(f"orphans={len(reports)} reparented={reparented} reaped={reaped} zombies={z}", flush=True)
