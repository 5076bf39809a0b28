# SPDX-License-Identifier: MIT
# PORT / PS per instance, formation, base port precedence, env files
# (.env by default, -e lists, later wins, override the inherited environment).

import re
import signal

from conftest import write_procfile

SHOW = 'echo "VAL PS=$PS PORT=$PORT FOO=${FOO-unset} BAR=${BAR-unset}"; exec sleep 1000'


def collect(procinit, tmp_path, names, count, *args, env=None, procfile=None):
    """Run a Procfile of SHOW processes, wait for count instances to report, stop with SIGINT;
    return {instance: 'PS=.. PORT=.. FOO=.. BAR=..'}."""
    if procfile is None:
        write_procfile(tmp_path, "\n".join(f"{n}: {SHOW}" for n in names))
    p = procinit(*args, env=env)
    p.wait_line(r"\S+ +\| VAL .*", count=count)
    p.signal(signal.SIGINT)
    assert p.wait() == 0, p.dump()
    lines = p.lines()
    starts = [ln for ln in lines if re.fullmatch(r"system +\| \S+ +start at pid: \d+", ln)]
    assert len(starts) == count, p.dump()
    out = {}
    for ln in lines:
        m = re.fullmatch(r"(\S+) +\| VAL (.*)", ln)
        if m:
            assert m.group(1) not in out, p.dump()
            out[m.group(1)] = m.group(2)
    return out


def test_default_ports_and_ps(procinit, tmp_path):
    got = collect(procinit, tmp_path, ["web", "worker"], 3, "-m", "all=1,web=2")
    assert got == {
        "web.1": "PS=web.1 PORT=5000 FOO=unset BAR=unset",
        "web.2": "PS=web.2 PORT=5001 FOO=unset BAR=unset",
        "worker.1": "PS=worker.1 PORT=5100 FOO=unset BAR=unset",
    }


def test_port_option_and_third_type(procinit, tmp_path):
    got = collect(procinit, tmp_path, ["a", "b", "c"], 4, "-p", "6000", "-m", "c=3,a=1")
    assert {k: v.split()[1] for k, v in got.items()} == {
        "a.1": "PORT=6000",
        "c.1": "PORT=6200", "c.2": "PORT=6201", "c.3": "PORT=6202",
    }


def test_port_index_counts_entries_not_started(procinit, tmp_path):
    got = collect(procinit, tmp_path, ["web", "worker", "clock"], 1, "start", "clock")
    assert got == {"clock.1": "PS=clock.1 PORT=5200 FOO=unset BAR=unset"}
    got = collect(procinit, tmp_path, ["web", "worker", "clock"], 1, "-m", "all=1,web=0,clock=0")
    assert got == {"worker.1": "PS=worker.1 PORT=5100 FOO=unset BAR=unset"}
    got = collect(procinit, tmp_path, ["web", "worker", "clock"], 1, "-m", "worker=1")
    assert got == {"worker.1": "PS=worker.1 PORT=5100 FOO=unset BAR=unset"}


def test_start_subset_with_formation(procinit, tmp_path):
    got = collect(procinit, tmp_path, ["web", "worker", "clock"], 3, "-m", "worker=2", "start", "web", "worker")
    assert sorted(got) == ["web.1", "worker.1", "worker.2"]
    assert got["worker.2"].startswith("PS=worker.2 PORT=5101 ")


def test_formation_all(procinit, tmp_path):
    got = collect(procinit, tmp_path, ["web", "worker"], 3, "-m", "all=2,worker=1")
    assert sorted(got) == ["web.1", "web.2", "worker.1"]


# foreman's formation rule (issue 11): -m starts what it names (and `all=N`
# the rest); without -m, one of each.

def test_formation_starts_only_what_it_names(procinit, tmp_path):
    got = collect(procinit, tmp_path, ["web", "worker", "clock"], 2, "-m", "web=2")
    assert got == {
        "web.1": "PS=web.1 PORT=5000 FOO=unset BAR=unset",
        "web.2": "PS=web.2 PORT=5001 FOO=unset BAR=unset",
    }


def test_formation_all_gives_the_rest(procinit, tmp_path):
    got = collect(procinit, tmp_path, ["web", "worker", "clock"], 4, "-m", "all=2,web=0")
    assert sorted(got) == ["clock.1", "clock.2", "worker.1", "worker.2"]
    assert got["clock.2"].startswith("PS=clock.2 PORT=5201 ")


def test_without_formation_one_of_each(procinit, tmp_path):
    got = collect(procinit, tmp_path, ["web", "worker", "clock"], 3)
    assert sorted(got) == ["clock.1", "web.1", "worker.1"]


def test_start_name_not_in_formation_runs_once(procinit, tmp_path):
    """`start web` asks for web: the formation not naming it does not make it 0 (foreman: web=1)."""
    got = collect(procinit, tmp_path, ["web", "worker", "clock"], 1, "-m", "worker=2", "start", "web")
    assert got == {"web.1": "PS=web.1 PORT=5000 FOO=unset BAR=unset"}


def test_formation_naming_nothing_to_run(run_cli, tmp_path):
    write_procfile(tmp_path, "web: exit 0\nworker: exit 0\nclock: exit 0")
    for args in (["-m", "web=0"], ["-m", "web=0", "check"], ["-m", "all=0,web=0"],
                 ["-m", "worker=0", "start", "worker"]):
        r = run_cli(*args)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", "procinit: nothing to run\n"), args
    r = run_cli("-m", "clock=3", "check")
    assert (r.returncode, r.stderr) == (0, ""), r.stderr


def test_port_from_environment(procinit, tmp_path):
    got = collect(procinit, tmp_path, ["web"], 1, env={"PORT": "8000"})
    assert got["web.1"].startswith("PS=web.1 PORT=8000 ")


def test_port_from_dotenv_beats_environment(procinit, tmp_path):
    (tmp_path / ".env").write_text("PORT=7000\n")
    got = collect(procinit, tmp_path, ["web", "worker"], 2, env={"PORT": "8000"})
    assert got["web.1"].startswith("PS=web.1 PORT=7000 ")
    assert got["worker.1"].startswith("PS=worker.1 PORT=7100 ")


def test_port_option_beats_dotenv(procinit, tmp_path):
    (tmp_path / ".env").write_text("PORT=7000\n")
    got = collect(procinit, tmp_path, ["web"], 1, "-p", "6000", env={"PORT": "8000"})
    assert got["web.1"].startswith("PS=web.1 PORT=6000 ")


def test_dotenv_overrides_inherited(procinit, tmp_path):
    (tmp_path / ".env").write_text("FOO=from-file\n")
    got = collect(procinit, tmp_path, ["web"], 1, env={"FOO": "inherited", "BAR": "kept"})
    assert got["web.1"] == "PS=web.1 PORT=5000 FOO=from-file BAR=kept"


def test_two_env_files_later_wins_and_no_default_dotenv(procinit, tmp_path):
    (tmp_path / ".env").write_text("FOO=dotenv\nBAR=dotenv\n")
    (tmp_path / "a.env").write_text("FOO=a\nBAR=a\n")
    (tmp_path / "b.env").write_text("BAR=b\n")
    got = collect(procinit, tmp_path, ["web"], 1, "-e", "a.env,b.env")
    assert got["web.1"] == "PS=web.1 PORT=5000 FOO=a BAR=b"
    got = collect(procinit, tmp_path, ["web"], 1, "-e", "b.env", "-e", "a.env")
    assert got["web.1"] == "PS=web.1 PORT=5000 FOO=a BAR=a"
    (tmp_path / "c.env").write_text("FOO=c\n")
    got = collect(procinit, tmp_path, ["web"], 1, "--env=c.env")
    assert got["web.1"] == "PS=web.1 PORT=5000 FOO=c BAR=unset"


def test_root_option_finds_procfile_and_dotenv(procinit, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    write_procfile(app, 'web: echo "VAL PS=$PS PORT=$PORT FOO=$FOO BAR=$(pwd)"; exec sleep 1000')
    (app / ".env").write_text("FOO=app-dotenv\n")
    got = collect(procinit, tmp_path, None, 1, "-d", str(app), procfile="")
    assert got == {"web.1": f"PS=web.1 PORT=5000 FOO=app-dotenv BAR={app}"}


def test_procfile_folder_is_default_root(procinit, tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    write_procfile(app, 'web: echo "VAL PS=$PS PORT=$PORT FOO=$FOO BAR=$(pwd)"; exec sleep 1000')
    (app / ".env").write_text("FOO=app-dotenv\n")
    got = collect(procinit, tmp_path, None, 1, "-f", "app/Procfile", procfile="")
    assert got == {"web.1": f"PS=web.1 PORT=5000 FOO=app-dotenv BAR={app}"}


def test_missing_named_env_file(run_cli, tmp_path):
    write_procfile(tmp_path, "web: exec sleep 1000")
    r = run_cli("-e", "nope.env")
    assert r.returncode == 2
    assert r.stderr == "procinit: nope.env: No such file or directory\n"
    assert r.stdout == ""


DOTENV = r"""# comment line
export EXPORTED=yes
PLAIN=plain value
SINGLE='lit $PLAIN \n'
DOUBLE="a\nb ${PLAIN}"
MULTI="line1
line2"
DEFAULTED=${UNSET_E2E:-fallback}
REF=${PLAIN}-x
EMPTY=
"""


def test_dotenv_dialect_via_run(run_cli, tmp_path):
    write_procfile(tmp_path, "web: exec sleep 1000")
    (tmp_path / ".env").write_text(DOTENV)
    code = ("import os\n"
            "for k in ['EXPORTED','PLAIN','SINGLE','DOUBLE','MULTI','DEFAULTED','REF','EMPTY']:\n"
            "    print(k, repr(os.environ.get(k)))\n")
    r = run_cli("run", "/usr/bin/python3", "-c", code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "EXPORTED 'yes'",
        "PLAIN 'plain value'",
        "SINGLE 'lit $PLAIN \\\\n'",
        "DOUBLE 'a\\nb plain value'",
        "MULTI 'line1\\nline2'",
        "DEFAULTED 'fallback'",
        "REF 'plain value-x'",
        "EMPTY ''",
    ]
