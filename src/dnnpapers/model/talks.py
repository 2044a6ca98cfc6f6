"""The reading group's log (data/talks.yaml): loading, the rules across talks, and what the pages ask of it.

Talks name listed papers by id; an arXiv id of a listed paper is understood
too (and ``check`` suggests the id). Every problem is located in the file like
the papers' problems, and a valid log comes back with each talk's papers
resolved to list ids, so nothing downstream looks at arXiv ids again.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from dnnpapers.errors import DnnpapersError, Problem, ProblemsFound
from dnnpapers.model.fields import TALK_KINDS, arxiv_id_problem, bare_arxiv_id
from dnnpapers.storage.layout import TALKS_FILE
from dnnpapers.model.rules import normalise_title, suggest

if TYPE_CHECKING:  # the rules also serve the quick path, which must not import pydantic or PyYAML
    from dnnpapers.model.models import LeaderTerm, Paper, Presenter, Talk
    from dnnpapers.storage.store import Document

__all__ = [
    "TalkLog", "load_talks", "is_upcoming", "presenter_label", "talk_title", "talks_from_text", "talk_anchors", "group_today", "log_rules",
    "TODAY_VARIABLE", "LAST_DAY",
]

#: The last day a talk may have: talks.ics writes four-digit years, an all-day event ends the next day and
#: the calendar carries its zone's rules to the January after the last talk, all of which must exist.
LAST_DAY = dt.date(9998, 12, 31)

#: Set to YYYY-MM-DD to render as on that day (which talks are upcoming); default: today in the group's timezone.
TODAY_VARIABLE = "DNNPAPERS_TODAY"


@dataclass
class TalkLog:
    """A valid log: talks in file order (papers as list ids), the leaders' terms, and advice that is not an error."""

    talks: list[Talk] = field(default_factory=list)
    leaders: list[LeaderTerm] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def anchors(self) -> list[str]:
        return talk_anchors(self.talks)

    def in_order(self) -> list[tuple[Talk, str]]:
        """(talk, anchor) pairs by date and start time (untimed talks first on their day); ties in file order."""
        return sorted(zip(self.talks, self.anchors()), key=lambda pair: (pair[0].date, pair[0].start or ""))

    def on_papers(self, today: dt.date | None = None, upcoming: bool | None = None) -> dict[str, list[tuple[Talk, str]]]:
        """Paper id → the talks on it (with their anchors), in date order; ``upcoming`` True or False: only those still to come, or only those held."""
        found: dict[str, list[tuple[Talk, str]]] = {}
        for talk, anchor in self.in_order():
            if upcoming is not None and is_upcoming(talk, today) is not upcoming:
                continue
            for paper_id in dict.fromkeys(talk.papers):
                found.setdefault(paper_id, []).append((talk, anchor))
        return found

    def discussed(self, today: dt.date) -> dict[str, list[tuple[Talk, str]]]:
        """Paper id → the talks held on it by ``today`` (a talk still to come has discussed nothing yet)."""
        return self.on_papers(today, upcoming=False)

    def upcoming(self, today: dt.date) -> dict[str, list[tuple[Talk, str]]]:
        """Paper id → the talks on it still to come."""
        return self.on_papers(today, upcoming=True)

    def term_of(self, talk: Talk) -> LeaderTerm | None:
        return next((term for term in self.leaders if term.from_ <= talk.date <= term.to), None)


def load_talks(root: Path, papers: list[Paper] | None) -> TalkLog:
    """The log at ``root`` (empty when the file is absent), or ProblemsFound with every located problem.

    ``papers`` None: the papers have problems of their own, so talks' paper ids are not judged.
    """
    from dnnpapers.storage.store import read_document

    path = root / TALKS_FILE
    if not path.exists():
        return TalkLog()
    return _load(read_document(path, str(path)), papers)


def talks_from_text(raw: bytes, display: str, papers: list[Paper]) -> TalkLog:
    """A talks.yaml text validated as ``check`` would (ProblemsFound with every located problem)."""
    from dnnpapers.storage.store import parse_document

    return _load(parse_document(raw, display), papers)


def talk_anchors(talks: list[Talk]) -> list[str]:
    """Each talk's stable key, ``talk-2020-08-05-0900``: its date and start, numbered when two share them.

    The calendar's UIDs and the pages' links come from it, so a talk keeps them
    when its title, presenters or links are edited.
    """
    seen: dict[str, int] = {}
    keys = []
    for talk in talks:
        base = f"talk-{talk.date.isoformat()}" + (f"-{talk.start.replace(':', '')}" if talk.start else "")
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return keys


def is_upcoming(talk: Talk, today: dt.date) -> bool:
    """Still to come: the one rule of pages, README, ``talk list`` and ``list --presented``.

    A talk on ``today`` is still upcoming (announced as the next talk, not yet
    "discussed"): the pages are made by the day, not the hour, and on its day
    the talk may not have begun. It counts as discussed from the next day on.
    """
    return talk.date >= today


def presenter_label(presenter: Presenter) -> str:
    """'王井东 (Microsoft Research)', or the name alone."""
    return f"{presenter.name} ({presenter.affiliation})" if presenter.affiliation else presenter.name


def talk_title(talk: Talk, papers: dict[str, Paper]) -> str:
    """The talk's own title, else the title of the first paper it names."""
    return talk.title or papers[talk.papers[0]].title


def group_today(timezone: str) -> dt.date:
    """Today where the group meets, or the day DNNPAPERS_TODAY names (for reproducible pages)."""
    raw = os.environ.get(TODAY_VARIABLE, "").strip()
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise DnnpapersError(f"{TODAY_VARIABLE}={raw!r} is not a date written YYYY-MM-DD") from None
    import zoneinfo  # (only here: a list without talks never asks)

    return dt.datetime.now(zoneinfo.ZoneInfo(timezone)).date()


def _load(doc: Document, papers: list[Paper] | None) -> TalkLog:
    from dnnpapers.model.models import LeaderTerm, Talk

    problems: list[Problem] = list(doc.problems)
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        raise ProblemsFound(problems + [doc.problem((), "wrong top-level shape; expected 'talks:' and 'leaders:', each a list")])
    for key in data:
        if key not in ("talks", "leaders"):
            problems.append(doc.problem((key,), f"unknown top-level key {key!r}{suggest(str(key), ['talks', 'leaders'])}; only 'talks' and 'leaders' are allowed"))
    talks = _entries(doc, data, "talks", Talk, problems)
    leaders = _entries(doc, data, "leaders", LeaderTerm, problems)
    ids = None if papers is None else {paper.id: None for paper in papers}
    by_arxiv = {paper.arxiv: paper.id for paper in papers or [] if paper.arxiv}
    named, found, warnings = log_rules(doc, talks, leaders, ids, by_arxiv)
    problems += found
    if problems:
        raise ProblemsFound(problems)
    resolved = [talk.model_copy(update={"papers": papers_of}) for (_, talk), papers_of in zip(talks, named)]
    return TalkLog(resolved, [term for _, term in leaders], sorted(warnings))


def _entries(doc: Document, data: dict, key: str, model, problems: list[Problem]) -> list[tuple[int, object]]:
    """(position, model) for each valid entry of the ``key`` list; every invalid one's problems."""
    from pydantic import ValidationError

    from dnnpapers.model.validation import translate_all
    from dnnpapers.storage.store import INVALID

    items = data.get(key)
    if items is None or items is INVALID:
        return []
    if not isinstance(items, list):
        problems.append(doc.problem((key,), f"{key!r} must hold a list"))
        return []
    valid = []
    for index, raw in enumerate(items):
        if raw is INVALID:
            continue
        if not isinstance(raw, dict):
            problems.append(doc.problem((key, index), "each entry must be a mapping of fields (date: ..., presenters: ...)"))
            continue
        try:
            valid.append((index, model.model_validate(raw)))
        except ValidationError as exc:
            problems += translate_all(exc, (key, index), doc, model)
    return valid


def log_rules(doc: Document, talks: Sequence[tuple[int, Talk]], leaders: Sequence[tuple[int, LeaderTerm]], ids: dict[str, None] | None,
              by_arxiv: dict[str, str]) -> tuple[list[list[str]], list[Problem], list[Problem]]:
    """The rules across a log's valid talks and terms: (each talk's papers as list ids, problems, warnings).

    ``ids``: the listed papers' ids in file order, None when the papers have
    problems of their own (talks' paper ids are not judged then). Talks and terms
    are read by attribute, so the quick path's plain values are judged by these
    same rules (with a stand-in for ``doc`` that only notes that something was found).
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    named = _talk_rules(doc, talks, ids, by_arxiv, problems, warnings)
    problems += _term_rules(doc, leaders)
    return named, problems, warnings


def _talk_rules(doc: Document, talks: Sequence[tuple[int, Talk]], ids: dict[str, None] | None, by_arxiv: dict[str, str], problems: list[Problem],
                warnings: list[Problem]) -> list[list[str]]:
    seen: dict[tuple, int] = {}
    resolved = []
    for index, talk in talks:
        at = ("talks", index)
        if talk.kind not in TALK_KINDS:
            problems.append(doc.problem(at + ("kind",), f"unknown kind {talk.kind!r}{suggest(talk.kind, TALK_KINDS)}; one of {', '.join(TALK_KINDS)}"))
        if talk.date > LAST_DAY:
            problems.append(doc.problem(at + ("date",), f"{talk.date} is too far ahead for the calendar (talks.ics): a talk's date must be {LAST_DAY} or earlier"))
        if talk.end and not talk.start:
            problems.append(doc.problem(at + ("end",), "'end' needs a 'start'"))
        elif talk.end and talk.start and talk.end <= talk.start:
            problems.append(doc.problem(at + ("end",), f"'end' {talk.end} is not after 'start' {talk.start}"))
        named = []
        for i, given in enumerate(talk.papers):
            paper_id = given if ids is None else _paper_id(given, ids, by_arxiv)
            where = at + ("papers", i)
            if paper_id is None:
                problems.append(doc.problem(where, f"no listed paper has the id {given!r}{suggest(given, ids or {})}; name papers by their id in data/papers.yaml"))
                continue
            if paper_id != given:
                warnings.append(doc.problem(where, f"{given!r} is the arXiv id of {paper_id!r}; write the list id"))
            if paper_id in named:
                problems.append(doc.problem(where, f"{paper_id!r} is named twice in this talk"))
            named.append(paper_id)
        if not talk.papers and not talk.title:
            problems.append(doc.problem(at, "missing 'title': a talk that names no listed paper needs one"))
        what = frozenset(named) if named else normalise_title(talk.title or "")
        key = (talk.date, talk.start, frozenset(n.casefold() for n in talk.presenter_names), what)
        if key in seen:
            line, _ = doc.locate(("talks", seen[key]))
            problems.append(doc.problem(at, f"the same talk as line {line} (same date, start, presenters and {'papers' if named else 'title'})"))
        seen.setdefault(key, index)
        resolved.append(list(dict.fromkeys(named)))
    return resolved


def _paper_id(given: str, ids: dict[str, None], by_arxiv: dict[str, str]) -> str | None:
    if given in ids:
        return given
    bare = bare_arxiv_id(given)
    if arxiv_id_problem(bare) is None:
        return by_arxiv.get(bare)
    return None


def _term_rules(doc: Document, leaders: list[tuple[int, LeaderTerm]]) -> Iterable[Problem]:
    problems = []
    ordered = []
    for index, term in leaders:
        if term.to < term.from_:
            problems.append(doc.problem(("leaders", index, "to"), f"the term ends ({term.to}) before it starts ({term.from_})"))
        else:
            ordered.append((term.from_, index, term))
    ordered.sort(key=lambda item: (item[0], item[1]))
    latest = None  # the term reaching furthest so far: a later term overlaps it if it starts before it ends
    for _, index, term in ordered:
        if latest is not None and term.from_ <= latest[1].to:
            line, _ = doc.locate(("leaders", latest[0]))
            problems.append(doc.problem(("leaders", index, "from"), f"the term {term.from_}..{term.to} overlaps the term at line {line} ({latest[1].from_}..{latest[1].to})"))
        if latest is None or term.to > latest[1].to:
            latest = (index, term)
    return problems

