"""The models' field names and defaults without pydantic, and plain records of values the quick path accepted.

Importing the pydantic models costs a cold render ~0.09 s before any output is made
(pydantic's own modules, loaded on first use). A render of a list the quick path accepted
needs no validation, only the values with their defaults, read by attribute: these
records give that. The names and defaults are the models' own, held to them by
tests/model/test_records.py, so the schema stays in one place.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from dnnpapers.model.paperfacts import PlainPaper
from dnnpapers.model.talkfacts import PlainTalk

__all__ = ["PAPER_FIELDS", "PAPER_DEFAULTS", "METRICS_FIELDS", "DEFAULTS", "LINK_SECTIONS", "plain", "plain_paper", "given_fields"]

#: Paper's fields in the model's order; those with a default, and the default.
PAPER_FIELDS = ("id", "title", "authors", "year", "venue", "venue_checked", "arxiv", "doi", "url", "code", "code_checked", "tags", "focus", "notes", "awards", "added")
PAPER_DEFAULTS: dict[str, Any] = {
    "venue": None, "venue_checked": False, "arxiv": None, "doi": None, "url": None, "code": None, "code_checked": False, "focus": None, "notes": None,
    "awards": [], "added": None,
}
#: PageFile's sections of links (each a list of Link); its other list, categories, holds text.
LINK_SECTIONS = ("books", "people", "courses", "conferences", "companies", "related")
#: PaperMetrics' fields in the model's order.
METRICS_FIELDS = ("citations", "influential", "fetched", "venue_source", "repository", "stars", "pushed", "archived")

#: Each model's fields that have a default, and the default (a list default is copied for each record).
DEFAULTS: dict[str, dict[str, Any]] = {
    "PaperMetrics": {"citations": None, "influential": None, "venue_source": None, "repository": None, "stars": None, "pushed": None, "archived": None},
    "PageFile": {
        "title": "Dynamic Neural Network Materials", "title_zh": "动态神经网络资料", "milestone_citations": 100, "books": [], "people": [], "courses": [],
        "conferences": [], "companies": [], "related": [], "categories": [], "timezone": "Asia/Shanghai", "site_url": None, "jekyll": None,
    },
    "Link": {"zh": None, "note": None},
    "JekyllTarget": {"path": "papers", "layout": "page", "posts": False},
    "DismissedPaper": {"reason": None},
    "Presenter": {"affiliation": None},
    "TalkLinks": {"slides": None, "video": None, "notes": None, "recording": None},
    "LeaderTerm": {},
    # (and links, a TalkLinks record: plainlist.talk_log makes each talk its own)
    "Talk": {"start": None, "end": None, "kind": "paper-talk", "papers": [], "title": None, "event": None, "place": None, "notes": None},
}


def plain(model: str, values: dict) -> SimpleNamespace | PlainTalk:
    """A record of ``values`` with the model's defaults for the fields they leave out, read by attribute (a talk's
    with the model's properties too)."""
    fields = {name: list(default) if type(default) is list else default for name, default in DEFAULTS[model].items()}
    fields.update(values)
    return PlainTalk(fields) if model == "Talk" else SimpleNamespace(**fields)


def given_fields(paper) -> dict[str, Any]:
    """A paper's fields that say something (given, and not the default) in the model's order: model_dump with
    exclude_none and exclude_defaults, for a model or a plain record alike."""
    return {name: value for name in PAPER_FIELDS if (value := getattr(paper, name)) is not None and not (name in PAPER_DEFAULTS and value == PAPER_DEFAULTS[name])}


def plain_paper(entry: dict) -> PlainPaper:
    """A paper of accepted values, every field given (its own awards list)."""
    paper = PlainPaper(entry, PAPER_DEFAULTS)
    if "awards" not in entry:
        paper.awards = []
    return paper
