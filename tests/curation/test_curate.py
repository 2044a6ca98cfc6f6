"""remove and tag: one entry changes, every other byte stays."""

from __future__ import annotations

import pytest

from conftest import write_list
from dnnpapers.cli import app
from dnnpapers.access.loading import load_list

A = {"id": "a2020x", "title": "First", "authors": ["A B"], "year": 2020, "tags": ["early-exit"]}
B = {"id": "b2021y", "title": "Second", "authors": ["C D"], "year": 2021, "tags": ["survey", "layer-skip"]}
C = {"id": "c2022z", "title": "Third", "authors": ["E F"], "year": 2022, "tags": ["system"]}


@pytest.fixture
def root(tmp_path):
    root = write_list(tmp_path, [A, B, C])
    path = root / "data" / "papers.yaml"
    path.write_text("# top comment\n" + path.read_text().replace("  - id: b2021y", "  # about the second\n  - id: b2021y"))
    (root / "data" / "metrics.yaml").write_text("metrics:\n  b2021y: {citations: 3, fetched: 2026-01-01}\n  c2022z: {citations: 4, fetched: 2026-01-01}\n")
    return root


def test_remove_takes_out_only_that_entry_and_its_metrics(root, runner):
    path = root / "data" / "papers.yaml"
    before = path.read_text()
    result = runner.invoke(app, ["remove", "b2021y", "--root", str(root)])
    assert result.exit_code == 0 and result.stdout == "removed b2021y: Second\n"
    after = path.read_text()
    start, end = before.index("  - id: b2021y"), before.index("  - id: c2022z")
    assert after == before[:start] + before[end:]
    assert sorted(load_list(root).metrics) == ["c2022z"]


def test_tag_adds_and_removes_in_place(root, runner):
    path = root / "data" / "papers.yaml"
    before = path.read_text()
    result = runner.invoke(app, ["tag", "b2021y", "--add", "system", "--remove", "survey", "--root", str(root)])
    assert result.exit_code == 0 and result.stdout == "b2021y: layer-skip, system\n"
    assert path.read_text() == before.replace("tags: [survey, layer-skip]", "tags: [layer-skip, system]")


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["tag", "a2020x", "--remove", "early-exit"], "a2020x would have no tag left", 1),
        (["tag", "a2020x", "--add", "early-exits"], "did you mean 'early-exit'", 1),
        (["tag", "a2020x", "--remove", "survey"], "a2020x is not tagged 'survey'", 1),
        (["tag", "a2020x"], "give --add SLUG or --remove SLUG", 2),  # a usage error
        (["remove", "a2020"], "no paper 'a2020' in the list", 1),
    ],
)
def test_mistakes_change_nothing(root, runner, args, message, code):
    before = (root / "data" / "papers.yaml").read_bytes()
    result = runner.invoke(app, [*args, "--root", str(root)])
    assert result.exit_code == code and message in result.stderr
    assert (root / "data" / "papers.yaml").read_bytes() == before
