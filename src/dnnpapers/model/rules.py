"""Rules that look across entries: tags that exist, no paper twice, unique slugs.

Each rule returns located problems; none raises, so one run reports them all.
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from dnnpapers.limits import MAX_TOPIC_DEPTH

if TYPE_CHECKING:  # rules also serve the quick path, which must not import pydantic or PyYAML
    from dnnpapers.errors import Problem
    from dnnpapers.model.models import Paper, TaxonomyNode
    from dnnpapers.storage.store import Document
    from dnnpapers.model.taxonomy import Taxonomy

__all__ = ["normalise_title", "suggest", "paper_problems", "taxonomy_problems", "dismissed_problems"]

#: (position of the entry in the file, the validated paper or, for an invalid entry, its fields that are valid alone)
Entry = tuple[int, "Paper"]


def normalise_title(title: str) -> str:
    """The form two titles share when they name the same paper: case, spacing and final punctuation ignored.

    Compatibility forms (full-width letters, ligatures) fold by NFKC; invisible
    format characters (zero-width spaces, bidi marks) are dropped.
    """
    if title.isascii():  # the same result, faster
        text = title.lower()
    else:
        text = unicodedata.normalize("NFKC", title).casefold()
        text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return " ".join(text.split()).rstrip(" .!?;:,")


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' hint, or '' when nothing is close."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered:
        return f" (did you mean {lowered[word.lower()]!r}?)"
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def paper_problems(entries: Sequence[Entry], taxonomy: Taxonomy | None, doc: Document) -> list[Problem]:
    problems: list[Problem] = []
    if taxonomy is not None:
        problems += _unknown_tags(entries, taxonomy, doc)
    problems += _repeated_tags(entries, doc)
    problems += _duplicates(entries, doc, "id", "id", lambda p: p.id)
    problems += _duplicates(entries, doc, "arxiv", "arXiv id", lambda p: p.arxiv)
    problems += _duplicates(entries, doc, "doi", "DOI", lambda p: p.doi and p.doi.lower())
    problems += _duplicates(entries, doc, "title", "title", lambda p: p.title and normalise_title(p.title))
    return problems


def _unknown_tags(entries: Sequence[Entry], taxonomy: Taxonomy, doc: Document) -> Iterable[Problem]:
    labels = {}
    for node in taxonomy.walk():
        labels[node.en.casefold()] = node.slug
        labels[node.zh.casefold()] = node.slug
    for index, paper in entries:
        for j, tag in enumerate(paper.tags):
            if tag in taxonomy:
                continue
            hint = f" (did you mean {labels[tag.casefold()]!r}?)" if tag.casefold() in labels else suggest(tag, taxonomy.by_slug)
            yield doc.problem(("papers", index, "tags", j), f"unknown tag {tag!r}: not a slug of data/taxonomy.yaml{hint}")


def _repeated_tags(entries: Sequence[Entry], doc: Document) -> Iterable[Problem]:
    for index, paper in entries:
        seen = set()
        for j, tag in enumerate(paper.tags):
            if tag in seen:
                yield doc.problem(("papers", index, "tags", j), f"tag {tag!r} is listed twice")
            seen.add(tag)


def _duplicates(
    entries: Sequence[Entry], doc: Document, field: str, label: str, key: Callable[[Paper], object]
) -> Iterable[Problem]:
    first: dict[object, Entry] = {}
    for index, paper in entries:
        value = key(paper)
        if not value:
            continue
        if value in first:
            earlier_index, earlier = first[value]
            line, _ = doc.locate(("papers", earlier_index))
            shown = getattr(paper, field)
            named = f"{earlier.id!r} " if earlier.id else "the entry "  # an entry whose own id is invalid has none
            yield doc.problem(
                ("papers", index, field),
                f"duplicate {label} {shown!r}: the same paper as {named}at line {line}",
            )
        else:
            first[value] = (index, paper)


def taxonomy_problems(roots: Sequence[TaxonomyNode], doc: Document) -> list[Problem]:
    problems = []
    first: dict[str, tuple] = {}
    for loc, node in _walk_located(roots, ("taxonomy",)):
        level = loc.count("children") + 1
        if level == MAX_TOPIC_DEPTH + 1:  # reported once per branch, at the first topic too deep
            problems.append(doc.problem(loc + ("slug",), f"topic {node.slug!r} is {level} levels deep; a taxonomy has at most {MAX_TOPIC_DEPTH}"))
        if node.slug in first:
            line, _ = doc.locate(first[node.slug])
            problems.append(doc.problem(loc + ("slug",), f"duplicate slug {node.slug!r} (first at line {line})"))
        else:
            first[node.slug] = loc
    return problems


def _walk_located(nodes: Sequence[TaxonomyNode], loc: tuple) -> Iterable[tuple[tuple, TaxonomyNode]]:
    for i, node in enumerate(nodes):
        here = loc + (i,)
        yield here, node
        yield from _walk_located(node.children, here + ("children",))


def dismissed_problems(dismissed: Sequence, listed: dict[str, str], doc: Document) -> list[Problem]:
    """A paper dismissed twice, or dismissed and listed (``listed``: arXiv id → list id), located in data/dismissed.yaml."""
    seen: dict[str, int] = {}
    problems = []
    for i, entry in enumerate(dismissed):
        if entry.arxiv in listed:
            problems.append(doc.problem(("dismissed", i, "arxiv"), f"{entry.arxiv!r} is dismissed but also listed as {listed[entry.arxiv]!r}; keep it in one file"))
        if entry.arxiv in seen:
            line, _ = doc.locate(("dismissed", seen[entry.arxiv]))
            problems.append(doc.problem(("dismissed", i, "arxiv"), f"{entry.arxiv!r} is dismissed twice (first at line {line})"))
        seen.setdefault(entry.arxiv, i)
    return problems
