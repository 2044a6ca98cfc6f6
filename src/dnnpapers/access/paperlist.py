"""Loading a list: files → nodes → models → cross-entry rules, every problem located.

``loading.load_list(root)`` is the one entry point the commands use; it returns a
PaperList or raises ProblemsFound carrying every problem of both files.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from dnnpapers.errors import Problem, ProblemsFound
from dnnpapers.storage.layout import DISMISSED_FILE, METRICS_FILE, PAGE_FILE, PAPERS_FILE, TAXONOMY_FILE
from dnnpapers.model.models import (
    DismissedFile,
    DismissedPaper,
    JekyllTarget,
    LeaderTerm,
    Link,
    MetricsFile,
    PageFile,
    Paper,
    PaperMetrics,
    Presenter,
    Talk,
    TalkLinks,
    TaxonomyFile,
    TaxonomyNode,
)
from dnnpapers.access.plainlist import PaperList, assemble
from dnnpapers.access.quick import QuickList, accept_papers_text
from dnnpapers.model.rules import dismissed_problems, paper_problems, suggest, taxonomy_problems
from dnnpapers.model.talks import TalkLog
from dnnpapers.model.taxonomy import Taxonomy

if TYPE_CHECKING:  # the exact path's modules (PyYAML's nodes, pydantic's errors) are imported when it runs: from_quick needs neither
    from dnnpapers.storage.store import Document, Loc

__all__ = ["PaperList", "load_exact", "from_quick", "papers_problems", "taxonomy_from_text", "PAPERS_FILE", "TAXONOMY_FILE", "PAGE_FILE", "METRICS_FILE"]



# Every field in the model's order, at its default (None for the required ones, which an accepted entry has; and
# for awards, whose empty list each paper gets its own of).
_PAPER_FIELDS = {name: None if name == "awards" or field.is_required() else field.get_default() for name, field in Paper.model_fields.items()}
_ALL_PAPER_FIELDS = set(Paper.model_fields)
_new_paper = Paper.__new__


def _paper(entry: dict) -> Paper:
    """Paper.model_construct(**entry) for an entry the quick path accepted, as that builds it for a model without
    aliases, extra values or post-init, but without its field-by-field copy (10,000 papers: 0.1 s less;
    test_quick holds the two to the same papers). One set of field names serves every paper (all are given):
    pydantic copies it before it changes it, and a frozen model never does."""
    fields = _PAPER_FIELDS.copy()
    fields.update(entry)  # the order stays the model's: every name is in it already
    if fields["awards"] is None:
        fields["awards"] = []
    paper = _new_paper(Paper)
    object.__setattr__(paper, "__dict__", fields)
    object.__setattr__(paper, "__pydantic_fields_set__", _ALL_PAPER_FIELDS)
    object.__setattr__(paper, "__pydantic_extra__", None)
    object.__setattr__(paper, "__pydantic_private__", None)
    return paper


def from_quick(root: Path, quick: QuickList) -> PaperList:
    """Models from values the quick path accepted: pydantic would accept them unchanged."""

    def node(n) -> TaxonomyNode:
        return TaxonomyNode.model_construct(slug=n.slug, en=n.en, zh=n.zh, description=n.description, keywords=n.keywords, children=[node(c) for c in n.children])

    return assemble(
        root,
        quick,
        _construct,
        Taxonomy([node(n) for n in quick.taxonomy.roots]),
        [_paper(fields) for fields in quick.papers],
    )


_MODELS = {model.__name__: model for model in (Link, JekyllTarget, PageFile, PaperMetrics, DismissedPaper, Presenter, TalkLinks, LeaderTerm, Talk)}


def _construct(name: str, values: dict):
    """The model ``name`` from values pydantic would accept unchanged (its defaults filled in by model_construct)."""
    return _MODELS[name].model_construct(**values)


def load_exact(root: Path) -> PaperList:
    """The exact path alone: PyYAML nodes and pydantic, every problem located."""
    from dnnpapers.model.talks import load_talks
    from dnnpapers.model.validation import load_optional
    from dnnpapers.storage.store import read_document

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
    from dnnpapers.storage.store import read_document

    doc = read_document(root / DISMISSED_FILE, str(root / DISMISSED_FILE))
    return dismissed_problems(dismissed.dismissed, {p.arxiv: p.id for p in papers if p.arxiv}, doc)


def papers_problems(raw: bytes, display: str, taxonomy: Taxonomy) -> list[Problem]:
    """Every problem ``check`` would report for this papers.yaml text (used before writing one)."""
    if accept_papers_text(raw, taxonomy) is not None:
        return []
    from dnnpapers.storage.store import parse_document

    try:
        doc = parse_document(raw, display)
    except ProblemsFound as exc:
        return exc.problems
    return _load_papers(doc, taxonomy)[1]


def taxonomy_from_text(raw: bytes, display: str) -> Taxonomy:
    """A taxonomy file on its own, validated as check would (ProblemsFound with every located problem)."""
    from dnnpapers.storage.store import parse_document

    taxonomy, problems = _load_taxonomy(parse_document(raw, display))
    if problems or taxonomy is None:
        raise ProblemsFound(problems)
    return taxonomy


def _load_taxonomy(doc: Document) -> tuple[Taxonomy | None, list[Problem]]:
    from pydantic import ValidationError

    from dnnpapers.model.validation import translate_all

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
    from pydantic import ValidationError

    from dnnpapers.model.validation import translate_all
    from dnnpapers.storage.store import INVALID

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
    from pydantic import ValidationError

    fields = {}
    for name in _CROSS_ENTRY_FIELDS:
        try:
            fields[name] = Paper.__pydantic_validator__.validate_assignment(Paper.model_construct(), name, raw[name]).__dict__[name]
        except (KeyError, ValidationError):
            fields[name] = [] if name == "tags" else None
    return SimpleNamespace(**fields)


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
