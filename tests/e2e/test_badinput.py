# SPDX-License-Identifier: MIT
# Bad input (issue 4): a table of malformed Procfiles, env files, formations
# and option lines (empty files, no colon, bad names, duplicates,
# unterminated quotes, NUL bytes, invalid UTF-8, 1 MB lines, CRLF, missing
# files, folders instead of files, negative and huge numbers, unknown
# processes, -x/--restart/--stop-signal). Each must exit 2 with its exact
# message on stderr, naming file and line where there is one; nothing may
# crash, hang, start a process or be silently accepted. Files are checked by
# `check` too, which must agree.

import pytest

MB = 1 << 20
GOOD = b"web: exit 0\nworker: exit 0\n"


def pf(data, *args):
    return {"Procfile": data}, list(args)


def env(data, *args):
    return {"Procfile": GOOD, "x.env": data}, ["-e", "x.env"] + list(args)


def opt(*args, files=None):
    return ({"Procfile": GOOD} if files is None else files), list(args)


# id: (files {name: bytes, or None for a folder}, args, expected stderr lines without "procinit: ")
FILES = {
    "pf-empty": (pf(b""), ["Procfile: no processes defined"]),
    "pf-blank-and-comments": (pf(b"\n  \n# only a comment\n\t\r\n"), ["Procfile: no processes defined"]),
    "pf-no-colon": (pf(b"web exec sleep 1\n"), ["Procfile:1: expected 'name: command'"]),
    "pf-empty-name": (pf(b"worker: x\n: sleep 1\n"), ["Procfile:2: empty process name"]),
    "pf-blank-in-name": (pf(b"we b: x\n"), ["Procfile:1: invalid character ' ' in process name"]),
    "pf-dot-in-name": (pf(b"web.1: x\n"), ["Procfile:1: invalid character '.' in process name"]),
    "pf-quote-in-name": (pf(b"we'b: x\n"), ["Procfile:1: invalid character '\\x27' in process name"]),
    "pf-tab-in-name": (pf(b"we\tb: x\n"), ["Procfile:1: invalid character '\\x09' in process name"]),
    "pf-utf8-name": (pf("wéb: x\n".encode()), ["Procfile:1: invalid character '\\xc3' in process name"]),
    "pf-invalid-utf8-name": (pf(b"w\xff\xfeb: x\n"), ["Procfile:1: invalid character '\\xff' in process name"]),
    "pf-name-64-chars": (pf(b"a" * 64 + b": x\n"), ["Procfile:1: process name longer than 63 characters"]),
    "pf-name-1MB": (pf(b"a" * MB + b": x\n"), ["Procfile:1: process name longer than 63 characters"]),
    "pf-line-1MB-no-colon": (pf(b"web: x\n" + b"x" * MB + b"\n"), ["Procfile:2: expected 'name: command'"]),
    "pf-duplicate": (pf(b"web: a\nworker: b\nweb: c\n"),
                     ["Procfile:3: duplicate process 'web' (first defined on line 1)"]),
    "pf-duplicate-crlf": (pf(b"web: a\r\n\r\nweb: b\r\n"),
                          ["Procfile:3: duplicate process 'web' (first defined on line 1)"]),
    "pf-empty-command": (pf(b"web:\n"), ["Procfile:1: empty command for process 'web'"]),
    "pf-blank-command-crlf": (pf(b"web: \t \r\n"), ["Procfile:1: empty command for process 'web'"]),
    "pf-nul-in-name": (pf(b"web: a\nwor\0ker: b\n"), ["Procfile:2: NUL byte in line"]),
    "pf-nul-in-command": (pf(b"web: a\0b\n"), ["Procfile:1: NUL byte in line"]),
    "pf-error-on-line-2000": (pf(b"web: x\n" + b"\n" * 1998 + b"oops\n"), ["Procfile:2000: expected 'name: command'"]),
    "pf-every-error-listed": (pf(b"bad\nweb: x\nw.x: y\nweb: z\n"), [
        "Procfile:1: expected 'name: command'",
        "Procfile:3: invalid character '.' in process name",
        "Procfile:4: duplicate process 'web' (first defined on line 2)"]),
    "pf-200000-errors-capped": (pf(b"web: x\n" * 200000), [
        f"Procfile:{i}: duplicate process 'web' (first defined on line 1)" for i in range(2, 102)]
        + ["Procfile: 199899 more errors not shown"]),
    "pf-missing-default": (({}, []), ["Procfile: No such file or directory"]),
    "pf-missing": (opt("-f", "nope/Procfile.dev"), ["nope/Procfile.dev: No such file or directory"]),
    "pf-is-a-folder": (opt("-f", "app", files={"app": None}), ["app: Is a directory"]),
    "pf-dev-null": (opt("-f", "/dev/null"), ["/dev/null: no processes defined"]),
    "root-missing": (opt("-d", "nope"), ["nope: No such file or directory"]),
    "root-is-a-file": (opt("-d", "Procfile"), ["Procfile: Not a directory"]),
    "root-without-procfile": (opt("-d", "app", files={"app": None}), ["app/Procfile: No such file or directory"]),
    "env-bad-name": (env(b"A=1\nx-y=2\n"), ["x.env:2: invalid variable name 'x-y'"]),
    "env-digit-first": (env(b"1A=1\n"), ["x.env:1: invalid variable name '1A'"]),
    "env-empty-name": (env(b"=1\n"), ["x.env:1: invalid variable name ''"]),
    "env-export-bad-name": (env(b"export x-y=1\n"), ["x.env:1: invalid variable name 'x-y'"]),
    "env-invalid-utf8-name": (env(b"A\xff=1\n"), ["x.env:1: invalid variable name 'A\\xff'"]),
    "env-no-equals": (env(b"A=1\nJUST TEXT\n"), ["x.env:2: expected KEY=VALUE"]),
    "env-unterminated-double": (env(b'A=1\nB="abc\nC=2\n'), ["x.env:2: unterminated double-quoted value"]),
    "env-unterminated-double-crlf": (env(b'B=1\r\nA="x\r\nC=1\r\n'), ["x.env:2: unterminated double-quoted value"]),
    "env-unterminated-single": (env(b"A=1\nB='abc\n"), ["x.env:2: unterminated single-quoted value"]),
    "env-text-after-quote": (env(b'A="abc"x\n'), ["x.env:1: unexpected text after closing quote"]),
    "env-unterminated-brace": (env(b"A=1\n\n# c\nB=${A\n"), ["x.env:4: unterminated ${...}"]),
    "env-unterminated-nested-brace": (env(b"A=${B:-${C}\n"), ["x.env:1: unterminated ${...}"]),
    "env-bad-brace-name": (env(b"A=${-}\n"), ["x.env:1: invalid variable name in ${...}"]),
    "env-nul-in-value": (env(b"A=1\nB=x\0y\n"), ["x.env:2: NUL byte in line"]),
    "env-nul-in-name": (env(b"A\0B=1\n"), ["x.env:1: NUL byte in line"]),
    "env-value-over-1MB": (env(b"A=" + b"x" * (MB + 1) + b"\n"), ["x.env:1: value longer than 1048576 bytes"]),
    "env-1MB-unterminated": (env(b"A='" + b"x" * MB + b"\n"), ["x.env:1: unterminated single-quoted value"]),
    "env-missing": (opt("-e", "nope.env"), ["nope.env: No such file or directory"]),
    "env-missing-second-in-list": (opt("-e", "a.env,nope.env", files={"Procfile": GOOD, "a.env": b"A=1\n"}),
                                   ["nope.env: No such file or directory"]),
    "env-is-a-folder": (opt("-e", "d.env", files={"Procfile": GOOD, "d.env": None}), ["d.env: Is a directory"]),
    "env-and-procfile-errors": (opt("-e", "x.env", files={"Procfile": b"bad\n", "x.env": b"1A=1\n"}), [
        "Procfile:1: expected 'name: command'", "x.env:1: invalid variable name '1A'"]),
}

ARGS = {
    "port-in-env-not-a-number": (env(b"PORT=abc\n"), ["x.env:1: PORT: invalid base port 'abc' (1..65535)"]),
    "port-in-env-negative": (env(b"A=1\n\n# port\nPORT=-1\n"), ["x.env:4: PORT: invalid base port '-1' (1..65535)"]),
    "port-in-env-huge": (env(b"PORT=99999999999999999999\n"),
                         ["x.env:1: PORT: invalid base port '99999999999999999999' (1..65535)"]),
    "port-in-second-env-file": (opt("-e", "a.env,b.env", files={"Procfile": GOOD, "a.env": b"PORT=6000\n",
                                                                 "b.env": b"B=1\nPORT=0\n"}),
                                ["b.env:2: PORT: invalid base port '0' (1..65535)"]),
    "port-of-instance-too-high": (opt("-p", "65500", "-m", "web=200"),
                                  ["port for web.37 out of range (base port 65500)"]),
    "m-no-equals": (opt("-m", "web"), ["-m: expected name=count"]),
    "m-negative": (opt("-m", "web=-1"), ["-m: invalid count '-1' for 'web'"]),
    "m-plus-sign": (opt("-m", "web=+1"), ["-m: invalid count '+1' for 'web'"]),
    "m-hex": (opt("-m", "web=0x10"), ["-m: invalid count '0x10' for 'web'"]),
    "m-trailing-junk": (opt("-m", "web=1x"), ["-m: invalid count '1x' for 'web'"]),
    "m-huge": (opt("-m", "web=99999999999999999999"),
               ["-m: count 99999999999999999999 for 'web' out of range 0..10000"]),
    "m-over-max": (opt("-m", "web=10001"), ["-m: count 10001 for 'web' out of range 0..10000"]),
    "m-all-over-max": (opt("-m", "all=10001"), ["-m: count 10001 for 'all' out of range 0..10000"]),
    "m-missing-count": (opt("-m", "web="), ["-m: missing count for 'web'"]),
    "m-empty-name": (opt("-m", "=1"), ["-m: empty process name"]),
    "m-empty-item": (opt("-m", "web=1,,worker=1"), ["-m: empty item"]),
    "m-trailing-comma": (opt("-m", "web=1,"), ["-m: empty item"]),
    "m-empty": (opt("-m", ""), ["-m: empty formation"]),
    "m-blank": (opt("-m", "  "), ["-m: empty formation"]),
    "m-given-twice": (opt("-m", "web=1,web=2"), ["-m: 'web' given twice"]),
    "m-300-errors-capped": (opt("-m", ",".join(["x"] * 300)),
                            ["-m: expected name=count"] * 100 + ["-m: 200 more errors not shown"]),
    "m-bad-name": (opt("-m", "we.b=1"), ["-m: invalid character '.' in process name"]),
    "m-invalid-utf8-name": (opt("-m", "w\udcffb=1"), ["-m: invalid character '\\xff' in process name"]),
    "m-unknown-process": (opt("-m", "nope=1"), ["-m: unknown process 'nope'"]),
    "m-all-zero": (opt("-m", "all=0"), ["nothing to run"]),
    "m-every-type-zero": (opt("-m", "web=0,worker=0"), ["nothing to run"]),
    "start-unknown": (opt("start", "nope"), ["no process 'nope' in Procfile"]),
    "start-one-unknown": (opt("start", "web", "nope"), ["no process 'nope' in Procfile"]),
    "t-negative": (opt("-t", "-1"), ["-t: invalid timeout '-1'"]),
    "t-minus-zero": (opt("-t", "-0"), ["-t: invalid timeout '-0'"]),
    "t-over-max": (opt("-t", "86401"), ["-t: timeout 86401 out of range 0..86400"]),
    "t-huge-100KB": (opt("-t", "1" * 100_000), [f"-t: timeout {'1' * 32} out of range 0..86400"]),
    "t-nan": (opt("-t", "nan"), ["-t: invalid timeout 'nan'"]),
    "t-inf": (opt("-t", "inf"), ["-t: invalid timeout 'inf'"]),
    "t-overflow": (opt("-t", "1e309"), ["-t: invalid timeout '1e309'"]),
    "t-underflow": (opt("-t", "1e-400"), ["-t: invalid timeout '1e-400'"]),
    "t-hex": (opt("-t", "0x10"), ["-t: invalid timeout '0x10'"]),
    "t-empty": (opt("-t", ""), ["-t: invalid timeout ''"]),
    "t-no-value": (opt("-t"), ["-t needs a value"]),
    "timeout-no-value": (opt("--timeout"), ["--timeout needs a value"]),
    "p-zero": (opt("-p", "0"), ["-p: port 0 out of range 1..65535"]),
    "p-over-max": (opt("-p", "65536"), ["-p: port 65536 out of range 1..65535"]),
    "p-huge": (opt("-p", "99999999999999999999"), ["-p: port 99999999999999999999 out of range 1..65535"]),
    "p-negative": (opt("-p", "-1"), ["-p: invalid port '-1'"]),
    "p-blank-first": (opt("-p", " 80"), ["-p: invalid port ' 80'"]),
    "p-not-a-number": (opt("-p", "abc"), ["-p: invalid port 'abc'"]),
    "E-over-max": (opt("-E", "256", "--", "true"), ["-E: invalid exit code '256' (0..255)"]),
    "E-negative": (opt("-E", "-1", "--", "true"), ["-E: invalid exit code '-1' (0..255)"]),
    "r-no-colon": (opt("-r", "TERM", "--", "true"), ["-r: expected FROM:TO, got 'TERM'"]),
    "r-unknown-signal": (opt("-r", "TERM:BOGUS", "--", "true"), ["-r: unknown signal 'BOGUS'"]),
    "pdeathsig-unknown": (opt("--pdeathsig", "BOGUS"), ["--pdeathsig: unknown signal 'BOGUS'"]),
    "pdeathsig-zero": (opt("--pdeathsig", "0"), ["--pdeathsig: unknown signal '0'"]),
    "pdeathsig-99": (opt("--pdeathsig", "99"), ["--pdeathsig: unknown signal '99'"]),
    "unknown-long-option": (opt("--bogus"), ["unknown option '--bogus'"]),
    "unknown-short-option": (opt("-Z"), ["unknown option '-Z'"]),
    "control-char-in-option": (opt("--b\x01ogus"), ["unknown option '--b?ogus'"]),
    "flag-with-value": (opt("--color=1"), ["--color takes no value"]),
    "x-no-colon": (opt("-x", "web: exit 0", "-x", "worker", files={}), ["-x:2: expected 'name: command'"]),
    "x-empty-command": (opt("-x", "web:", files={}), ["-x:1: empty command for process 'web'"]),
    "x-bad-name": (opt("-x", "we.b: x", files={}), ["-x:1: invalid character '.' in process name"]),
    "x-duplicate": (opt("-x", "web: a", "-x", "web: b", files={}),
                    ["-x:2: duplicate process 'web' (first defined on line 1)"]),
    "x-with-f": (opt("-f", "Procfile", "-x", "web: a"), ["-x cannot be combined with -f: put the processes in one place"]),
    "f-stdin-empty": (opt("-f", "-"), ["<stdin>: no processes defined"]),
    "restart-limit-zero": (opt("--restart-limit", "0/60"),
                           ["--restart-limit: expected N/SECONDS (N 1..1000), got '0/60'"]),
    "restart-limit-huge": (opt("--restart-limit", "99999999999/60"),
                           ["--restart-limit: expected N/SECONDS (N 1..1000), got '99999999999/60'"]),
    "restart-limit-negative-window": (opt("--restart-limit", "10/-1"),
                                      ["--restart-limit: expected N/SECONDS (N 1..1000), got '10/-1'"]),
    "restart-unknown-process": (opt("--restart", "nope"), ["--restart: unknown process 'nope'"]),
    "can-die-unknown-process": (opt("--can-die", "nope"), ["--can-die: unknown process 'nope'"]),
    "stop-signal-no-equals": (opt("--stop-signal", "web"), ["--stop-signal: expected NAME=SIGNAL, got 'web'"]),
    "stop-signal-unknown-signal": (opt("--stop-signal", "web=BOGUS"), ["--stop-signal: unknown signal 'BOGUS'"]),
    "stop-signal-unknown-process": (opt("--stop-signal", "nope=INT"), ["--stop-signal: unknown process 'nope'"]),
    "check-extra-argument": (opt("check", "extra"), ["unexpected argument 'extra'"]),
    "run-without-command": (opt("run"), ["run needs a command"]),
    "dashdash-without-command": (opt("--"), ["-- needs a command"]),
}


def materialize(tmp_path, files):
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            path.mkdir()
        else:
            path.write_bytes(data)


def assert_rejected(r, expected, what):
    want = "".join(f"procinit: {m}\n" for m in expected)
    assert (r.returncode, r.stdout, r.stderr) == (2, "", want), what


@pytest.mark.parametrize("case", FILES, ids=list(FILES))
def test_bad_file(run_cli, tmp_path, case):
    (files, args), expected = FILES[case]
    materialize(tmp_path, files)
    r = run_cli(*args)
    print(f"\n[badinput] {case}: exit {r.returncode}, {r.stderr.splitlines()[0][:100] if r.stderr else ''!r}")
    assert_rejected(r, expected, case)
    assert_rejected(run_cli(*args, "check"), expected, f"{case} (check)")


@pytest.mark.parametrize("case", ARGS, ids=list(ARGS))
def test_bad_option(run_cli, tmp_path, case):
    (files, args), expected = ARGS[case]
    materialize(tmp_path, files)
    r = run_cli(*args)
    print(f"\n[badinput] {case}: exit {r.returncode}, {r.stderr.splitlines()[0][:100] if r.stderr else ''!r}")
    assert_rejected(r, expected, case)


@pytest.mark.parametrize("case", ["m-negative", "m-empty-item", "m-unknown-process"])
def test_check_validates_the_formation(run_cli, tmp_path, case):
    """`check` must not pass a formation that start rejects as malformed or unknown."""
    (files, args), expected = ARGS[case]
    materialize(tmp_path, files)
    assert_rejected(run_cli("check", *args), expected, case)


@pytest.mark.parametrize("value", ["", ",", ",,"], ids=["empty", "comma", "commas"])
def test_env_option_without_a_file_name(run_cli, tmp_path, value):
    """-e with no file name in it is a mistake: exit 2 and one line, not silently no env file."""
    materialize(tmp_path, {"Procfile": GOOD})
    r = run_cli("-e", value, "check")
    assert r.returncode == 2 and r.stdout == "", (value, r.stdout, r.stderr)
    assert r.stderr.startswith("procinit: ") and r.stderr.count("\n") == 1, r.stderr


@pytest.mark.parametrize("files,args,listed", [
    ({"Procfile": b"web: exit 0\r\nworker: exit 0\r\n"}, [], "web, worker"),
    ({"Procfile": b"web: echo \xff\xfe \x01\n"}, [], "web"),
    ({"Procfile": b"#" + b"x" * MB + b"\nweb: exit 0\n"}, [], "web"),
    ({"Procfile": b"a" * 63 + b": exit 0\n"}, [], "a" * 63),
    ({"Procfile": GOOD, "x.env": b"\xef\xbb\xbfA=1\r\nB='x'\r\nC=\xff\xfe\nD=" + b"x" * MB + b"\n"},
     ["-e", "x.env"], "web, worker"),
], ids=["crlf", "invalid-utf8-command", "1MB-comment", "63-char-name", "env-bom-crlf-utf8-1MB"])
def test_edge_inputs_that_are_valid(run_cli, tmp_path, files, args, listed):
    """The other side of the table: inputs that look odd but are valid are not rejected."""
    materialize(tmp_path, files)
    r = run_cli(*args, "check")
    assert (r.returncode, r.stdout, r.stderr) == (0, f"valid procfile detected ({listed})\n", "")


def test_over_128KiB_command_fails_at_start_with_a_message(procinit, tmp_path, tag):
    """Valid Procfile syntax, but the kernel refuses a 1 MB argument (E2BIG): the instance
    'could not start' with the reason and counts as 126."""
    materialize(tmp_path, {"Procfile": b"web: echo " + b"x" * MB + b"\nother: exec sleep 1000\n"})
    p = procinit("-t", "1")
    assert p.wait() == 126, p.dump()
    lines = p.lines()
    assert "system  | web.1   could not start: /bin/sh: Argument list too long" in lines, p.dump()
    assert "system  | web.1   exited with code 126" in lines
    assert "system  | other.1 terminated by SIGTERM" in lines
    assert lines[-1] == "system  | exit 126"
