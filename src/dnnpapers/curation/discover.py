"""``dnnpapers discover``: this week's candidates for the list, from arXiv and Semantic Scholar, ranked and tagged.

Candidates: every paper submitted in the window in the list's categories
(arXiv, 2,000 a request, 3 s apart) and the papers Semantic Scholar recommends
from the listed ones (dismissed ones as negative examples); the two are asked
at the same time, and either failing is a warning. Papers already listed (by
arXiv id, DOI or title) or dismissed are left out. The list's own classifier
(``classify``) ranks the rest and suggests their tags, learning against the
papers of the windows seen before when the cache keeps enough of them (``seen``).
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from dnnpapers.curation.classify import ListModel, Relevance, require_sklearn
from dnnpapers.model.fields import arxiv_id_problem
from dnnpapers.access.paperlist import PaperList
from dnnpapers.access.loading import load_list
from dnnpapers.model.rules import normalise_title
from dnnpapers.sources import arxiv, semantic_scholar
from dnnpapers.sources.http import Http, ServiceError
from dnnpapers.curation.seen import recall_seen, remember_seen
from dnnpapers.curation.tagging import listed_examples, phrases_in, rank_tags, topic_examples

__all__ = ["Candidate", "DiscoverReport", "discover", "markdown_report", "json_report", "DEFAULT_CATEGORIES"]

DEFAULT_CATEGORIES = ("cs.LG", "cs.CV", "cs.CL", "cs.AR", "cs.DC", "cs.NE")
Progress = Callable[[str, int], Callable[[int], None]]


@dataclass
class Candidate:
    arxiv: str
    title: str
    authors: tuple[str, ...]
    date: str
    abstract: str = ""
    source: list[str] = field(default_factory=list)
    score: float = 0.0
    tags: list[tuple[str, float]] = field(default_factory=list)
    like: list[str] = field(default_factory=list)
    why: Relevance | None = None

    @property
    def text(self) -> str:
        return f"{self.title}. {self.abstract}"


@dataclass
class DiscoverReport:
    since: dt.date
    until: dt.date
    candidates: list[Candidate]
    considered: int = 0
    warnings: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # listed id → title, for "like"


def _from_arxiv(record) -> Candidate:
    return Candidate(record.arxiv_id, record.title, record.authors, record.published.isoformat(), record.abstract, ["arxiv"])


def _from_s2(paper) -> Candidate | None:
    if not paper.arxiv or arxiv_id_problem(paper.arxiv) or not paper.title:  # the id goes into a link and a command
        return None
    return Candidate(paper.arxiv, paper.title, paper.authors, paper.published or "", paper.abstract or "", ["s2"])


def discover(
    root: Path, http: Http, since: dt.date, until: dt.date, limit: int = 30, progress: Progress | None = None
) -> DiscoverReport:
    """Fetch, filter and rank the candidates of the window [since, until]."""
    require_sklearn()
    paper_list = load_list(root)
    categories = paper_list.page.categories or list(DEFAULT_CATEGORIES)
    report = DiscoverReport(since, until, [], titles={p.id: p.title for p in paper_list.papers})
    listed_ids = [p.arxiv for p in paper_list.papers if p.arxiv]
    dismissed = [d.arxiv for d in paper_list.dismissed]

    def window():
        tick = progress("arXiv: the window", 1) if progress else None
        records = arxiv.search_window(http, categories, since, until)
        if tick:
            tick(1)
        return records

    def recommended():
        if not listed_ids:
            return []
        return semantic_scholar.recommend(http, [f"ARXIV:{i}" for i in listed_ids[-100:]], [f"ARXIV:{i}" for i in dismissed[-100:]])

    def abstracts():
        return arxiv.fetch(http, listed_ids)

    with ThreadPoolExecutor(max_workers=2) as pool:  # arXiv asks for one connection at a time: its two jobs run in turn
        s2_job = pool.submit(recommended)
        arxiv_records = _guarded(report, "arXiv's new papers", window, [])
        listed_records = _guarded(report, "the listed papers' abstracts", abstracts, {})
        s2_papers = _guarded(report, "Semantic Scholar's recommendations", s2_job.result, [])
    candidates: dict[str, Candidate] = {}
    for candidate in [_from_arxiv(r) for r in arxiv_records] + [c for c in map(_from_s2, s2_papers) if c]:
        if candidate.arxiv in candidates:
            known = candidates[candidate.arxiv]
            known.source = sorted(set(known.source) | set(candidate.source))
            known.abstract = known.abstract or candidate.abstract
        else:
            candidates[candidate.arxiv] = candidate
    report.considered = len(candidates)
    fresh = _new(paper_list, list(candidates.values()))
    examples = listed_examples(paper_list, {i: r.abstract for i, r in listed_records.items()})
    seen, known = recall_seen(root), set(listed_ids)
    # the background: earlier windows' papers, none of them a candidate now nor listed
    earlier = [text for arxiv_id, text in seen if arxiv_id not in candidates and arxiv_id not in known]
    remember_seen(root, [(c.arxiv, c.text) for c in candidates.values() if "arxiv" in c.source], seen)
    if not fresh or not examples:
        return report
    model = ListModel(examples, [c.text for c in fresh], topic_examples(paper_list), earlier)
    items = [(c.title, c.abstract) for c in fresh]
    ranked = model.rank(items, [phrases_in(paper_list.taxonomy, t, a) for t, a in items])
    tags = rank_tags(model, paper_list, items, in_context=[resembles(r) for r in ranked])
    for candidate, why, tags in zip(fresh, ranked, tags):
        candidate.score, candidate.tags, candidate.why = round(why.score, 3), tags, why
        candidate.like = [key for key, _ in why.nearest]
    # a candidate that resembles no listed paper never outranks one that does
    fresh.sort(key=lambda c: (not resembles(c.why), -c.score, c.arxiv))
    report.candidates = fresh[:limit]
    return report


#: The similarity to its nearest listed paper (same fields, tf-idf cosine) under which a candidate resembles
#: nothing the list holds (bench/discover.py: relevant candidates sit above it in every regime).
FLOOR = 0.04


def resembles(why: Relevance | None) -> bool:
    """Whether a candidate is like at least one listed paper: the floor every candidate above the rest must clear."""
    return why is not None and bool(why.nearest) and why.nearest[0][1] >= FLOOR


def _guarded(report: DiscoverReport, service: str, work, fallback):
    try:
        return work()
    except ServiceError as exc:
        report.warnings.append(f"{exc}; the report goes on without {service}")
        return fallback


def _new(paper_list: PaperList, candidates: list[Candidate]) -> list[Candidate]:
    """Candidates neither listed (arXiv id, DOI, title) nor dismissed."""
    ids = {p.arxiv for p in paper_list.papers if p.arxiv} | {d.arxiv for d in paper_list.dismissed}
    titles = {normalise_title(p.title) for p in paper_list.papers}
    return [c for c in candidates if c.arxiv not in ids and normalise_title(c.title) not in titles]


def explain(candidate: Candidate, titles: dict[str, str]) -> str:
    """One line saying why a candidate ranks where it does: the evidence its score multiplies."""
    why = candidate.why
    if why is None:
        return "not ranked"
    near = ", ".join(f"{titles.get(k, k)} ({s:.2f})" for k, s in why.nearest) or "none"
    model = "too few unlike candidates to learn from" if why.model is None else f"{why.model:.2f}"
    floor = "" if resembles(why) else f"; resembles no listed paper (nearest below {FLOOR}), so it ranks after every one that does"
    if why.model is not None:
        model += f" (learned against {why.negatives})"
    return (f"nearest listed ({why.fields}): {near}; topic model {model}; like the listed {why.group} papers ({why.group_similarity:.2f}); "
            f"nearest topic {why.topic} ({why.topic_similarity:.2f}); phrases: {', '.join(why.phrases) or 'none'}{floor}")


def _why(candidate: Candidate) -> dict | None:
    why = candidate.why
    if why is None:
        return None
    return {"nearest": [{"id": k, "similarity": s} for k, s in why.nearest], "fields": why.fields, "resembles_list": resembles(why),
            "topic_model": why.model, "topic_model_negatives": why.negatives or None, "group": why.group, "group_similarity": why.group_similarity,
            "topic": why.topic, "topic_similarity": why.topic_similarity, "phrases": list(why.phrases)}


def markdown_report(report: DiscoverReport, explained: bool = False) -> str:
    """A GitHub issue body: one checklist item per candidate, with the command that adds it (and why it ranks there)."""
    lines = [f"## Candidates {report.since} – {report.until}", "",
             f"{len(report.candidates)} of {report.considered} new papers, best first. Tick what belongs; dismiss the rest with `dnnpapers dismiss ID`.", ""]
    for c in report.candidates:
        authors = ", ".join(c.authors[:3]) + (" et al." if len(c.authors) > 3 else "")
        tags = ", ".join(f"`{t}` {s:.2f}" for t, s in c.tags) or "none"
        like = ", ".join(report.titles.get(k, k) for k in c.like) or "nothing listed"
        first = c.tags[0][0] if c.tags else "SLUG"
        lines += [
            f"- [ ] **{_md(c.title)}** ({_md(c.date)}, {_md(authors)}) https://arxiv.org/abs/{c.arxiv}",
            f"  score {c.score:.2f} · tags {tags} · like: {_md(like)} · from {', '.join(c.source)}",
            f"  `dnnpapers add {c.arxiv} --tag {first}`",
        ]
        if explained:
            lines.append(f"  why: {_md(explain(c, report.titles))}")
    for warning in report.warnings:
        lines += ["", f"> warning: {_md(warning)}"]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text from the services (or the list) as the issue shows it: literal, and no mention or reference the bot would make."""
    from dnnpapers.outputs.markdown import inert

    return str(inert(text))


def json_report(report: DiscoverReport) -> str:
    items = [
        {"arxiv": c.arxiv, "title": c.title, "authors": list(c.authors), "date": c.date, "score": c.score,
         "tags": [t for t, _ in c.tags], "tag_scores": {t: s for t, s in c.tags}, "like": c.like, "source": c.source, "why": _why(c)}
        for c in report.candidates
    ]
    return json.dumps({"since": report.since.isoformat(), "until": report.until.isoformat(), "considered": report.considered,
                       "candidates": items, "warnings": report.warnings}, ensure_ascii=False, indent=1) + "\n"
