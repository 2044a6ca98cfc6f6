"""GitHub's REST API: a code repository's stars, last push and whether it is archived.

``GET /repos/{owner}/{repo}`` answers the repository object (``full_name``,
``stargazers_count``, ``pushed_at`` as ``2024-05-01T12:34:56Z``, ``archived``);
a renamed or moved repository answers 301 to ``/repositories/{id}`` on the
same host, which the client follows; an unknown (or private) one 404. The
limit is 60 requests an hour without a token and 5,000 with one: a spent limit
answers 403 or 429 with ``x-ratelimit-remaining: 0`` and ``x-ratelimit-reset``
(epoch seconds), a secondary limit with ``retry-after`` (seconds). Once GitHub
says stop, nothing more is asked this run, and what was fetched is kept.
There is no batch endpoint for repositories in the REST API: one request each,
cached for a day like every answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from dnnpapers.environment import env_key
from dnnpapers.model.repositories import github_repository
from dnnpapers.sources.http import Answer, Http, ServiceError, env_url, parse_json

__all__ = ["Repository", "Stopped", "base_url", "fetch_repositories", "parse_repository", "SERVICE"]

SERVICE = "GitHub"
API_VERSION = "2022-11-28"


def base_url() -> str:
    return env_url("DNNPAPERS_GITHUB_API_URL", "https://api.github.com")


@dataclass(frozen=True)
class Repository:
    """What GitHub says of one repository; ``name`` is its name now (after a rename)."""

    name: str
    stars: int
    pushed: dt.date | None
    archived: bool


class Stopped(ServiceError):
    """GitHub will not answer more this run (rate limit, bad token): the message says why and what to do."""


class _Unknown(ServiceError):
    """404: no such repository (or a private one)."""


def _headers() -> dict[str, str]:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
    token = env_key("GITHUB_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def parse_repository(data: Any) -> Repository:
    """The repository object's fields we use; ServiceError for an answer that is not one."""
    if not isinstance(data, dict):
        raise ServiceError(f"{SERVICE}: expected a repository object, got {type(data).__name__}")
    name, stars, pushed = data.get("full_name"), data.get("stargazers_count"), data.get("pushed_at")
    if not isinstance(name, str) or github_repository(f"https://github.com/{name}") != name or type(stars) is not int or stars < 0:
        raise ServiceError(f"{SERVICE}: the answer has no repository name or star count")  # a name that is no OWNER/REPO is never used
    day = None
    if isinstance(pushed, str):
        try:
            day = dt.date.fromisoformat(pushed[:10])
        except ValueError:
            raise ServiceError(f"{SERVICE}: {name}: pushed_at is not a date ({pushed[:30]!r})") from None
    return Repository(name, stars, day, data.get("archived") is True)


def _when(headers: dict[str, str]) -> str:
    """When asking may start again, from the rate-limit headers, in words."""
    reset, wait = headers.get("x-ratelimit-reset", ""), headers.get("retry-after", "")
    if reset.strip().isdigit():
        moment = dt.datetime.fromtimestamp(int(reset), dt.timezone.utc)
        return f"it resets at {moment:%Y-%m-%d %H:%M} UTC"
    if wait.strip().isdigit():
        return f"try again in {int(wait)} s"
    return "try again in a few minutes"


def _read(answer: Answer) -> Repository:
    if answer.status == 200:
        return parse_repository(parse_json(answer.text, f"{SERVICE}: HTTP 200 with an answer that is not JSON"))
    headers = answer.headers
    limited = headers.get("x-ratelimit-remaining", "").strip() == "0" or "retry-after" in headers
    if answer.status in (403, 429) and limited:
        hint = "" if env_key("GITHUB_TOKEN") else "; set GITHUB_TOKEN for 5,000 requests an hour"
        raise Stopped(f"{SERVICE}: rate limit reached (HTTP {answer.status}); {_when(headers)}{hint}")
    if answer.status == 401:
        raise Stopped(f"{SERVICE}: bad credentials (HTTP 401): check GITHUB_TOKEN")
    if answer.status == 404:
        raise _Unknown(f"{SERVICE}: no such repository (HTTP 404)")
    message = _message(answer.text)
    raise ServiceError(f"{SERVICE}: HTTP {answer.status}" + (f": {message}" if message else ""))


def _message(text: str) -> str:
    try:
        data = parse_json(text, "")
    except ServiceError:
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return " ".join(message.split())[:200] if isinstance(message, str) else ""


def fetch_repositories(
    http: Http, names: Iterable[str], warnings: list[str], on_repository: Callable[[int], None] | None = None
) -> dict[str, Repository | None]:
    """Each 'OWNER/REPO' GitHub answered for: its Repository, or None when GitHub does not know it.

    Names are GitHub's, case-insensitive: each repository is asked once however
    it is spelt. A name GitHub was never asked about (it said stop first, or
    failed) is absent; ``warnings`` get one line for each unknown repository and one for the stop.
    """
    spellings: dict[str, list[str]] = {}
    for name in names:
        same = spellings.setdefault(name.lower(), [])
        if name not in same:
            same.append(name)
    headers = _headers()
    found: dict[str, Repository | None] = {}
    for done, (key, spelt) in enumerate(spellings.items()):
        try:
            answer = http.request(SERVICE, "GET", f"{base_url()}/repos/{spelt[0]}", headers=headers, read=_read)
        except _Unknown:
            answer = None
            warnings.append(f"{SERVICE} does not know {spelt[0]} (HTTP 404: renamed away, deleted or private); its stars are unknown")
        except ServiceError as exc:
            left = len(spellings) - done
            warnings.append(f"{exc}; stars of {left} repositor{'y' if left == 1 else 'ies'} not fetched this run")
            break
        found.update(dict.fromkeys(spelt, answer))
        if on_repository:
            on_repository(1)
    return found
