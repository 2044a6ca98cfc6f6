"""Hand edits done by the tool: remove a paper, change its tags; the rest of the file stays byte for byte."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from dnnpapers.curation.enrich import check_tags
from dnnpapers.errors import DnnpapersError, ProblemsFound, UsageError
from dnnpapers.storage.files import read_bounded
from dnnpapers.storage.layout import DISMISSED_FILE, TALKS_FILE
from dnnpapers.access.listedit import Change, Current, edit_list
from dnnpapers.access.query import find
from dnnpapers.storage.store import DROP, parse_document, read_document, remove_entry, remove_items, set_fields

__all__ = ["Removed", "remove_paper", "retag_paper", "dismiss_papers", "add_talk", "NEW_TALKS_FILE"]


@dataclass
class Removed:
    """What ``remove`` did: the paper's title, and each talk it was unlinked from (its anchor, and the title it was given)."""

    title: str
    unlinked: list[tuple[str, str | None]] = field(default_factory=list)


def remove_paper(root: Path, paper_id: str, force: bool = False) -> Removed:
    """Remove the entry (and its metrics).

    A talk that names the paper would then name a paper the list lacks, so the
    removal is refused, naming the talks; ``force`` also unlinks the paper from
    them in data/talks.yaml (every other byte kept), written together with the
    papers and metrics, all or none. A talk left naming no paper keeps what it
    was about: the paper's title becomes its title.
    """
    from dnnpapers.model.talks import talk_title

    def change(now: Current) -> tuple[Change, Removed]:
        index, paper = find(now.list, paper_id)
        new_text = remove_entry(parse_document(now.raw, str(now.path)), index)
        log = now.list.talks
        naming = [(position, talk, anchor) for position, (talk, anchor) in enumerate(zip(log.talks, log.anchors())) if paper.id in talk.papers]
        if not naming:
            return Change(new_text, removed={paper.id}), Removed(paper.title)
        path = Path(root) / TALKS_FILE
        if not force:
            doc = read_document(path, str(path))
            papers = {p.id: p for p in now.list.papers}
            said = "; ".join(f"{doc.display}:{doc.locate(('talks', position))[0]}: {talk.date} {talk_title(talk, papers)!r}" for position, talk, _ in naming)
            raise DnnpapersError(
                f"{paper.id} is named by {_talks(len(naming))} ({said}); nothing changed (--force removes it and unlinks it from {'those talks' if len(naming) > 1 else 'the talk'})"
            )
        text, unlinked = _unlink(path, paper, naming, [p for p in now.list.papers if p.id != paper.id], log)
        return Change(new_text, removed={paper.id}, others={path: text}), Removed(paper.title, unlinked)

    return edit_list(root, change)


def _talks(n: int) -> str:
    return "a talk" if n == 1 else f"{n} talks"


def _unlink(path: Path, paper, naming: list, remaining: list, old_log) -> tuple[bytes, list[tuple[str, str | None]]]:
    """data/talks.yaml without ``paper`` in the talks that name it; (text, [(anchor, the title it took)]).

    From a list that keeps other papers only its item goes; a list left empty
    goes whole, and a talk that then has no title takes the paper's. The new
    log must pass ``check`` and differ from the old in exactly that, or nothing
    is written: a layout the text edits do not know is refused, never mangled.
    """
    from dnnpapers.model.talks import talks_from_text

    text = path.read_bytes()
    fields, unlinked = [], []
    try:
        for position, talk, anchor in reversed(naming):  # from the end of the file, so earlier positions stay put
            if len(talk.papers) > 1:  # the items are one to one with the resolved ids (a valid log names no paper twice)
                gone = {i for i, resolved in enumerate(talk.papers) if resolved == paper.id}
                text = remove_items(parse_document(text, str(path)), ("talks", position, "papers"), gone)
                unlinked.append((anchor, None))
            elif talk.title:
                fields.append((position, "papers", DROP, ()))
                unlinked.append((anchor, None))
            else:  # the talk was about this paper alone: it keeps the paper's title, so it still says what it was about
                fields += [(position, "papers", DROP, ()), (position, "title", paper.title, ("papers",))]
                unlinked.append((anchor, paper.title))
        if fields:
            text = set_fields(parse_document(text, str(path)), fields, section="talks")
        log = talks_from_text(text, str(path), remaining)
    except (DnnpapersError, ProblemsFound) as exc:
        reason = exc.problems[0] if isinstance(exc, ProblemsFound) else exc
        raise DnnpapersError(f"cannot unlink {paper.id} from its talks by itself ({reason}); edit {path}, then remove the paper; nothing changed") from None
    titles = dict(unlinked)
    wanted = [
        talk.model_copy(update={"papers": [pid for pid in talk.papers if pid != paper.id], "title": talk.title or titles[anchor]}) if anchor in titles else talk
        for talk, anchor in zip(old_log.talks, old_log.anchors())
    ]
    if log.talks != wanted or log.leaders != old_log.leaders:
        raise DnnpapersError(f"cannot unlink {paper.id} from its talks by itself (a layout of {path} the edit does not know); edit it, then remove the paper; nothing changed")
    return text, unlinked[::-1]


def retag_paper(root: Path, paper_id: str, add: Sequence[str] = (), remove: Sequence[str] = ()) -> list[str]:
    """Add and remove tags of one paper; return its new tags."""
    if not add and not remove:
        raise UsageError("give --add SLUG or --remove SLUG", "--add / --remove")

    def change(now: Current) -> tuple[Change, list[str]]:
        check_tags(add, now.list.taxonomy)
        index, paper = find(now.list, paper_id)
        absent = [t for t in remove if t not in paper.tags]
        if absent:
            raise DnnpapersError(f"{paper.id} is not tagged {', '.join(map(repr, absent))} (its tags: {', '.join(paper.tags)})")
        tags = [t for t in paper.tags if t not in remove] + [t for t in add if t not in paper.tags]
        if not tags:
            raise DnnpapersError(f"{paper.id} would have no tag left; every paper needs one")
        if tags == paper.tags:
            return Change(), tags
        doc = parse_document(now.raw, str(now.path))
        return Change(set_fields(doc, [(index, "tags", tags, ("year",))])), tags

    return edit_list(root, change)


def dismiss_papers(root: Path, texts: Sequence[str], reason: str | None = None, today: dt.date | None = None) -> tuple[list[str], list[str]]:
    """Record turned-down candidates in data/dismissed.yaml, so discover never shows them again; (dismissed, skipped)."""
    from dnnpapers.curation.enrich import parse_ids
    from dnnpapers.model.models import DismissedFile
    from dnnpapers.storage.store import append_entries, head_document

    today = today or dt.date.today()
    ids = parse_ids(texts)
    if reason is not None:
        _check_reason(reason)
    path = Path(root) / DISMISSED_FILE

    def change(now: Current) -> tuple[Change, tuple[list[str], list[str]]]:
        listed = {p.arxiv: p.id for p in now.list.papers if p.arxiv}
        known = {d.arxiv for d in now.list.dismissed}
        taken = [i for i in ids if i in listed]
        if taken:
            raise DnnpapersError(", ".join(f"{i} is listed as {listed[i]!r}" for i in taken) + "; remove it first to dismiss it")
        new = [i for i in ids if i not in known]
        skipped = [f"{i} was dismissed already" for i in ids if i in known]
        if not new:
            return Change(), ([], skipped)
        entries = [{"arxiv": i, "date": today, **({"reason": reason} if reason else {})} for i in new]
        raw = read_bounded(path) if path.exists() else b"# Candidates the curators turned down; discover leaves them out.\ndismissed:\n"
        text = append_entries(head_document(raw, str(path)), entries, key="dismissed")
        DismissedFile.model_validate(parse_document(text, str(path)).data)  # our own text: a mistake here is a bug
        return Change(others={path: text}), (new, skipped)

    return edit_list(root, change)


def _check_reason(reason: str) -> None:
    from pydantic import TypeAdapter, ValidationError

    from dnnpapers.model.models import Text

    try:
        TypeAdapter(Text).validate_python(reason)
    except ValidationError as exc:
        raise DnnpapersError(f"--reason: {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from None


#: A new data/talks.yaml: what the fields mean, then the lists.
NEW_TALKS_FILE = b"""# yaml-language-server: $schema=../generated/talks.schema.json
# The reading group's log, checked by `dnnpapers check` and rendered to generated/talks.md and talks.ics.
# Each talk: date, start/end ("HH:MM", in data/page.yaml's timezone), kind, presenters, papers (ids of
# listed papers), title (needed when no paper is named), event, place, links (slides, video, notes,
# recording), notes. Leaders: terms with from, to and names.
talks:
leaders: []
"""


def add_talk(
    root: Path,
    date: dt.date,
    presenters: Sequence[str],
    papers: Sequence[str] = (),
    kind: str = "paper-talk",
    title: str | None = None,
    start: str | None = None,
    end: str | None = None,
    links: dict[str, str] | None = None,
    place: str | None = None,
) -> tuple[str, str]:
    """Append one talk to data/talks.yaml (made if absent), every other byte kept; (its anchor, its title).

    Papers may be given by list id or arXiv id (written as the list id); the new
    file must pass ``check`` before it is written.
    """
    from dnnpapers.storage.store import Quoted, append_entries
    from dnnpapers.model.talks import talk_anchors, talk_title, talks_from_text

    path = Path(root) / TALKS_FILE

    def change(now: Current) -> tuple[Change, tuple[str, str]]:
        ids = [find(now.list, given)[1].id for given in papers]
        entry: dict = {"date": date}
        entry.update({key: Quoted(value) for key, value in (("start", start), ("end", end)) if value is not None})
        entry["kind"] = kind
        entry["presenters"] = list(presenters)
        if ids:
            entry["papers"] = ids
        for key, value in (("title", title), ("place", place)):
            if value is not None:
                entry[key] = value
        if links:
            entry["links"] = dict(links)
        raw = read_bounded(path) if path.exists() else NEW_TALKS_FILE
        doc = parse_document(raw, str(path))
        if isinstance(doc.data, dict) and doc.data.get("talks") is None and "talks" in doc.data:
            doc = parse_document(_empty_list(raw, doc), str(path))
        text = append_entries(doc, [entry], key="talks")
        try:
            log = talks_from_text(text, str(path), now.list.papers)
        except ProblemsFound as found:
            raise DnnpapersError(f"the talk would not pass check: {found.problems[0].message}; nothing written") from None
        added = log.talks[-1]  # appended: the last of the file's talks, numbered among those that share its day and start
        return Change(others={path: text}), (talk_anchors(log.talks)[-1], talk_title(added, {p.id: p for p in now.list.papers}))

    return edit_list(root, change)


_NULL_LIST = re.compile(r"^(\s*talks:)[ \t]*(?:~|null|Null|NULL)?[ \t]*(#.*)?$")


def _empty_list(raw: bytes, doc) -> bytes:
    """``talks:`` with nothing after it, written as ``talks: []`` so entries can be added in its place."""
    line, _ = doc.locate(("talks",))
    lines = raw.decode("utf-8-sig").splitlines(keepends=True)
    body = lines[line - 1].rstrip("\r\n")
    match = _NULL_LIST.match(body)
    if not match:
        raise DnnpapersError(f"{doc.display}:{line}: 'talks:' must hold a list to add a talk")
    lines[line - 1] = match[1] + " []" + (f" {match[2]}" if match[2] else "") + lines[line - 1][len(body):]
    return ("\ufeff" if raw.startswith(b"\xef\xbb\xbf") else "").encode() + "".join(lines).encode("utf-8")
