"""The one place that chooses between the quick path (``quick``) and the exact path (``paperlist``).

The quick path only ever answers "valid" or "not sure"; the exact path (PyYAML
nodes and pydantic) gives every problem with its line. Both are tried here and
nowhere else, so neither calls the other. The exact path is imported only when
it is needed: checking a valid list (talks and all) needs no pydantic.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dnnpapers.access.quick import accept_list, gc_paused

if TYPE_CHECKING:
    from dnnpapers.access.plainlist import PaperList

__all__ = ["load_list", "check_list"]


def load_list(root: Path | str = ".", plain: bool = False) -> PaperList:
    """Load and validate ``root/data/taxonomy.yaml`` and ``root/data/papers.yaml`` (and the optional files).

    A list the quick path accepts is built from its values as they are; any
    other goes through the exact path, which raises ProblemsFound with every
    located problem (or, rarely, finds the list valid after all).
    ``plain``: a list the quick path accepts is made of plain records, not the pydantic models, for a caller that
    only reads it by attribute (a render, a listing: plainlist); it then imports no pydantic.
    """
    root = Path(root)
    with gc_paused():
        quick = accept_list(root)
        if quick is not None:
            if plain:
                from dnnpapers.access.plainlist import from_quick_plain

                return from_quick_plain(root, quick)
            from dnnpapers.access.paperlist import from_quick

            return from_quick(root, quick)
        from dnnpapers.access.paperlist import load_exact

        return load_exact(root)


def check_list(root: Path) -> tuple[int, int, int, list]:
    """(papers, topics, talks, warnings) of a valid list, or ProblemsFound with every located problem.

    A valid list is checked here without pydantic or PyYAML, its talks too; only a
    list the quick path is unsure of (a warning, such as a talk naming a paper by its
    arXiv id, included) loads the exact path (imported then, for that reason).
    """
    with gc_paused():
        quick = accept_list(root)
    if quick is None:
        from dnnpapers.access.paperlist import load_exact

        exact = load_exact(root)
        return len(exact.papers), len(exact.taxonomy.by_slug), len(exact.talks.talks), exact.warnings
    return len(quick.papers), len(quick.taxonomy.by_slug), len(quick.talks), []
