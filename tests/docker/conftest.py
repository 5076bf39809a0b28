# SPDX-License-Identifier: MIT
# Infrastructure for the container tests: installs docker.io and
# busybox-static when missing (as root, with apt-get), runs a private dockerd
# for the session (vfs storage, no bridge, no iptables, its own socket under
# /tmp), builds the test images FROM scratch out of build/procinit and
# busybox, and gives each test handles for containers it starts, for
# `docker run` attached to a pipe or to a pseudo-terminal, and cleanup that
# removes every container the test made. The daemon is always stopped and its
# folder removed at the end of the session.

import atexit
import fcntl
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
import polling  # noqa: E402  (shared with tests/e2e)
from polling import DEADLINE  # noqa: E402
BIN = Path(os.environ.get("PROCINIT_BIN", REPO / "build" / "procinit"))
DOCKER_DIR = REPO / "docker"
HELPERS = Path(__file__).resolve().parent / "helpers"
BUSYBOX = "/bin/busybox"

TEST_IMAGE = "procinit-test:latest"

DAEMON_DEADLINE = 60.0

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def wait_until(predicate, timeout=DEADLINE, interval=0.05, msg=None):
    """polling.wait_until, polling less often: each look may ask the Docker engine."""
    return polling.wait_until(predicate, timeout, interval, msg)


def write_procfile(folder, text):
    """Write folder/Procfile from dedented lines; return the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = [ln.strip() for ln in text.strip("\n").splitlines()]
    (folder / "Procfile").write_text("\n".join(lines) + "\n")
    return folder


def is_static_elf(path):
    """True if path is an ELF executable without a program interpreter (PT_INTERP)."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF":
                return False
            is64, end = head[4] == 2, "<" if head[5] == 1 else ">"
            if is64:
                phoff, = struct.unpack_from(end + "Q", head, 32)
                phentsize, phnum = struct.unpack_from(end + "HH", head, 54)
            else:
                phoff, = struct.unpack_from(end + "I", head, 28)
                phentsize, phnum = struct.unpack_from(end + "HH", head, 42)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except OSError:
        return False
    for i in range(phnum):
        p_type, = struct.unpack_from(end + "I", table, i * phentsize)
        if p_type == 3:  # PT_INTERP: needs a dynamic loader the images do not have
            return False
    return True


# ---------------------------------------------------------------- packages

def find_tool(name):
    """A program on PATH or in the usual system folders (make may run without sbin on PATH)."""
    path = os.environ.get("PATH", "") + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    return shutil.which(name, path=path)


def apt_install(*packages):
    """Install Debian packages (root only); fail the session with apt's output if that fails."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (["apt-get", "update", "-q"],
                 ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]):
        r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if r.returncode != 0:
            pytest.fail(f"`{' '.join(argv)}` failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")


def need_root():
    if os.geteuid() != 0:
        pytest.skip("not root: these tests install packages, run their own dockerd and unshare PID "
                    "namespaces; run them as root (sudo make docker-test)")


@pytest.fixture(scope="session")
def busybox():
    """Path of a statically linked busybox (Debian's busybox-static), installed if missing."""
    need_root()
    if not is_static_elf(BUSYBOX):
        apt_install("busybox-static")
    if not is_static_elf(BUSYBOX):
        pytest.fail(f"{BUSYBOX} is not a statically linked busybox even after installing busybox-static")
    return BUSYBOX


@pytest.fixture(scope="session")
def procinit_bin():
    if not os.access(BIN, os.X_OK):
        pytest.fail(f"{BIN} is missing: run `make` first")
    if not is_static_elf(BIN):
        pytest.fail(f"{BIN} is dynamically linked; images FROM scratch need the static build (`make`)")
    return BIN


# ---------------------------------------------------------------- the daemon

class Engine:
    """A private dockerd: its own data and exec roots, socket, pidfile and log, all under one temp folder."""

    def __init__(self):
        self.dockerd = find_tool("dockerd")
        # The CLI that came with this dockerd, when there is one: a much newer
        # CLI elsewhere on PATH may want BuildKit plugins this machine lacks.
        sibling = Path(self.dockerd).resolve().parent.parent / "bin" / "docker"
        self.cli = str(sibling) if sibling.exists() else find_tool("docker")
        # The socket path must stay short (sun_path is 108 bytes): a folder right under /tmp.
        self.root = Path(tempfile.mkdtemp(prefix="pdk", dir="/tmp"))
        self.sock = self.root / "d.sock"
        self.log_path = self.root / "dockerd.log"
        self.proc = None
        self._log = None
        self.stopped = False
        cli_config = self.root / "cli"
        cli_config.mkdir()
        self.env = dict(os.environ, DOCKER_HOST=f"unix://{self.sock}", DOCKER_CONFIG=str(cli_config),
                        DOCKER_BUILDKIT="0", DOCKER_CLI_HINTS="false")
        for var in ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
            self.env.pop(var, None)

    def _argv(self):
        help_text = subprocess.run([self.dockerd, "--help"], capture_output=True, text=True).stdout

        def supported(flag):
            return re.search(r"(?<![\w-])" + re.escape(flag) + r"(?=[\s=,]|$)", help_text, re.M) is not None

        (self.root / "data").mkdir()
        (self.root / "exec").mkdir()
        config = self.root / "daemon.json"
        config.write_text("{}\n")  # so that a host /etc/docker/daemon.json cannot clash with our flags
        argv = [self.dockerd, "--data-root", str(self.root / "data"), "--exec-root", str(self.root / "exec"),
                "--host", f"unix://{self.sock}", "--pidfile", str(self.root / "dockerd.pid"),
                "--storage-driver", "vfs"]
        if supported("--config-file"):
            argv += ["--config-file", str(config)]
        for flag, value in (("--bridge", "none"), ("--iptables", "false"), ("--ip6tables", "false"),
                            ("--ip-forward", "false"), ("--ip-masq", "false")):
            if supported(flag):
                argv.append(f"{flag}={value}")
        # dockerd uses a running system containerd instead of starting its own;
        # own namespaces keep our containers apart from the host's.
        if os.path.exists("/run/containerd/containerd.sock") and supported("--containerd-namespace"):
            ns = self.root.name.lower()
            argv += ["--containerd-namespace", ns]
            if supported("--containerd-plugins-namespace"):
                argv += ["--containerd-plugins-namespace", ns + "-plugins"]
        return argv

    def log_tail(self, n=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no daemon log)"

    def start(self):
        argv = self._argv()
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + DAEMON_DEADLINE
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"dockerd exited ({self.proc.returncode}) while starting: {' '.join(argv)}\n"
                            + self.log_tail())
            r = subprocess.run([self.cli, "info", "--format", "{{.ServerVersion}}"], env=self.env,
                               stdin=subprocess.DEVNULL, capture_output=True, text=True)
            if r.returncode == 0 and r.stdout.strip():
                self.version = r.stdout.strip()
                return
            if time.monotonic() > deadline:
                pytest.fail(f"dockerd did not answer within {DAEMON_DEADLINE:.0f}s: {' '.join(argv)}\n"
                            f"last `docker info`: {r.stderr.strip()}\n--- daemon log:\n" + self.log_tail())
            time.sleep(0.2)

    def docker(self, *args, timeout=DEADLINE, check=True, input=None):
        """Run the docker CLI against this daemon; return CompletedProcess (text)."""
        argv = [self.cli] + [str(a) for a in args]
        try:
            r = subprocess.run(argv, env=self.env, capture_output=True, text=True, errors="replace",
                               timeout=timeout, input=input,
                               stdin=None if input is not None else subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`docker {' '.join(map(str, args))}` did not finish within {timeout}s")
        if check and r.returncode != 0:
            pytest.fail(f"`docker {' '.join(map(str, args))}` failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
        return r

    def _our_pids(self):
        """Processes whose command line names our folder (dockerd, its containerd, the shims)."""
        needle = str(self.root).encode()
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit() or int(d) == os.getpid():
                continue
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    if needle in f.read():
                        out.append(int(d))
            except OSError:
                pass
        return out

    def stop(self):
        """Remove every container, stop the daemon (SIGTERM, then SIGKILL), unmount and remove the folder."""
        if self.stopped:
            return
        self.stopped = True
        if self.proc and self.proc.poll() is None:
            try:
                ids = subprocess.run([self.cli, "ps", "-aq"], env=self.env, capture_output=True, text=True,
                                     timeout=30).stdout.split()
                if ids:
                    subprocess.run([self.cli, "rm", "-f", *ids], env=self.env, capture_output=True, timeout=60)
            except subprocess.TimeoutExpired:
                pass
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for _ in range(50):  # a containerd or shim the daemon left behind
            pids = self._our_pids()
            if not pids:
                break
            for p in pids:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        if self._log:
            self._log.close()
        with open("/proc/self/mountinfo") as f:
            mounts = [ln.split()[4] for ln in f]
        for m in sorted((m for m in mounts if m.startswith(str(self.root) + "/")), key=len, reverse=True):
            subprocess.run(["umount", "-l", m], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def _sigterm_to_interrupt(sig, frame):
    raise KeyboardInterrupt("SIGTERM")


@pytest.fixture(scope="session")
def engine():
    need_root()
    if not find_tool("dockerd") or not find_tool("docker"):
        apt_install("docker.io")
    if not find_tool("dockerd") or not find_tool("docker"):
        pytest.fail("dockerd or docker not found even after installing docker.io")
    eng = Engine()
    atexit.register(eng.stop)  # also when the session is interrupted before the finalizer
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        # A SIGTERM to pytest becomes an interrupt, so the finalizer below still stops the daemon.
        signal.signal(signal.SIGTERM, _sigterm_to_interrupt)
    try:
        eng.start()
        yield eng
    finally:
        eng.stop()


def build_image(engine, folder, tag, procinit, busybox):
    """Build docker/FOLDER with docker/build.sh (context: the folder + procinit + busybox)."""
    env = dict(engine.env, PROCINIT_BIN=str(procinit), BUSYBOX=busybox, DOCKER=engine.cli)
    argv = ["sh", str(DOCKER_DIR / "build.sh"), str(DOCKER_DIR / folder), tag, "-q"]
    try:
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"building {folder} took more than 300 s")
    if r.returncode != 0:
        pytest.fail(f"building docker/{folder} as {tag} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return tag


@pytest.fixture(scope="session")
def test_image(engine, procinit_bin, busybox):
    return build_image(engine, "test", TEST_IMAGE, procinit_bin, busybox)


@pytest.fixture(scope="session")
def example_image(engine, procinit_bin, busybox):
    """Factory: example_image('procfile') builds docker/examples/procfile once and returns its tag."""
    built = {}

    def get(name):
        if name not in built:
            built[name] = build_image(engine, f"examples/{name}", f"procinit-example-{name}:latest",
                                      procinit_bin, busybox)
        return built[name]
    return get


# ---------------------------------------------------------------- containers

class Container:
    """A detached container of this test (`docker run -d`)."""

    def __init__(self, engine, name):
        self.engine = engine
        self.name = name

    def logs(self):
        """(stdout, stderr) of `docker logs`."""
        r = self.engine.docker("logs", self.name)
        return r.stdout, r.stderr

    def out(self):
        return self.logs()[0]

    def lines(self, stream=0):
        return self.logs()[stream].splitlines()

    def state(self):
        r = self.engine.docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", self.name)
        status, code = r.stdout.split()
        return status, int(code)

    def running(self):
        return self.state()[0] == "running"

    def dump(self):
        out, err = self.logs()
        tail = "\n".join(out.splitlines()[-60:])
        return f"state {self.state()}\n--- stdout:\n{tail}\n--- stderr:\n{err[-3000:]}"

    def wait_output(self, pattern, count=1, stream=0, timeout=DEADLINE):
        """Wait until count lines of the stream (0 stdout, 1 stderr) fully match pattern (a regex).
        Fails at once if the container stops before that."""
        rx = re.compile(pattern)

        def check():
            running = self.running()  # read the state first: logs read after it are complete if stopped
            hits = [ln for ln in self.lines(stream) if rx.fullmatch(ln)]
            if len(hits) >= count:
                return True
            if not running:
                pytest.fail(f"container stopped before {count}x {pattern!r}:\n{self.dump()}")
            return False
        wait_until(check, timeout, msg=lambda: f"{count}x {pattern!r} in the logs:\n{self.dump()}")

    def wait_exit(self, timeout=DEADLINE):
        """Wait for the container to stop; return its exit code."""
        r = self.engine.docker("wait", self.name, timeout=timeout)
        return int(r.stdout.strip())

    def stop(self, *args, timeout=60):
        """`docker stop` (default grace 10 s); return the seconds it took."""
        t0 = time.monotonic()
        self.engine.docker("stop", *args, self.name, timeout=timeout)
        return time.monotonic() - t0

    def kill(self, sig):
        self.engine.docker("kill", "-s", sig, self.name)

    def exec(self, *argv, check=True):
        return self.engine.docker("exec", self.name, *argv, check=check)

    def procs(self):
        """[(pid, state, ppid, comm)] of every process in the container, read from /proc inside it."""
        # a process may end between the glob and the read: skip it quietly
        script = 'for f in /proc/[0-9]*/stat; do { read -r l < "$f" && echo "$l"; } 2>/dev/null; done; exit 0'
        out = self.exec("sh", "-c", script).stdout
        procs = []
        for ln in out.splitlines():
            if ")" not in ln:
                continue
            comm = ln[ln.index("(") + 1:ln.rindex(")")]
            fields = ln[ln.rindex(")") + 2:].split()
            procs.append((int(ln.split()[0]), fields[0], int(fields[1]), comm))
        return procs


class Attached:
    """`docker run` in the foreground, its output read by a thread: on a pipe, or
    (tty=True) on a pseudo-terminal that is the controlling terminal of the CLI,
    so that `docker run -it` works as in an interactive shell."""

    def __init__(self, engine, argv, tty=False):
        self.engine = engine
        self._data = bytearray()
        self._lock = threading.Lock()
        self.master = None
        if tty:
            master, slave = os.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
            self.proc = subprocess.Popen(
                [engine.cli] + argv, env=engine.env, stdin=slave, stdout=slave, stderr=slave,
                start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
            os.close(slave)
            self.master = master
            fd = master
        else:
            self.proc = subprocess.Popen([engine.cli] + argv, env=engine.env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                         start_new_session=True)
            fd = self.proc.stdout.fileno()
        self._reader = threading.Thread(target=self._read, args=(fd,), daemon=True)
        self._reader.start()

    def _read(self, fd):
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO on the pty master once the CLI has gone
                break
            if not chunk:
                break
            with self._lock:
                self._data += chunk

    def text(self):
        """Output so far, colour codes, carriage returns and the terminal's echo of ctrl-c removed."""
        with self._lock:
            data = bytes(self._data)
        return ANSI.sub(b"", data).replace(b"\r", b"").replace(b"^C", b"").decode("utf-8", "replace")

    def lines(self):
        return self.text().splitlines()

    def wait_output(self, pattern, timeout=DEADLINE):
        rx = re.compile(pattern)

        def check():
            if any(rx.fullmatch(ln) for ln in self.lines()):
                return True
            if self.proc.poll() is not None:
                self._reader.join(2)
                if any(rx.fullmatch(ln) for ln in self.lines()):
                    return True
                pytest.fail(f"`docker run` exited ({self.proc.returncode}) before {pattern!r}:\n{self.text()}")
            return False
        wait_until(check, timeout, msg=lambda: f"{pattern!r}; output so far:\n{self.text()}")

    def send(self, data):
        os.write(self.master, data)

    def wait(self, timeout=DEADLINE):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"`docker run` did not exit within {timeout}s; output:\n{self.text()}")
        self._reader.join(5)
        return rc

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self.master is not None:
            os.close(self.master)
            self.master = None
        elif self.proc.stdout:
            self.proc.stdout.close()


class Docker:
    """Per-test handle: starts containers of the test image with --network none,
    the helper scripts at /helpers and, when given, an app folder at /app."""

    def __init__(self, engine, image, tmp_path):
        self.engine = engine
        self.image = image
        self.tmp_path = tmp_path
        self.names = []
        self.attached = []

    def app(self, procfile, name="app"):
        """A folder holding this Procfile, to be mounted at /app."""
        return write_procfile(self.tmp_path / name, procfile)

    def _name(self):
        name = f"pt-{uuid.uuid4().hex[:12]}"
        self.names.append(name)
        return name

    def _run_argv(self, name, args, app, opts, image):
        argv = ["run", "--name", name, "--network", "none", "-v", f"{HELPERS}:/helpers:ro"]
        if app is not None:
            argv += ["-v", f"{app}:/app:ro"]
        return argv + list(opts) + [image or self.image] + [str(a) for a in args]

    def run(self, *args, app=None, opts=(), image=None, timeout=DEADLINE):
        """`docker run` in the foreground; return CompletedProcess (returncode is the container's)."""
        name = self._name()
        return self.engine.docker(*self._run_argv(name, args, app, opts, image), timeout=timeout, check=False)

    def start(self, *args, app=None, opts=(), image=None):
        """`docker run -d`; return the Container."""
        name = self._name()
        self.engine.docker(*self._run_argv(name, args, app, ["-d"] + list(opts), image))
        return Container(self.engine, name)

    def attach(self, *args, app=None, opts=(), image=None, tty=False):
        """`docker run` attached to a pipe, or with -it to a pseudo-terminal; return Attached."""
        name = self._name()
        if tty:
            opts = ["-it"] + list(opts)
        a = Attached(self.engine, self._run_argv(name, args, app, opts, image), tty=tty)
        a.container = Container(self.engine, name)
        self.attached.append(a)
        return a

    def cleanup(self):
        for a in self.attached:
            a.close()
        if self.names:
            self.engine.docker("rm", "-f", *self.names, check=False, timeout=60)


@pytest.fixture
def dk(engine, test_image, tmp_path):
    d = Docker(engine, test_image, tmp_path)
    try:
        yield d
    finally:
        d.cleanup()


def pytest_report_header(config):
    return f"procinit binary: {BIN}"
