"""The windows discover has seen: a bounded background kept in the cache per list, written whole, ignored when unreadable."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import write_list
from dnnpapers.cli import app
from dnnpapers.curation import seen
from fakes import ArxivPaper


def _file(root):
    (path,) = (p for p in seen._path(root).parent.iterdir() if p.name.endswith(".seen.json"))
    return path


def test_the_newest_window_comes_first_and_a_paper_seen_again_is_kept_once(tmp_path):
    seen.remember_seen(tmp_path, [("2404.90001", "A. first week"), ("2404.90002", "B. first week")])
    seen.remember_seen(tmp_path, [("2404.90003", "C. second week"), ("2404.90001", "A. second week")])
    assert seen.recall_seen(tmp_path) == [("2404.90003", "C. second week"), ("2404.90001", "A. second week"), ("2404.90002", "B. first week")]


def test_the_background_is_bounded_in_papers_and_in_text(tmp_path, monkeypatch):
    monkeypatch.setattr(seen, "MAX_PAPERS", 5)
    monkeypatch.setattr(seen, "MAX_CHARS", 10)
    for week in range(3):
        seen.remember_seen(tmp_path, [(f"2404.9{week}{n:03d}", f"Week {week} paper {n} " + "words " * 50) for n in range(4)])
    kept = seen.recall_seen(tmp_path)
    assert [i for i, _ in kept] == ["2404.92000", "2404.92001", "2404.92002", "2404.92003", "2404.91000"]
    assert all(len(text) == 10 for _, text in kept)
    assert len(json.loads(_file(tmp_path).read_bytes())["papers"]) == 5
    assert [p.name for p in _file(tmp_path).parent.iterdir()] == [_file(tmp_path).name]  # written by rename: no temporary left


def test_each_list_keeps_its_own_background(tmp_path):
    seen.remember_seen(tmp_path / "one", [("2404.90001", "A.")])
    assert seen.recall_seen(tmp_path / "two") == []


@pytest.mark.parametrize("content", [b"\x00\xff not json", b'{"format": 1, "papers": [["2404.90001"', b'{"format": 99, "papers": []}',
                                     b'{"format": 1, "papers": [["2404.90001", "A.", "extra"]]}', b"[]"])
def test_an_unreadable_or_foreign_background_is_none(tmp_path, content):
    seen.remember_seen(tmp_path, [("2404.90001", "A.")])
    _file(tmp_path).write_bytes(content)
    assert seen.recall_seen(tmp_path) == []


def test_nothing_is_kept_when_keeping_is_off(tmp_path, monkeypatch):
    monkeypatch.setenv("DNNPAPERS_NO_VERDICTS", "1")
    seen.remember_seen(tmp_path, [("2404.90001", "A.")])
    assert seen.recall_seen(tmp_path) == []


def test_discover_ignores_a_corrupt_background_and_keeps_the_window_it_saw(tmp_path, server, runner, monkeypatch):
    services, base = server
    root = write_list(tmp_path / "list", [{"id": "author2020exits", "title": "Early exits for adaptive inference", "authors": ["Test Author"],
                                           "year": 2020, "arxiv": "2001.90101", "tags": ["early-exit"]}])
    services.add(ArxivPaper("2001.90101", "Early exits for adaptive inference", ["Test Author"], dt.date(2020, 1, 1), abstract="Easy inputs exit early."))
    week = [ArxivPaper(f"2404.9{n:04d}", title, ["Candidate Author"], dt.date(2024, 4, 22), abstract="An abstract.")
            for n, title in enumerate(["Early exiting transformers", "Protein folding with diffusion", "Graph databases"], start=1)]
    for paper in week:
        services.add(paper)
    for key, value in services.environment(base).items():
        monkeypatch.setenv(key, value)
    seen.remember_seen(root, [("2404.80001", "An older paper.")])
    _file(root).write_bytes(b'{"format": 1, "papers": [[')  # cut short, as by a full disk
    done = runner.invoke(app, ["discover", "--since", "2024-04-22", "--until", "2024-04-28", "--format", "json", "--root", str(root)])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert len(report["candidates"]) == 3 and report["warnings"] == []
    assert {i for i, _ in seen.recall_seen(root)} == {p.arxiv_id for p in week}  # rewritten whole from this window
