"""Loading a list: files → nodes → models → cross-entry rules, every problem located.

``loading.load_list(root)`` is the one entry point the commands use; it returns a
PaperList or raises ProblemsFound carrying every problem of both files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from pydantic import ValidationError

from dnnpapers.errors import Problem, ProblemsFound
from dnnpapers.storage.layout import DISMISSED_FILE, METRICS_FILE, PAGE_FILE, PAPERS_FILE, TAXONOMY_FILE
from dnnpapers.model.models import (
    DismissedFile,
    DismissedPaper,
    Link,
    MetricsFile,
    PAPER_DEFAULTS,
    PageFile,
    Paper,
    PaperMetrics,
    TaxonomyFile,
    TaxonomyNode,
)
from dnnpapers.access.quick import QuickList, accept_papers_text
from dnnpapers.model.rules import paper_problems, suggest, taxonomy_problems
from dnnpapers.storage.store import INVALID, Document, Loc, parse_document, read_document
from dnnpapers.model.talks import TalkLog, group_today, load_talks
from dnnpapers.model.taxonomy import Taxonomy
from dnnpapers.model.validation import load_optional, translate_all

__all__ = ["PaperList", "load_exact", "from_quick", "papers_problems", "taxonomy_from_text", "PAPERS_FILE", "TAXONOMY_FILE", "PAGE_FILE", "METRICS_FILE"]



@dataclass
class PaperList:
    """A valid list: the topic tree, the papers in file order, page settings and fetched metrics."""

    root: Path
    taxonomy: Taxonomy
    papers: list[Paper]
    page: PageFile = field(default_factory=PageFile)
    metrics: dict[str, PaperMetrics] = field(default_factory=dict)
    dismissed: list[DismissedPaper] = field(default_factory=list)
    talks: TalkLog = field(default_factory=TalkLog)

    @property
    def warnings(self) -> list[Problem]:
        """Located advice that is not an error (check prints it and still exits 0)."""
        return self.talks.warnings

    def today(self) -> dt.date:
        """Today where the group meets (DNNPAPERS_TODAY when set): the day that tells held talks from upcoming ones."""
        return group_today(self.page.timezone)

    def tagged(self, slug: str) -> list[Paper]:
        return [paper for paper in self.papers if slug in paper.tags]


_PAPER_DEFAULTS = PAPER_DEFAULTS


def from_quick(root: Path, quick: QuickList) -> PaperList:
    """Models from values the quick path accepted: pydantic would accept them unchanged."""

    def node(n) -> TaxonomyNode:
        return TaxonomyNode.model_construct(slug=n.slug, en=n.en, zh=n.zh, description=n.description, keywords=n.keywords, children=[node(c) for c in n.children])

    page = quick.page or {}
    links = {k: [Link.model_construct(**item) for item in v] for k, v in page.items() if isinstance(v, list)}
    metrics = (quick.metrics or {}).get("metrics", {})
    # every field given, so that pydantic need not resolve defaults (slow) field by field
    papers = [Paper.model_construct(**{**_PAPER_DEFAULTS, **entry}) for entry in quick.papers]
    return PaperList(
        root,
        Taxonomy([node(n) for n in quick.taxonomy.roots]),
        papers,
        PageFile.model_construct(**{**page, **links}),
        {pid: PaperMetrics.model_construct(**m) for pid, m in metrics.items()},
        talks=load_talks(root, papers),
    )


def load_exact(root: Path) -> PaperList:
    """The exact path alone: PyYAML nodes and pydantic, every problem located."""
    problems: list[Problem] = []
    taxonomy = None
    papers: list[Paper] = []
    try:
        taxonomy, found = _load_taxonomy(read_document(root / TAXONOMY_FILE, str(root / TAXONOMY_FILE)))
        problems += found
    except ProblemsFound as exc:
        problems += exc.problems
    try:
        papers, found = _load_papers(read_document(root / PAPERS_FILE, str(root / PAPERS_FILE)), taxonomy)
        problems += found
    except ProblemsFound as exc:
        problems += exc.problems
    page, found = load_optional(root / PAGE_FILE, PageFile)
    problems += found
    metrics, found = load_optional(root / METRICS_FILE, MetricsFile)
    problems += found
    dismissed, found = load_optional(root / DISMISSED_FILE, DismissedFile)
    problems += found + _dismissed_problems(root, dismissed, papers)
    talks = TalkLog()
    try:
        talks = load_talks(root, None if problems else papers)
    except ProblemsFound as exc:
        problems += exc.problems
    if problems or taxonomy is None:
        raise ProblemsFound(problems)
    return PaperList(root, taxonomy, papers, page, metrics.metrics, dismissed.dismissed, talks)


def _dismissed_problems(root: Path, dismissed: DismissedFile, papers: list[Paper]) -> list[Problem]:
    """A paper dismissed twice, or dismissed and listed: located in data/dismissed.yaml."""
    if not dismissed.dismissed:
        return []
    doc = read_document(root / DISMISSED_FILE, str(root / DISMISSED_FILE))
    listed = {p.arxiv: p.id for p in papers if p.arxiv}
    seen: dict[str, int] = {}
    problems = []
    for i, entry in enumerate(dismissed.dismissed):
        if entry.arxiv in listed:
            problems.append(doc.problem(("dismissed", i, "arxiv"), f"{entry.arxiv!r} is dismissed but also listed as {listed[entry.arxiv]!r}; keep it in one file"))
        if entry.arxiv in seen:
            line, _ = doc.locate(("dismissed", seen[entry.arxiv]))
            problems.append(doc.problem(("dismissed", i, "arxiv"), f"{entry.arxiv!r} is dismissed twice (first at line {line})"))
        seen.setdefault(entry.arxiv, i)
    return problems


def papers_problems(raw: bytes, display: str, taxonomy: Taxonomy) -> list[Problem]:
    """Every problem ``check`` would report for this papers.yaml text (used before writing one)."""
    if accept_papers_text(raw, taxonomy) is not None:
        return []
    try:
        doc = parse_document(raw, display)
    except ProblemsFound as exc:
        return exc.problems
    return _load_papers(doc, taxonomy)[1]


def taxonomy_from_text(raw: bytes, display: str) -> Taxonomy:
    """A taxonomy file on its own, validated as check would (ProblemsFound with every located problem)."""
    taxonomy, problems = _load_taxonomy(parse_document(raw, display))
    if problems or taxonomy is None:
        raise ProblemsFound(problems)
    return taxonomy


def _load_taxonomy(doc: Document) -> tuple[Taxonomy | None, list[Problem]]:
    shape = _top_level(doc, "taxonomy", "nodes, each with slug, en and zh")
    if shape:
        return None, doc.problems + shape
    try:
        parsed = TaxonomyFile.model_validate(doc.data)
    except ValidationError as exc:
        return None, doc.problems + translate_all(exc, (), doc, TaxonomyFile)
    found = doc.problems + taxonomy_problems(parsed.taxonomy, doc)
    return (None if found else Taxonomy(parsed.taxonomy)), found


def _load_papers(doc: Document, taxonomy: Taxonomy | None) -> tuple[list[Paper], list[Problem]]:
    shape = _top_level(doc, "papers", "entries")
    if shape:
        return [], doc.problems + shape
    problems: list[Problem] = list(doc.problems)
    entries: list[tuple[int, Paper]] = []
    invalid: list[tuple[int, SimpleNamespace]] = []
    for index, raw in enumerate(doc.data["papers"]):
        base: Loc = ("papers", index)
        if raw is INVALID:
            continue
        if not isinstance(raw, dict):
            problems.append(doc.problem(base, "each entry must be a mapping of fields (id: ..., title: ...)"))
            continue
        try:
            entries.append((index, Paper.model_validate(raw)))
        except ValidationError as exc:
            problems += translate_all(exc, base, doc, Paper)
            invalid.append((index, _valid_fields(raw)))  # its other fields are checked too: one round, not two
    problems += paper_problems(sorted(entries + invalid, key=lambda entry: entry[0]), taxonomy, doc)
    return [paper for _, paper in entries], problems


_CROSS_ENTRY_FIELDS = ("id", "title", "arxiv", "doi", "tags")


def _valid_fields(raw: dict) -> SimpleNamespace:
    """The fields the cross-entry rules read, of an entry that failed validation: each one valid on its own, else None.

    So a duplicate or an unknown tag is reported in the same run as the entry's
    own problems, not in the run after they are fixed.
    """
    fields = {}
    for name in _CROSS_ENTRY_FIELDS:
        try:
            fields[name] = _FIELD_CHECK.validate_assignment(Paper.model_construct(), name, raw[name]).__dict__[name]
        except (KeyError, ValidationError):
            fields[name] = [] if name == "tags" else None
    return SimpleNamespace(**fields)


_FIELD_CHECK = Paper.__pydantic_validator__


def _top_level(doc: Document, key: str, what: str) -> list[Problem]:
    """Problems with the file's outer shape: a mapping whose one key holds a list."""
    expected = f"expected '{key}:' followed by a list of {what}"
    if doc.data is None:
        return [doc.problem((), f"file is empty; {expected}")]
    if not isinstance(doc.data, dict):
        return [doc.problem((), f"wrong top-level shape; {expected}")]
    problems = [
        doc.problem((other,), f"unknown top-level key {other!r}; only {key!r} is allowed{suggest(str(other), [key])}")
        for other in doc.data
        if other != key
    ]
    if key not in doc.data:
        problems.append(doc.problem((), f"missing top-level key {key!r}; {expected}"))
    elif not isinstance(doc.data[key], list):
        problems.append(doc.problem((key,), f"{key!r} must hold a list; {expected}"))
    return problems
