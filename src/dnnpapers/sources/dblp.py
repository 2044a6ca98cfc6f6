"""DBLP's publication search: the curated venue and year of a computer-science paper.

``GET /search/publ/api?q=…&format=json&h=…``. Quirks (recorded bodies): every
number is a string; ``authors.author`` is a list for several authors and one
object (or, before 2019, one string) for a single author; titles end with a
period; a zero-hit answer has no ``hit`` key; names may carry a homonym number
("Alexey Karpov 0001"). A paper usually has two records: the arXiv one (venue
CoRR, its ``ee`` the arXiv link) and the conference or journal one, which is
the one we want. Politeness: one request a second; 429 carries Retry-After.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dnnpapers.environment import env_float, env_url
from dnnpapers.model.keys import ascii_fold, surname
from dnnpapers.model.rules import normalise_title
from dnnpapers.sources.arxiv import find_id
from dnnpapers.sources.http import Answer, Http, ServiceError, json_answer

__all__ = ["DblpHit", "parse_hits", "search", "find", "base_url", "SERVICE"]

SERVICE = "DBLP"
_CORR_KEY = re.compile(r"^journals/corr/abs-(\d{4})-(\d{4,5})$")
_HOMONYM = re.compile(r"\s+\d{4}$")


def base_url() -> str:
    return env_url("DNNPAPERS_DBLP_URL", "https://dblp.org") + "/search/publ/api"


@dataclass(frozen=True)
class DblpHit:
    title: str
    authors: tuple[str, ...]
    venue: str | None
    year: int | None
    kind: str | None
    key: str | None
    doi: str | None
    arxiv: str | None

    @property
    def preprint(self) -> bool:
        """The arXiv record (CoRR), which names no venue."""
        return (self.key or "").startswith("journals/corr/") or (self.venue or "").strip().lower() == "corr"

    @property
    def source(self) -> str:
        return f"DBLP {self.key}" if self.key else "DBLP search"


def _strings(value: Any) -> list[str]:
    """``author`` as a list of names, whatever its shape (list, object, string)."""
    items = value if isinstance(value, list) else [value]
    names = [item.get("text") if isinstance(item, dict) else item for item in items]
    return [_HOMONYM.sub("", n.strip()) for n in names if isinstance(n, str) and n.strip()]


def _text(value: Any) -> str | None:
    if isinstance(value, list):  # said to happen for venue and ee; take the first
        value = next((v for v in value if isinstance(v, str)), None)
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _hit(item: Any) -> DblpHit | None:
    info = item.get("info") if isinstance(item, dict) else None
    if not isinstance(info, dict) or not _text(info.get("title")):
        return None
    year_text = _text(info.get("year")) or ""
    key = _text(info.get("key"))
    links = info.get("ee") if isinstance(info.get("ee"), list) else [info.get("ee")]
    arxiv_id = next((found for link in links if isinstance(link, str) and (found := find_id(link))), None)
    corr = _CORR_KEY.match(key or "")
    if arxiv_id is None and corr:
        arxiv_id = f"{corr[1]}.{corr[2]}"
    authors = info.get("authors", {}).get("author") if isinstance(info.get("authors"), dict) else None
    return DblpHit(
        title=_text(info["title"]).rstrip("."),
        authors=tuple(_strings(authors)),
        venue=_text(info.get("venue")),
        year=int(year_text) if re.fullmatch(r"(19|20)\d\d", year_text) else None,
        kind=_text(info.get("type")),
        key=key,
        doi=_text(info.get("doi")),
        arxiv=arxiv_id,
    )


def parse_hits(answer: Answer) -> list[DblpHit]:
    """The hits of one search answer; ServiceError for anything else (never cached)."""
    data = json_answer(answer, SERVICE)
    result = data.get("result") if isinstance(data, dict) else None
    hits = result.get("hits") if isinstance(result, dict) else None
    if not isinstance(hits, dict):
        raise ServiceError(f"{SERVICE}: the answer has no 'result.hits'")
    items = hits.get("hit", [])  # absent when nothing matched
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise ServiceError(f"{SERVICE}: 'hits.hit' is neither a list nor a hit")
    return [hit for hit in map(_hit, items) if hit is not None]


def search(http: Http, title: str, hits: int = 10) -> list[DblpHit]:
    words = re.sub(r"[^\w\s-]", " ", title).split()
    if not words:
        return []
    params = {"q": " ".join(words), "format": "json", "h": str(hits)}
    return http.request(SERVICE, "GET", base_url(), params=params, min_interval=env_float("DNNPAPERS_DBLP_DELAY", 1.0), read=parse_hits)


def _person(name: str) -> str:
    return ascii_fold(surname(name)).lower()


def find(http: Http, title: str, first_author: str, arxiv_id: str | None = None) -> DblpHit | None:
    """The conference or journal record of this paper, or None when DBLP has only the preprint or nothing.

    A record is this paper's when it names its arXiv id, or has its title and
    first author's surname; the published record is preferred to the CoRR one.
    """
    wanted, person = normalise_title(title), _person(first_author)
    mine = []
    for hit in search(http, title):
        same_id = arxiv_id is not None and hit.arxiv == arxiv_id
        same_work = normalise_title(hit.title) == wanted and bool(hit.authors) and _person(hit.authors[0]) == person
        if same_id or same_work:
            mine.append(hit)
    published = [hit for hit in mine if not hit.preprint and hit.venue and hit.year]
    return min(published, key=lambda hit: hit.year) if published else None
