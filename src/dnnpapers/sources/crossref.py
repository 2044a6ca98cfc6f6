"""Crossref's works API: the venue and date of a paper with a DOI.

``GET /works/{doi}`` answers ``{"status": "ok", "message": {…}}``; a DOI it does
not know is 404 with the plain text ``Resource not found.``; arXiv's own DOIs
(10.48550/…) are DataCite's, so they are never asked. ``container-title`` is a
list (may be empty or hold line breaks), dates are ``date-parts`` of varying
precision and may be ``[[null]]``. The polite pool wants a ``mailto``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from dnnpapers.environment import env_url
from dnnpapers.sources.http import Answer, Http, ServiceError, json_answer

__all__ = ["CrossrefWork", "work", "parse_work", "base_url", "SERVICE"]

SERVICE = "Crossref"
ARXIV_PREFIX = "10.48550/"


def base_url() -> str:
    return env_url("DNNPAPERS_CROSSREF_URL", "https://api.crossref.org")


@dataclass(frozen=True)
class CrossrefWork:
    doi: str
    kind: str | None
    container: str | None
    short_container: str | None
    event: str | None
    year: int | None

    @property
    def source(self) -> str:
        return f"Crossref DOI {self.doi}"


def _first_text(value: Any) -> str | None:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str) and item.strip():
            return " ".join(item.split())
    return None


def _year(message: dict, *keys: str) -> int | None:
    """The first year found under ``keys`` (date-parts may be [[null]] or absent)."""
    for key in keys:
        parts = (message.get(key) or {}).get("date-parts") if isinstance(message.get(key), dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = parts[0][0]
            if isinstance(year, int) and not isinstance(year, bool) and 1900 <= year <= 2100:
                return year
    return None


def parse_work(answer: Answer, doi: str) -> CrossrefWork | None:
    """The work of one answer, None for 404; ServiceError for anything unusable (never cached)."""
    if answer.status == 404:
        return None
    data = json_answer(answer, SERVICE)
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise ServiceError(f"{SERVICE}: the answer has no 'message'")
    event = message.get("event") if isinstance(message.get("event"), dict) else {}
    kind = message.get("type") if isinstance(message.get("type"), str) else None
    # a journal's volume year is its print issue's; a proceedings paper's is its event's
    year = _year(message, "published-print", "issued", "published", "published-online")
    return CrossrefWork(
        doi=doi,
        kind=kind,
        container=_first_text(message.get("container-title")),
        short_container=_first_text(message.get("short-container-title")),
        event=_first_text(event.get("acronym")) or _first_text(event.get("name")),
        year=year,
    )


def work(http: Http, doi: str) -> CrossrefWork | None:
    """What Crossref records of ``doi``; None for arXiv DOIs (DataCite's) and DOIs it does not know."""
    if doi.lower().startswith(ARXIV_PREFIX):
        return None
    mailto = os.environ.get("DNNPAPERS_CROSSREF_MAILTO")
    params = {"mailto": mailto} if mailto else None
    url = f"{base_url()}/works/{quote(doi, safe='/:;()')}"
    return http.request(SERVICE, "GET", url, params=params, min_interval=0.1, read=lambda answer: parse_work(answer, doi),
                        cacheable=lambda answer: answer.status in (200, 404))
