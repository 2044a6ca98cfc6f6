"""A loaded list as everything downstream reads it (``PaperList``), and one made of plain records for a render.

``paperlist`` makes lists of the pydantic models (the exact path, and the quick
path for commands that may change or dump what they load). A render or a listing
only reads the values, by attribute, and need not import pydantic (~0.15 s of a
cold command): ``from_quick_plain`` makes the same list of ``model.records``'
plain records, its talks too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from dnnpapers.model.records import LINK_SECTIONS, plain, plain_paper
from dnnpapers.model.talks import TalkLog, group_today
from dnnpapers.model.taxonomy import Taxonomy

if TYPE_CHECKING:
    from dnnpapers.access.quick import QuickList
    from dnnpapers.errors import Problem
    from dnnpapers.model.models import DismissedPaper, PageFile, Paper, PaperMetrics

__all__ = ["PaperList", "from_quick_plain", "assemble", "talk_log"]


def _default_page():
    from dnnpapers.model.models import PageFile

    return PageFile()


@dataclass
class PaperList:
    """A valid list: the topic tree, the papers in file order, page settings and fetched metrics."""

    root: Path
    taxonomy: Taxonomy
    papers: list[Paper]
    page: PageFile = field(default_factory=_default_page)
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


def from_quick_plain(root: Path, quick: QuickList) -> PaperList:
    """The list the quick path accepted, of plain records."""
    return assemble(root, quick, plain, quick.taxonomy, [plain_paper(entry) for entry in quick.papers])


def assemble(root: Path, quick: QuickList, make: Callable[[str, dict], Any], taxonomy: Taxonomy, papers: list) -> PaperList:
    """The list the quick path accepted, its page, metrics, dismissed papers and talks made by ``make(model name,
    values)``: plain records here, the models' ``model_construct`` in paperlist.from_quick. One assembly for both, so
    the two cannot read the page differently (its link sections are lists of links; its categories, a list of text)."""
    page = dict(quick.page or {})
    for name in LINK_SECTIONS & page.keys():
        page[name] = [make("Link", link) for link in page[name]]
    if page.get("jekyll") is not None:
        page["jekyll"] = make("JekyllTarget", page["jekyll"])
    metrics = (quick.metrics or {}).get("metrics", {})
    return PaperList(
        root,
        taxonomy,
        papers,
        make("PageFile", page),
        {pid: make("PaperMetrics", m) for pid, m in metrics.items()},
        [make("DismissedPaper", d) for d in quick.dismissed],
        talk_log(quick, make),
    )


def talk_log(quick: QuickList, make: Callable[[str, dict], Any]) -> TalkLog:
    """The talks and leaders' terms the quick path accepted, made by ``make``: a presenter written as a plain name is
    a Presenter of that name, and each talk has links of its own (all empty when it gives none)."""
    talks = []
    for values in quick.talks:
        presenters = [make("Presenter", {"name": p} if isinstance(p, str) else p) for p in values["presenters"]]
        links = make("TalkLinks", values.get("links", {}))
        talks.append(make("Talk", {**values, "presenters": presenters, "links": links, "papers": list(values.get("papers", []))}))
    return TalkLog(talks, [make("LeaderTerm", {"from_": term["from"], "to": term["to"], "names": term["names"]}) for term in quick.leaders])
