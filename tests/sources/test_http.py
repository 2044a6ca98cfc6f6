"""The shared HTTP client: retries, backoff, Retry-After, deadline, politeness, cache, headers."""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from dnnpapers.sources.http import Cache, Http, ServiceError, user_agent
from fakes import Fault

URL = "http://fake.test/s2/graph/v1/paper/batch"


def post(http: Http, **kwargs):
    return http.request("S2", "POST", URL, json_body={"ids": ["arXiv:1703.09844"]}, **kwargs)


def test_retries_5xx_and_429_then_succeeds(services, http):
    services.s2["arxiv:1703.09844"] = {"title": "x"}
    services.faults["s2"] += [Fault(503), Fault(429, '{"message": "Too Many Requests.", "code": "429"}'), Fault(502)]
    answer = post(http)
    assert answer.status == 200 and services.count("s2") == 4


def test_gives_up_after_a_bounded_number_of_tries(services, http):
    services.faults["s2"] += [Fault(503)] * 10
    assert post(http).status == 503
    assert services.count("s2") == http.retries + 1


def test_retry_after_is_honoured_and_backoff_grows_with_jitter(services, tmp_path):
    slept = []
    http = Http(cache=Cache(None), transport=services.transport(), backoff=1.0, sleep=slept.append)
    services.faults["s2"] += [Fault(429, headers={"Retry-After": "7"}), Fault(503), Fault(503), Fault(503)]
    post(http)
    assert slept[0] == 7
    assert 1.0 <= slept[1] <= 2.0 and 2.0 <= slept[2] <= 4.0


def test_connection_errors_and_timeouts_end_in_a_named_service_error(services, http):
    services.faults["s2"] += [Fault(raise_=httpx.ReadError)] * 4
    with pytest.raises(ServiceError, match=r"^S2: connection failed \(ReadError\) after 4 tries \(fake.test\)$"):
        post(http)
    services.faults["s2"] += [Fault(raise_=httpx.ConnectError)] * 2  # a connection never made: one quick second try
    with pytest.raises(ServiceError, match=r"^S2: connection failed \(injected fault\) after 2 tries \(fake.test\)$"):
        post(http)
    services.faults["s2"] += [Fault(raise_=httpx.ReadTimeout)] * 4
    with pytest.raises(ServiceError, match="no answer within"):
        post(http)


def test_a_refused_connection_fails_fast_for_real():
    with socket.socket() as probe:  # bound and not listening, so refused, and no other process can listen on it meanwhile
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        http = Http(cache=Cache(None), backoff=0.01)
        with pytest.raises(ServiceError, match="connection failed"):
            http.request("arXiv", "GET", f"http://127.0.0.1:{port}/api/query")


def test_no_new_try_after_the_deadline(services):
    now = [0.0]
    http = Http(cache=Cache(None), transport=services.transport(), backoff=10.0, deadline=25.0, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    services.faults["s2"] += [Fault(503)] * 10
    post(http)
    assert services.count("s2") <= 3 and now[0] <= 25.0


def test_minimum_interval_between_requests_to_one_service(services):
    now, slept = [100.0], []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    http = Http(cache=Cache(None), transport=services.transport(), clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        http.request("arXiv", "GET", "http://fake.test/arxiv/api/query", params={"id_list": "1703.09844"}, min_interval=3.0)
    assert slept == [3.0, 3.0]


def test_headers_name_us_and_carry_the_key_without_printing_it(services, http, monkeypatch):
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "sekret-123")
    from dnnpapers.sources import semantic_scholar

    services.faults["s2"] += [Fault(403, '{"message":"Forbidden"}')]
    with pytest.raises(ServiceError) as caught:
        semantic_scholar.batch(http, ["arXiv:1703.09844"])
    _, request = services.requests[-1]
    assert request.headers["x-api-key"] == "sekret-123"
    assert request.headers["user-agent"] == user_agent() and user_agent().startswith("dnnpapers/")
    assert "sekret" not in str(caught.value) and "SEMANTIC_SCHOLAR_API_KEY" in str(caught.value)


def test_redirects_are_followed(services, http):
    services.faults["arxiv"] += [Fault(301, headers={"location": "http://fake.test/arxiv/api/query?id_list=1703.09844"})]
    answer = http.request("arXiv", "GET", "http://fake.test/arxiv/api/query", params={"id_list": "x"})
    assert answer.status == 200 and services.count("arxiv") == 2


def test_cache_answers_a_rerun_without_sending(services, http):
    services.s2["arxiv:1703.09844"] = {"title": "x"}
    first, second = post(http), post(http)
    assert services.count("s2") == 1 and second.cached and second.text == first.text


def test_offline_reads_only_the_cache_and_refresh_ignores_it(services, http, tmp_path):
    services.s2["arxiv:1703.09844"] = {"title": "x"}
    post(http)
    offline = Http(cache=Cache(tmp_path / "cache", offline=True), transport=services.transport())
    assert post(offline).cached
    with pytest.raises(ServiceError, match="not in the cache and --offline"):
        offline.request("S2", "POST", URL, json_body={"ids": ["other"]})
    refresh = Http(cache=Cache(tmp_path / "cache", refresh=True), transport=services.transport())
    assert not post(refresh).cached and services.count("s2") == 2


def test_a_corrupt_or_stale_cache_entry_is_ignored(services, http, tmp_path):
    services.s2["arxiv:1703.09844"] = {"title": "x"}
    post(http)
    (entry,) = (tmp_path / "cache").iterdir()
    entry.write_text("{not json")
    assert not post(http).cached
    data = json.loads(entry.read_text())
    data["time"] = 0
    entry.write_text(json.dumps(data))
    assert not post(http).cached and services.count("s2") == 3


def test_errors_are_not_cached(services, http):
    services.faults["s2"] += [Fault(404, '{"error":"Paper with id 0 not found"}')]
    assert post(http).status == 404
    services.s2["arxiv:1703.09844"] = {"title": "x"}
    assert post(http).status == 200
