"""arXiv: id forms, both feed formats, error feeds, hostile bodies, batching, title search."""

from __future__ import annotations

import datetime as dt

import pytest

from dnnpapers.errors import DnnpapersError
from dnnpapers.sources import arxiv
from dnnpapers.sources.http import ServiceError
from fakes import ArxivPaper, Fault, recorded

MSD = ArxivPaper("1703.09844", "Multi-Scale Dense Networks for Resource Efficient Image Classification", ["Gao Huang"], dt.date(2017, 3, 1))


@pytest.mark.parametrize(
    "text",
    ["2102.04906", "2102.04906v2", "arXiv:2102.04906", "arxiv: 2102.04906", "https://arxiv.org/abs/2102.04906v2",
     "https://arxiv.org/pdf/2102.04906v2", "https://arxiv.org/pdf/2102.04906v2.pdf", "http://export.arxiv.org/abs/2102.04906", " 2102.04906 "],
)
def test_every_common_form_of_an_id_gives_the_bare_id(text):
    assert arxiv.parse_id(text) == "2102.04906"


def test_old_style_ids():
    assert arxiv.parse_id("cs/0112017") == "cs/0112017"
    assert arxiv.parse_id("https://arxiv.org/abs/math.GT/0309136v1") == "math.GT/0309136"


@pytest.mark.parametrize("text", ["abc", "1234.12345", "2102.4906", "https://example.org/abs/2102.04906", ""])
def test_impossible_ids_are_refused(text):
    with pytest.raises(DnnpapersError, match="is not an arXiv id|bare arXiv id"):
        arxiv.parse_id(text)


def test_current_format_fixture():
    (record,), total = arxiv.parse_feed(recorded("arxiv/new_single_oldstyle_astro-ph_0601001.xml"))
    assert total == 1 and record.arxiv_id == "astro-ph/0601001" and record.version == 1
    assert record.title == "Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys Toward the Galactic Bulge and Carina"
    assert record.authors[:2] == ("Andrew Gould", "Susan Dorsher") and record.published == dt.date(2006, 1, 2)
    assert record.journal_ref == "ActaAstron.56:1-50,2006"


def test_legacy_format_folded_title_and_namespaces():
    (record,), _ = arxiv.parse_feed(recorded("arxiv/legacy2016_single_id_1111.2011v2.xml"))
    assert record.title == "Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit"
    assert (record.arxiv_id, record.version, record.doi) == ("1111.2011", 2, "10.1103/PhysRevB.85.115117")
    assert record.authors == ("James M. Murray", "Adrian Del Maestro", "Zlatko Tesanovic")
    assert "\n" not in record.abstract and "  " not in record.abstract


@pytest.mark.parametrize("name", ["arxiv/new_error_400_id_abc.xml", "arxiv/legacy_docs_error_id_list_1234.12345.xml"])
def test_the_error_feed_is_never_a_paper(name):
    with pytest.raises(ServiceError, match="^arXiv: incorrect id format for"):
        arxiv.parse_feed(recorded(name))


def test_a_well_formed_unknown_id_is_an_empty_feed():
    assert arxiv.parse_feed(recorded("arxiv/new_notfound_id_0000.0000.xml")) == ([], 0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<!DOCTYPE html><html><body>Rate exceeded.</body></html>", "HTML page"),
        (recorded("arxiv/new_single_id_1605.08386_unversioned.xml")[:700], "not well-formed XML"),
        ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><feed>&lol2;</feed>', "unsafe XML"),
        ("Rate exceeded.", "not well-formed"),
        ("", "empty answer"),
        ('<?xml version="1.0"?><rss/>', "expected an Atom feed"),
    ],
)
def test_hostile_or_broken_bodies_end_in_one_line(body, message):
    with pytest.raises(ServiceError, match=message) as caught:
        arxiv.parse_feed(body)
    assert "\n" not in str(caught.value)


def test_250_ids_take_three_requests_and_are_matched_by_id(services, http):
    ids = [f"2101.9{n:04d}" for n in range(250)]
    for n, arxiv_id in enumerate(ids[::2]):
        services.add(ArxivPaper(arxiv_id, f"Synthetic test paper {n:03d}", ["Test Author"], dt.date(2021, 1, 1)))
    found = arxiv.fetch(http, ids)
    assert services.count("arxiv") == 3
    sent = [request.url.params for _, request in services.requests]
    assert [p["max_results"] for p in sent] == ["100", "100", "50"]
    assert sorted(found) == sorted(ids[::2]) and all(found[i].arxiv_id == i for i in found)


def test_a_400_error_feed_from_the_server_is_a_service_error(services, http):
    services.faults["arxiv"] += [Fault(400, recorded("arxiv/new_error_400_id_abc.xml"), {"content-type": "application/atom+xml"})]
    with pytest.raises(ServiceError, match="incorrect id format for abc"):
        arxiv.fetch(http, ["1703.09844"])


def test_html_sent_with_200_is_refused(services, http):
    services.faults["arxiv"] += [Fault(200, "<html><head><title>Service Unavailable</title></head></html>", {"content-type": "text/html"})]
    with pytest.raises(ServiceError, match="HTML page"):
        arxiv.fetch(http, ["1703.09844"])


def test_rate_limit_text_429_after_retries(services, http):
    services.faults["arxiv"] += [Fault(429, "Rate exceeded.")] * 4
    with pytest.raises(ServiceError, match="rate limited"):
        arxiv.fetch(http, ["1703.09844"])


def test_title_search_sends_a_ti_query(services, http):
    services.add(MSD)
    (record,) = arxiv.search_title(http, "Multi-Scale Dense Networks: for Resource Efficient Image Classification")
    _, request = services.requests[-1]
    assert request.url.params["search_query"] == 'ti:"Multi-Scale Dense Networks for Resource Efficient Image Classification"'
    assert record.arxiv_id == "1703.09844"


def test_a_record_carries_the_code_link_its_comment_or_abstract_names():
    records, _ = arxiv.parse_feed(recorded("arxiv/new_multi_id_1605.08386_2104.12255_code-links_EDITED.xml"))
    by_id = {r.arxiv_id: r for r in records}
    assert by_id["1605.08386"].code == "https://github.com/example-org/heat-bath-walks"  # the comment's, its full stop left out
    # the abstract names two; the one its words call the implementation is the code, its link broken over two lines joined
    assert by_id["2104.12255"].code == "https://github.com/example-org/zero-experiments"
    assert by_id["2104.12255"].repositories == ("https://github.com/example-org/base-library", "https://github.com/example-org/zero-experiments")
    (plain,), _ = arxiv.parse_feed(recorded("arxiv/new_single_id_1605.08386_unversioned.xml"))
    assert (plain.code, plain.repositories) == (None, ())
