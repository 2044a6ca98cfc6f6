"""DBLP: every recorded answer shape parses; the published record is chosen over the preprint."""

from __future__ import annotations

import json

import pytest

from dnnpapers.sources import dblp
from dnnpapers.sources.http import Answer, ServiceError
from fakes import Fault, dblp_answer, dblp_hit, recorded


def _answer(name: str) -> Answer:
    return Answer(200, recorded(f"dblp/{name}"), "application/json")


def test_the_current_format_parses_with_strings_for_numbers_and_a_final_period_dropped():
    (hit,) = dblp.parse_hits(_answer("publ_search_q-test-star_h1_f1_rust-test-literal.json"))
    assert hit.title == "A Test Cost Reduction Method by Test Response and Test Vector Overlapping for Full-Scan Test Architecture"
    assert hit.authors[0] == "Tsuyoshi Shinogi" and len(hit.authors) == 5
    assert (hit.venue, hit.year, hit.key, hit.doi, hit.preprint) == ("Asian Test Symposium", 2005, "conf/ats/ShinogiYHTY05", "10.1109/ATS.2005.17", False)


def test_one_author_is_an_object_and_old_answers_give_plain_strings():
    (single,) = dblp.parse_hits(_answer("publ_search_q-test-star_single-author_EDITED_rust-test-literal.json"))
    assert single.authors == ("Tsuyoshi Shinogi",)
    legacy = dblp.parse_hits(_answer("publ_search_q-test-star_h30_2019_legacy-string-authors_ruby-mock.json"))
    assert len(legacy) == 30 and legacy[0].authors[0] == "Tsuyoshi Shinogi"
    assert all(isinstance(a, str) for hit in legacy for a in hit.authors)


def test_a_zero_hit_answer_has_no_hit_key_and_is_no_error():
    assert dblp.parse_hits(Answer(200, json.dumps(dblp_answer([], "nothing")), "application/json")) == []


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [(429, "<html><title>429 Too Many Requests</title></html>", "rate limited"), (500, "", "HTTP 500"), (200, "<html>", "not JSON"), (200, "{}", "no 'result.hits'")],
)
def test_bad_answers_are_one_line(status, body, message):
    with pytest.raises(ServiceError, match=message):
        dblp.parse_hits(Answer(status, body, "text/html"))


TITLE = "Synthetic paper for DBLP matching"


def test_the_conference_record_wins_over_the_corr_one_and_a_stranger_is_ignored(services, http):
    services.add_dblp(
        dblp_hit(TITLE, ["Test Author"], "CoRR", 2020, kind="Informal and Other Publications", ee="https://arxiv.org/abs/2001.90051"),
        dblp_hit(TITLE, ["Test Author 0001"], "ICLR", 2021),
        dblp_hit(TITLE, ["Someone Else"], "CVPR", 2019),  # same title, another first author: another paper
    )
    hit = dblp.find(http, TITLE, "Test Author", "2001.90051")
    assert (hit.venue, hit.year, hit.source) == ("ICLR", 2021, "DBLP search")
    _, request = services.requests[-1]
    assert request.url.params["format"] == "json" and request.url.params["q"] == TITLE


def test_only_a_preprint_record_means_no_venue(services, http):
    services.add_dblp(dblp_hit(TITLE, ["Test Author"], "CoRR", 2020, ee="https://arxiv.org/abs/2001.90051"))
    assert dblp.find(http, TITLE, "Test Author", "2001.90051") is None


def test_a_429_with_retry_after_is_waited_for(services, tmp_path):
    from dnnpapers.sources.http import Cache, Http

    slept = []
    http = Http(cache=Cache(None), transport=services.transport(), sleep=slept.append, backoff=0.01)
    services.faults["dblp"] += [Fault(429, "<html><title>429 Too Many Requests</title></html>", {"Retry-After": "2"})]
    assert dblp.search(http, TITLE) == []
    assert slept and slept[0] >= 2
