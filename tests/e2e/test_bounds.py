# SPDX-License-Identifier: MIT
# Inputs with bounds, in linear time (issue 11): a Procfile or env file that
# never ends (/dev/zero, an endless stdin) is refused at 16 MiB; an env file of
# 100,000 variables and a Procfile of 50,000 entries are read in linear time;
# a formation is checked (ports, total) before any instance is built. Each
# run is measured with wait4: CPU time and peak RSS are the child's own, so
# the bounds hold on a loaded machine. Figures are printed (pytest -s).

import os
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, DEADLINE, clean_env

MIB = 1 << 20
GOOD = "web: exit 0\nworker: exit 0\n"
# Sanitizer builds reserve terabytes of address space: no RLIMIT_AS for them,
# ASan's own RSS limit instead. The old unbounded reader then still stops.
SANITIZED = any(sym in Path(BIN).read_bytes() for sym in (b"__asan_init", b"__tsan_init"))
AS_LIMIT = 1 << 30

# wait4's peak RSS of a child forked by pytest would include pytest's own
# (the fork's copy counts until exec): a small C parent forks procinit.
RUSAGE_C = r"""
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
/* rusage OUT AS_LIMIT PROG ARG...: runs PROG, writes "status cpu_seconds maxrss_kib" to OUT. */
int main(int argc, char **argv)
{
	unsigned long long lim = argc > 3 ? strtoull(argv[2], NULL, 10) : 0;
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int st;

	if (argc < 4)
		return 64;
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { lim, lim };
		if (lim)
			setrlimit(RLIMIT_AS, &rl);
		execv(argv[3], argv + 3);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0 || !(f = fopen(argv[1], "w")))
		return 70;
	fprintf(f, "%d %f %ld\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
		ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		ru.ru_maxrss);
	return fclose(f) ? 70 : 0;
}
"""


@pytest.fixture(scope="module")
def rusage(tmp_path_factory):
    d = tmp_path_factory.mktemp("rusage")
    (d / "rusage.c").write_text(RUSAGE_C)
    subprocess.run(["cc", "-O1", "-o", str(d / "rusage"), str(d / "rusage.c")], check=True)
    return str(d / "rusage")


@pytest.fixture
def measured(rusage, tmp_path, tag):
    def run(args, stdin=subprocess.DEVNULL, timeout=DEADLINE):
        """Runs procinit to its end: (exit code, stdout, stderr, CPU seconds, peak RSS in MiB)."""
        env = clean_env(None, tag)
        if SANITIZED:
            env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":hard_rss_limit_mb=1024"
        out, err, ru = tmp_path / ".out", tmp_path / ".err", tmp_path / ".rusage"
        cmd = [rusage, str(ru), "0" if SANITIZED else str(AS_LIMIT), BIN] + [str(a) for a in args]
        with open(out, "wb") as fo, open(err, "wb") as fe:
            p = subprocess.Popen(cmd, cwd=str(tmp_path), env=env, stdin=stdin, stdout=fo, stderr=fe,
                                 start_new_session=True)
        try:
            assert p.wait(timeout=timeout) == 0, "the rusage helper failed"
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
            pytest.fail(f"procinit {args} did not finish within {timeout}s")
        rc, cpu, rss = ru.read_text().split()
        return (int(rc), out.read_text(errors="replace"), err.read_text(errors="replace"),
                float(cpu), int(rss) / 1024)
    return run


@pytest.mark.parametrize("args", [["-f", "/dev/zero", "check"], ["-e", "/dev/zero", "check"],
                                  ["-e", "/dev/zero", "--", "true"]],
                         ids=["procfile", "env-file", "env-file-single-command"])
def test_endless_file_is_refused_at_16_mib(measured, tmp_path, args):
    (tmp_path / "Procfile").write_text(GOOD)
    rc, out, err, cpu, rss = measured(args)
    print(f"\n[bounds] {' '.join(args)}: exit {rc}, {cpu:.2f} s CPU, peak RSS {rss:.1f} MiB, {err.strip()!r}")
    assert (rc, out, err) == (2, "", "procinit: /dev/zero: larger than 16 MiB\n")
    assert rss < 100  # the 16 MiB buffer, not the stream


def test_endless_stdin_procfile_is_refused_at_16_mib(measured, tmp_path):
    yes = subprocess.Popen(["yes", "web: true"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        rc, out, err, cpu, rss = measured(["-f", "-", "check"], stdin=yes.stdout)
    finally:
        yes.kill()
        yes.wait()
        yes.stdout.close()
    print(f"\n[bounds] yes | -f - check: exit {rc}, {cpu:.2f} s CPU, peak RSS {rss:.1f} MiB, {err.strip()!r}")
    assert (rc, out, err) == (2, "", "procinit: <stdin>: larger than 16 MiB\n")
    assert rss < 100  # the 16 MiB buffer, not the stream


def test_files_of_exactly_16_mib_are_read(measured, tmp_path):
    """The bound is 16 MiB inclusive: a comment that fills the file to the byte is fine."""
    body = GOOD.encode()
    (tmp_path / "Procfile").write_bytes(body + b"#" * (16 * MIB - len(body) - 1) + b"\n")
    (tmp_path / "x.env").write_bytes(b"A=1\n#" + b"x" * (16 * MIB - 6) + b"\n")
    rc, out, err, cpu, rss = measured(["-e", "x.env", "check"])
    assert (rc, out, err) == (0, "valid procfile detected (web, worker)\n", "")
    with open(tmp_path / "Procfile", "ab") as f:
        f.write(b"\n")
    rc, out, err, cpu, rss = measured(["check"])
    assert (rc, out, err) == (2, "", "procinit: Procfile: larger than 16 MiB\n")


def test_env_file_of_100000_variables_in_linear_time(measured, tmp_path):
    (tmp_path / "Procfile").write_text(GOOD)
    (tmp_path / "big.env").write_text("".join(f"V{i}=x\n" for i in range(100_000))
                                      + "V0=${V99999}y\nexport V5=\"$V0\"\n")
    rc, out, err, cpu, rss = measured(["-e", "big.env", "check"])
    print(f"\n[bounds] env file of 100,000 variables, check: {cpu:.2f} s CPU, peak RSS {rss:.1f} MiB")
    assert (rc, out, err) == (0, "valid procfile detected (web, worker)\n", "")
    # The quadratic lookup took ~18 s (docs/reliability.md); linear is far below the bound.
    assert cpu < 3.0, f"{cpu:.2f} s of CPU"


def test_env_values_reach_the_child_from_a_big_file(measured, tmp_path):
    # 50,000: the whole environment must still fit execve's 2 MiB.
    (tmp_path / "big.env").write_text("".join(f"V{i}=x{i}\n" for i in range(50_000))
                                      + "V0=${V49999}y\nexport V5=\"$V0\"\n")
    rc, out, err, cpu, rss = measured(["-e", "big.env", "--", "sh", "-c", 'echo "$V0 $V5 $V37777"'])
    assert (rc, out, err) == (0, "x49999y x49999y x37777\n", "")


def test_procfile_of_50000_entries_in_linear_time(measured, tmp_path):
    (tmp_path / "Procfile").write_text("".join(f"p{i}: true\n" for i in range(50_000)) + "p0: again\n")
    rc, out, err, cpu, rss = measured(["check"])
    print(f"\n[bounds] Procfile of 50,000 entries, check: {cpu:.2f} s CPU, peak RSS {rss:.1f} MiB")
    assert (rc, out, err) == (2, "", "procinit: Procfile:50001: duplicate process 'p0' (first defined on line 1)\n")
    # The quadratic duplicate check took ~4.4 s (docs/reliability.md).
    assert cpu < 2.0, f"{cpu:.2f} s of CPU"


def test_formation_ports_checked_before_instances_are_built(measured, tmp_path):
    """-m all=10000 over 600 types asked for 6,000,000 instances (3.2 GB) before the port error."""
    (tmp_path / "Procfile").write_text("".join(f"p{i}: true\n" for i in range(600)))
    rc, out, err, cpu, rss = measured(["-m", "all=10000", "check"])
    print(f"\n[bounds] -m all=10000 over 600 types: exit {rc}, {cpu:.2f} s CPU, peak RSS {rss:.1f} MiB, "
          f"{err.strip()!r}")
    # p506 is the first type whose 10000th port passes 65535: 5000 + 50600 + 9936 = 65536.
    assert (rc, out, err) == (2, "", "procinit: port for p506.9937 out of range (base port 5000)\n")
    assert rss < 64 and cpu < 2.0


def test_formation_total_is_bounded(measured, tmp_path):
    """Ports in range but 50,000 instances in all: refused before any is built."""
    (tmp_path / "Procfile").write_text("".join(f"p{i}: true\n" for i in range(5)))
    rc, out, err, cpu, rss = measured(["-p", "1", "-m", "all=10000", "check"])
    print(f"\n[bounds] -p 1 -m all=10000 over 5 types: exit {rc}, {cpu:.2f} s CPU, peak RSS {rss:.1f} MiB")
    assert (rc, out, err) == (2, "", "procinit: -m: 50000 instances in all, more than 10000\n")
    assert rss < 64


def test_env_file_expansion_is_bounded(measured, tmp_path):
    """17 KB that copy a 512 KiB value per line: 2 GB and 4 s before, now refused at 32 MiB of values."""
    (tmp_path / "Procfile").write_text(GOOD)
    lines = ["A=xx"] + ["A=$A$A"] * 18 + [f"B{i}=$A" for i in range(2000)]
    (tmp_path / "laugh.env").write_text("\n".join(lines) + "\n")
    rc, out, err, cpu, rss = measured(["-e", "laugh.env", "check"])
    print(f"\n[bounds] env file copying a 512 KiB value 2000 times: exit {rc}, {cpu:.2f} s CPU, "
          f"peak RSS {rss:.1f} MiB, {err.strip()!r}")
    # A is 512 KiB after line 19 (1 MiB of values so far); B62 on line 82 passes 32 MiB.
    assert (rc, out, err) == (2, "", "procinit: laugh.env:82: values longer than 32 MiB in all\n")
    assert rss < 200
