"""Questions about a list: which papers match, and what the list holds (per topic, year, venue)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dnnpapers.errors import DnnpapersError, UsageError
from dnnpapers.model.fields import bare_arxiv_id, bare_doi, venue_name
from dnnpapers.model.records import LINK_SECTIONS
from dnnpapers.model.rules import suggest
from dnnpapers.model.talks import is_upcoming

if TYPE_CHECKING:  # a listing reads plain records (plainlist): no pydantic to import
    from dnnpapers.access.plainlist import PaperList
    from dnnpapers.model.models import Paper

__all__ = ["parse_years", "select", "select_talks", "find", "Stats", "stats", "SORTS"]

SORTS = ("year", "citations", "title")
_YEARS = re.compile(r"^\s*(\d{4})?\s*(\.\.)?\s*(\d{4})?\s*$")


def parse_years(text: str) -> tuple[int, int]:
    """'2019..2021', '2020', '2019..' or '..2021' as an inclusive range."""
    match = _YEARS.match(text)
    if not match or not (match[1] or match[3]) or (match[2] is None and match[3]):
        raise UsageError(f"--year {text!r}: write a year (2020) or a range (2019..2021, 2019.., ..2021)", "--year")
    low = int(match[1]) if match[1] else 0
    high = int(match[3]) if match[3] else (9999 if match[2] else low)
    if low > high:
        raise UsageError(f"--year {text!r}: the range is empty", "--year")
    return low, high


def find(paper_list: PaperList, paper_id: str) -> tuple[int, Paper]:
    """The paper named by its list id, its arXiv id (any version, prefix or link) or its DOI, and its place in the file."""
    arxiv_id, doi = bare_arxiv_id(paper_id), bare_doi(paper_id).lower()
    for index, paper in enumerate(paper_list.papers):
        if paper.id == paper_id or (paper.arxiv and paper.arxiv == arxiv_id) or (paper.doi and paper.doi.lower() == doi):
            return index, paper
    raise DnnpapersError(f"no paper {paper_id!r} in the list (by id, arXiv id or DOI){suggest(paper_id, [p.id for p in paper_list.papers])}")


def select(
    paper_list: PaperList,
    tag: str | None = None,
    years: tuple[int, int] | None = None,
    venue: str | None = None,
    search: str | None = None,
    sort: str = "year",
    presented: bool | None = None,
    today: dt.date | None = None,
) -> list[Paper]:
    """Papers matching every filter given; ``tag`` includes its subtopics; ``presented``: discussed by the group by ``today`` (or not)."""
    if sort not in SORTS:
        raise UsageError(f"--sort {sort!r}: choose one of {', '.join(SORTS)}", "--sort")
    papers = paper_list.papers
    if tag is not None:
        if tag not in paper_list.taxonomy:
            raise DnnpapersError(f"unknown tag {tag!r}{suggest(tag, paper_list.taxonomy.by_slug)}")
        below = set(paper_list.taxonomy.subtree(tag))
        papers = [p for p in papers if below & set(p.tags)]
    if years is not None:
        papers = [p for p in papers if years[0] <= p.year <= years[1]]
    if venue:
        word = re.compile(rf"(?<!\w){re.escape(venue)}(?!\w)", re.I)  # "ACL" is not "EACL"
        papers = [p for p in papers if word.search(p.venue or "")]
    if presented is not None:
        discussed = paper_list.talks.discussed(today or paper_list.today()) if paper_list.talks.talks else {}
        papers = [p for p in papers if (p.id in discussed) is presented]
    if search:
        needle = search.casefold()
        papers = [p for p in papers if needle in " ".join([p.title, *p.authors, p.focus or "", p.notes or "", p.id]).casefold()]

    def citations(p: Paper) -> int:
        metrics = paper_list.metrics.get(p.id)
        return metrics.citations if metrics and metrics.citations is not None else -1

    keys = {
        "year": lambda p: (p.year, p.title.casefold()),
        "title": lambda p: (p.title.casefold(), p.year),
        "citations": lambda p: (-citations(p), p.year, p.title.casefold()),
    }
    return sorted(papers, key=keys[sort])


@dataclass
class Stats:
    per_topic: list[tuple[int, str, int]]  # (depth, slug, papers in its subtree)
    per_year: list[tuple[int, int]]
    venues: list[tuple[str, int]]
    most_cited: list[tuple[str, int]]
    without_code: int
    without_citations: int
    total: int
    talks: int = 0
    per_presenter: list[tuple[str, int]] = field(default_factory=list)
    upcoming: int = 0  # talks still to come (counted in ``talks``, not in ``talks_per_topic``)
    talks_per_topic: list[tuple[int, str, int, int]] = field(default_factory=list)  # (depth, slug, talks held, papers discussed)
    empty_sections: list[str] = field(default_factory=list)  # data/page.yaml's link sections with nothing in them


def stats(paper_list: PaperList, top: int = 10, today: dt.date | None = None) -> Stats:
    taxonomy = paper_list.taxonomy
    per_topic = [
        (taxonomy.depth[node.slug], node.slug, len({p.id for s in taxonomy.subtree(node.slug) for p in paper_list.tagged(s)}))
        for node in taxonomy.walk()
    ]
    years = Counter(p.year for p in paper_list.papers)
    venues = Counter(venue_name(p.venue) for p in paper_list.papers if p.published)
    cited = [(pid, m.citations) for pid, m in paper_list.metrics.items() if m.citations is not None]
    talks = paper_list.talks.talks
    presenters = Counter(name for talk in talks for name in dict.fromkeys(talk.presenter_names))
    today = today or (paper_list.today() if talks else None)
    held = [talk for talk in talks if not is_upcoming(talk, today)]
    discussed = paper_list.talks.discussed(today) if talks else {}
    talks_per_topic = []
    for node in taxonomy.walk():
        below = set(taxonomy.subtree(node.slug))
        covered = {p.id for p in paper_list.papers if p.id in discussed and below & set(p.tags)}
        talks_per_topic.append((taxonomy.depth[node.slug], node.slug, sum(1 for t in held if covered & set(t.papers)), len(covered)))
    return Stats(
        per_topic=per_topic,
        per_year=sorted(years.items()),
        venues=sorted(venues.items(), key=lambda v: (-v[1], v[0]))[:top],
        most_cited=sorted(cited, key=lambda c: (-c[1], c[0]))[:top],
        without_code=sum(1 for p in paper_list.papers if not p.code),
        without_citations=sum(1 for p in paper_list.papers if p.id not in paper_list.metrics),
        total=len(paper_list.papers),
        talks=len(talks),
        upcoming=len(talks) - len(held),
        per_presenter=sorted(presenters.items(), key=lambda item: (-item[1], item[0])),
        talks_per_topic=talks_per_topic,
        empty_sections=[name for name in LINK_SECTIONS if not getattr(paper_list.page, name)],
    )


def select_talks(paper_list: PaperList, when: str | None = None, presenter: str | None = None, paper: str | None = None, today: dt.date | None = None):
    """(anchor, talk) pairs in date order: ``when`` 'upcoming' (from today) or 'past'; a presenter's name (any case, part of it); a paper."""
    pairs = [(anchor, talk) for talk, anchor in paper_list.talks.in_order()]
    if when is not None:
        today = today or paper_list.today()
        pairs = [(a, t) for a, t in pairs if is_upcoming(t, today) is (when == "upcoming")]
    if presenter:
        needle = presenter.casefold()
        pairs = [(a, t) for a, t in pairs if any(needle in name.casefold() for name in t.presenter_names)]
    if paper:
        _, wanted = find(paper_list, paper)
        pairs = [(a, t) for a, t in pairs if wanted.id in t.papers]
    return pairs
