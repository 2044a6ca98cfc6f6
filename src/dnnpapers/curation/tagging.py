"""Tags for a paper: the taxonomy's own keywords, and the list's classifier when the [discover] extra is installed.

``add`` asks it for a paper given without --tag; ``discover`` for each candidate.
"""

from __future__ import annotations

import re
from typing import Callable

from dnnpapers.curation.classify import Example, ListModel
from dnnpapers.errors import DnnpapersError
from dnnpapers.access.paperlist import PaperList
from dnnpapers.sources.arxiv import ArxivRecord
from dnnpapers.model.taxonomy import Taxonomy

__all__ = ["suggest_tags", "rank_tags", "suggester", "listed_examples", "topic_examples", "phrases_in", "KEYWORD_WEIGHT"]


def suggest_tags(taxonomy: Taxonomy, title: str, abstract: str, limit: int = 3) -> list[str]:
    """Topics whose keywords occur in the title (counted thrice) or abstract, most specific first."""
    title_l, abstract_l = title.lower(), abstract.lower()
    scored = []
    for node, patterns in _keyword_patterns(taxonomy):
        score = sum(3 * len(p.findall(title_l)) + len(p.findall(abstract_l)) for word, p in patterns if word in title_l or word in abstract_l)
        if score:
            scored.append((-score, -taxonomy.depth[node.slug], node.slug))
    return [slug for _, _, slug in sorted(scored)[:limit]]


_PATTERNS: dict[int, tuple[Taxonomy, list]] = {}


def _keyword_patterns(taxonomy: Taxonomy) -> list:
    """Each topic's keyword patterns, compiled once per taxonomy (discover scores thousands of papers)."""
    cached = _PATTERNS.get(id(taxonomy))
    if cached is None or cached[0] is not taxonomy:
        patterns = [(node, [(k.lower(), re.compile(r"(?<![a-z0-9])" + re.escape(k.lower()) + r"(?:s|es)?(?![a-z0-9])")) for k in node.keywords]) for node in taxonomy.walk()]
        cached = _PATTERNS[id(taxonomy)] = (taxonomy, patterns)
    return cached[1]


def listed_examples(paper_list: PaperList, abstracts: dict[str, str] | None = None) -> list[Example]:
    """The listed papers as classifier examples: title, abstract when known, focus and notes; their direct tags."""
    abstracts = abstracts or {}
    return [
        Example(p.id, " ".join(filter(None, [p.title + ".", abstracts.get(p.arxiv or "", ""), p.focus, p.notes])), tuple(p.tags),
                title=p.title, has_abstract=bool(abstracts.get(p.arxiv or "")))
        for p in paper_list.papers
    ]


def phrases_in(taxonomy: Taxonomy, title: str, abstract: str) -> list[str]:
    """The taxonomy's keywords of two or more words (or hyphenated) found whole in the text, in taxonomy order.

    A single word ("routing", "experts", "token") says nothing on its own: delivery vehicles are routed too.
    """
    text = f"{title}. {abstract}".lower()
    found = []
    for _, patterns in _keyword_patterns(taxonomy):
        for word, pattern in patterns:
            if (" " in word or "-" in word) and word in text and word not in found and pattern.search(text):
                found.append(word)
    return found


def topic_examples(paper_list: PaperList) -> list[Example]:
    """One example per topic: what the taxonomy itself says of it (label, description, keywords)."""
    return [Example(f"topic:{n.slug}", " ".join([n.en, n.description or "", " ".join(n.keywords)]), (n.slug,)) for n in paper_list.taxonomy.walk()]


#: How much a topic's own keywords found in the text add to the classifier's score (bench/discover.py:
#: leave-one-out top-3 0.71 without, 0.77 with 0.2; 0.1 gives 0.76, 0.3 and 0.5 give 0.77 too).
KEYWORD_WEIGHT = 0.2


def rank_tags(model: ListModel, paper_list: PaperList, items: list[tuple[str, str]], limit: int = 3,
              in_context: list[bool] | None = None) -> list[list[tuple[str, float]]]:
    """Tags for (title, abstract) pairs: the classifier's per-tag scores, raised for topics whose keywords occur.

    The keywords count only ``in_context``: for a candidate that resembles the list (``discover`` says which),
    so "dynamic routing of delivery vehicles" is not tagged dynamic-routing for its words.
    """
    used = sorted({t for p in paper_list.papers for t in p.tags})
    learned = model.tags([f"{title}. {abstract}" for title, abstract in items], limit=len(used) or 1, taken=used)
    out = []
    for i, ((title, abstract), scores) in enumerate(zip(items, learned)):
        combined = dict(scores)
        keywords = suggest_tags(paper_list.taxonomy, title, abstract, limit=5) if in_context is None or in_context[i] else []
        for rank, tag in enumerate(keywords):
            if tag in used:
                combined[tag] = combined.get(tag, 0.0) + KEYWORD_WEIGHT / (1 + rank)
        ranked = sorted(combined.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        out.append([(tag, round(min(score, 1.0), 3)) for tag, score in ranked])
    return out


def suggester(paper_list: PaperList) -> Callable[[ArxivRecord], list[str]]:
    """Tags for a new paper: from the list's own classifier (the [discover] extra) when it can be had, else from keywords."""
    keywords = lambda record: suggest_tags(paper_list.taxonomy, record.title, record.abstract)  # noqa: E731
    if len(paper_list.papers) < 3:
        return keywords
    try:
        model = ListModel(listed_examples(paper_list), topics=topic_examples(paper_list))
    except DnnpapersError:  # scikit-learn is not installed
        return keywords

    def learned(record: ArxivRecord) -> list[str]:
        (ranked,) = rank_tags(model, paper_list, [(record.title, record.abstract)])
        return [tag for tag, _ in ranked] or keywords(record)

    return learned
