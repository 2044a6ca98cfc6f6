"""Semantic Scholar: batch order and nulls, its error answers, 500 ids a request."""

from __future__ import annotations

import json

import pytest

from dnnpapers.sources import semantic_scholar
from dnnpapers.sources.http import ServiceError
from fakes import Fault, recorded, s2_paper


def test_recorded_batch_keeps_order_with_null_for_unknown(services, http):
    body = recorded("s2/batch_mixed_unknown_null_200.json")
    services.faults["s2"] += [Fault(200, body, {"content-type": "application/json"})]
    ids = ["CorpusId:211530585", "CorpusId:470667", "10.2139/ssrn.2250500", "0f40b1f08821e22e859c6050916cec3667778613"]
    found = semantic_scholar.batch(http, ids)
    assert list(found) == ids and found["CorpusId:211530585"] is None
    paper = found["CorpusId:470667"]
    assert paper.title == "How Much Should We Trust Differences-in-Differences Estimates?"
    assert (paper.venue, paper.citations, paper.influential, paper.year) == (None, 10670, 578, 2001)


def test_recorded_single_paper_with_venue_and_dblp():
    paper = semantic_scholar._paper(json.loads(recorded("s2/secondary_get_paper_arxiv_iclr_2408.16532.json")))
    assert paper.venue_names == ("International Conference on Learning Representations", "Int Conf Learn Represent", "ICLR")
    assert (paper.dblp, paper.year, paper.citations) == ("conf/iclr/Ji00C0Z0C0LZY0J25", 2024, 141)


def test_no_valid_ids_is_all_unknown_not_an_error(services, http):
    assert semantic_scholar.batch(http, ["arXiv:1703.09844", "arXiv:2004.02178"]) == {"arXiv:1703.09844": None, "arXiv:2004.02178": None}


def test_ids_go_500_to_a_request_in_a_post(services, http):
    ids = [f"arXiv:2101.9{n:04d}" for n in range(501)]
    services.s2["arxiv:2101.90000"] = s2_paper("Synthetic test paper", 2021, 5, arxiv_id="2101.90000")
    found = semantic_scholar.batch(http, ids)
    assert services.count("s2") == 2 and found["arXiv:2101.90000"].citations == 5
    _, request = services.requests[0]
    assert request.method == "POST" and request.url.params["fields"] == semantic_scholar.FIELDS
    assert len(json.loads(request.content)["ids"]) == 500


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (Fault(403, recorded("s2/batch_invalid_api_key_403.json")), "forbidden"),
        (Fault(404, recorded("s2/get_paper_unknown_404.json")), "HTTP 404: Paper with id 0 not found"),
        (Fault(400, recorded("s2/get_paper_bad_fields_400.json")), "Unrecognized or unsupported fields"),
        (Fault(200, "<html>oops</html>"), "not JSON"),
        (Fault(200, '{"data": []}'), "HTTP 200"),
        (Fault(200, '[null, null, null]'), "asked for 1 papers, got 3"),
    ],
)
def test_error_answers_are_one_line_service_errors(services, http, fault, message):
    services.faults["s2"] += [fault]
    with pytest.raises(ServiceError, match=message):
        semantic_scholar.batch(http, ["arXiv:1703.09844"])


def test_429_without_retry_after_is_retried_then_reported(services, http):
    services.faults["s2"] += [Fault(429, recorded("s2/secondary_429_rate_limited.json"))] * 4
    with pytest.raises(ServiceError, match="rate limited"):
        semantic_scholar.batch(http, ["arXiv:1703.09844"])
    assert services.count("s2") == 4


def test_answers_are_matched_by_the_ids_they_name_not_by_position(services, http):
    first = s2_paper("Multi-Scale Dense Networks", 2017, 900, venue="ICLR", arxiv_id="1703.09844")
    second = s2_paper("FastBERT", 2020, 300, venue="ACL", arxiv_id="2004.02178")
    services.faults["s2"] += [Fault(200, json.dumps([second, first]))]  # the other order
    found = semantic_scholar.batch(http, ["arXiv:1703.09844", "arXiv:2004.02178"])
    assert (found["arXiv:1703.09844"].citations, found["arXiv:1703.09844"].venue) == (900, "ICLR")
    assert (found["arXiv:2004.02178"].citations, found["arXiv:2004.02178"].venue) == (300, "ACL")


def test_an_answer_naming_no_asked_paper_is_dropped_with_a_warning(services, http):
    stranger = s2_paper("A paper nobody asked for", 2019, 7, arxiv_id="1901.90000")
    asked = s2_paper("Multi-Scale Dense Networks", 2017, 900, arxiv_id="1703.09844")
    services.faults["s2"] += [Fault(200, json.dumps([stranger, asked]))]
    warnings: list[str] = []
    found = semantic_scholar.batch(http, ["arXiv:2004.02178", "arXiv:1703.09844"], warnings=warnings)
    assert found == {"arXiv:2004.02178": None, "arXiv:1703.09844": found["arXiv:1703.09844"]}
    assert found["arXiv:1703.09844"].citations == 900
    assert warnings == ["Semantic Scholar answered with 'A paper nobody asked for', which no asked id names; ignored it"]


def test_a_doi_is_matched_whatever_its_case(services, http):
    item = s2_paper("Dynamic Neural Networks: A Survey", 2021, 800)
    item["externalIds"]["DOI"] = "10.1109/TPAMI.2021.3117837"
    services.faults["s2"] += [Fault(200, json.dumps([item]))]
    assert semantic_scholar.batch(http, ["DOI:10.1109/tpami.2021.3117837"])["DOI:10.1109/tpami.2021.3117837"].citations == 800


def test_odd_values_become_none(services, http):
    item = s2_paper("T", 2020, 3, arxiv_id="1703.09844")
    item.update(citationCount=None, venue="", year="2020", authors=None, publicationVenue=None)
    services.faults["s2"] += [Fault(200, json.dumps([item]))]
    paper = semantic_scholar.batch(http, ["arXiv:1703.09844"])["arXiv:1703.09844"]
    assert (paper.citations, paper.venue, paper.year, paper.authors, paper.venue_names) == (None, None, None, (), ())
