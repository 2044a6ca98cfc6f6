"""Hand edits done by the tool: remove a paper, change its tags; the rest of the file stays byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from dnnpapers.enrich import check_tags
from dnnpapers.errors import DnnpapersError
from dnnpapers.listedit import Change, Current, edit_list
from dnnpapers.query import find
from dnnpapers.store import parse_document, remove_entry, set_fields

__all__ = ["remove_paper", "retag_paper"]


def remove_paper(root: Path, paper_id: str) -> str:
    """Remove the entry (and its metrics); return its title."""

    def change(now: Current) -> tuple[Change, str]:
        index, paper = find(now.list, paper_id)
        new_text = remove_entry(parse_document(now.raw, str(now.path)), index)
        return Change(new_text, removed={paper.id}), paper.title

    return edit_list(root, change)


def retag_paper(root: Path, paper_id: str, add: Sequence[str] = (), remove: Sequence[str] = ()) -> list[str]:
    """Add and remove tags of one paper; return its new tags."""
    if not add and not remove:
        raise DnnpapersError("give --add SLUG or --remove SLUG")

    def change(now: Current) -> tuple[Change, list[str]]:
        check_tags(add, now.list.taxonomy)
        index, paper = find(now.list, paper_id)
        absent = [t for t in remove if t not in paper.tags]
        if absent:
            raise DnnpapersError(f"{paper.id} is not tagged {', '.join(map(repr, absent))} (its tags: {', '.join(paper.tags)})")
        tags = [t for t in paper.tags if t not in remove] + [t for t in add if t not in paper.tags]
        if not tags:
            raise DnnpapersError(f"{paper.id} would have no tag left; every paper needs one")
        if tags == paper.tags:
            return Change(), tags
        doc = parse_document(now.raw, str(now.path))
        return Change(set_fields(doc, [(index, "tags", tags, ("year",))])), tags

    return edit_list(root, change)
