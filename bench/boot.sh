#!/bin/sh
# SPDX-License-Identifier: MIT
# Boot timing of procinit as /init against busybox init doing the same, in
# QEMU with software emulation (not part of make test; docs/benchmarks.md,
# "As a system's init"). Each variant boots BOOT_RUNS times (default 7):
#   procinit          /init = procinit, which mounts /proc /sys /dev /dev/pts /dev/shm /run
#   busybox+proc      /init = busybox init, an inittab with the same two commands and
#                     a sysinit line that mounts /proc (its poweroff needs it)
#   busybox+mounts    the same, mounting all that procinit mounts
# and reports medians, from the host's clock on each serial line, of
#   start: the kernel's "Run /init as init process" -> the first child's first line
#   stop:  the line printed just before `poweroff` -> the kernel's "reboot: Power down"
# Needs qemu-system-x86, a kernel in /boot (or BOOT_KERNEL), busybox-static, cpio.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=${BOOT_RUNS:-7}
# shellcheck disable=SC2012 # plain names from /boot, newest version last
kernel=${BOOT_KERNEL:-$(ls /boot/vmlinuz-* | sort -V | tail -1)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# The same two commands for everyone: one prints and sleeps, one powers off.
first='echo first line; exec sleep 1000'
ctl='sleep 1; echo calling poweroff; exec poweroff'
printf 'web: %s\nctl: %s\n' "$first" "$ctl" >"$dir/Procfile"
printf '::once:/bin/sh -c '\''%s'\''\n::once:/bin/sh -c '\''%s'\''\n' "$first" "$ctl" >"$dir/inittab"
cat >"$dir/mounts" <<'SH'
#!/bin/sh
mkdir -p /proc /sys /dev /run
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o nosuid,noexec,gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
SH
printf '#!/bin/sh\nmkdir -p /proc\nmount -t proc -o nosuid,nodev,noexec proc /proc\n' >"$dir/proc"
chmod +x "$dir/mounts" "$dir/proc"
{ echo '::sysinit:/etc/mounts'; cat "$dir/inittab"; } >"$dir/inittab+mounts"
{ echo '::sysinit:/etc/proc'; cat "$dir/inittab"; } >"$dir/inittab+proc"

mk="$root/examples/initramfs/mkinitramfs.sh"
"$mk" -o "$dir/procinit.gz" "$dir/Procfile"
"$mk" -i busybox -a "$dir/inittab+proc:/etc/inittab" -a "$dir/proc:/etc/proc" \
	-o "$dir/busybox+proc.gz" "$dir/Procfile"
"$mk" -i busybox -a "$dir/inittab+mounts:/etc/inittab" -a "$dir/mounts:/etc/mounts" \
	-o "$dir/busybox+mounts.gz" "$dir/Procfile"

/usr/bin/python3 - "$kernel" "$runs" "$dir" <<'PY'
import statistics, subprocess, sys, threading, time

kernel, runs, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]


def boot(initrd):
    """Host-clock time of each console line, from one boot."""
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-m", "256", "-smp", "1", "-display", "none",
           "-no-reboot", "-nic", "none", "-serial", "stdio", "-kernel", kernel, "-initrd", initrd,
           "-append", "console=ttyS0 panic=1 no_timer_check NO_COLOR=1"]
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timer = threading.Timer(120, p.kill)  # a boot that hangs is reported below, not waited for
    timer.daemon = True
    timer.start()
    stamped, buf = [], b""
    while True:
        chunk = p.stdout.read1(4096)
        now = time.monotonic()
        if not chunk:
            break
        buf += chunk
        *done, buf = buf.split(b"\n")
        stamped += [(now, ln.decode("utf-8", "replace").rstrip("\r")) for ln in done]
    p.wait()
    timer.cancel()
    return stamped


def at(lines, text):
    return next(t for t, ln in lines if text in ln)


results = {}
for variant in ("procinit", "busybox+proc", "busybox+mounts"):
    start, stop = [], []
    for _ in range(runs):
        lines = boot(f"{d}/{variant}.gz")
        try:
            run = at(lines, "Run /init as init process")
            start.append(at(lines, "first line") - run)
            stop.append(at(lines, "reboot: Power down") - at(lines, "calling poweroff"))
        except StopIteration:
            print(f"{variant}: a boot did not show every line:", *[ln for _, ln in lines], sep="\n")
            sys.exit(1)
    results[variant] = (start, stop)

ms = lambda v: f"{statistics.median(v) * 1000:.0f} ms"
span = lambda v: f"{min(v) * 1000:.0f}-{max(v) * 1000:.0f}"
print(f"\n{runs} boots each, kernel {kernel.rsplit('/', 1)[-1]}, QEMU TCG, 1 vCPU; median (min-max)\n")
print("| /init | Run /init -> first line | poweroff -> Power down |")
print("|---|---|---|")
for v, (start, stop) in results.items():
    print(f"| {v} | {ms(start)} ({span(start)}) | {ms(stop)} ({span(stop)}) |")
PY
