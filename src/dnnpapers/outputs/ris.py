"""RIS, for EndNote and the older reference managers: one record per paper, CRLF line ends as the format asks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dnnpapers.outputs.export import _AND, JOURNALS
from dnnpapers.model.fields import ET_AL, venue_name
from dnnpapers.model.keys import split_name

if TYPE_CHECKING:  # a listing reads plain records (plainlist): no pydantic to import
    from dnnpapers.model.models import Paper

__all__ = ["ris_record", "ris"]


# "et al." as a last author "others": BibTeX's "and others", which Zotero's RIS import keeps as a
# one-field creator and exports again as BibTeX "and others" and CSL {"literal": "others"} (et al.).
_OTHERS = "others"


def _line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}\r\n"


def ris_record(paper: Paper) -> str:
    name = venue_name(paper.venue) if paper.published else None
    kind = "UNPB" if name is None else ("JOUR" if name in JOURNALS else "CPAPER")
    lines = [_line("TY", kind), _line("ID", paper.id), _line("TI", paper.title)]
    for author in paper.authors:
        if author == ET_AL:  # RIS has no marker of its own; see _OTHERS
            lines.append(_line("AU", _OTHERS))
            continue
        if _AND.search(author):  # an organisation: written whole, no "Family, Given"
            lines.append(_line("AU", author))
            continue
        given, family, suffix = split_name(author)
        lines.append(_line("AU", ", ".join(part for part in (family, given, suffix) if part)))
    lines.append(_line("PY", str(paper.venue_year or paper.year)))
    if name is not None:
        lines.append(_line("JO" if kind == "JOUR" else "T2", name))
    if paper.arxiv:
        lines.append(_line("PB", "arXiv") if name is None else "")
        lines.append(_line("M1", f"arXiv:{paper.arxiv}"))
    if paper.doi:
        lines.append(_line("DO", paper.doi))
    if paper.link:
        lines.append(_line("UR", paper.link))
    lines += [_line("KW", tag) for tag in paper.tags]
    lines.append("ER  - \r\n")
    return "".join(line for line in lines if line)


def ris(papers: list[Paper]) -> str:
    return "".join(ris_record(p) + "\r\n" for p in sorted(papers, key=lambda p: p.id))
