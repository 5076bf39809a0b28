# SPDX-License-Identifier: MIT
# Each exported format read back by its real parser, and run by its real
# manager where one can run here: the commands and the env-file variables
# must come back byte for byte, PORT and PS per instance.
#   systemd:     systemd-analyze verify; `systemd --test` (as an unprivileged
#                uid) dumps the units as systemd parsed them
#   supervisord: supervisor's own ServerOptions parses the config; supervisord
#                runs it; supervisorctl stop all stops it within the timeout
#   runit:       sh runs the run scripts (with a stub chpst that records what it
#                got); runsvdir runs the service folders; sv stops them
#   compose:     docker-compose config (the compose loader, with interpolation)
#   kubernetes:  kubernetes-models validates every object against the
#                OpenAPI schemas, plus the API server's own name/port rules
# tests/docker/test_docker_compose_export.py runs the compose file for real.

import json
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import (BIN, CLEAN_ENV, DEADLINE, ENV_KEYS, HERE, REPO, env_file_vars, export,
                      procfile_commands, run_procinit, wait_until)

# Instances of the golden formation (-m all=1,web=2) with their PORT (-p 6000).
INSTANCES = {"web.1": 6000, "web.2": 6001, "web-1.1": 6100, "worker_2.1": 6200}


def tool(name):
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/bin")
    if not path:
        pytest.fail(f"{name} is missing: `make test` installs it (tests/deps.sh)")
    return path


def expected_env(app):
    return {k: v for k, v in env_file_vars(app).items() if k in ENV_KEYS}


def unused_uid():
    """A uid no account has, so nothing else runs as it (for systemd's test mode)."""
    for uid in range(61000 + os.getpid() % 1000, 65000):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
    pytest.fail("no free uid")


def kill_under(folder):
    """SIGKILL every process whose working folder is under FOLDER (what a test left running)."""
    folder = str(folder)
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            cwd = os.readlink(f"/proc/{d}/cwd")
        except OSError:
            continue
        if cwd == folder or cwd.startswith(folder + "/"):
            try:
                os.kill(int(d), signal.SIGKILL)
            except ProcessLookupError:
                pass


def pid_written(path):
    """Whether PATH holds a whole pid: `echo $$ >FILE` creates the file empty, then writes.
    Each command writes its pid file last, so its .out and .env are whole by then too."""
    try:
        return path.read_text().endswith("\n")
    except FileNotFoundError:
        return False


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def check_instance_files(app, env):
    """Each instance's .out (the command's effect), .env (its real environment), .pid."""
    want_out = {
        "web": b"it's|\"dq\" $HOME 100% \\|back\\slash %(here)s %(ENV_HOME)s ;#x\n",
        "web-1": "ünïcødé ✓ 💥 [héllo \"wörld\" ✓ 💥]\n".encode(),
        "worker_2": b"1 ;#x\ttab\n2 ;#x\ttab\n",
    }
    pids = {}
    for ps, port in INSTANCES.items():
        assert (app / f"{ps}.out").read_bytes() == want_out[ps.rsplit(".", 1)[0]], ps
        got = dict(item.split(b"=", 1) for item in (app / f"{ps}.env").read_bytes().split(b"\0") if item)
        for k, v in env.items():
            assert got.get(k.encode()) == v, f"{ps}: {k}"
        assert got[b"PORT"] == str(port).encode(), ps
        assert got[b"PS"] == ps.encode()
        pids[ps] = int((app / f"{ps}.pid").read_text())
    return pids


# ---------------------------------------------------------------- systemd

def systemd_dump(units, unit):
    """The manager's view of UNIT (after parsing), from `systemd --test` run as an unused uid
    (systemd refuses test mode as root), on a world-readable copy of the units."""
    public = Path(tempfile.mkdtemp(prefix="procinit-units-"))
    try:
        public.chmod(0o755)
        for p in units.iterdir():
            if p.suffix in (".service", ".target"):
                shutil.copy(p, public / p.name)
                (public / p.name).chmod(0o644)
        env = dict(CLEAN_ENV, SYSTEMD_UNIT_PATH=f"{public}:", SYSTEMD_LOG_TARGET="console")
        argv = ["/lib/systemd/systemd", "--test", "--system", f"--unit={unit}"]
        if os.geteuid() == 0:
            uid = unused_uid()
            argv = [tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups"] + argv
        r = subprocess.run(argv, env=env, capture_output=True, timeout=120, cwd="/")
    finally:
        shutil.rmtree(public)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    return r.stdout


def unit_block(dump, name):
    lines = dump.split(b"\n")
    start = lines.index(b"\t-> Unit " + name.encode() + b":")
    block = []
    for line in lines[start + 1:]:
        if line.startswith(b"\t-> Unit "):
            break
        block.append(line)
    return block


FIELD = re.compile(rb"^\t\t(-> )?[A-Z][A-Za-z ]*:")


def dump_environment(block):
    """{key: value} of the Environment: lines; a value may span lines (raw line feeds)."""
    env, cur = {}, None
    for line in block:
        if line.startswith(b"\t\tEnvironment: "):
            cur = line[len(b"\t\tEnvironment: "):]
            k, v = cur.split(b"=", 1)
            env[k] = v
            last = k
        elif cur is not None and not FIELD.match(line):
            env[last] += b"\n" + line
        else:
            cur = None
    return env


C_ESCAPES = {b"a": b"\a", b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"v": b"\v"}


def sd_split(text):
    """Splits a dumped `Command Line:` as systemd quoted it (C escapes inside "...")."""
    words, cur, i, quoted, have = [], b"", 0, False, False
    while i < len(text):
        c = text[i:i + 1]
        if c == b'"':
            quoted, have = not quoted, True
        elif c == b"\\":
            n = text[i + 1:i + 2]
            if n in C_ESCAPES:
                cur += C_ESCAPES[n]
            elif n == b"x":
                cur += bytes([int(text[i + 2:i + 4], 16)])
                i += 2
            else:
                cur += n
            i += 1
        elif c == b" " and not quoted:
            if cur or have:
                words.append(cur)
            cur, have = b"", False
        else:
            cur += c
        i += 1
    if cur or have:
        words.append(cur)
    return words


def test_systemd_verify(app_dir, tmp_path):
    out = tmp_path / "units"
    export(app_dir, "systemd", out, "--user", "root", "--log", str(tmp_path))
    units = sorted(str(p) for p in out.iterdir() if p.suffix in (".service", ".target"))
    r = subprocess.run([tool("systemd-analyze"), "verify", "--man=no", *units], capture_output=True,
                       text=True, timeout=120, env=dict(CLEAN_ENV, SYSTEMD_LOG_LEVEL="notice"))
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr
    # verify really reads what we write: a unit broken by hand must fail it.
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    svc = broken / "shop-web-1.service"
    svc.write_bytes(svc.read_bytes().replace(b"ExecStart=/bin/sh", b"ExecStart=sh\"", 1))
    r = subprocess.run([tool("systemd-analyze"), "verify", "--man=no", str(svc)], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode != 0 and "Unbalanced quoting" in r.stderr, r.stderr


def test_systemd_round_trip(app_dir, tmp_path):
    out = tmp_path / "units"
    export(app_dir, "systemd", out)
    dump = systemd_dump(out, "shop.target")
    env, cmds = expected_env(app_dir), procfile_commands(app_dir)
    for ps, port in INSTANCES.items():
        name, num = ps.rsplit(".", 1)
        block = unit_block(dump, f"shop-{name}-{num}.service")
        got = dump_environment(block)
        for k, v in env.items():
            assert got[k.encode()] == v, f"{ps}: {k}"
        assert got[b"PORT"] == str(port).encode() and got[b"PS"] == ps.encode()
        line = next(x for x in block if x.startswith(b"\t\t\tCommand Line: "))
        argv = sd_split(line[len(b"\t\t\tCommand Line: "):])
        # At exec time systemd turns "$$" into "$" (and would expand a lone $VAR).
        argv = [a.replace(b"$$", b"$") for a in argv]
        assert argv == [b"/bin/sh", b"-c", cmds[name].encode()], ps
        assert b"\t\tKillMode: mixed" in block
        assert (b"\t\tRestart: always" if name == "worker_2" else b"\t\tRestart: no") in block
    assert b"\t\tKillSignal: SIGINT" in unit_block(dump, "shop-worker_2-1.service")
    # The dump rounds to seconds: systemd's own parser says what -t 2.5 became.
    value = re.search(rb"^TimeoutStopSec=(.*)$", (out / "shop-web-1.service").read_bytes(), re.M).group(1)
    r = subprocess.run([tool("systemd-analyze"), "timespan", value], capture_output=True, text=True, timeout=60)
    assert re.search(r"\bμs: 2500000$", r.stdout, re.M), r.stdout


# ---------------------------------------------------------------- supervisord

SUPERVISORD_MAIN = """\
[unix_http_server]
file={tmp}/s.sock
[supervisord]
logfile={tmp}/supervisord.log
pidfile={tmp}/supervisord.pid
childlogdir={tmp}
nodaemon=true
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://{tmp}/s.sock
[include]
files = {conf}
"""


def supervisord_main(tmp_path, conf):
    main = tmp_path / "supervisord.conf"
    main.write_text(SUPERVISORD_MAIN.format(tmp=tmp_path, conf=conf))
    return main


def test_supervisord_parse(app_dir, tmp_path):
    """supervisor's own config reader and shlex give back every command and variable."""
    from supervisor.options import ServerOptions

    out = tmp_path / "conf"
    export(app_dir, "supervisord", out, "--user", "root", "--log", str(tmp_path))
    opts = ServerOptions()
    opts.configfile = str(supervisord_main(tmp_path, out / "shop.conf"))
    opts.process_config(do_usage=False)
    env, cmds = expected_env(app_dir), procfile_commands(app_dir)
    groups = {g.name: g for g in opts.process_group_configs}
    assert list(groups) == ["shop"]
    progs = {p.name: p for p in groups["shop"].process_configs}
    assert sorted(progs) == sorted(f"shop-{ps.replace('.', '-')}" for ps in INSTANCES)
    for ps, port in INSTANCES.items():
        name, num = ps.rsplit(".", 1)
        p = progs[f"shop-{name}-{num}"]
        argv = shlex.split(p.command)  # as supervisord's get_execv_args does
        assert argv[0] == "/usr/bin/env" and argv[-3:] == ["/bin/sh", "-c", cmds[name]], ps
        assigned = dict(a.split("=", 1) for a in argv[1:-3])
        assert {k: v.encode() for k, v in assigned.items()} == env, ps
        assert p.environment == {"PORT": str(port), "PS": ps}
        assert p.directory == str(app_dir) and p.stopasgroup and p.killasgroup
        assert p.stopwaitsecs == 3 and bool(p.autorestart) is (name == "worker_2")


def test_supervisord_carriage_return_is_refused(app_dir, tmp_path):
    r = export(app_dir, "supervisord", tmp_path / "x", "-e", f"{app_dir}/.env,{app_dir}/crlf.env",
               check=False)
    assert r.returncode == 2
    assert b"procinit: export supervisord: the value of WINDOWS contains a carriage return" in r.stderr
    assert not (tmp_path / "x" / "shop.conf").exists()


def test_supervisord_runs_it(app_dir, tmp_path):
    out = tmp_path / "conf"
    logs = tmp_path / "logs"
    logs.mkdir()
    r = run_procinit("-d", app_dir, "-m", "all=1,web=2", "-p", "6000", "-t", "1", "--restart", "worker_2",
                     "--app", "shop", "--log", logs, "export", "supervisord", out)
    assert r.returncode == 0, r.stderr
    main = supervisord_main(tmp_path, out / "shop.conf")
    sup = subprocess.Popen([tool("supervisord"), "-c", str(main)], env=CLEAN_ENV, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until(lambda: all(pid_written(app_dir / f"{ps}.pid") for ps in INSTANCES),
                   msg=lambda: "every instance's pid file; log:\n" + (tmp_path / "supervisord.log").read_text())
        pids = check_instance_files(app_dir, expected_env(app_dir))
        ctl = [tool("supervisorctl"), "-c", str(main)]

        def status():
            return subprocess.run(ctl + ["status"], capture_output=True, text=True, timeout=DEADLINE).stdout
        # worker_2 (--restart) counts as started after startsecs=1.
        wait_until(lambda: status().count("RUNNING") == len(INSTANCES), msg=status)
        t0 = time.monotonic()
        subprocess.run(ctl + ["stop", "all"], capture_output=True, timeout=DEADLINE)
        took = time.monotonic() - t0
        # worker_2 ignores SIGTERM: SIGKILL after stopwaitsecs (1 s), to its whole group.
        assert took < 1 + 4, f"stop all took {took:.1f} s"
        wait_until(lambda: not any(alive(p) for p in pids.values()), timeout=5, msg="every instance gone")
        assert (logs / "shop-web-1.log").exists()
    finally:
        sup.terminate()
        try:
            sup.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            sup.kill()
        kill_under(tmp_path)


# ---------------------------------------------------------------- runit

FAKE_CHPST = """#!/bin/sh
printf '%s\\0' "$@" >"$FAKE_OUT.argv"
cat /proc/$$/environ >"$FAKE_OUT.env"
"""


def test_runit_run_scripts_round_trip(app_dir, tmp_path):
    """sh itself reads each run script: chpst gets the command and environment unchanged."""
    out = tmp_path / "sv"
    export(app_dir, "runit", out)
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "chpst").write_text(FAKE_CHPST)
    (fake / "chpst").chmod(0o755)
    env, cmds = expected_env(app_dir), procfile_commands(app_dir)
    for ps, port in INSTANCES.items():
        name, num = ps.rsplit(".", 1)
        rec = tmp_path / ps
        r = subprocess.run(["/bin/sh", str(out / f"shop-{name}-{num}" / "run")], capture_output=True,
                           timeout=DEADLINE, env=dict(CLEAN_ENV, PATH=f"{fake}:{CLEAN_ENV['PATH']}",
                                                      FAKE_OUT=str(rec)))
        assert r.returncode == 0, r.stdout + r.stderr
        argv = (tmp_path / f"{ps}.argv").read_bytes().split(b"\0")[:-1]
        assert argv == [b"-P", b"-u", b"app", b"/bin/sh", b"-c", cmds[name].encode()], ps
        got = dict(i.split(b"=", 1) for i in (tmp_path / f"{ps}.env").read_bytes().split(b"\0") if i)
        for k, v in env.items():
            assert got[k.encode()] == v, f"{ps}: {k}"
        assert got[b"PORT"] == str(port).encode() and got[b"PS"] == ps.encode()


def sv(*args):
    return subprocess.run([tool("sv"), *map(str, args)], capture_output=True, text=True, timeout=DEADLINE)


def test_runsvdir_runs_them(app_dir, tmp_path):
    out = tmp_path / "sv"
    logs = tmp_path / "logs"
    r = run_procinit("-d", app_dir, "-m", "all=1,web=2", "-p", "6000", "-t", "1", "--restart", "worker_2",
                     "--app", "shop", "--log", logs, "export", "runit", out)
    assert r.returncode == 0, r.stderr
    rsd = subprocess.Popen([tool("runsvdir"), "-P", str(out)], env=CLEAN_ENV, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    svc = {ps: out / ("shop-" + ps.replace(".", "-")) for ps in INSTANCES}
    try:
        wait_until(lambda: all(pid_written(app_dir / f"{ps}.pid") for ps in INSTANCES),
                   msg="every instance's pid file")
        pids = check_instance_files(app_dir, expected_env(app_dir))
        # chpst -P: each instance leads its own process group, which control/t and control/k signal.
        for ps, pid in pids.items():
            assert os.getpgid(pid) == pid, ps
        wait_until(lambda: (logs / "shop-web-1" / "current").exists(), msg="svlogd's log")
        # `sv stop` goes through control/t to the whole group: the exec'd sleep ends.
        sv("stop", svc["web.2"])
        wait_until(lambda: not alive(pids["web.2"]), timeout=5, msg="web.2 stopped")
        # Not --restart: a process that exits on its own stays down (finish runs `sv down`).
        os.kill(pids["web.1"], signal.SIGKILL)
        wait_until(lambda: sv("status", svc["web.1"]).stdout.startswith("down:"), msg="web.1 down")
        # --restart: runsv starts it again (a new pid).
        (app_dir / "worker_2.1.pid").unlink()
        os.kill(pids["worker_2.1"], signal.SIGKILL)
        wait_until(lambda: pid_written(app_dir / "worker_2.1.pid"), msg="worker_2.1 restarted")
        new = int((app_dir / "worker_2.1.pid").read_text())
        assert new != pids["worker_2.1"]
        # worker_2 ignores SIGTERM: force-stop sends it, then control/k's SIGKILL after -w.
        r = sv("-w", "1", "force-stop", svc["worker_2.1"])
        wait_until(lambda: not alive(new), timeout=5, msg=f"worker_2.1 killed ({r.stdout})")
        sv("stop", svc["web-1.1"])
        wait_until(lambda: not alive(pids["web-1.1"]), timeout=5, msg="web-1.1 stopped")
    finally:
        rsd.send_signal(signal.SIGHUP)  # runsvdir: TERM to every runsv, then exit
        try:
            rsd.wait(DEADLINE)
        except subprocess.TimeoutExpired:
            rsd.kill()
        kill_under(tmp_path)


# ---------------------------------------------------------------- compose

def test_compose_config_round_trip(app_dir, tmp_path):
    import yaml

    out = tmp_path / "c"
    export(app_dir, "compose", out)
    r = subprocess.run([tool("docker-compose"), "-f", str(out / "compose.yaml"), "config"], capture_output=True,
                       timeout=120, env=dict(CLEAN_ENV, DOCKER_HOST="unix:///nonexistent"))
    assert r.returncode == 0 and not r.stderr, r.stderr
    cfg = yaml.safe_load(r.stdout)

    def undo(s):  # `config` writes a literal '$' as "$$" again
        return s.replace("$$", "$")
    env, cmds = expected_env(app_dir), procfile_commands(app_dir)
    assert sorted(cfg["services"]) == sorted(cmds)
    for name, svc in cfg["services"].items():
        assert [undo(a) for a in svc["command"]] == ["/bin/sh", "-c", cmds[name]], name
        assert svc["entrypoint"][0] == "/procinit" and svc["entrypoint"][-1] == "--"
        got = {k: undo(v).encode() for k, v in svc["environment"].items()}
        for k, v in env.items():
            assert got[k] == v, f"{name}: {k}"
        port = INSTANCES[name + ".1"]
        assert got["PORT"] == str(port).encode() and svc["expose"] == [str(port)]
        assert svc["deploy"]["replicas"] == (2 if name == "web" else 1)
        assert svc["stop_grace_period"] == "5s"


# ---------------------------------------------------------------- kubernetes

@pytest.fixture(scope="session")
def k8s_validator():
    """validate.mjs with its pinned npm packages (package-lock.json), installed once into build/."""
    dest = REPO / "build" / "export-k8s"
    src = HERE / "k8s"
    dest.mkdir(parents=True, exist_ok=True)
    lock = (src / "package-lock.json").read_bytes()
    if not (dest / "node_modules").is_dir() or (dest / "package-lock.json").read_bytes() != lock:
        for f in ("package.json", "package-lock.json"):
            shutil.copy(src / f, dest / f)
        r = subprocess.run([tool("npm"), "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                           cwd=dest, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            pytest.fail(f"npm ci failed:\n{r.stdout}\n{r.stderr}")
    shutil.copy(src / "validate.mjs", dest / "validate.mjs")
    return dest / "validate.mjs"


def k8s_validate(validator, path):
    return subprocess.run([tool("node"), str(validator), str(path)], capture_output=True, text=True,
                          timeout=120)


def expand_k8s(s):
    """Kubernetes' $(VAR) expansion of command, args and env values: "$$" is a literal '$'."""
    out, i = "", 0
    while i < len(s):
        if s[i] == "$" and s[i + 1:i + 2] == "$":
            out, i = out + "$", i + 2
        else:
            assert not s.startswith("$(", i), "an unescaped $( would be expanded"
            out, i = out + s[i], i + 1
    return out


def test_kubernetes_validates_and_round_trips(app_dir, tmp_path, k8s_validator):
    out = tmp_path / "k"
    export(app_dir, "kubernetes", out)
    r = k8s_validate(k8s_validator, out / "shop.yaml")
    assert r.returncode == 0, r.stderr
    objs = json.loads(r.stdout)
    env, cmds = expected_env(app_dir), procfile_commands(app_dir)
    kinds = [(o["kind"], o["metadata"]["name"]) for o in objs]
    assert kinds == [("ConfigMap", "shop-env"), ("Deployment", "shop-web"), ("Service", "shop-web"),
                     ("Deployment", "shop-web-1"), ("Service", "shop-web-1"),
                     ("Deployment", "shop-worker-2"), ("Service", "shop-worker-2")]
    assert {k: v.encode() for k, v in objs[0]["data"].items()} == env
    for dep, name in ((objs[1], "web"), (objs[3], "web-1"), (objs[5], "worker_2")):
        c = dep["spec"]["template"]["spec"]["containers"][0]
        assert [expand_k8s(a) for a in c["args"]] == ["/bin/sh", "-c", cmds[name]], name
        assert c["command"][0] == "/procinit" and c["command"][-1] == "--"
        assert c["env"][0] == {"name": "PORT", "value": str(INSTANCES[name + ".1"])}
        assert dep["spec"]["replicas"] == (2 if name == "web" else 1)
        assert dep["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 5
    probes = [o["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] for o in objs[1::2]]
    assert probes == [{"tcpSocket": {"port": 6000}}, {"httpGet": {"path": "/health?x=1", "port": 8080}},
                      {"exec": {"command": ["/bin/sh", "-c", 'test -s "$PS.out"']}}]


def test_kubernetes_validator_can_fail(app_dir, tmp_path, k8s_validator):
    out = tmp_path / "k"
    export(app_dir, "kubernetes", out)
    text = (out / "shop.yaml").read_text()
    for bad in (text.replace("replicas: 2", 'replicas: "2"'), text.replace("containerPort: 6000", "containerPort: 0"),
                text.replace("runAsUser", "runAsUsr"), text.replace('name: "shop-web"', 'name: "Shop_web"', 1)):
        (tmp_path / "bad.yaml").write_text(bad)
        assert k8s_validate(k8s_validator, tmp_path / "bad.yaml").returncode == 1


def test_kubernetes_name_collision(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "Procfile").write_text("web_1: true\nweb-1: true\n")
    r = run_procinit("-d", app, "--image", "x", "export", "kubernetes", tmp_path / "k")
    assert r.returncode == 2
    assert r.stderr == (b"procinit: export kubernetes: processes 'web_1' and 'web-1' both map to the "
                        b"Kubernetes name 'app-web-1'\n")


def test_kubernetes_needs_numeric_user(app_dir, tmp_path):
    r = run_procinit("-d", app_dir, "--image", "x", "--user", "app", "export", "k8s", tmp_path / "k")
    assert r.returncode == 2 and b"numeric uid" in r.stderr
