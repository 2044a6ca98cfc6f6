"""GitHub's REST API through the real client: stars and last push, renames, unknown repositories, limits and tokens."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dnnpapers.sources import github_api
from dnnpapers.sources.http import Http
from fakes import Fault, recorded


def test_the_recorded_repository_object_gives_stars_last_push_and_archived():
    repo = github_api.parse_repository(json.loads(recorded("github/repos_get_200_example-org_early-exit-nets_FAKE.json")))
    assert repo == github_api.Repository("example-org/early-exit-nets", 1234, dt.date(2026, 10, 14), False)


def test_found_renamed_and_unknown_repositories(http, services):
    services.add_repo("example-org/early-exit-nets", 1234)
    services.add_repo("example-org/new-name", 56, "2025-01-02T03:04:05Z", archived=True, moved_from="example-org/old-name")
    warnings: list[str] = []
    found = github_api.fetch_repositories(http, ["example-org/early-exit-nets", "example-org/old-name", "example-org/gone"], warnings)
    assert found == {
        "example-org/early-exit-nets": github_api.Repository("example-org/early-exit-nets", 1234, dt.date(2026, 10, 14), False),
        "example-org/old-name": github_api.Repository("example-org/new-name", 56, dt.date(2025, 1, 2), True),  # the 301 followed
        "example-org/gone": None,
    }
    assert warnings == ["GitHub does not know example-org/gone (HTTP 404: renamed away, deleted or private); its stars are unknown"]
    asked = [r for name, r in services.requests if name == "github"]
    assert [r.url.path for r in asked] == ["/github/repos/example-org/early-exit-nets", "/github/repos/example-org/old-name",
                                           "/github/repositories/700000002", "/github/repos/example-org/gone"]
    assert all(r.headers["accept"] == "application/vnd.github+json" and r.headers["x-github-api-version"] == "2022-11-28" for r in asked)
    assert not any("authorization" in r.headers for r in asked)  # no token set: none sent


def test_a_token_is_sent_as_a_bearer_and_a_bad_one_stops_asking_without_printing_it(http, services, monkeypatch):
    services.add_repo("example-org/early-exit-nets", 1234)
    services.github_token = "good-token"
    monkeypatch.setenv("GITHUB_TOKEN", "good-token")
    assert github_api.fetch_repositories(http, ["example-org/early-exit-nets"], [])["example-org/early-exit-nets"].stars == 1234
    assert services.requests[-1][1].headers["authorization"] == "Bearer good-token"
    monkeypatch.setenv("GITHUB_TOKEN", "wrong-token")
    warnings: list[str] = []
    http.cache.refresh = True
    assert github_api.fetch_repositories(http, ["example-org/early-exit-nets", "example-org/other"], warnings) == {}
    assert warnings == ["GitHub: bad credentials (HTTP 401): check GITHUB_TOKEN; stars of 2 repositories not fetched this run"]
    assert services.count("github") == 2  # the second repository was never asked


def test_a_spent_rate_limit_is_one_line_saying_when_it_resets_and_nothing_more_is_asked(http, services):
    for n in range(3):
        services.add_repo(f"example-org/repo-{n}", n)
    services.github_left = 1  # one answer left this hour
    warnings: list[str] = []
    found = github_api.fetch_repositories(http, [f"example-org/repo-{n}" for n in range(3)], warnings)
    assert list(found) == ["example-org/repo-0"]  # what was fetched is kept
    assert warnings == ["GitHub: rate limit reached (HTTP 403); it resets at 2026-12-06 01:00 UTC; set GITHUB_TOKEN for 5,000 requests "
                        "an hour; stars of 2 repositories not fetched this run"]
    assert services.count("github") == 2  # one answer, one refusal, and no try after it


def test_a_secondary_limit_with_retry_after_stops_too(services, tmp_path):
    services.add_repo("example-org/repo", 7)
    services.faults["github"] += [Fault(429, json.dumps({"message": "You have exceeded a secondary rate limit."}), {"retry-after": "120"})]
    slept: list[float] = []
    with Http(transport=services.transport(), backoff=0.001, sleep=slept.append) as http:
        warnings: list[str] = []
        assert github_api.fetch_repositories(http, ["example-org/repo"], warnings) == {}
    assert warnings == ["GitHub: rate limit reached (HTTP 429); try again in 120 s; set GITHUB_TOKEN for 5,000 requests an hour; "
                        "stars of 1 repository not fetched this run"]
    assert slept == [] and services.count("github") == 1  # 120 s is past the deadline: not waited for


@pytest.mark.parametrize("body", ['{"full_name": "a/b"}', '{"full_name": "a/b", "stargazers_count": -1}', "[]", "not json"])
def test_an_answer_that_is_no_repository_object_is_a_warning(http, services, body):
    services.faults["github"] += [Fault(200, body, {"content-type": "application/json"})]
    warnings: list[str] = []
    assert github_api.fetch_repositories(http, ["example-org/x"], warnings) == {}
    assert len(warnings) == 1 and warnings[0].startswith("GitHub: ")


def test_a_429_with_a_spent_limit_is_not_retried_before_its_reset(services):
    import time

    services.faults["github"] += [Fault(429, '{"message": "API rate limit exceeded"}', {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 3600)})]
    slept: list[float] = []
    with Http(transport=services.transport(), backoff=0.001, sleep=slept.append) as http:
        warnings: list[str] = []
        assert github_api.fetch_repositories(http, ["example-org/repo"], warnings) == {}
    assert slept == [] and services.count("github") == 1  # an hour away: no try spent before it
    assert warnings[0].startswith("GitHub: rate limit reached (HTTP 429); it resets at ")


def test_a_full_name_that_is_no_owner_and_repository_is_refused(http, services):
    repo = services.add_repo("example-org/repo", 3)
    repo["full_name"] = "example-org/repo\n<script>"
    warnings: list[str] = []
    assert github_api.fetch_repositories(http, ["example-org/repo"], warnings) == {}
    assert warnings == ["GitHub: the answer has no repository name or star count; stars of 1 repository not fetched this run"]
