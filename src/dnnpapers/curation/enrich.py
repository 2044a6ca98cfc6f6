"""Adding papers by arXiv id and refreshing what the services know about the list.

The order of work is what keeps the list safe: check every argument before any
request, fetch everything (one arXiv request per 100 ids, one Semantic Scholar
request per 500), and only then, under the file lock, re-read the list, build
the new text, validate it as ``check`` would, and write it atomically.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from pydantic import TypeAdapter, ValidationError

from dnnpapers.errors import DnnpapersError, UsageError
from dnnpapers.model.fields import venue_name, venue_year
from dnnpapers.model.keys import ascii_fold, paper_key
from dnnpapers.model.repositories import github_repository
from dnnpapers.access.listedit import Change, Current, Snapshot, edit_list, snapshot
from dnnpapers.model.models import ET_AL, Paper, PaperMetrics, Text, Url
from dnnpapers.access.paperlist import PaperList
from dnnpapers.access.loading import load_list
from dnnpapers.model.rules import normalise_title, suggest
from dnnpapers.sources import arxiv, github_api, semantic_scholar
from dnnpapers.sources.arxiv import ArxivRecord
from dnnpapers.sources.http import Http, ServiceError
from dnnpapers.sources.semantic_scholar import S2Paper
from dnnpapers.storage.store import append_entries, head_document, parse_document, set_fields
from dnnpapers.curation.code_links import CODE_AFTER, code_proposal, repositories_to_fetch, star_fields, with_stars
from dnnpapers.curation.tagging import suggest_tags, suggester
from dnnpapers.model.taxonomy import Taxonomy
from dnnpapers.sources.venue_lookup import Lookup, curated_venues
from dnnpapers.model.venues import Venue, resolve

__all__ = [
    "AddReport", "NeedTags", "UpdateReport", "Wanted", "add_papers", "add_wanted", "check_tags", "find_by_title",
    "match_title", "parse_ids", "read_tags", "suggest_tags", "update_list",
]

Progress = Callable[[int], None]


class NeedTags(DnnpapersError):
    """No --tag was given and nobody can be asked: the message names the suggestions."""


@dataclass
class AddReport:
    added: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)


@dataclass
class Wanted:
    """A paper to add and what the curator says of it."""

    arxiv_id: str
    tags: list[str]
    focus: str | None = None
    notes: str | None = None
    code: str | None = None
    venue_claim: str | None = None  # used only when the services name no venue


def parse_ids(texts: Sequence[str]) -> list[str]:
    """Bare arXiv ids for every argument, or one error naming every argument that cannot be one."""
    ids, bad = [], []
    for text in texts:
        try:
            ids.append(arxiv.parse_id(text))
        except DnnpapersError as exc:
            bad.append(str(exc))
    if bad:
        raise DnnpapersError("; ".join(bad))
    return list(dict.fromkeys(ids))


def check_tags(tags: Sequence[str], taxonomy: Taxonomy) -> None:
    unknown = [f"{tag!r}{suggest(tag, taxonomy.by_slug)}" for tag in tags if tag not in taxonomy]
    if unknown:
        raise DnnpapersError(f"unknown tag{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}: not in data/taxonomy.yaml")


def read_tags(answer: str, taxonomy: Taxonomy) -> list[str]:
    """The slugs of a typed answer ('early-exit, survey'); DnnpapersError saying what to fix."""
    tags = list(dict.fromkeys(t.strip() for t in answer.split(",") if t.strip()))
    if not tags:
        raise DnnpapersError("give at least one tag")
    check_tags(tags, taxonomy)
    return tags


def _check_extras(**values: str | None) -> None:
    """--focus, --note and --code, checked by the schema's own types before any request."""
    types = {"focus": Text, "note": Text, "code": Url}
    for name, value in values.items():
        if value is not None:
            try:
                TypeAdapter(types[name]).validate_python(value)
            except ValidationError as exc:
                raise DnnpapersError(f"--{name}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from None


def match_title(http: Http, title: str) -> tuple[str | None, str]:
    """The arXiv id whose normalised title is ``title``, or None and what arXiv offered and why none was taken.

    The exact phrase is asked first; when it finds no paper of that title, any of
    its words is asked, and the answers are ranked by how close their titles are,
    so a conference title that differs from the arXiv one (Cavs), or a short name
    of a longer title (Switch Transformers), shows its candidates with their ids
    and the reason each was passed over. Nothing but an exact title is ever picked.
    """
    wanted = normalise_title(title)
    candidates = arxiv.search_title(http, title)
    exact = {r.arxiv_id for r in candidates if normalise_title(r.title) == wanted}
    if len(exact) == 1:
        return exact.pop(), ""
    if not exact:
        seen = {r.arxiv_id for r in candidates}
        candidates += [r for r in arxiv.search_title_words(http, title) if r.arxiv_id not in seen]
    if not candidates:
        return None, "none"
    ranked = sorted(candidates, key=lambda r: (-_closeness(wanted, normalise_title(r.title)), r.arxiv_id))
    close = [r for r in ranked if _closeness(wanted, normalise_title(r.title)) >= 0.5][:3] or ranked[:1]
    shown = "; ".join(f"{r.arxiv_id} {r.title!r} ({_why_not(wanted, normalise_title(r.title), len(exact))})" for r in close)
    if exact:
        return None, f"{shown} — {len(exact)} papers on arXiv have exactly this title; add the one meant by its arXiv id"
    answered = f"{len(candidates)} record{'s' if len(candidates) != 1 else ''}"
    return None, f"{shown} — the closest of the {answered} arXiv answered; only a paper titled exactly so is taken (add it by its arXiv id)"


def _closeness(wanted: str, found: str) -> float:
    """How alike two normalised titles are; a title that begins with the one given (its short name) is close."""
    if found.startswith(wanted):
        return 0.99
    return difflib.SequenceMatcher(None, wanted, found).ratio()


def _why_not(wanted: str, found: str, exact: int) -> str:
    if found == wanted:
        return f"one of {exact} papers titled exactly so"
    if found.startswith(wanted):
        return "its title goes on past the one given"
    if wanted.startswith(found):
        return "the title given goes on past its title"
    return "its title differs"


def find_by_title(http: Http, title: str) -> str:
    """Like ``match_title``, but no exact match is an error naming the candidates."""
    arxiv_id, candidates = match_title(http, title)
    if arxiv_id is None:
        raise DnnpapersError(f"no arXiv paper titled exactly {title!r}; candidates: {candidates}")
    return arxiv_id


def _s2_id(paper_arxiv: str | None, doi: str | None) -> str | None:
    if paper_arxiv:
        return f"arXiv:{paper_arxiv}"
    return f"DOI:{doi}" if doi else None


def _fetch_s2(http: Http, ids: list[str], warnings: list[str], progress: Progress | None = None) -> dict[str, S2Paper | None]:
    try:
        return semantic_scholar.batch(http, ids, on_batch=progress, warnings=warnings)
    except ServiceError as exc:
        warnings.append(f"{exc}; citation data is missing")
        return {}


def _weak_venue(s2: S2Paper | None, record: ArxivRecord | None) -> Venue | None:
    """Semantic Scholar's venue or the arXiv comment: hints, used only when no curated source names one."""
    return resolve(
        s2.venue_names if s2 else (), s2.venue if s2 else None, s2.year if s2 else None, s2.dblp if s2 else None,
        record.journal_ref if record else None, record.comment if record else None,
    )


def _choose_venue(curated: tuple[Venue | None, ...], claim: str | None, weak: Venue | None, first_year: int) -> Venue | None:
    """DBLP, then Crossref; else the weak hints, weighed against the curator's own claim (None: the claim stands).

    Semantic Scholar names venues well but dates them by the preprint: where it
    names the claim's venue, the claim's year stands (ECCV 2018, not 2017);
    where it names another venue, its venue wins and the difference is reported.
    """
    for venue in curated:
        if venue is not None:
            return venue
    if weak is not None and weak.year < first_year:
        weak = None  # a weak source dating a venue before the preprint is wrong more often than not
    if weak is None or (claim and venue_name(claim) == weak.name + weak.suffix):
        return None
    return weak


def _entry(
    record: ArxivRecord, s2: S2Paper | None, wanted: Wanted, taken: set[str], today: dt.date, curated: tuple[Venue | None, ...] = ()
) -> tuple[dict, str | None, Venue | None]:
    """The new entry, a line when the curator's claim differs from a curated source, and the venue chosen."""
    venue = _choose_venue(curated, wanted.venue_claim, _weak_venue(s2, record), record.published.year)
    difference = None
    if venue is not None and wanted.venue_claim and wanted.venue_claim != str(venue):
        difference = f"{record.arxiv_id} ({record.title}): the page says {wanted.venue_claim!r}, the services say {str(venue)!r} ({venue.source}); kept {str(venue)!r}"
    doi = record.doi or (s2.doi if s2 and s2.doi and not s2.doi.lower().startswith("10.48550/") else None)
    first_year = min(record.published.year, venue.year if venue else venue_year(wanted.venue_claim or "") or 9999)
    key = paper_key(record.authors[0], first_year, record.title, taken)
    taken.add(key)
    entry = {
        "id": key,
        "title": record.title,
        "authors": list(record.authors),
        "year": first_year,
        "venue": str(venue) if venue else (wanted.venue_claim or "arXiv"),
        "arxiv": record.arxiv_id,
        "doi": doi,
        "code": wanted.code or record.code,  # the curator's, else the one arXiv's abstract or comment names
        "tags": wanted.tags,
        "focus": wanted.focus,
        "notes": wanted.notes,
        "added": today,
    }
    return {k: v for k, v in entry.items() if v}, difference, venue


def add_papers(
    root: Path,
    texts: Sequence[str],
    http: Http,
    tags: Sequence[str] = (),
    focus: str | None = None,
    notes: str | None = None,
    code: str | None = None,
    title: str | None = None,
    choose_tags: Callable[[ArxivRecord, list[str], Taxonomy], list[str]] | None = None,
    today: dt.date | None = None,
) -> AddReport:
    """Add the papers named by ``texts`` (or ``title``): all of them or none."""
    today = today or dt.date.today()
    before = snapshot(root)
    paper_list = load_list(root)
    check_tags(tags, paper_list.taxonomy)
    _check_extras(focus=focus, note=notes, code=code)
    ids = parse_ids(texts)
    if title:
        ids.append(find_by_title(http, title))
    if not ids:
        raise UsageError("name at least one arXiv id (or --title)", "ID...")
    report = AddReport()
    known = {p.arxiv: p.id for p in paper_list.papers if p.arxiv}
    for arxiv_id in ids:
        if arxiv_id in known:
            report.skipped.append(f"{arxiv_id} is already in the list as {known[arxiv_id]!r}")
    wanted = [i for i in ids if i not in known]
    if not wanted:
        return report
    records = arxiv.fetch(http, wanted)
    missing = [i for i in wanted if i not in records]
    if missing:
        raise DnnpapersError(f"arXiv does not know {', '.join(missing)}; nothing was added")
    chosen: dict[str, list[str]] = {}
    suggest = None if tags else suggester(paper_list)
    for arxiv_id in wanted:
        record = records[arxiv_id]
        if tags:
            chosen[arxiv_id] = list(tags)
            continue
        suggestions = suggest(record)
        if choose_tags is None:
            hint = ", ".join(suggestions) or "none found"
            raise NeedTags(f"{arxiv_id} ({record.title}): give --tag; suggested: {hint}")
        picked = choose_tags(record, suggestions, paper_list.taxonomy)  # asks until the answer is valid
        check_tags(picked, paper_list.taxonomy)
        if not picked:
            raise DnnpapersError(f"{arxiv_id}: no tag chosen; nothing was added")
        chosen[arxiv_id] = picked
    items = [Wanted(i, chosen[i], focus, notes, code) for i in wanted]
    return add_wanted(root, items, http, today, records, report, preloaded=(before, paper_list))


def add_wanted(
    root: Path,
    wanted: list[Wanted],
    http: Http,
    today: dt.date | None = None,
    records: dict[str, ArxivRecord] | None = None,
    report: AddReport | None = None,
    dry_run: bool = False,
    preloaded: tuple[Snapshot, PaperList] | None = None,
) -> AddReport:
    """Fetch what is still missing, then add the entries to the list as it is under the lock, all or none.

    ``preloaded``: the list as loaded earlier with the snapshot it was loaded
    from; reused when no file has changed since.
    """
    today = today or dt.date.today()
    report = report or AddReport()
    ids = [w.arxiv_id for w in wanted]
    records = dict(records or {})
    still = [i for i in ids if i not in records]
    if still:
        records.update(arxiv.fetch(http, still))
    missing = [i for i in ids if i not in records]
    if missing:
        raise DnnpapersError(f"arXiv does not know {', '.join(missing)}; nothing was added")
    s2 = _fetch_s2(http, [f"arXiv:{i}" for i in ids], report.warnings)
    for arxiv_id in ids:
        if s2 and s2.get(f"arXiv:{arxiv_id}") is None:
            report.warnings.append(f"Semantic Scholar does not know {arxiv_id} yet; citation data is missing")
    lookups = []
    for arxiv_id in ids:
        record, known = records[arxiv_id], s2.get(f"arXiv:{arxiv_id}")
        doi = record.doi or (known.doi if known else None)
        lookups.append(Lookup(arxiv_id, record.title, record.authors[0], arxiv_id, doi))
    curated = curated_venues(http, lookups, report.warnings)

    def change(now: Current) -> tuple[Change, AddReport]:
        current = now.list
        known = {p.arxiv: p.id for p in current.papers if p.arxiv}
        dois = {p.doi.lower(): p.id for p in current.papers if p.doi}
        titles = {normalise_title(p.title): p.id for p in current.papers}
        taken = {p.id for p in current.papers}
        entries, skipped, differences = [], [], []
        sources: dict[str, str | None] = {}
        for item in wanted:
            record = records[item.arxiv_id]
            entry, difference, venue = _entry(record, s2.get(f"arXiv:{item.arxiv_id}"), item, taken, today, curated.get(item.arxiv_id, ()))
            sources[entry["id"]] = venue.source if venue else None
            same = known.get(item.arxiv_id) or dois.get(str(entry.get("doi", "")).lower()) or titles.get(normalise_title(record.title))
            if same:
                skipped.append(f"{item.arxiv_id} is already in the list as {same!r}")
                continue
            known[item.arxiv_id] = entry["id"]
            titles[normalise_title(record.title)] = entry["id"]
            if difference:
                differences.append(difference)
            entries.append(entry)
        report.added, report.skipped, report.differences = entries, report.skipped + skipped, report.differences + differences
        if not entries or dry_run:
            return Change(), report
        metrics = {}
        for entry in entries:
            paper = s2.get(f"arXiv:{entry['arxiv']}")
            fields = {"venue_source": sources[entry["id"]]} if sources.get(entry["id"]) else {}
            if paper is not None:
                fields.update(citations=paper.citations, influential=paper.influential)
            if fields:
                metrics[entry["id"]] = PaperMetrics(fetched=today, **fields)
        new_text = append_entries(head_document(now.raw, str(now.path)), entries)
        return Change(new_text, metrics, added={e["id"] for e in entries}, trusted=len(current.papers)), report

    return edit_list(root, change, preloaded)


@dataclass
class UpdateReport:
    updated: int = 0
    starred: int = 0  # repositories whose stars GitHub gave
    gains: list[tuple[str, int, int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    diff: str = ""
    applied: bool = False
    warnings: list[str] = field(default_factory=list)


def update_list(
    root: Path,
    http: Http,
    only: Sequence[str] = (),
    venues: bool = False,
    authors: bool = False,
    apply: bool = False,
    today: dt.date | None = None,
    progress: Callable[[str, int], Progress] | None = None,
    code: bool = False,
) -> UpdateReport:
    """Refresh citation data and GitHub stars into the metrics file; propose (and with ``apply`` write) venues, authors, code links.

    The list read first only says what to fetch; what is written is decided
    under the lock from the list as it is then, paper by paper id, so a paper
    added, removed or edited meanwhile keeps what the other command did.
    """
    today = today or dt.date.today()
    before = snapshot(root)
    paper_list = load_list(root)
    by_id = {p.id: p for p in paper_list.papers}
    unknown = [i for i in only if i not in by_id]
    if unknown:
        raise DnnpapersError(f"not in the list: {', '.join(repr(u) + suggest(u, by_id) for u in unknown)}")
    papers = [by_id[i] for i in only] if only else paper_list.papers
    report = UpdateReport()
    targets = {p.id: _s2_id(p.arxiv, p.doi) for p in papers}
    s2_ids = [s for s in targets.values() if s]
    tick = progress("Semantic Scholar", len(s2_ids)) if progress else None
    found = semantic_scholar.batch(http, s2_ids, on_batch=tick, warnings=report.warnings)
    records: dict[str, ArxivRecord] = {}
    asked = [p.arxiv for p in papers if p.arxiv and ((authors and p.authors[-1] == ET_AL) or code)]
    if asked:
        tick = progress("arXiv", len(asked)) if progress else None
        records = arxiv.fetch(http, asked, on_batch=tick)
    proposed = {}
    if code and apply:  # the links that will be written get their stars in the same run
        proposed = {p.id: link for p in papers for link, _ in [code_proposal(p, records.get(p.arxiv or "")) or (None, None)] if link}
    repositories = repositories_to_fetch(papers, proposed)
    tick = progress("GitHub", len({name.lower() for name in repositories.values()})) if progress and repositories else None
    starred = github_api.fetch_repositories(http, repositories.values(), report.warnings, tick) if repositories else {}
    curated: dict[str, tuple[Venue | None, ...]] = {}
    if venues:
        asked = [p for p in papers if not p.venue_checked]
        tick = progress("DBLP and Crossref", len(asked)) if progress else None
        lookups = [Lookup(p.id, p.title, p.authors[0], p.arxiv, p.doi) for p in asked]
        curated = curated_venues(http, lookups, report.warnings, tick)

    def change(now: Current) -> tuple[Change, UpdateReport]:
        current = {p.id: p for p in now.list.papers}
        still = []
        for pid in targets:
            paper = current.get(pid)
            if paper is None:
                report.failures.append(f"{pid}: removed from the list while this ran; left alone")
            elif _s2_id(paper.arxiv, paper.doi) != targets[pid]:
                report.failures.append(f"{pid}: its arXiv id or DOI changed while this ran; left alone")
            elif targets[pid] is None:
                report.failures.append(f"{pid}: no arXiv id or DOI to look up")
            else:
                still.append(paper)
        updates: dict[str, PaperMetrics] = {}
        for paper in still:
            s2 = found.get(targets[paper.id])
            if s2 is None:
                report.failures.append(f"{paper.id}: unknown to Semantic Scholar")
                continue
            updates[paper.id] = PaperMetrics(citations=s2.citations, influential=s2.influential, fetched=today)
            old = now.list.metrics.get(paper.id)
            if old and old.citations is not None and s2.citations is not None and s2.citations > old.citations:
                report.gains.append((paper.id, old.citations, s2.citations))
        report.updated = len(updates)
        report.gains.sort(key=lambda gain: (gain[1] - gain[2], gain[0]))
        new_text = None
        edits: list[tuple[int, str, object, tuple[str, ...]]] = []
        if venues or authors or code:
            index = {p.id: i for i, p in enumerate(now.list.papers)}
            edits = _proposals(still, index, found, records, curated, venues, authors, report)
            if code:
                edits += _code_edits(still, index, records, starred, repositories, report)
            for paper in still:
                chosen = next((v for v in curated.get(paper.id, ()) if v is not None), None)
                if chosen is not None and paper.id in updates:
                    updates[paper.id] = PaperMetrics(citations=updates[paper.id].citations, influential=updates[paper.id].influential,
                                                     fetched=today, venue_source=chosen.source)
        links = {now.list.papers[i].id: value for i, key, value, _ in edits if key == "code"} if apply else {}
        for pid, name in repositories.items():
            paper = current.get(pid)
            if paper is None or name not in starred:
                continue  # removed meanwhile, or never asked (GitHub said stop first)
            answer = starred[name]
            link = github_repository(links.get(pid) or paper.code)
            if link is None or link.lower() not in {name.lower(), (answer.name if answer else name).lower()}:
                continue  # its link changed meanwhile
            if answer is not None and answer.name.lower() != link.lower() and not code:
                report.warnings.append(f"{pid}: GitHub says {name} is now {answer.name}; `update --code` proposes the new link")
            updates[pid] = with_stars(updates.get(pid), now.list.metrics.get(pid), star_fields(link, answer), today)
            report.starred += answer is not None
        if edits:
            doc = parse_document(now.raw, str(now.path))
            proposed = set_fields(doc, edits)
            before_lines = now.raw.decode("utf-8-sig").splitlines(keepends=True)
            after_lines = proposed.decode("utf-8-sig").splitlines(keepends=True)
            report.diff = "".join(difflib.unified_diff(before_lines, after_lines, str(now.path), str(now.path)))
            if apply:
                new_text, report.applied = proposed, True
        return Change(new_text, updates), report

    return edit_list(root, change, (before, paper_list))


def _proposals(
    papers: list[Paper],
    index: dict[str, int],
    found: dict[str, S2Paper | None],
    records: dict[str, ArxivRecord],
    curated: dict[str, tuple[Venue | None, ...]],
    venues: bool,
    authors: bool,
    report: UpdateReport,
) -> list[tuple[int, str, object, tuple[str, ...]]]:
    """Edits for the papers as they are now (``index``: their positions in the file now).

    A curated source (DBLP, Crossref) may propose another venue for any paper whose
    venue no curator marked as checked; the weak hints only fill in 'arXiv'.
    """
    edits: list[tuple[int, str, object, tuple[str, ...]]] = []
    for paper in papers:
        if venues and not paper.venue_checked:
            venue = next((v for v in curated.get(paper.id, ()) if v is not None), None)
            if venue is None and not paper.published:
                weak = _weak_venue(found.get(_s2_id(paper.arxiv, paper.doi) or ""), records.get(paper.arxiv or ""))
                venue = weak if weak and weak.year >= paper.year else None
            if venue is not None and str(venue) != (paper.venue or "arXiv"):
                edits.append((index[paper.id], "venue", str(venue), ("year",)))
                report.proposals.append(f"{paper.id}: venue {paper.venue or 'arXiv'} → {venue} ({venue.source})")
            if venue is not None and venue.year < paper.year:
                edits.append((index[paper.id], "year", venue.year, ("title",)))
                report.proposals.append(f"{paper.id}: year {paper.year} → {venue.year} (the venue's year is earlier than arXiv v1)")
        if authors and paper.arxiv and paper.authors[-1] == ET_AL:
            record = records.get(paper.arxiv)
            named = [a for a in paper.authors if a != ET_AL]
            if record is None:
                report.failures.append(f"{paper.id}: arXiv does not know {paper.arxiv}")
            elif not _same_person(record.authors[0], paper.authors[0]):
                report.failures.append(
                    f"{paper.id}: arXiv lists {record.authors[0]!r} first, the list {paper.authors[0]!r}; left alone"
                )
            elif len(record.authors) <= len(named):  # 'et al.' says there are more: arXiv's list would lose them
                report.failures.append(f"{paper.id}: arXiv lists {len(record.authors)} author{'s' if len(record.authors) != 1 else ''}, no more than the list; left alone")
            else:
                edits.append((index[paper.id], "authors", list(record.authors), ("title",)))
                count = len(record.authors)
                report.proposals.append(f"{paper.id}: {count} authors from arXiv")
    return edits


def _code_edits(
    papers: list[Paper],
    index: dict[str, int],
    records: dict[str, ArxivRecord],
    starred: dict[str, github_api.Repository | None],
    repositories: dict[str, str],
    report: UpdateReport,
) -> list[tuple[int, str, object, tuple[str, ...]]]:
    """``code:`` edits: the link arXiv's text names, else a renamed repository's new address (GitHub's 301)."""
    edits: list[tuple[int, str, object, tuple[str, ...]]] = []
    for paper in papers:
        proposal = code_proposal(paper, records.get(paper.arxiv or ""))
        if proposal is None and paper.code and not paper.code_checked and repositories.get(paper.id) == github_repository(paper.code):
            now = starred.get(repositories[paper.id])
            if now is not None and now.name.lower() != repositories[paper.id].lower():
                proposal = f"https://github.com/{now.name}", f"GitHub: {repositories[paper.id]} was renamed"
        if proposal is not None:
            edits.append((index[paper.id], "code", proposal[0], CODE_AFTER))
            report.proposals.append(f"{paper.id}: code {paper.code or 'none'} → {proposal[0]} ({proposal[1]})")
    return edits


def _same_person(a: str, b: str) -> bool:
    def norm(name: str) -> str:
        return " ".join(ascii_fold(name).lower().replace(".", " ").split())

    return norm(a) == norm(b) or norm(a).split()[-1:] == norm(b).split()[-1:]
