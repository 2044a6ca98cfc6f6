"""What a talk's fields imply (its presenters' names, its time of day), without pydantic.

``Talk`` (the model) has these from ``TalkFacts``; so has ``PlainTalk``, a talk made from
values the quick path accepted, which a render or a listing of a list with talks reads
without importing pydantic (~0.15 s of each such command's start).
"""

from __future__ import annotations

__all__ = ["TalkFacts", "PlainTalk"]


class TalkFacts:
    """The properties of a talk that follow from its fields."""

    __slots__ = ()

    @property
    def presenter_names(self) -> list[str]:
        return [p.name for p in self.presenters]

    @property
    def span(self) -> str:
        """'09:00–09:40', '09:00' or '' (all day)."""
        return (f"{self.start}–{self.end}" if self.end else self.start) if self.start else ""


class PlainTalk(TalkFacts):
    """A talk from accepted values, every field given."""

    __slots__ = ("__dict__",)

    def __init__(self, values: dict):
        self.__dict__.update(values)
