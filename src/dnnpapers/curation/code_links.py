"""Code links for ``update``: proposals from arXiv's texts, and GitHub's stars and last push into the metrics.

A code link a curator wrote is treated as a venue written by hand: ``update
--code`` may propose another (arXiv's abstract or comment names another
repository as the code), shown beside the current one and written only with
``--apply``; ``code_checked: true`` on an entry, like ``venue_checked``, says a
curator checked the link and it is never proposed for change. Nor is a link
that is one of the repositories arXiv's text names, however it is spelled: a
curator who chose among them chose. Stars are machine-owned, like citations: they go to
``data/metrics.yaml`` with the repository they describe, so a changed link
never shows another repository's stars.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from dnnpapers.model.models import Paper, PaperMetrics
from dnnpapers.model.repositories import canonical_repository, find_repositories, github_repository
from dnnpapers.sources.arxiv import ArxivRecord
from dnnpapers.sources.github_api import Repository

__all__ = ["CODE_AFTER", "code_proposal", "repositories_to_fetch", "star_fields", "with_stars"]

#: Where a new ``code:`` goes in an entry: after the first of these it has (the schema's order).
CODE_AFTER = ("url", "doi", "arxiv", "venue_checked", "venue", "year", "authors", "title")


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and (canonical_repository(a) or a).lower() == (canonical_repository(b) or b).lower()


def code_proposal(paper: Paper, record: ArxivRecord | None) -> tuple[str, str] | None:
    """(the link arXiv's text names as the code, where it says so) when it differs from the paper's ``code:``."""
    if paper.code_checked:
        return None
    if record is None or record.code is None or _same(paper.code, record.code):
        return None
    if paper.code and any(_same(paper.code, named) for named in record.repositories):
        return None  # the curator's link is one arXiv names too: theirs stands
    in_comment = any(_same(found.url, record.code) for found in find_repositories(record.comment))
    return record.code, "arXiv comment" if in_comment else "arXiv abstract"


def repositories_to_fetch(papers: Iterable[Paper], proposed: dict[str, str]) -> dict[str, str]:
    """Paper id → 'OWNER/REPO' of its GitHub code link (the proposed one where it will be written)."""
    found = {}
    for paper in papers:
        name = github_repository(proposed.get(paper.id) or paper.code)
        if name:
            found[paper.id] = name
    return found


def star_fields(name: str, repository: Repository | None) -> dict:
    """The metrics fields for what GitHub said of ``name``; None (unknown to GitHub) clears the old numbers."""
    if repository is None:
        return {"repository": name, "stars": None, "pushed": None, "archived": None}
    return {"repository": name, "stars": repository.stars, "pushed": repository.pushed, "archived": True if repository.archived else None}


def with_stars(new: PaperMetrics | None, old: PaperMetrics | None, fields: dict, today: dt.date) -> PaperMetrics:
    """One metrics update holding both the citation refresh (``new``, if any) and GitHub's fields.

    Every field it names replaces the one on disk (a None clears it); ``fetched``
    stays the citations' date when only GitHub answered.
    """
    merged = new.model_dump(exclude_unset=True) if new is not None else {}
    merged.setdefault("fetched", old.fetched if old is not None else today)
    return PaperMetrics(**merged, **fields)
