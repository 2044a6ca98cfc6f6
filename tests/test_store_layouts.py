"""Edits to papers.yaml in every layout check accepts: the edit happens exactly, or a one-line refusal changes nothing."""

from __future__ import annotations

import datetime as dt

from conftest import run_dnnpapers, write_list
from dnnpapers.cli import app
from dnnpapers.paperlist import load_list
from fakes import ArxivPaper

MSD = ArxivPaper("1703.09844", "Multi-Scale Dense Networks for Resource Efficient Image Classification", ["Gao Huang"], dt.date(2017, 3, 1))
A = {"id": "a2020x", "title": "First", "authors": ["A B"], "year": 2020, "tags": ["early-exit"]}
B = {"id": "b2021y", "title": "Second", "authors": ["C D"], "year": 2021, "tags": ["survey", "layer-skip"]}


def _papers(root):
    return [p.model_dump() for p in load_list(root).papers]


def test_add_to_a_file_ending_in_the_document_end_marker_puts_the_entry_before_it(tmp_path, server):
    services, base = server
    services.add(MSD, citations=7)
    root = write_list(tmp_path, [A])
    path = root / "data" / "papers.yaml"
    path.write_text(path.read_text() + "...\n# after the end\n")
    assert run_dnnpapers(["check"], root, base, services).returncode == 0
    before = _papers(root)
    done = run_dnnpapers(["add", "1703.09844", "--tag", "early-exit"], root, base, services)
    assert done.returncode == 0, done.stderr
    assert run_dnnpapers(["check"], root, base, services).returncode == 0
    after = _papers(root)
    assert after[:1] == before and [p["arxiv"] for p in after[1:]] == ["1703.09844"]
    assert path.read_text().endswith("...\n# after the end\n")


def test_remove_of_an_entry_whose_last_field_is_an_alias_takes_it_out(tmp_path, runner):
    root = write_list(tmp_path, [])
    path = root / "data" / "papers.yaml"
    path.write_text(
        "papers:\n"
        "  - id: a2020x\n    title: First\n    authors: [A B]\n    year: 2020\n    tags: &t [early-exit]\n"
        "  - id: b2021y\n    title: Second\n    authors: [C D]\n    year: 2021\n    tags: *t\n"
    )
    (root / "data" / "metrics.yaml").write_text("metrics:\n  b2021y: {citations: 3, fetched: 2026-01-01}\n")
    result = runner.invoke(app, ["remove", "b2021y", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert [p["id"] for p in _papers(root)] == ["a2020x"]
    assert "b2021y" not in path.read_text()
    assert runner.invoke(app, ["check", "--root", str(root)]).exit_code == 0


def test_remove_of_an_entry_whose_anchor_another_entry_uses_refuses_and_changes_nothing(tmp_path, runner):
    root = write_list(tmp_path, [])
    path = root / "data" / "papers.yaml"
    path.write_text(
        "papers:\n"
        "  - id: a2020x\n    title: First\n    authors: [A B]\n    year: 2020\n    tags: &t [early-exit]\n"
        "  - id: b2021y\n    title: Second\n    authors: [C D]\n    year: 2021\n    tags: *t\n"
    )
    before = path.read_bytes()
    result = runner.invoke(app, ["remove", "a2020x", "--root", str(root)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert path.read_bytes() == before
