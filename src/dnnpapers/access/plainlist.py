"""A loaded list as everything downstream reads it (``PaperList``), and one made of plain records for a render.

``paperlist`` makes lists of the pydantic models (the exact path, and the quick
path for commands that may change or dump what they load). A render only reads
the values, by attribute, and need not import pydantic (~0.09 s of a cold render):
``from_quick_plain`` makes the same list of ``model.records``' plain records.
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

__all__ = ["PaperList", "from_quick_plain", "assemble"]


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


def from_quick_plain(root: Path, quick: QuickList) -> PaperList | None:
    """The list the quick path accepted, of plain records; None for a list with talks, whose records (with their
    own properties) are the models' (paperlist.from_quick)."""
    if quick.talks:
        return None
    return assemble(root, quick, plain, quick.taxonomy, [plain_paper(entry) for entry in quick.papers])


def assemble(root: Path, quick: QuickList, make: Callable[[str, dict], Any], taxonomy: Taxonomy, papers: list, talks: TalkLog | None = None) -> PaperList:
    """The list the quick path accepted, its page, metrics and dismissed papers made by ``make(model name, values)``:
    plain records here, the models' ``model_construct`` in paperlist.from_quick. One assembly for both, so the two
    cannot read the page differently (its link sections are lists of links; its categories, a list of text)."""
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
        TalkLog() if talks is None else talks,
    )
