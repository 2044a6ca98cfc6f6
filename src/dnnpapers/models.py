"""The schema of the list: one pydantic model per thing a curator writes.

These models are the single source of the file format: ``check`` validates
against them and ``dnnpapers schema`` exports them for editors. Rules that
look across entries (duplicates, tags that exist) live in ``rules``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Iterator
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator

__all__ = [
    "ET_AL",
    "Paper",
    "PapersFile",
    "TaxonomyNode",
    "TaxonomyFile",
    "Taxonomy",
    "Link",
    "PageFile",
    "PaperMetrics",
    "MetricsFile",
    "arxiv_id_problem",
]

ET_AL = "et al."
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG)
_NEW_ARXIV = re.compile(r"^(\d{2})(\d{2})\.(\d{4,5})$")
_OLD_ARXIV = re.compile(r"^[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}$")
_VERSION = re.compile(r"v\d+$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_VENUE_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
FIRST_YEAR = 1950


def arxiv_id_problem(value: str) -> str | None:
    """Why ``value`` is not a bare arXiv id (``1703.09844``, ``cs/0112017``), or None if it is."""
    if _VERSION.search(value) and arxiv_id_problem(_VERSION.sub("", value)) is None:
        return f"write the arXiv id without its version: {_VERSION.sub('', value)!r}"
    lowered = value.lower()
    if lowered.startswith(("arxiv:", "http://", "https://")):
        return "write the bare arXiv id, e.g. '1703.09844', not a prefix or URL"
    new = _NEW_ARXIV.match(value)
    if new:
        yymm, digits = int(new[1] + new[2]), len(new[3])
        if not 1 <= int(new[2]) <= 12:
            return f"{value!r} is not an arXiv id: month {new[2]} does not exist"
        if yymm < 704:
            return f"{value!r} is not an arXiv id: new-style ids start in 0704"
        if digits != (5 if yymm >= 1501 else 4):
            return f"{value!r} is not an arXiv id: ids from {new[1]}{new[2]} have {5 if yymm >= 1501 else 4} digits after the dot"
        return None
    if _OLD_ARXIV.match(value):
        return None
    return f"{value!r} is not an arXiv id (new style 'YYMM.NNNNN', old style 'archive/YYMMNNN')"


def _check_arxiv(value: str) -> str:
    problem = arxiv_id_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _check_doi(value: str) -> str:
    if _DOI.match(value):
        return value
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            raise ValueError(f"write the bare DOI: {value[len(prefix):]!r}")
    raise ValueError(f"{value!r} is not a DOI (it must start with '10.', e.g. '10.1109/TPAMI.2021.3117837')")


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError(f"{value!r} is not an http(s) link")
    return value


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    bad = next((c for c in value if unicodedata.category(c) == "Cc" and c not in "\t\n\r"), None)
    if bad is not None:
        raise ValueError(f"control character U+{ord(bad):04X} is not allowed in text")
    return value


Text = Annotated[str, AfterValidator(_check_text)]
ArxivId = Annotated[
    str,
    AfterValidator(_check_arxiv),
    WithJsonSchema({"type": "string", "pattern": r"^(\d{4}\.\d{4,5}|[a-z]+(-[a-z]+)*(\.[A-Z]{2})?/\d{7})$"}),
]
Doi = Annotated[str, AfterValidator(_check_doi), WithJsonSchema({"type": "string", "pattern": _DOI.pattern})]
Url = Annotated[str, AfterValidator(_check_url), WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"})]
Slug = Annotated[str, Field(pattern=SLUG)]
#: Checked against the taxonomy by ``rules``, which can suggest the slug meant.
Tag = Annotated[str, WithJsonSchema({"type": "string", "pattern": SLUG})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, frozen=True)


class Paper(_Strict):
    """One paper of the list, as a curator writes it."""

    id: Slug = Field(description="Unique readable key, also the BibTeX key: surname + year + word, e.g. 'huang2017msdnet'.")
    title: Text = Field(description="The title as published.")
    authors: list[Text] = Field(
        min_length=1,
        description="Authors in order; may end with 'et al.' when the rest are not known yet.",
    )
    year: int = Field(description="Year the paper first appeared publicly (usually arXiv v1).")
    venue: Text | None = Field(
        default=None,
        description="Where it was published, with its own year ('ICLR 2018'); 'arXiv' when unpublished.",
    )
    arxiv: ArxivId | None = Field(default=None, description="arXiv id without version: '1703.09844', 'cs/0112017'. Quote it.")
    doi: Doi | None = Field(default=None, description="DOI without prefix: '10.1109/TPAMI.2021.3117837'.")
    url: Url | None = Field(default=None, description="A link to the paper when it has neither arXiv id nor DOI.")
    code: Url | None = Field(default=None, description="Link to the official code.")
    tags: list[Tag] = Field(min_length=1, description="Taxonomy slugs (data/taxonomy.yaml), most specific first.")
    focus: Text | None = Field(default=None, description="What the paper focuses on: short and factual, Chinese or English.")
    notes: Text | None = Field(default=None, description="Caveats a reader should know (other titles, budget- vs input-adaptive, ...).")
    awards: list[Text] = Field(default_factory=list, description="Awards, e.g. 'best paper'.")
    added: dt.date | None = Field(default=None, strict=False, description="Date the entry was added (YYYY-MM-DD).")

    @field_validator("authors")
    @classmethod
    def _et_al_last(cls, authors: list[str]) -> list[str]:
        if ET_AL in authors[:-1]:
            raise ValueError(f"{ET_AL!r} may only end the author list")
        if authors == [ET_AL]:
            raise ValueError(f"name at least the first author before {ET_AL!r}")
        return authors

    @field_validator("year")
    @classmethod
    def _plausible_year(cls, year: int) -> int:
        last = dt.date.today().year + 1
        if not FIRST_YEAR <= year <= last:
            raise ValueError(f"year {year} is outside {FIRST_YEAR}..{last}")
        return year

    @field_validator("venue")
    @classmethod
    def _venue_has_year(cls, venue: str | None, info: ValidationInfo) -> str | None:
        if venue is None or venue == "arXiv":
            return venue
        match = _VENUE_YEAR.search(venue)
        if not match:
            raise ValueError(f"venue {venue!r} needs its year ('ICLR 2018'), or is 'arXiv' when unpublished")
        year = info.data.get("year")
        if year is not None and int(match[1]) < year:
            raise ValueError(f"venue year {match[1]} is before the paper's first appearance ({year})")
        return venue

    @property
    def venue_year(self) -> int | None:
        match = _VENUE_YEAR.search(self.venue or "")
        return int(match[1]) if match else None

    @property
    def published(self) -> bool:
        return self.venue is not None and self.venue != "arXiv"


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


class PaperMetrics(_Strict):
    """What a citation service said about one paper, and when."""

    citations: int | None = Field(default=None, ge=0)
    influential: int | None = Field(default=None, ge=0)
    fetched: dt.date = Field(strict=False)


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

    taxonomy: list[TaxonomyNode] = Field(min_length=1)


class Taxonomy:
    """The topic tree with lookups by slug; built once from a valid TaxonomyFile."""

    def __init__(self, roots: list[TaxonomyNode]):
        self.roots = roots
        self.by_slug: dict[str, TaxonomyNode] = {}
        self.parent: dict[str, str | None] = {}
        self.depth: dict[str, int] = {}
        for node, parent, depth in self._walk(roots, None, 0):
            self.by_slug.setdefault(node.slug, node)
            self.parent.setdefault(node.slug, parent)
            self.depth.setdefault(node.slug, depth)

    def _walk(self, nodes: list[TaxonomyNode], parent: str | None, depth: int) -> Iterator[tuple[TaxonomyNode, str | None, int]]:
        for node in nodes:
            yield node, parent, depth
            yield from self._walk(node.children, node.slug, depth + 1)

    def walk(self) -> Iterator[TaxonomyNode]:
        """Every node, depth first, in file order."""
        return (node for node, _, _ in self._walk(self.roots, None, 0))

    def __contains__(self, slug: object) -> bool:
        return slug in self.by_slug

    def __getitem__(self, slug: str) -> TaxonomyNode:
        return self.by_slug[slug]

    def ancestors(self, slug: str) -> list[str]:
        """Slugs from the root down to ``slug``'s parent."""
        chain = []
        parent = self.parent.get(slug)
        while parent is not None:
            chain.append(parent)
            parent = self.parent.get(parent)
        return chain[::-1]

    def root_of(self, slug: str) -> str:
        return (self.ancestors(slug) or [slug])[0]

    def subtree(self, slug: str) -> list[str]:
        """``slug`` and every slug below it."""
        node = self.by_slug[slug]
        return [n.slug for n, _, _ in self._walk([node], None, 0)]
