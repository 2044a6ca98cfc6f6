"""What a paper's fields imply (its link, its venue's year, its place in reading order), without pydantic.

``Paper`` (the model) has these from ``PaperFacts``; so has ``PlainPaper``, a paper
made from values the quick path accepted, which a render after an edit uses to make
a changed paper's pieces without importing pydantic.
"""

from __future__ import annotations

from dnnpapers.model.fields import venue_year

__all__ = ["PaperFacts", "PlainPaper"]


class PaperFacts:
    """The properties of a paper that follow from its fields."""

    __slots__ = ()

    @property
    def venue_year(self) -> int | None:
        return venue_year(self.venue)

    @property
    def link(self) -> str | None:
        """Where a reader finds the paper: its arXiv page, else its DOI, else its url."""
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.url

    @property
    def published(self) -> bool:
        return self.venue is not None and self.venue != "arXiv"

    @property
    def reading_key(self) -> tuple:
        """The order the pages list papers in: the venue's year (else the first), the first year, the title."""
        return (self.venue_year or self.year, self.year, self.title.casefold(), self.id)


class PlainPaper(PaperFacts):
    """A paper from accepted values, every field given (``defaults``: the model's, for those the values leave out)."""

    __slots__ = ("__dict__",)

    def __init__(self, values: dict, defaults: dict):
        self.__dict__.update(defaults)
        self.__dict__.update(values)
