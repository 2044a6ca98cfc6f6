"""Exports for other tools: BibTeX that BibTeX and biber accept, and JSON with resolved labels.

Titles are not braced whole: sentence-case styles (APA) lower-case a title but
for its braced words, so only the words whose case must survive are braced:
acronyms and mixed-case names (BERT, ViT, MoE, FastBERT, MSDNet).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from json.encoder import c_make_encoder, encode_basestring  # (item_encoder: what JSONEncoder.encode itself calls)
from typing import TYPE_CHECKING, Callable

from dnnpapers.model.fields import venue_name
from dnnpapers.model.keys import split_name
from dnnpapers.model.records import METRICS_FIELDS, PAPER_DEFAULTS, PAPER_FIELDS
from dnnpapers.model.fields import ET_AL

if TYPE_CHECKING:  # (a render after an edit makes entries without pydantic)
    from dnnpapers.model.models import Paper
    from dnnpapers.access.paperlist import PaperList

__all__ = ["bibtex", "bib_entry", "bib_entries", "bib_title", "json_export", "paper_entries", "item_encoder", "JOURNALS"]

#: Venue names (without year) that are journals; every other published venue is a proceedings.
JOURNALS = {
    "TPAMI", "IEEE TPAMI", "JMLR", "IJCV", "TACL", "TNNLS", "IEEE TNNLS", "TIP", "IEEE TIP", "IEEE JSTSP",
    "JSTSP", "Nature", "Science", "Neural Computation", "Nature Machine Intelligence", "TMLR", "Proceedings of the IEEE",
}


# BibTeX matches braces without regard to backslashes, so a literal brace must not be a brace.
_TEX = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


_TEX_TABLE = str.maketrans(_TEX)
#: Any character ``_TEX`` changes: most values have none, and a search costs a fraction of the translation (whose
#: table maps to strings: str.translate's slow path, a dictionary look-up a character).
_ANY_TEX = re.compile("[" + re.escape("".join(_TEX)) + "]")


def tex(value: str) -> str:
    """Text for a BibTeX field: LaTeX specials escaped, braces balanced, Unicode kept (UTF-8)."""
    line = " ".join(value.split())
    return line.translate(_TEX_TABLE) if _ANY_TEX.search(line) else line


def verbatim(value: str) -> str:
    """A verbatim field (url, doi): BibLaTeX takes it as is, so only braces must not appear raw."""
    if "{" not in value and "}" not in value and "\\" not in value:  # (most: three searches cost less than three copies)
        return value
    return value.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


_AND = re.compile(r"(?i)(?<!\S)and(?!\S)")


@lru_cache(maxsize=1 << 16)
def _bib_name(name: str) -> str:
    """'Family, Suffix, Given' as BibTeX reads it; a name holding the word 'and' is kept whole in braces.

    Worked out once a name (kept for the process): a list names its authors many times over."""
    if name == ET_AL:
        return "others"
    if _AND.search(name):
        return "{" + tex(name) + "}"  # else BibTeX would split it into two authors
    given, family, suffix = split_name(name)
    parts = [tex(family)] + ([tex(suffix)] if suffix else []) + ([tex(given)] if given else [])
    return ", ".join(parts)


_EDGES = re.compile(r"^([^\w]*)(.*?)([^\w]*)$", re.S)


_PARTS = re.compile(r"[-/]")


def _keeps_case(word: str) -> bool:
    """BERT, ViT, MoE, FastBERT, 3D, ResNet-50: a capital after a part's first letter, or digits beside capitals."""
    if word.islower() or not any(c.isupper() for c in word):  # most words: nothing to keep
        return False
    for part in _PARTS.split(word):
        if not part[1:].islower() and any(c.isupper() for c in part[1:]):
            return True
        if not part.isalpha() and any(c.isdigit() for c in part) and any(c.isupper() for c in part):
            return True
    return False


def bib_title(title: str) -> str:
    """The title as BibTeX text with only the case-sensitive words braced."""
    return " ".join(map(_bib_word, title.split()))


@lru_cache(maxsize=1 << 16)
def _bib_word(word: str) -> str:
    """One word of a title as BibTeX text, worked out once a word (kept for the process): titles share most of their words."""
    if not _keeps_case(word):  # the word's core keeps no case either (it is a part of the word)
        return word.translate(_TEX_TABLE)
    before, core, after = _EDGES.match(word).groups()
    if core and _keeps_case(core):
        return before.translate(_TEX_TABLE) + "{" + core.translate(_TEX_TABLE) + "}" + after.translate(_TEX_TABLE)
    return word.translate(_TEX_TABLE)


def bib_entry(paper: Paper) -> str:
    # (each field's line made at once: a list of (name, value) pairs joined afterwards cost a third of the entry)
    lines = [f"  title = {{{bib_title(paper.title)}}}", f"  author = {{{' and '.join([_bib_name(a) for a in paper.authors])}}}"]
    arxiv = paper.arxiv
    if not paper.published:
        kind = "misc"
        if arxiv:  # the id itself comes once, from eprint (biblatex printed it twice with both)
            lines.append("  howpublished = {arXiv preprint}")
    else:
        kind, line = _venue_field(paper.venue)
        lines.append(line)
    lines.append(f"  year = {{{paper.venue_year or paper.year}}}")
    if arxiv:
        lines += (f"  eprint = {{{tex(arxiv)}}}", "  archivePrefix = {arXiv}")
    if paper.doi:
        lines.append(f"  doi = {{{verbatim(paper.doi)}}}")
    link = f"https://arxiv.org/abs/{arxiv}" if arxiv else paper.url
    if link:
        lines.append(f"  url = {{{verbatim(link)}}}")
    body = ",\n".join(lines)
    return f"@{kind}{{{paper.id},\n{body}\n}}\n"


@lru_cache(maxsize=1 << 12)
def _venue_field(venue: str) -> tuple[str, str]:
    """A published venue's entry type and its journal or booktitle line, worked out once a venue (a list has a few hundred)."""
    name = venue_name(venue)
    if name in JOURNALS:
        return "article", f"  journal = {{{tex(name)}}}"
    return "inproceedings", f"  booktitle = {{{tex(name)}}}"


def bib_entries(papers: list[Paper]) -> dict[str, str]:
    """Each paper's entry by id: made once for every output that shows them."""
    return {paper.id: bib_entry(paper) for paper in papers}


def bibtex(paper_list: PaperList, papers: list[Paper] | None = None, entries: dict[str, str] | None = None) -> str:
    """One entry per paper (all of the list's by default), sorted by key; ``entries`` made earlier are reused."""
    made = entries or {}
    entries = [made.get(paper.id) or bib_entry(paper) for paper in sorted(paper_list.papers if papers is None else papers, key=lambda p: p.id)]
    return "".join(["% Generated by dnnpapers from data/papers.yaml. Keys are the papers' ids.\n\n", "\n".join(entries)])


def json_export(paper_list: PaperList, papers: list[Paper] | None = None) -> str:
    """The papers (all, in file order, by default), tags resolved to their labels, with citation data when fetched."""
    taxonomy = paper_list.taxonomy
    topics = [
        {"slug": node.slug, "en": node.en, "zh": node.zh, "parent": taxonomy.parent[node.slug], "depth": taxonomy.depth[node.slug]}
        for node in taxonomy.walk()
    ]
    return "".join(["{\n", _json_list("topics", topics), ",\n", _json_list("papers", paper_entries(paper_list, papers)), "\n}\n"])  # (one copy of the megabytes)


def paper_entries(paper_list: PaperList, papers: list[Paper] | None = None) -> list[dict]:
    """Each paper as JSON data: its fields as in papers.yaml (none left empty), tags as {slug, en, zh}, metrics when fetched."""
    chosen = paper_list.papers if papers is None else papers
    labels = {node.slug: {"slug": node.slug, "en": node.en, "zh": node.zh} for node in paper_list.taxonomy.walk()}
    fields, metrics_fields = list(PAPER_FIELDS), list(METRICS_FIELDS)
    return [paper_entry(paper, labels, paper_list.metrics.get(paper.id), fields, PAPER_DEFAULTS, metrics_fields) for paper in chosen]


def paper_entry(paper, labels: dict, metrics, fields: list[str], defaults: dict, metrics_fields: list[str]) -> dict:
    """One paper as JSON data, as pydantic's dump (mode json, no None, no default) makes it, but without pydantic:
    a render after an edit makes it for a changed paper from the field names and defaults its state kept."""
    entry = {name: _json_value(value) for name in fields if (value := getattr(paper, name)) is not None and not (name in defaults and value == defaults[name])}
    entry["tags"] = [labels[tag] for tag in paper.tags]
    if metrics:
        entry["metrics"] = {name: _json_value(value) for name in metrics_fields if (value := getattr(metrics, name)) is not None}
    return entry


def _json_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _json_list(key: str, items: list[dict]) -> str:
    """``"key": [...]`` with one item a line: diffs stay readable, and the C encoder does the work."""
    if not items:
        return f'  "{key}": []'
    encode = item_encoder(sort_keys=False)
    return "".join([f'  "{key}": [\n    ', ",\n    ".join([encode(item) for item in items]), "\n  ]"])


def item_encoder(sort_keys: bool) -> Callable[[object], str]:
    """``json.dumps(item, ensure_ascii=False, sort_keys=sort_keys)``, for the thousands of items of one file.

    JSONEncoder.encode builds a new C encoder for every call (a fifth of the encoding of a papers.json item);
    this builds one, as encode would (no circularity check: the items are trees), and keeps it for the file.
    """
    if c_make_encoder is None:  # pragma: no cover - a Python without json's C accelerator
        return json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys, check_circular=False).encode
    encoder = c_make_encoder(None, json.JSONEncoder().default, encode_basestring, None, ": ", ", ", sort_keys, False, True)
    return lambda item: "".join(encoder(item, 0))
