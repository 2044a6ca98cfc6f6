"""What tripped up a curator's first hour, pinned through the CLI."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, drain_pty, invoke, invoke_dnnpapers, write_list
from fakes import ArxivPaper


def _dnnpapers(args, cwd, **env):
    return invoke(args, cwd, **env)


@pytest.fixture
def shipped(tmp_path):
    shutil.copytree(REPO / "data", tmp_path / "data")
    return tmp_path


def test_the_list_is_found_from_a_folder_inside_it_and_the_root_is_named(shipped):
    done = _dnnpapers(["check"], shipped / "data")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == f"dnnpapers: using the list at {shipped}"
    here = _dnnpapers(["check"], shipped)
    assert here.returncode == 0 and "using the list" not in here.stderr
    elsewhere = shipped / "other"
    (elsewhere / "data").mkdir(parents=True)
    assert _dnnpapers(["check", "--root", str(shipped)], elsewhere / "data").returncode == 0  # --root still wins


@pytest.mark.parametrize("name", ["1703.09844", "1703.09844v3", "arXiv:1703.09844", "https://arxiv.org/abs/1703.09844v2", "https://arxiv.org/pdf/1703.09844.pdf"])
def test_show_finds_a_paper_by_its_arxiv_id_in_any_form(shipped, name):
    done = _dnnpapers(["show", name], shipped)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].split() == ["id:", "huang2017multiscale"]


def test_show_tag_and_remove_take_a_doi(shipped):
    assert "han2021dynamic" in _dnnpapers(["show", "https://doi.org/10.1109/tpami.2021.3117837"], shipped).stdout
    assert _dnnpapers(["tag", "10.1109/TPAMI.2021.3117837", "--add", "dynamic-routing"], shipped).returncode == 0
    done = _dnnpapers(["remove", "doi:10.1109/TPAMI.2021.3117837"], shipped)
    assert done.returncode == 0 and done.stdout.startswith("removed ")


def test_list_at_80_columns_never_cuts_an_id(shipped):
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dnnpapers", "list", "--tag", "early-exit"], cwd=shipped, stdin=follower, stdout=follower, stderr=follower,
                            env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"})
    os.close(follower)
    out = drain_pty(leader)
    proc.wait(timeout=30)
    os.close(leader)
    text = out.decode()
    assert "teerapittayanon2016branchynet" in text and "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("papers:\n  - id: a2020x\n    title: Cavs: An Efficient Runtime\n    authors: [A]\n    year: 2020\n    tags: [survey]\n",
         "data/papers.yaml:3:16: YAML syntax error: mapping values are not allowed in this context; a value with ': ' in it must be quoted"),
        ("papers:\n  - id: a2020x\n    title: A\n   authors: [A]\n    year: 2020\n    tags: [survey]\n",
         "check the indentation: this line starts at column 4, the line above at column 5"),
        ("papers:\n  - id: a2020x\n    title: A\n    authors: [A]\n    year: 2020\n    tags: [survey]\n    id: b2020x\n    title: B\n    authors: [B]\n    year: 2020\n    tags: [survey]\n",
         "data/papers.yaml:7:5: a second 'id' in one entry (the first at line 2): is the '- ' missing before it?"),
        ("papers:\n  - id: a2020x\n    title: \"A\n", "data/papers.yaml:3:14: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar at line 3); a quote opened there is never closed"),
    ],
)
def test_yaml_mistakes_come_with_a_hint_at_a_line_that_exists(shipped, text, expected):
    (shipped / "data" / "papers.yaml").write_text(text, encoding="utf-8")
    done = _dnnpapers(["check"], shipped)
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 1 and expected in done.stdout, done.stdout
    line = int(done.stdout.split(":")[1])
    assert line <= len(text.splitlines())


def test_after_a_syntax_error_the_count_says_more_may_follow(shipped):
    (shipped / "data" / "papers.yaml").write_text("papers:\n  - id: [\n", encoding="utf-8")
    assert "more may follow once the YAML syntax is fixed" in _dnnpapers(["check"], shipped).stderr


def test_field_and_tag_problems_come_in_one_run(shipped):
    (shipped / "data" / "papers.yaml").write_text("papers:\n  - id: a2020x\n    title: A\n    authors: [A]\n    year: twenty\n    tags: [erly-exit]\n", encoding="utf-8")
    done = _dnnpapers(["check"], shipped)
    assert done.stdout.splitlines() == [
        "data/papers.yaml:5:5: 'year' must be a whole number, got 'twenty'",
        "data/papers.yaml:6:12: unknown tag 'erly-exit': not a slug of data/taxonomy.yaml (did you mean 'early-exit'?)",
    ]


def test_a_page_with_no_paper_table_is_an_error(shipped):
    (shipped / "page.md").write_text("# Notes\n\nNo tables here.\n", encoding="utf-8")
    done = _dnnpapers(["import-md", "page.md"], shipped)
    assert done.returncode == 1 and "no paper table found" in done.stderr


def test_a_title_that_differs_from_arxivs_offers_the_closest_candidates_and_picks_none(tmp_path, server):
    services, base = server
    services.add(ArxivPaper("1712.04048", "Cavs: A Vertex-centric Programming Interface for Dynamic Neural Networks", ["Hao Zhang"], dt.date(2017, 12, 1)), citations=1)
    root = write_list(tmp_path, [])
    done = invoke_dnnpapers(["add", "--title", "Cavs: An Efficient Runtime System for Dynamic Neural Networks", "--tag", "system"], root, base, services)
    assert done.returncode == 1
    assert "candidates: 1712.04048 'Cavs: A Vertex-centric Programming Interface for Dynamic Neural Networks'" in done.stderr
    assert "papers: []" in (root / "data" / "papers.yaml").read_text()


def test_help_shows_words_a_person_reads_not_python_types(shipped):
    for command in ("add", "list", "show", "tag", "update", "init"):
        text = _dnnpapers([command, "--help"], shipped, COLUMNS="120").stdout
        assert "<bool>" not in text and "<list[" not in text, (command, text)
    assert "pdf/2102.04906v2.pdf" in _dnnpapers(["add", "--help"], shipped, COLUMNS="200").stdout
