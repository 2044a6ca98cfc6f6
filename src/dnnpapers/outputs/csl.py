"""CSL-JSON, what pandoc ``--citeproc`` and Zotero read: one item per paper.

Types follow CSL: ``paper-conference`` for proceedings, ``article-journal`` for
journals, and an arXiv preprint is an ``article`` whose ``publisher`` is arXiv
and whose ``number`` is its id, as CSL's own guidance for preprints says.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from dnnpapers.outputs.export import JOURNALS, _AND, item_encoder
from dnnpapers.model.fields import venue_name, venue_year
from dnnpapers.model.keys import split_name
from dnnpapers.model.fields import ET_AL

if TYPE_CHECKING:
    from dnnpapers.model.models import Paper

__all__ = ["csl_item", "csl_json"]


def _name(author: str) -> dict:
    return dict(_name_parts(author))  # a dict of its own: an item's caller may change it


@lru_cache(maxsize=1 << 16)
def _name_parts(author: str) -> tuple[tuple[str, str], ...]:
    """The name's CSL parts, worked out once a name (kept for the process): a list names its authors many times over."""
    if _AND.search(author):  # an organisation: one literal name
        return (("literal", author),)
    given, family, suffix = split_name(author)
    particle = []
    words = family.split()
    while len(words) > 1 and words[0].islower():  # 'van der Maaten': the particle is not part of the sort name
        particle.append(words.pop(0))
    name = {"family": " ".join(words)}
    if given:
        name["given"] = given
    if particle:
        name["non-dropping-particle"] = " ".join(particle)
    if suffix:
        name["suffix"] = suffix
    return tuple(name.items())


# A list that ends in "et al." ends in this name: pandoc's citeproc renders a final literal "others"
# as "et al." (jgm/citeproc#61, #102), as BibTeX does "and others"; Zotero reads and writes it so too.
OTHERS = {"literal": "others"}


@lru_cache(maxsize=1 << 16)
def _shared_name(author: str) -> dict:
    """The name's CSL dict, one for every item that names it: for items encoded at once and let go (csl_json)."""
    return _name(author)


def csl_item(paper: Paper, name=_name) -> dict:
    """``name``: each author's dict (by default one of its own: the caller may change the item)."""
    authors = [name(a) for a in paper.authors if a != ET_AL] + ([OTHERS] if ET_AL in paper.authors else [])
    item: dict = {"id": paper.id, "title": paper.title, "author": authors}
    kind, name, year = _venue(paper.venue)
    item["type"] = kind
    if name is None:
        if paper.arxiv:
            item.update(publisher="arXiv", number=f"arXiv:{paper.arxiv}")
    else:
        item["container-title"] = name
    item["issued"] = {"date-parts": [[year or paper.year]]}
    if paper.doi:
        item["DOI"] = paper.doi
    if paper.link:
        item["URL"] = paper.link
    return item


@lru_cache(maxsize=1 << 12)
def _venue(venue: str | None) -> tuple[str, str | None, int | None]:
    """The CSL type of a paper at ``venue``, the venue's name (None when unpublished) and year: once a venue."""
    if venue is None or venue == "arXiv":  # (PaperFacts.published)
        return "article", None, venue_year(venue)
    name = venue_name(venue)
    return "article-journal" if name in JOURNALS else "paper-conference", name, venue_year(venue)


def csl_json(papers: list[Paper]) -> str:
    """A CSL-JSON array, one item a line, sorted by id: stable bytes and readable diffs."""
    if not papers:
        return "[]\n"
    encode = item_encoder(sort_keys=True)
    return "".join(["[\n  ", ",\n  ".join([encode(csl_item(p, _shared_name)) for p in sorted(papers, key=lambda p: p.id)]), "\n]\n"])
