"""Field rules of the schema, checked on the models directly."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from dnnpapers.model.fields import arxiv_id_problem
from dnnpapers.model.models import Paper, TaxonomyNode
from dnnpapers.model.taxonomy import Taxonomy

VALID = {"id": "huang2017multiscale", "title": "MSDNet", "authors": ["Gao Huang", "et al."], "year": 2017, "tags": ["early-exit"]}


def make(**changes):
    return Paper.model_validate({**VALID, **changes})


@pytest.mark.parametrize("good", ["1703.09844", "2401.04088", "0704.0001", "1412.7755", "cs/0112017", "astro-ph/0601001", "math.GT/0309136", "hep-th/9901001"])
def test_valid_arxiv_ids_pass(good):
    assert arxiv_id_problem(good) is None


@pytest.mark.parametrize(
    ("bad", "hint"),
    [
        ("1703.09844v2", "without its version: '1703.09844'"),
        ("arXiv:1703.09844", "bare arXiv id"),
        ("https://arxiv.org/abs/1703.09844", "bare arXiv id"),
        ("1713.09844", "month 13 does not exist"),
        ("2101.0396", "have 5 digits"),
        ("1412.77555", "have 4 digits"),
        ("0612.1234", "start in 0704"),
        ("MSDNet", "not an arXiv id"),
    ],
)
def test_malformed_arxiv_ids_say_why(bad, hint):
    assert hint in arxiv_id_problem(bad)


def test_added_accepts_a_date_or_its_text():
    assert make(added=dt.date(2024, 5, 1)).added == make(added="2024-05-01").added


def test_year_may_be_next_year_but_not_later():
    next_year = dt.date.today().year + 1
    assert make(year=next_year).year == next_year
    with pytest.raises(ValidationError, match="outside"):
        make(year=next_year + 1)


def test_strict_types_refuse_silent_coercion():
    for field, value in [("year", "2017"), ("year", True), ("title", 1984), ("authors", "Gao Huang")]:
        with pytest.raises(ValidationError):
            make(**{field: value})


def test_venue_year_and_short_forms():
    assert make(venue="Findings of EMNLP 2021", year=2020).venue_year == 2021
    assert make(venue="arXiv").published is False
    assert make(venue="EMDL 2021 (MobiSys workshop)", year=2021).published is True


def test_text_fields_are_stripped_and_may_not_be_blank():
    assert make(title="  Spaced  ").title == "Spaced"
    with pytest.raises(ValidationError, match="must not be empty"):
        make(focus="   ")


def test_taxonomy_lookups():
    leaf = TaxonomyNode(slug="early-exit", en="Early exiting", zh="早退")
    tree = Taxonomy([TaxonomyNode(slug="depth", en="Depth", zh="深度", children=[leaf]), TaxonomyNode(slug="survey", en="Surveys", zh="综述")])
    assert [n.slug for n in tree.walk()] == ["depth", "early-exit", "survey"]
    assert tree.ancestors("early-exit") == ["depth"]
    assert tree.root_of("early-exit") == "depth"
    assert tree.subtree("depth") == ["depth", "early-exit"]
    assert "survey" in tree and "nope" not in tree


@pytest.mark.parametrize(
    ("authors", "message"),
    [
        (["Dang, Wei"], "write the given name first, without a comma ('Wei Dang')"),
        (["Martin Luther King, Jr."], "without a comma"),
        (["-Nobody"], "cannot start with '-'"),
    ],
)
def test_author_names_bibtex_would_misread_are_refused(authors, message):
    from dnnpapers.model.fields import authors_problem

    assert message in authors_problem(authors)


def test_a_venue_year_in_the_future_is_refused():
    from dnnpapers.model.fields import venue_problem

    assert venue_problem("NeurIPS 2098", 1998) == "venue year 2098 is in the future"
