"""Filters, sorting and statistics of list, and their commands."""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from dnnpapers.cli import app
from dnnpapers.errors import DnnpapersError
from dnnpapers.access.loading import load_list
from dnnpapers.access.query import parse_years, select, stats

SHIPPED = load_list(REPO)


@pytest.mark.parametrize(("text", "years"), [("2020", (2020, 2020)), ("2019..2021", (2019, 2021)), ("2019..", (2019, 9999)), ("..2021", (0, 2021))])
def test_year_ranges(text, years):
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["20", "2021..2019", "x", "..", "2019 2020"])
def test_bad_year_ranges(text):
    with pytest.raises(DnnpapersError, match="--year"):
        parse_years(text)


def test_a_tag_includes_its_subtopics():
    depth = select(SHIPPED, tag="dynamic-depth")
    assert all({"early-exit", "layer-skip"} & set(p.tags) for p in depth) and len(depth) == 40
    assert {t for p in depth for t in p.tags} == {"early-exit", "layer-skip", "speculative-decoding"}  # a paper's other tags come along


def test_filters_combine_and_sort():
    papers = select(SHIPPED, tag="early-exit", years=(2019, 2021), venue="acl", sort="title")
    assert [p.id for p in papers] == ["xin2020deebert", "liu2020fastbert", "schwartz2020right"]
    assert [p.id for p in select(SHIPPED, search="shizhen xu")] == ["xu2017cavs"]
    with pytest.raises(DnnpapersError, match=r"unknown tag 'early-exits' \(did you mean 'early-exit'\?\)"):
        select(SHIPPED, tag="early-exits")


def test_stats_count_what_is_there_and_what_is_missing():
    result = stats(SHIPPED)
    assert result.total == 289 and result.without_code == 289 and result.without_citations == 289
    assert (0, "survey", 3) in result.per_topic and result.venues[0] == ("CVPR", 41)


def test_list_command_formats(runner):
    plain = runner.invoke(app, ["list", "--root", str(REPO), "--tag", "survey"])
    assert plain.exit_code == 0 and plain.stdout.splitlines()[0] == "year\tvenue\tid\ttitle\tcited"
    assert len(plain.stdout.splitlines()) == 4
    data = json.loads(runner.invoke(app, ["list", "--root", str(REPO), "--tag", "survey", "--format", "json"]).stdout)
    assert [p["id"] for p in data["papers"]] == ["laskaridis2021adaptive", "han2021dynamic", "xu2022survey"]
    bib = runner.invoke(app, ["list", "--root", str(REPO), "--search", "cavs", "--format", "bib"]).stdout
    assert "@inproceedings{xu2017cavs," in bib and bib.count("@") == 1
    assert runner.invoke(app, ["list", "--root", str(REPO), "--sort", "size"]).exit_code == 2  # a usage error


def test_show_and_stats_commands(runner):
    shown = runner.invoke(app, ["show", "xu2017cavs", "--root", str(REPO)])
    assert shown.exit_code == 0 and "venue: USENIX ATC 2018" in shown.stdout and "link: https://arxiv.org/abs/1712.04048" in shown.stdout
    missing = runner.invoke(app, ["show", "xu2017cav", "--root", str(REPO)])
    assert missing.exit_code == 1 and "did you mean 'xu2017cavs'" in missing.stderr
    result = runner.invoke(app, ["stats", "--root", str(REPO)])
    assert result.exit_code == 0 and result.stdout.startswith("289 papers") and "early-exit" in result.stdout
