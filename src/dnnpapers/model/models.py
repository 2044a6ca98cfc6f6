"""The schema of the list: one pydantic model per thing a curator writes.

These models are the single source of the file format: ``check`` validates
against them and ``dnnpapers schema`` exports them for editors. Rules that
look across entries (duplicates, tags that exist) live in ``rules``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from dnnpapers.model.fields import (
    DOI,
    ET_AL,
    FIRST_YEAR,
    SLUG,
    TALK_KINDS,
    arxiv_id_problem,
    authors_problem,
    clock_problem,
    doi_problem,
    site_path_problem,
    text_problem,
    timezone_problem,
    url_problem,
    venue_problem,
    year_problem,
)
from dnnpapers.model.paperfacts import PaperFacts
from dnnpapers.model.talkfacts import TalkFacts
from dnnpapers.model.taxonomy import Taxonomy

__all__ = [
    "ET_AL",
    "FIRST_YEAR",
    "SLUG",
    "Paper",
    "PapersFile",
    "TaxonomyNode",
    "TaxonomyFile",
    "Taxonomy",
    "Link",
    "PageFile",
    "JekyllTarget",
    "PaperMetrics",
    "MetricsFile",
    "TALK_KINDS",
    "Presenter",
    "TalkLinks",
    "Talk",
    "LeaderTerm",
    "TalksFile",
    "arxiv_id_problem",
]



def _raising(problem):
    """An AfterValidator from a ``fields`` rule: the rule's reason becomes the error."""

    def check(value):
        reason = problem(value)
        if reason:
            raise ValueError(reason)
        return value

    return AfterValidator(check)


Text = Annotated[str, _raising(text_problem)]
ArxivId = Annotated[
    str,
    _raising(arxiv_id_problem),
    WithJsonSchema({"type": "string", "pattern": r"^(\d{4}\.\d{4,5}|[a-z]+(-[a-z]+)*(\.[A-Z]{2})?/\d{7})$"}),
]
Doi = Annotated[str, _raising(doi_problem), WithJsonSchema({"type": "string", "pattern": DOI.pattern})]
Url = Annotated[str, _raising(url_problem), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})]
Slug = Annotated[str, Field(pattern=SLUG)]
Clock = Annotated[str, _raising(clock_problem), WithJsonSchema({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"})]
#: Checked against the taxonomy by ``rules``, which can suggest the slug meant.
Tag = Annotated[str, WithJsonSchema({"type": "string", "pattern": SLUG})]


class _Strict(BaseModel):
    # defer_build: a model's validator is built when it first validates (or gives its schema), not on import: a
    # render of a list the quick path accepted builds its models by model_construct and validates none of them.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, frozen=True, defer_build=True)


class Paper(PaperFacts, _Strict):
    """One paper of the list, as a curator writes it."""

    id: Slug = Field(description="Unique readable key, also the BibTeX key: surname + year + word, e.g. 'huang2017msdnet'.")
    title: Text = Field(description="The title as published.")
    authors: list[Text] = Field(
        min_length=1,
        description="Authors in order; may end with 'et al.' when the rest are not known yet.",
    )
    year: int = Field(description="Year the work first appeared: the earlier of arXiv v1 and its venue's year.")
    venue: Text | None = Field(
        default=None,
        description="Where it was published, with its own year ('ICLR 2018'); 'arXiv' when unpublished.",
    )
    venue_checked: bool = Field(default=False, description="true: a curator checked the venue; `update --venues` never proposes another.")
    arxiv: ArxivId | None = Field(default=None, description="arXiv id without version: '1703.09844', 'cs/0112017'. Quote it.")
    doi: Doi | None = Field(default=None, description="DOI without prefix: '10.1109/TPAMI.2021.3117837'.")
    url: Url | None = Field(default=None, description="A link to the paper when it has neither arXiv id nor DOI.")
    code: Url | None = Field(default=None, description="Link to the official code.")
    code_checked: bool = Field(default=False, description="true: a curator checked the code link; `update --code` never proposes another.")
    tags: list[Tag] = Field(min_length=1, description="Taxonomy slugs (data/taxonomy.yaml), most specific first.")
    focus: Text | None = Field(default=None, description="What the paper focuses on: short and factual, Chinese or English.")
    notes: Text | None = Field(default=None, description="Caveats a reader should know (other titles, budget- vs input-adaptive, ...).")
    awards: list[Text] = Field(default_factory=list, description="Awards, e.g. 'best paper'.")
    added: dt.date | None = Field(default=None, strict=False, description="Date the entry was added (YYYY-MM-DD).")

    @field_validator("authors")
    @classmethod
    def _et_al_last(cls, authors: list[str]) -> list[str]:
        reason = authors_problem(authors)
        if reason:
            raise ValueError(reason)
        return authors

    @field_validator("year")
    @classmethod
    def _plausible_year(cls, year: int) -> int:
        reason = year_problem(year)
        if reason:
            raise ValueError(reason)
        return year

    @field_validator("venue")
    @classmethod
    def _venue_has_year(cls, venue: str | None, info: ValidationInfo) -> str | None:
        reason = venue_problem(venue, info.data.get("year")) if venue is not None else None
        if reason:
            raise ValueError(reason)
        return venue


class PapersFile(_Strict):
    """``data/papers.yaml``: the curated entries."""

    model_config = ConfigDict(title="dnnpapers papers.yaml")
    papers: list[Paper] = Field(description="One entry per paper.")


class Link(_Strict):
    """An entry of the page's non-paper sections (books, labs, courses, ...)."""

    name: Text
    url: Url
    zh: Text | None = Field(default=None, description="Chinese name, shown on the Chinese page.")
    note: Text | None = None


class JekyllTarget(_Strict):
    """``jekyll:`` in ``data/page.yaml``: render also writes the pages into this Jekyll site (GitHub Pages)."""

    dir: Text = Field(description="The Jekyll site's folder, relative to the list (../site); render writes only the files it owns there.")
    path: Annotated[str, _raising(site_path_problem)] = Field(default="papers", description="The site's folder (and URL path) for the pages: /papers/, /papers/talks/, /papers/zh/.")
    layout: Text = Field(default="page", description="The layout of the pages (the site's own; page in most themes).")
    posts: bool = Field(default=False, description="Also write each talk with notes as a post in _posts/ (categories: [LectureNotes]).")


class PageFile(_Strict):
    """``data/page.yaml`` (optional): the page's title, milestone rule and link sections."""

    title: Text = "Dynamic Neural Network Materials"
    title_zh: Text = "动态神经网络资料"
    milestone_citations: int = Field(default=100, ge=1, description="Citations that make a paper a milestone on the timeline.")
    books: list[Link] = Field(default_factory=list)
    people: list[Link] = Field(default_factory=list, description="People and labs.")
    courses: list[Link] = Field(default_factory=list)
    conferences: list[Link] = Field(default_factory=list)
    companies: list[Link] = Field(default_factory=list)
    related: list[Link] = Field(default_factory=list, description="Related paper lists.")
    categories: list[Text] = Field(default_factory=list, description="arXiv categories `discover` searches (default: cs.LG cs.CV cs.CL cs.AR cs.DC cs.NE).")
    timezone: Text = Field(default="Asia/Shanghai", description="The reading group's timezone (IANA name): talks' times are in it.")
    site_url: Url | None = Field(default=None, description="Where GitHub Pages publishes generated/site/ (https://OWNER.github.io/REPO/), linked from the README.")
    jekyll: JekyllTarget | None = Field(default=None, description="A Jekyll site that render writes the pages into as well (its folder, relative to the list).")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        reason = timezone_problem(value)
        if reason:
            raise ValueError(reason)
        return value


class Presenter(_Strict):
    """A presenter: a plain name in the file, or a name with an affiliation."""

    name: Text
    affiliation: Text | None = Field(default=None, description="As the talk's record gives it, e.g. 'Microsoft Research'.")

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value):
        return {"name": value} if isinstance(value, str) else value


class TalkLinks(_Strict):
    """Where the talk's material is."""

    slides: Url | None = None
    video: Url | None = None
    notes: Url | None = Field(default=None, description="The write-up of the talk (text).")
    recording: Url | None = None


class Talk(TalkFacts, _Strict):
    """One meeting of the reading group (or a talk heard elsewhere whose notes it keeps)."""

    date: dt.date = Field(strict=False, description="YYYY-MM-DD, in the group's timezone (data/page.yaml).")
    start: Clock | None = Field(default=None, description="HH:MM, quoted; without it the talk is an all-day event.")
    end: Clock | None = Field(default=None, description="HH:MM, quoted; after start.")
    kind: Annotated[str, WithJsonSchema({"type": "string", "enum": list(TALK_KINDS)})] = Field(
        default="paper-talk", description="paper-talk, topic-discussion, invited-talk, public-talk, qa or lecture-notes."
    )
    presenters: list[Presenter] = Field(min_length=1, description="Names, or mappings with name and affiliation.")
    papers: list[Text] = Field(default_factory=list, description="Ids of listed papers (an arXiv id of a listed paper also works).")
    title: Text | None = Field(default=None, description="The talk's title; required when it names no listed paper.")
    event: Text | None = Field(default=None, description="Where it was given, when not at the group's own meeting (a conference session).")
    place: Text | None = Field(default=None, description="Room or meeting link, shown in the calendar.")
    links: TalkLinks = Field(default_factory=TalkLinks)
    notes: Text | None = Field(default=None, description="A few words a reader should know.")


class LeaderTerm(_Strict):
    """A term of the rotating leaders (about two months), who arrange its meetings."""

    from_: dt.date = Field(alias="from", strict=False, description="First day of the term (YYYY-MM-DD).")
    to: dt.date = Field(strict=False, description="Last day of the term (YYYY-MM-DD).")
    names: list[Text] = Field(min_length=1, description="That term's leaders.")


class TalksFile(_Strict):
    """``data/talks.yaml`` (optional, curated): the reading group's talks and its leaders' terms."""

    model_config = ConfigDict(title="dnnpapers talks.yaml")
    talks: list[Talk] = Field(default_factory=list)
    leaders: list[LeaderTerm] = Field(default_factory=list)


class PaperMetrics(_Strict):
    """What a citation service said about one paper, and when; what GitHub said of its code."""

    citations: int | None = Field(default=None, ge=0)
    influential: int | None = Field(default=None, ge=0)
    fetched: dt.date = Field(strict=False)
    venue_source: Text | None = Field(default=None, description="Where the venue came from: a DBLP key, a DOI, Semantic Scholar, an arXiv comment.")
    repository: Text | None = Field(default=None, description="The GitHub repository ('OWNER/REPO', as the code link names it) the next fields describe.")
    stars: int | None = Field(default=None, ge=0, description="Its stars on GitHub.")
    pushed: dt.date | None = Field(default=None, strict=False, description="The day of its last push.")
    archived: bool | None = Field(default=None, description="true: its owners archived it (read-only).")


class DismissedPaper(_Strict):
    """A candidate the curators turned down, so ``discover`` never shows it again."""

    arxiv: ArxivId = Field(description="arXiv id without version. Quote it.")
    date: dt.date = Field(strict=False, description="When it was dismissed (YYYY-MM-DD).")
    reason: Text | None = Field(default=None, description="Why, in a few words (not input-adaptive, off-topic, ...).")


class DismissedFile(_Strict):
    """``data/dismissed.yaml`` (optional, curated): papers ``discover`` leaves out."""

    dismissed: list[DismissedPaper] = Field(default_factory=list)


class MetricsFile(_Strict):
    """``data/metrics.yaml`` (optional, machine-owned): written only by ``dnnpapers update``."""

    metrics: dict[str, PaperMetrics] = Field(default_factory=dict)


class TaxonomyNode(_Strict):
    """A topic of the list, with its labels in both languages."""

    slug: Slug = Field(description="Stable lower-case-with-hyphens key used in papers' tags.")
    en: Text = Field(description="English label.")
    zh: Text = Field(description="Chinese label.")
    description: Text | None = None
    keywords: list[Text] = Field(default_factory=list, description="Words that suggest this topic, for tag suggestions.")
    children: list[TaxonomyNode] = Field(default_factory=list)


class TaxonomyFile(_Strict):
    """``data/taxonomy.yaml``: the tree of topics."""

    taxonomy: list[TaxonomyNode] = Field(default_factory=list)  # empty: a new list that has no topics yet
