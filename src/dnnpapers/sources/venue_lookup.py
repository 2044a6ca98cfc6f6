"""The curated venues of papers: DBLP's record first, then Crossref's for a DOI.

One lookup per paper (DBLP asks for a second between searches), all before any
file is touched. A fault of either service is one warning and the rest of the
run falls back to the weaker hints (Semantic Scholar, arXiv comments): a
missing venue is never a failed ``add``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from dnnpapers.sources import crossref, dblp
from dnnpapers.sources.http import Http, ServiceError
from dnnpapers.model.venues import Venue, crossref_venue, dblp_venue

__all__ = ["Lookup", "curated_venues"]


@dataclass(frozen=True)
class Lookup:
    key: str
    title: str
    first_author: str
    arxiv: str | None = None
    doi: str | None = None


def curated_venues(
    http: Http, lookups: Iterable[Lookup], warnings: list[str], progress: Callable[[int], None] | None = None
) -> dict[str, tuple[Venue | None, ...]]:
    """Each lookup's key → (DBLP's venue, Crossref's venue), either None when the source has none."""
    found: dict[str, tuple[Venue | None, ...]] = {}
    dblp_up, crossref_up = True, True
    for item in lookups:
        from_dblp = from_crossref = None
        if dblp_up:
            try:
                hit = dblp.find(http, item.title, item.first_author, item.arxiv)
            except ServiceError as exc:
                warnings.append(f"{exc}; venues fall back to Semantic Scholar and arXiv")
                dblp_up = False
            else:
                from_dblp = dblp_venue(hit.venue, hit.year, hit.source) if hit else None
        if item.doi and crossref_up:
            try:
                work = crossref.work(http, item.doi)
            except ServiceError as exc:
                warnings.append(f"{exc}; venues fall back to Semantic Scholar and arXiv")
                crossref_up = False
            else:
                if work is not None:
                    from_crossref = crossref_venue(work.kind, (work.container, work.short_container, work.event), work.year, work.source)
        found[item.key] = (from_dblp, from_crossref)
        if progress:
            progress(1)
    return found
