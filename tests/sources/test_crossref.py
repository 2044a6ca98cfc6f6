"""Crossref: recorded works parse (null dates, preprints), 404 is no error, arXiv DOIs are never asked."""

from __future__ import annotations

import pytest

from dnnpapers.sources import crossref
from dnnpapers.sources.http import Answer, ServiceError
from fakes import Fault, recorded


def test_a_proceedings_article_with_issued_null_takes_no_year_from_it():
    work = crossref.parse_work(Answer(200, recorded("crossref/works_proceedings-article_10.1109-icdcsw.2003.1203662.json"), "application/json"), "10.1109/icdcsw.2003.1203662")
    assert work.kind == "proceedings-article"
    assert work.container == "23rd International Conference on Distributed Computing Systems Workshops, 2003. Proceedings."
    assert work.year is None  # issued is [[null]] and published is absent


def test_a_preprint_is_posted_content_with_no_container():
    work = crossref.parse_work(Answer(200, recorded("crossref/works_posted-content_biorxiv_10.1101-2024.04.01.587366.json"), "application/json"), "10.1101/2024.04.01.587366")
    assert (work.kind, work.container) == ("posted-content", None)


def test_404_is_an_unknown_doi_and_arxiv_dois_are_not_asked(services, http):
    services.faults["crossref"] += [Fault(404, recorded("crossref/works_404_resource-not-found.txt"), {"content-type": "text/plain"})]
    assert crossref.work(http, "10.1000/unknown") is None
    assert crossref.work(http, "10.48550/arXiv.2102.04906") is None
    assert services.count("crossref") == 1


def test_the_polite_pool_gets_the_mailto(services, http, monkeypatch):
    monkeypatch.setenv("DNNPAPERS_CROSSREF_MAILTO", "group@example.org")
    crossref.work(http, "10.1000/unknown")
    _, request = services.requests[-1]
    assert request.url.params["mailto"] == "group@example.org"


@pytest.mark.parametrize(("status", "body", "message"), [(500, "", "HTTP 500"), (200, "[]", "no 'message'"), (200, "<html>", "not JSON")])
def test_bad_answers_are_one_line(status, body, message):
    with pytest.raises(ServiceError, match=message):
        crossref.parse_work(Answer(status, body, "application/json"), "10.1000/x")
