# SPDX-License-Identifier: MIT
# Golden files: every format exported from the awkward app must match
# tests/export/golden/FORMAT byte for byte (the root folder, which differs per
# run, reads @ROOT@ there). Regenerate deliberately with
#   make export-golden        (PROCINIT_REGOLD=1 pytest tests/export -k golden)
# and review the diff before committing it.

import shutil

import pytest

from conftest import FORMATS, GOLDEN, REGOLD, export, files_of


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden(fmt, app_dir, tmp_path):
    out = tmp_path / "out"
    r = export(app_dir, fmt, out)
    got = {path: (data.replace(str(app_dir).encode(), b"@ROOT@"), mode)
           for path, (data, mode) in files_of(out).items()}
    want_dir = GOLDEN / fmt
    if REGOLD:
        shutil.rmtree(want_dir, ignore_errors=True)
        for path, (data, mode) in got.items():
            dest = want_dir / path
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            dest.chmod(mode)
        (GOLDEN / f"{fmt}.stderr").write_bytes(r.stderr)
    want = files_of(want_dir)
    assert sorted(got) == sorted(want), "a different set of files"
    for path in want:
        assert got[path][0] == want[path][0], f"{fmt}/{path} differs from the golden file"
        assert got[path][1] == want[path][1], f"{fmt}/{path}: mode {got[path][1]:o}, want {want[path][1]:o}"
    # Warnings (readiness checks a format cannot map) are part of the contract too.
    assert r.stderr == (GOLDEN / f"{fmt}.stderr").read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic(fmt, app_dir, tmp_path):
    """Same input, same bytes; exporting again over the same folder changes nothing."""
    export(app_dir, fmt, tmp_path / "a")
    export(app_dir, fmt, tmp_path / "b")
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "a").rglob("*") if p.is_file()}
    r = export(app_dir, fmt, tmp_path / "a")
    assert r.stdout == b"", "an unchanged export should write nothing"
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "a").rglob("*") if p.is_file()}
    assert before == after
