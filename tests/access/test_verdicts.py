"""Verdicts on unchanged inputs: they answer `check` and `render --check` fast, and never hide a change."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, verdict_clock_at
from dnnpapers.cli import app
from dnnpapers.access.verdicts import digest, readme_input

INPUTS = ["data/papers.yaml", "data/taxonomy.yaml", "data/page.yaml", "data/talks.yaml", "README.md", "templates/paper_row.md"]


def _list(folder):
    for name in ("data", "generated"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "README.md", folder / "README.md")
    (folder / "templates").mkdir()
    shutil.copy(REPO / "src/dnnpapers/outputs/templates/paper_row.md", folder / "templates" / "paper_row.md")
    return folder


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return _list(tmp_path_factory.mktemp("verdicts"))


def _run(runner, root, cache, *args, verdicts=True):
    env = {"DNNPAPERS_CACHE_DIR": str(cache), "DNNPAPERS_NO_VERDICTS": "" if verdicts else "1", "NO_COLOR": "1"}
    result = runner.invoke(app, [*args, "--root", str(root)], env=env)
    return result.exit_code, result.stdout, result.stderr


def _edit(data: bytes, at: int, byte: int, mode: str) -> bytes:
    at = at % (len(data) + 1)
    if mode == "insert":
        return data[:at] + bytes([byte]) + data[at:]
    if mode == "delete" and data:
        at = min(at, len(data) - 1)
        return data[:at] + data[at + 1 :]
    at = min(at, max(len(data) - 1, 0))
    return data[:at] + bytes([byte]) + data[at + 1 :] if data else bytes([byte])


@pytest.fixture(scope="module")
def primed(tmp_path_factory):
    """One copy of the shipped list with its verdicts kept, for every example; each puts back the file it edits."""
    from typer.testing import CliRunner

    root, cache = _list(tmp_path_factory.mktemp("edit")), tmp_path_factory.mktemp("cache")
    runner = CliRunner()
    assert _run(runner, root, cache, "check")[0] == 0 and _run(runner, root, cache, "render", "--check")[0] == 0  # verdicts kept
    return root, cache, {kind: digest(root, kind) for kind in ("check", "render")}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # four CLI runs an example, ~0.2 s together
@given(name=st.sampled_from(INPUTS), at=st.integers(0, 60_000), byte=st.integers(0, 255), mode=st.sampled_from(["insert", "delete", "replace"]))
def test_any_changed_byte_is_a_new_digest_and_the_answers_match_a_run_without_verdicts(name, at, byte, mode, primed, runner):
    root, cache, before = primed
    path = root / name
    original = path.read_bytes()
    edited = _edit(original, at, byte, mode)
    if edited == original:
        return
    path.write_bytes(edited)
    try:
        if name != "README.md" or readme_input(edited) != readme_input(original):
            assert digest(root, "render") != before["render"]
        if name.startswith("data/"):
            assert digest(root, "check") != before["check"]
        for args in (["check"], ["render", "--check"]):
            assert _run(runner, root, cache, *args) == _run(runner, root, cache, *args, verdicts=False), (name, args)
    finally:
        path.write_bytes(original)


def test_an_unchanged_list_is_answered_from_its_verdict_and_an_edited_region_is_still_stale(shipped, tmp_path, runner):
    cache = tmp_path / "cache"
    first = _run(runner, shipped, cache, "check")
    assert first[0] == 0 and len(list((cache / "verdicts").glob("*.json"))) == 1
    assert _run(runner, shipped, cache, "check") == first
    assert _run(runner, shipped, cache, "render", "--check")[0] == 0
    readme = shipped / "README.md"
    original = readme.read_bytes()
    readme.write_bytes(original.replace(b"**289 papers**", b"**290 papers**"))  # a hand edit inside the generated region
    try:
        assert _run(runner, shipped, cache, "render", "--check") == (1, "README.md: stale; run dnnpapers render\n", "")
    finally:
        readme.write_bytes(original)


def test_outputs_left_alone_are_not_read_again_and_any_write_to_one_is_still_seen(tmp_path, runner, monkeypatch, one_day):
    from dnnpapers.access import verdicts

    root, cache = _list(tmp_path / "list"), tmp_path / "cache"
    assert _run(runner, root, cache, "render", "--check")[0] == 0  # rendered once: each output's digest kept
    assert _run(runner, root, cache, "render", "--check")[0] == 0  # written just now: not settled, so read again
    (kept,) = (cache / "verdicts").glob("*.json")
    assert all(len(item) == 2 for item in json.loads(kept.read_text())["outputs"])
    real_now = verdicts.time.time_ns
    monkeypatch.setattr(verdicts.time, "time_ns", lambda: real_now() + 3 * verdicts.SETTLED_NS)  # as if left alone a while
    assert _run(runner, root, cache, "render", "--check")[0] == 0
    assert all(len(item) == 3 for item in json.loads(kept.read_text())["outputs"])
    read = []
    real_digest = verdicts.file_digest
    monkeypatch.setattr(verdicts, "file_digest", lambda data: read.append(data) or real_digest(data))
    assert _run(runner, root, cache, "render", "--check")[0] == 0 and read == []  # nothing read: every status as noted
    bib = root / "generated" / "papers.bib"
    before = bib.stat()
    data = bib.read_bytes()
    bib.write_bytes(data.replace(b"@", b"%", 1))  # same size, and its times set back as they were
    os.utime(bib, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert _run(runner, root, cache, "render", "--check") == (1, "generated/papers.bib: stale; run dnnpapers render\n", "")
    bib.write_bytes(data)
    (root / "generated" / "papers.json").unlink()
    assert _run(runner, root, cache, "render", "--check") == (1, "generated/papers.json: stale; run dnnpapers render\n", "")


def test_a_list_with_problems_keeps_no_verdict(tmp_path, runner):
    root = _list(tmp_path / "list")
    papers = root / "data" / "papers.yaml"
    papers.write_text(papers.read_text(encoding="utf-8").replace("venue: ICLR 2020", "venue: ICLR", 1), encoding="utf-8")
    cache = tmp_path / "cache"
    assert _run(runner, root, cache, "check")[0] == 1
    assert not (cache / "verdicts").exists() or not list((cache / "verdicts").glob("*.json"))
    assert _run(runner, root, cache, "check")[0] == 1


def test_a_damaged_verdict_is_a_miss_and_an_unwritable_cache_costs_only_speed(shipped, tmp_path, runner):
    cache = tmp_path / "cache"
    _run(runner, shipped, cache, "check")
    (verdict,) = (cache / "verdicts").glob("*.json")
    for garbage in (b"", b"{", b"[1, 2]", b'{"papers": "x"}', b"\xff\xfe"):
        verdict.write_bytes(garbage)
        code, out, err = _run(runner, shipped, cache, "check")
        assert code == 0 and err == "ok: 289 papers in 35 topics, 5 talks, no problems\n"
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    assert _run(runner, shipped, blocked, "check")[0] == 0


def test_processes_at_once_share_verdicts_safely(shipped, tmp_path):
    env = {**os.environ, "DNNPAPERS_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "dnnpapers", *args, "--root", str(shipped)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for args in (["check"], ["render", "--check"]) * 3
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    assert all(code == 0 for code, _ in results), results
    for path in (tmp_path / "cache" / "verdicts").iterdir():
        assert path.suffix == ".json", "no temporary file left behind"
        json.loads(path.read_text(encoding="utf-8"))


def test_the_day_is_part_of_a_render_verdict_for_a_list_with_talks(shipped, monkeypatch):
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")
    one = digest(shipped, "render")
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-02")
    assert digest(shipped, "render") != one


def test_a_render_verdict_lasts_the_quarter_hour_the_day_is_known_for_or_as_long_as_a_pinned_day(shipped, monkeypatch):
    """The group's day is the same all through a quarter hour of UTC (time zones are whole quarter hours off it), so an
    unpinned verdict lasts until one ends; with DNNPAPERS_TODAY the clock plays no part."""
    def at(hour: int, minute: int, kind: str = "render") -> str:
        verdict_clock_at(monkeypatch, dt.datetime(2026, 3, 10, hour, minute, 59, tzinfo=dt.timezone.utc))
        return digest(shipped, kind)

    monkeypatch.delenv("DNNPAPERS_TODAY", raising=False)
    assert at(10, 0) == at(10, 14) != at(10, 15) == at(10, 29) != at(10, 30)
    assert at(10, 14, "check") == at(10, 15, "check") == at(23, 59, "check")  # what check says does not change with the day
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-03-10")
    pinned = at(10, 14)
    assert pinned == at(10, 15) == at(23, 59) != at(10, 14, "check")
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-03-11")
    assert at(10, 14) == at(0, 0) != pinned


def test_a_file_past_the_input_bound_is_digested_by_its_size_without_a_byte_read(tmp_path, monkeypatch):
    """Loading refuses such a file by its size alone, so its bytes cannot change the answer; reading 256 MiB of a
    sparse file to hash it cost render seconds before the refusal."""
    from dnnpapers.access import verdicts
    from dnnpapers.limits import MAX_INPUT_BYTES

    root = _list(tmp_path / "list")
    with open(root / "templates" / "huge.md.j2", "wb") as huge:
        huge.truncate(MAX_INPUT_BYTES + 1)
    opened = verdicts._open

    def refusing_reads(path):
        file = opened(path)
        if path.name == "huge.md.j2":
            file.read = lambda *a: pytest.fail("the file past the bound was read")  # type: ignore[method-assign]
        return file

    monkeypatch.setattr(verdicts, "_open", refusing_reads)
    first = digest(root, "render")
    with open(root / "templates" / "huge.md.j2", "r+b") as huge:
        huge.truncate(MAX_INPUT_BYTES + 2)
    assert digest(root, "render") != first  # a new size is a new digest


def test_a_digest_is_the_same_with_openssl_loaded_or_not(tmp_path, monkeypatch, one_day):
    """digest hashes with OpenSSL's SHA-256 once hashlib is loaded (a render), else with CPython's own (a check):
    the verdicts one kept stay valid for the other."""
    import hashlib

    from dnnpapers.storage.cache import input_hasher

    root = _list(tmp_path / "list")
    assert type(input_hasher()) is type(hashlib.sha256())
    with_openssl = digest(root, "render"), digest(root, "check")
    monkeypatch.delitem(sys.modules, "hashlib")
    assert type(input_hasher()) is not type(hashlib.sha256())
    assert (digest(root, "render"), digest(root, "check")) == with_openssl
