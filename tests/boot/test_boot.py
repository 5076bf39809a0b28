# SPDX-License-Identifier: MIT
# procinit as /init of a real Linux system: Debian's kernel boots an initramfs
# (examples/initramfs/mkinitramfs.sh) in QEMU with software emulation, and
# each scenario reads the serial console until the machine powers off,
# reboots or halts. No scenario may end in a kernel panic (init exiting).
# The machines run two at a time; each test asserts on its machine's console.

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from polling import wait_until  # noqa: E402

BIN = os.environ.get("PROCINIT_BIN", str(REPO / "build" / "procinit"))
MKINITRAMFS = REPO / "examples" / "initramfs" / "mkinitramfs.sh"
QEMU = shutil.which("qemu-system-x86_64")
BUSYBOX = "/bin/busybox"
PARALLEL = int(os.environ.get("PROCINIT_BOOT_PARALLEL", "2"))
BOOT_TIMEOUT = 120.0  # a whole scenario, boot to power-off, on a loaded machine
STEP_TIMEOUT = 60.0   # one expected line

POWER_DOWN = "reboot: Power down"
RESTART = "reboot: Restarting system"
HALTED = "reboot: System halted"


def kernel():
    k = os.environ.get("PROCINIT_BOOT_KERNEL")
    if k:
        return k
    found = sorted(Path("/boot").glob("vmlinuz-*"),
                   key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p.name)])
    return str(found[-1]) if found else None


# ------------------------------------------------------------------ scenarios
# Procfile text, procinit's words on the kernel command line, extra kernel
# parameters, what the driver does, the lines expected in this order, and
# how the machine ends.

ORPHANS = r"""
main: for i in 1 2 3; do (sleep 0.3 &); done; (sh -c 'sleep 0.2 & sleep 0.2 & exec sleep 0.5' &); echo orphans started; sleep 1.5; z=0; for s in /proc/[0-9]*/stat; do state=; { read -r pid comm state rest < "$s"; } 2>/dev/null; [ "$state" = Z ] && z=$((z+1)); done; echo "zombies: $z"; exit 3
web: echo web up; exec sleep 1000
"""


def ctl(command):
    return f"web: echo web up; exec sleep 1000\nctl: sleep 0.3; echo calling {command}; {command}; exec sleep 1000\n"


READY = "web: echo ready; exec sleep 1000\n"

WRAPPER = r"""#!/bin/sh
# The wrapper README.md shows, after mounting /proc first: procinit then sees a
# real system by /proc/self/ns/pid, and mounts only what is still missing.
mkdir -p /proc && mount -t proc proc /proc
exec /init -- /bin/sh -c 'echo "proc: $(grep -c " /proc " /proc/mounts) devtmpfs: $(grep -c devtmpfs /proc/mounts)"'
"""


def type_after(prompt, text):
    def drive(vm):
        vm.wait_for(prompt)
        vm.type(text)
    return drive


def monitor_after(prompt, command):
    def drive(vm):
        vm.wait_for(prompt)
        vm.monitor(command)
    return drive


SCENARIOS = {
    # The Procfile ends by itself: orphans reaped, its status printed, power off.
    "finish": dict(procfile=ORPHANS, expect=[
        "main.1 | orphans started", "main.1 | zombies: 0", "system | main.1 exited with code 3",
        "system | exit 3", "system | powering off"], end=POWER_DOWN),
    # A daemon that left its group is the one orphan: kernel threads are not counted.
    "daemon": dict(procfile="d: setsid sleep 1000 </dev/null >/dev/null 2>&1 & sleep 0.5; echo leaving; exit 4\n",
                   expect=["d.1 | leaving", "system | d.1    exited with code 4",
                           "system | sending SIGTERM to 1 orphaned process", "system | exit 4",
                           "system | powering off"], end=POWER_DOWN),
    "poweroff": dict(procfile=ctl("poweroff"), expect=[
        "ctl.1 | calling poweroff", "system | SIGUSR2 received: powering off",
        "system | sending SIGTERM for children", "system | exit 0", "system | powering off"],
        forbid=["orphaned process"], end=POWER_DOWN),
    "reboot": dict(procfile=ctl("reboot"), expect=[
        "system | SIGTERM received: rebooting", "system | exit 0", "system | rebooting"], end=RESTART),
    "kill_term": dict(procfile=ctl("kill -TERM 1"), expect=[
        "system | SIGTERM received: rebooting", "system | exit 0", "system | rebooting"], end=RESTART),
    # Every process here belongs to an instance, and kernel threads are nobody's orphans:
    # the sweep finds nothing to signal (it used to say "46 orphaned processes").
    "halt": dict(procfile=ctl("halt"), expect=[
        "system | SIGUSR1 received: halting", "system | exit 0", "system | halting"],
        forbid=["orphaned process"], end=HALTED),
    "sigpwr": dict(procfile=ctl("kill -PWR 1"), expect=[
        "system | SIGPWR received: powering off", "system | exit 0", "system | powering off"],
        end=POWER_DOWN),
    # ^C typed on ttyS0 is the usual graceful stop; then --on-exit's action.
    "ctrl_c": dict(procfile=READY, args="--on-exit reboot", drive=type_after("web.1 | ready", b"\x03"),
                   expect=["system | ctrl-c detected", "system | sending SIGTERM for children",
                           "system | exit 0", "system | rebooting"], end=RESTART),
    "ctrl_alt_del": dict(procfile=READY, drive=monitor_after("web.1 | ready", "sendkey ctrl-alt-delete"),
                         expect=["system | ctrl-alt-del: rebooting", "system | sending SIGTERM for children",
                                 "system | exit 0", "system | rebooting"], end=RESTART),
    "tty": dict(procfile="web: readlink /proc/self/fd/1; test -c /dev/ptmx && echo ptmx ok\n", args="--tty", expect=[
        "web.1 | /dev/pts/0", "web.1 | ptmx ok", "system | exit 0", "system | powering off"],
        end=POWER_DOWN),
    # A rescue shell on the console: job control works (the console is its
    # controlling terminal) and its exit powers off.
    "single_shell": dict(procfile=READY, args="exec /bin/sh", params="PS1=rescue>",
                         drive=type_after("rescue>", b"tty; echo $((6*7)); exit 3\n"),
                         expect=["/dev/ttyS0", "42", "procinit: exit 3", "procinit: powering off"],
                         forbid=["job control turned off"], end=POWER_DOWN),
    "single_poweroff": dict(procfile=READY, args="-t 1 exec /bin/sh", params="PS1=rescue>",
                            drive=type_after("rescue>", b"poweroff\n"),
                            expect=["procinit: SIGUSR2 received: powering off", "procinit: exit ",
                                    "procinit: powering off"], end=POWER_DOWN),
    "wrapper": dict(procfile=READY, params="rdinit=/wrapper", files={"wrapper": WRAPPER},
                    expect=["proc: 1 devtmpfs: 1", "procinit: exit 0", "procinit: powering off"],
                    end=POWER_DOWN),
    # An error before anything starts is no panic either.
    "bad_procfile": dict(procfile=READY, args="-f /nonexistent", expect=[
        "procinit: exit 2", "procinit: powering off"], end=POWER_DOWN),
}


# ------------------------------------------------------------------ machines

def normalize(line):
    """A console line without CR and without the name column's padding."""
    return re.sub(r"^(\S+) +\| ", r"\1 | ", line.replace("\r", ""))


class Machine:
    """One QEMU: serial console on its stdin/stdout, HMP monitor on a unix socket."""

    def __init__(self, name, tmp, initrd, sc):
        self.name = name
        self.mon = str(tmp / f"{name}.mon")
        params = sc.get("params", "")
        # no_timer_check: on a loaded host, emulated time can fail the kernel's
        # IO-APIC timer check, which then panics before init runs.
        append = (f"console=ttyS0 panic=1 no_timer_check quiet NO_COLOR=1 {params} "
                  f"-- {sc.get('args', '')}")
        self.cmd = [QEMU, "-accel", "tcg", "-m", "256", "-smp", "1", "-display", "none",
                    "-no-reboot", "-nic", "none", "-serial", "stdio",
                    "-monitor", f"unix:{self.mon},server=on,wait=off",
                    "-kernel", kernel(), "-initrd", str(initrd), "-append", append.strip()]
        self.raw = bytearray()
        self.lock = threading.Lock()

    def start(self):
        if os.path.exists(self.mon):
            os.unlink(self.mon)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                return
            with self.lock:
                self.raw += chunk

    def text(self):
        with self.lock:
            return self.raw.decode("utf-8", "replace")

    def lines(self):
        return [normalize(ln) for ln in self.text().split("\n")]

    def wait_for(self, line, timeout=STEP_TIMEOUT):
        def seen():
            if any(line in ln for ln in self.lines()):
                return True
            if self.proc.poll() is not None and not self.reader.is_alive():
                pytest.fail(f"QEMU ended before {line!r} on {self.name}'s console:\n{self.text()}")
            return False
        wait_until(seen, timeout, msg=lambda: f"{line!r} on {self.name}'s console:\n{self.text()}")

    def type(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def monitor(self, command):
        wait_until(lambda: os.path.exists(self.mon), msg="the monitor socket")
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.mon)
            s.sendall(command.encode() + b"\n")
            time.sleep(0.2)  # let HMP read the line before the socket closes

    def finish(self, end):
        """Waits for END and QEMU's exit (a halted machine is told to quit); returns its status."""
        self.wait_for(end, BOOT_TIMEOUT - (time.monotonic() - self.started))
        if end == HALTED:
            self.monitor("quit")
        return self.proc.wait(timeout=30)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_scenario(name, tmp, initrd, retry=True):
    """Boots one scenario; a kernel panic that is not init's (the kernel's own
    start-up on a starved emulator) is retried once."""
    r = boot_scenario(name, tmp, initrd)
    if retry and "Kernel panic" in r["text"] and "Attempted to kill init" not in r["text"]:
        first = r["text"]
        r = boot_scenario(name, tmp, initrd)
        r["retried"] = first
    return r


def boot_scenario(name, tmp, initrd):
    sc = SCENARIOS[name]
    m = Machine(name, tmp, initrd[name], sc)
    m.start()
    try:
        if "drive" in sc:
            sc["drive"](m)
        status = m.finish(sc["end"])
        return dict(status=status, lines=m.lines(), text=m.text(),
                    seconds=time.monotonic() - m.started)
    except BaseException as e:  # pytest.fail is a BaseException
        return dict(error=f"{type(e).__name__}: {e}", lines=m.lines(), text=m.text())
    finally:
        m.kill()


def build_initramfs(name, tmp):
    sc = SCENARIOS[name]
    pf = tmp / f"{name}.Procfile"
    pf.write_text(sc["procfile"])
    cmd = [str(MKINITRAMFS), "-o", str(tmp / f"{name}.cpio.gz"), "-p", BIN, "-b", BUSYBOX]
    for dest, text in sc.get("files", {}).items():
        src = tmp / f"{name}.{dest}"
        src.write_text(text)
        src.chmod(0o755)
        cmd += ["-a", f"{src}:{dest}"]
    subprocess.run(cmd + [str(pf)], check=True)
    return tmp / f"{name}.cpio.gz"


@pytest.fixture(scope="module")
def results(request, tmp_path_factory):
    missing = [what for what, ok in (("qemu-system-x86_64 (apt-get install qemu-system-x86)", QEMU),
                                     ("a kernel in /boot (apt-get install linux-image-cloud-amd64)", kernel()),
                                     ("/bin/busybox (apt-get install busybox-static)", os.path.exists(BUSYBOX)),
                                     ("cpio", shutil.which("cpio")),
                                     (BIN + " (make)", os.path.exists(BIN))) if not ok]
    if missing:
        pytest.fail("the boot tests need: " + ", ".join(missing) + " (sh tests/deps.sh installs them)")
    wanted = [item.callspec.params["name"] for item in request.session.items
              if item.module.__name__ == request.module.__name__ and hasattr(item, "callspec")]
    tmp = tmp_path_factory.mktemp("boot")
    initrd = {name: build_initramfs(name, tmp) for name in wanted}
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = {name: pool.submit(run_scenario, name, tmp, initrd) for name in wanted}
        return {name: f.result() for name, f in futures.items()}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_boot(results, name):
    r = results[name]
    sc = SCENARIOS[name]
    console = r["text"]
    if "retried" in r:
        print(f"{name}: the first boot panicked before init and was retried:\n{r['retried']}")
    assert "error" not in r, f"{r.get('error')}\n--- console of {name}:\n{console}"
    assert "Kernel panic" not in console, console
    assert "Attempted to kill init" not in console, console
    lines = r["lines"]
    at = 0
    for want in sc["expect"] + [sc["end"]]:
        hit = next((i for i in range(at, len(lines)) if want in lines[i]), None)
        assert hit is not None, f"{want!r} missing (in this order) on the console of {name}:\n{console}"
        at = hit + 1
    for bad in sc.get("forbid", []) + ["forwarding to children"]:
        assert bad not in console, f"{bad!r} on the console of {name}:\n{console}"
    assert r["status"] == 0, console
