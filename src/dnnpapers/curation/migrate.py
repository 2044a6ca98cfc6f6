"""Moving in: a hand-written materials page or a BibTeX export becomes entries of the list.

Each paper is found on arXiv through the same client as ``add`` (an arXiv link
or id in the row, else an exact normalised-title match) and never guessed: a
row without a confident match is reported with its candidates. The page's Date
column is the curator's claim, kept only where the services name no venue.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from dnnpapers.curation.enrich import AddReport, Wanted, add_wanted, check_tags, match_title
from dnnpapers.errors import DnnpapersError, UsageError
from dnnpapers.storage.files import read_bounded
from dnnpapers.model.models import Taxonomy
from dnnpapers.access.loading import load_list
from dnnpapers.sources import arxiv, semantic_scholar
from dnnpapers.sources.http import Http

__all__ = ["PageRow", "ImportReport", "read_page", "map_heading", "import_page", "import_bib", "parse_maps"]

# Linear: a link's text stops at the next bracket, so a cell of 50,000 '[' is one pass, not 50,000.
_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()\s]*)\)")
_DATE = re.compile(r"^\s*((?:19|20)\d\d)\s*(.*?)\s*$")


@dataclass(frozen=True)
class PageRow:
    """One paper row of the page's tables, where it stands and what it says."""

    line: int
    section: str
    date: str
    title: str
    link: str | None
    focus: str | None
    notes: str | None

    @property
    def venue_claim(self) -> str | None:
        """'2018 ICML' → 'ICML 2018'; a bare year says nothing about a venue."""
        match = _DATE.match(self.date)
        if not match or not match[2]:
            return None
        return f"{match[2]} {match[1]}"


@dataclass
class ImportReport:
    mapping: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    added: AddReport = field(default_factory=AddReport)


def _cells(row: str) -> list[str]:
    body = row.strip().strip("|")
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def _plain(cell: str) -> str:
    text = re.sub(r"<br\s*/?>", " ", cell)
    text = _LINK.sub(lambda m: m[1], text)
    text = re.sub(r"[*_`]+", "", text)
    return " ".join(text.replace("\\|", "|").split())


def read_page(text: str) -> list[PageRow]:
    """Every paper row under a heading, from tables whose header names Date and Paper."""
    rows: list[PageRow] = []
    section, columns = "", None
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _heading(line)
        if heading is not None:
            section, columns = _plain(heading), None
            continue
        if not line.lstrip().startswith("|"):
            columns = None
            continue
        cells = _cells(line)
        if columns is None:
            names = [_plain(c).lower() for c in cells]
            columns = names if "paper" in names else None
            continue
        if all(re.fullmatch(r":?-+:?", c) for c in cells if c):
            continue
        values = dict(zip(columns, cells))
        paper_cell = values.get("paper", "")
        title = _plain(paper_cell)
        if not title:
            continue
        link = _LINK.search(paper_cell)
        focus = _plain(values.get("focused on") or values.get("main contribute") or "") or None
        rows.append(PageRow(number, section, _plain(values.get("date", "")), title, link[2] if link else None, focus, _plain(values.get("notes", "")) or None))
    return rows


def parse_maps(items: Sequence[str]) -> dict[str, str]:
    """``--map "跳层=layer-skip"`` options as {heading: slug}."""
    maps = {}
    for item in items:
        heading, equals, slug = item.rpartition("=")
        if not equals or not heading.strip() or not slug.strip():
            raise UsageError(f"--map {item!r}: write HEADING=SLUG, e.g. --map \"跳层=layer-skip\"", "--map")
        maps[heading.strip().casefold()] = slug.strip()
    return maps


def map_heading(heading: str, taxonomy: Taxonomy, maps: dict[str, str]) -> tuple[str | None, str]:
    """The node a section heading names, and how it was found (or why not)."""
    key = heading.strip().casefold()
    if key in maps:
        return maps[key], "--map"
    for node in taxonomy.walk():
        if key in (node.en.casefold(), node.zh.casefold()):
            return node.slug, "its label"
    single = [slug for slug in taxonomy.by_slug if "-" not in slug]
    found = set()
    for word in re.findall(r"\w+", key):
        if word in taxonomy.by_slug:
            found.add(word)
        else:
            found.update(difflib.get_close_matches(word, single, n=1, cutoff=0.8))
    if len(found) == 1:
        return found.pop(), "a word close to its slug"
    return None, "no taxonomy node matches (use --map)" if not found else f"several nodes match ({', '.join(sorted(found))}; use --map)"


def _resolve_title(http: Http, title: str) -> tuple[str | None, str]:
    arxiv_id, candidates = match_title(http, title)
    return arxiv_id, "" if arxiv_id else f"no arXiv paper with exactly this title; candidates: {candidates}"


def _heading(line: str) -> str | None:
    """The text of an ATX heading ('## Early exiting ##'), or None; string methods, so long lines stay linear."""
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3:
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if not 1 <= level <= 6 or (rest and not rest[0].isspace()):
        return None
    text = rest.strip()
    closed = text.rstrip("#")
    if closed != text and (not closed or closed[-1].isspace()):
        text = closed.strip()
    return text


def import_page(
    root: Path, page: Path, http: Http, maps: Sequence[str] = (), dry_run: bool = False, today: dt.date | None = None
) -> ImportReport:
    """Add every paper of a hand-written materials page that can be resolved with confidence."""
    try:
        text = read_bounded(page).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DnnpapersError(f"{page}: cannot read ({exc})") from None
    taxonomy = load_list(root).taxonomy
    overrides = parse_maps(maps)
    check_tags(sorted(set(overrides.values())), taxonomy)
    report = ImportReport()
    sections: dict[str, str | None] = {}
    wanted: list[Wanted] = []
    rows = read_page(text)
    if not rows:
        tables = any(line.lstrip().startswith("|") and "paper" in [_plain(c).lower() for c in _cells(line)] for line in text.splitlines())
        what = "its paper tables hold no paper rows" if tables else "no paper table found (a Markdown table whose header names Paper, as 'Date | Paper | Focused On')"
        raise DnnpapersError(f"{page}: {what}; nothing was imported")
    for row in rows:
        if row.section not in sections:
            slug, how = map_heading(row.section, taxonomy, overrides)
            sections[row.section] = slug
            report.mapping.append(f"{row.section!r} → {slug} ({how})" if slug else f"{row.section!r}: {how}")
        slug = sections[row.section]
        where = f"{page.name}:{row.line}"
        if slug is None:
            report.unresolved.append(f"{where}: {row.title!r}: its section {row.section!r} has no taxonomy node")
            continue
        arxiv_id = arxiv.find_id(row.link)
        if arxiv_id is None:
            arxiv_id, why = _resolve_title(http, row.title)
            if arxiv_id is None:
                report.unresolved.append(f"{where}: {row.title!r}: {why}")
                continue
        wanted.append(Wanted(arxiv_id, [slug], focus=row.focus, notes=row.notes, venue_claim=row.venue_claim))
    wanted = _merge_duplicates(wanted)
    if wanted:
        report.added = add_wanted(root, wanted, http, today, dry_run=dry_run)
    return report


def _merge_duplicates(wanted: list[Wanted]) -> list[Wanted]:
    """A paper in several sections becomes one entry with several tags."""
    merged: dict[str, Wanted] = {}
    for item in wanted:
        if item.arxiv_id in merged:
            first = merged[item.arxiv_id]
            first.tags += [t for t in item.tags if t not in first.tags]
        else:
            merged[item.arxiv_id] = item
    return list(merged.values())


def import_bib(
    root: Path, bib: Path, http: Http, tags: Sequence[str] = (), dry_run: bool = False, today: dt.date | None = None
) -> ImportReport:
    """Add the entries of a BibTeX file by their arXiv id, DOI or exact title."""
    import bibtexparser

    try:
        library = bibtexparser.parse_string(read_bounded(bib).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DnnpapersError(f"{bib}: cannot read ({exc})") from None
    taxonomy = load_list(root).taxonomy
    check_tags(tags, taxonomy)
    report = ImportReport()
    for block in library.failed_blocks:
        report.unresolved.append(f"{bib.name}:{block.start_line + 1}: not a BibTeX entry that can be read")
    by_doi: dict[str, list] = {}
    wanted: list[Wanted] = []
    pending = []
    for entry in library.entries:
        fields = {k.lower(): str(v.value if hasattr(v, "value") else v) for k, v in entry.fields_dict.items()}
        where = f"{bib.name}:{entry.start_line + 1} ({entry.key})"
        entry_tags = list(tags) or [k.strip() for k in re.split(r"[,;]", fields.get("keywords", "")) if k.strip() in taxonomy]
        if not entry_tags:
            report.unresolved.append(f"{where}: no tag: give --tag or list taxonomy slugs in its keywords field")
            continue
        title = " ".join(re.sub(r"[{}]", "", fields.get("title", "")).split())
        eprint = fields.get("eprint", "") if fields.get("archiveprefix", "arxiv").lower() == "arxiv" else ""
        arxiv_id = _bare_id(eprint)
        for place in ("url", "journal", "note", "howpublished"):
            arxiv_id = arxiv_id or arxiv.find_id(fields.get(place))
        if arxiv_id:
            wanted.append(Wanted(arxiv_id, entry_tags))
        elif fields.get("doi"):
            by_doi.setdefault(f"DOI:{fields['doi']}", []).append((where, title, entry_tags))
        elif title:
            pending.append((where, title, entry_tags))
        else:
            report.unresolved.append(f"{where}: no arXiv id, DOI or title")
    if by_doi:
        found = semantic_scholar.batch(http, list(by_doi))
        for doi, entries in by_doi.items():
            paper = found.get(doi)
            for where, title, entry_tags in entries:
                if paper is not None and paper.arxiv:
                    wanted.append(Wanted(paper.arxiv, entry_tags))
                elif title:
                    pending.append((where, title, entry_tags))
                else:
                    report.unresolved.append(f"{where}: {doi} has no arXiv version that Semantic Scholar knows")
    for where, title, entry_tags in pending:
        arxiv_id, why = _resolve_title(http, title)
        if arxiv_id:
            wanted.append(Wanted(arxiv_id, entry_tags))
        else:
            report.unresolved.append(f"{where}: {title!r}: {why}")
    wanted = _merge_duplicates(wanted)
    if wanted:
        report.added = add_wanted(root, wanted, http, today, dry_run=dry_run)
    return report


def _bare_id(text: str) -> str | None:
    try:
        return arxiv.parse_id(text) if text else None
    except DnnpapersError:
        return None
