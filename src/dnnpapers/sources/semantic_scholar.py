"""Semantic Scholar's Graph API: citation counts and publication venues, 500 papers a request.

``POST /paper/batch`` answers a list, documented as in request order with null
for unknown ids, and 400 "No valid paper ids given" when none resolves. Unknown
values are null, an unknown venue is "". 429s come without Retry-After.

An answer is matched to the paper by the ids it names (arXiv id, DOI,
paperId), never by its position: a list answered in another order must not
swap one paper's venue and citations with another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from dnnpapers.environment import env_key
from dnnpapers.sources.http import Http, ServiceError, env_url, parse_json

__all__ = ["S2Paper", "batch", "recommend", "BATCH", "FIELDS", "base_url", "recommendations_url", "SERVICE"]

SERVICE = "Semantic Scholar"
BATCH = 500
FIELDS = "title,year,venue,publicationVenue,publicationDate,citationCount,influentialCitationCount,externalIds,authors,url"


def base_url() -> str:
    return env_url("DNNPAPERS_S2_URL", "https://api.semanticscholar.org/graph/v1")


@dataclass(frozen=True)
class S2Paper:
    """What Semantic Scholar knows of one paper; None where it said null."""

    title: str | None
    year: int | None
    venue: str | None
    venue_names: tuple[str, ...]
    citations: int | None
    influential: int | None
    dblp: str | None
    doi: str | None
    arxiv: str | None
    authors: tuple[str, ...]
    paper_id: str | None = None
    corpus_id: str | None = None
    abstract: str | None = None
    published: str | None = None  # publicationDate, YYYY-MM-DD (may be the arXiv date)

    def names(self) -> set[str]:
        """The request ids (lower-cased) that denote this paper."""
        found = {self.paper_id, self.doi}  # S2 takes a bare DOI as well as DOI:…
        found |= {f"{kind}:{value}" for kind, value in (("arxiv", self.arxiv), ("doi", self.doi), ("corpusid", self.corpus_id)) if value}
        return {n.lower() for n in found if n}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _paper(item: Any) -> S2Paper | None:
    if item is None:
        return None
    if not isinstance(item, dict):
        raise ServiceError(f"{SERVICE}: unexpected item in the batch answer ({type(item).__name__})")
    venue = item.get("publicationVenue") if isinstance(item.get("publicationVenue"), dict) else {}
    names = [_str(venue.get("name"))] + [_str(n) for n in venue.get("alternate_names") or [] if isinstance(n, str)]
    external = item.get("externalIds") if isinstance(item.get("externalIds"), dict) else {}
    authors = item.get("authors") if isinstance(item.get("authors"), list) else []
    return S2Paper(
        title=_str(item.get("title")),
        year=_int(item.get("year")),
        venue=_str(item.get("venue")),
        venue_names=tuple(n for n in names if n),
        citations=_int(item.get("citationCount")),
        influential=_int(item.get("influentialCitationCount")),
        dblp=_str(external.get("DBLP")),
        doi=_str(external.get("DOI")),
        arxiv=_str(external.get("ArXiv")),
        authors=tuple(n for n in (_str(a.get("name")) for a in authors if isinstance(a, dict)) if n),
        paper_id=_str(item.get("paperId")),
        abstract=_str(item.get("abstract")),
        published=_str(item.get("publicationDate")),
        corpus_id=str(external["CorpusId"]) if _int(external.get("CorpusId")) is not None else None,
    )


def _key_header() -> dict[str, str] | None:
    """The API key's header when one is set; a key no header can carry is a one-line error naming the variable."""
    key = env_key("SEMANTIC_SCHOLAR_API_KEY")
    return {"x-api-key": key} if key else None


def batch(http: Http, ids: Iterable[str], on_batch=None, warnings: list[str] | None = None) -> dict[str, S2Paper | None]:
    """Each id (``arXiv:1703.09844``, ``DOI:10.…``) mapped to what S2 knows, or None when it does not.

    An answer naming no id that was asked is dropped, with a line in ``warnings``.
    """
    wanted = list(dict.fromkeys(ids))
    headers = _key_header()
    found: dict[str, S2Paper | None] = {}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        items = http.request(
            SERVICE, "POST", f"{base_url()}/paper/batch", params={"fields": FIELDS}, json_body={"ids": chunk}, headers=headers,
            min_interval=1.0 if headers else 0.0, read=lambda answer: _read(answer.status, answer.text, len(chunk)),
        )
        asked = {i.lower(): i for i in chunk}
        found.update(dict.fromkeys(chunk))
        for paper in filter(None, items):
            matches = [asked[name] for name in paper.names() if name in asked]
            if not matches:
                if warnings is not None:
                    warnings.append(f"{SERVICE} answered with {paper.title or paper.paper_id!r}, which no asked id names; ignored it")
                continue
            for request_id in matches:
                found[request_id] = paper
        if on_batch:
            on_batch(len(chunk))
    return found


def _read(status: int, text: str, count: int) -> list[S2Paper | None]:
    """The papers of one batch answer; ServiceError for anything unusable (so it is never cached)."""
    return [_paper(item) for item in _items(status, text, count)]


def _items(status: int, text: str, count: int) -> list[Any]:
    data = parse_json(text, f"{SERVICE}: HTTP {status} with an answer that is not JSON")
    message = (data.get("error") or data.get("message")) if isinstance(data, dict) else None
    if status == 400 and isinstance(message, str) and "no valid paper ids" in message.lower():
        return [None] * count
    if status == 200 and isinstance(data, list):
        if len(data) != count:
            raise ServiceError(f"{SERVICE}: asked for {count} papers, got {len(data)} answers")
        return data
    if status == 403:
        raise ServiceError(f"{SERVICE}: forbidden (HTTP 403): check SEMANTIC_SCHOLAR_API_KEY")
    if status == 429:
        raise ServiceError(f"{SERVICE}: rate limited (HTTP 429) after retries; set SEMANTIC_SCHOLAR_API_KEY or try later")
    detail = f": {message}" if isinstance(message, str) else ""
    raise ServiceError(f"{SERVICE}: HTTP {status}{detail}")


RECOMMEND_FIELDS = "externalIds,title,abstract,authors,publicationDate"


def recommendations_url() -> str:
    return env_url("DNNPAPERS_S2_RECOMMENDATIONS_URL", "https://api.semanticscholar.org/recommendations/v1") + "/papers/"


def recommend(http: Http, positive: list[str], negative: list[str] = (), limit: int = 500) -> list[S2Paper]:
    """Papers Semantic Scholar recommends from examples (``ARXIV:…`` ids); a negative-only request is refused."""
    if not positive:
        raise ServiceError(f"{SERVICE}: recommendations need at least one listed paper as a positive example")
    headers = _key_header()
    body = {"positivePaperIds": list(positive), "negativePaperIds": list(negative)}
    params = {"fields": RECOMMEND_FIELDS, "limit": str(min(limit, 500))}
    return http.request(SERVICE, "POST", recommendations_url(), params=params, json_body=body, headers=headers, read=_read_recommendations)


def _read_recommendations(answer) -> list[S2Paper]:
    data = parse_json(answer.text, f"{SERVICE}: HTTP {answer.status} with an answer that is not JSON")
    if answer.status != 200:
        message = data.get("error") or data.get("message") if isinstance(data, dict) else None
        raise ServiceError(f"{SERVICE}: recommendations: HTTP {answer.status}" + (f": {message}" if isinstance(message, str) else ""))
    items = data.get("recommendedPapers") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ServiceError(f"{SERVICE}: recommendations: the answer has no 'recommendedPapers' list")
    return [paper for paper in map(_paper, items) if paper is not None]
