"""Hand edits done by the tool: remove a paper, change its tags; the rest of the file stays byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from dnnpapers.enrich import check_tags, write_checked
from dnnpapers.errors import DnnpapersError
from dnnpapers.metrics import save_metrics
from dnnpapers.paperlist import PAPERS_FILE, load_list
from dnnpapers.query import find
from dnnpapers.store import locked, parse_document, remove_entry, set_fields

__all__ = ["remove_paper", "retag_paper"]


def remove_paper(root: Path, paper_id: str) -> str:
    """Remove the entry (and its metrics); return its title."""
    path = root / PAPERS_FILE
    with locked(path):
        paper_list = load_list(root)
        index, paper = find(paper_list, paper_id)
        write_checked(path, remove_entry(parse_document(path.read_bytes(), str(path)), index), paper_list.taxonomy)
        keep = {p.id for p in paper_list.papers if p.id != paper_id}
        if paper_id in paper_list.metrics:
            save_metrics(root, paper_list.metrics, {}, keep)
    return paper.title


def retag_paper(root: Path, paper_id: str, add: Sequence[str] = (), remove: Sequence[str] = ()) -> list[str]:
    """Add and remove tags of one paper; return its new tags."""
    if not add and not remove:
        raise DnnpapersError("give --add SLUG or --remove SLUG")
    path = root / PAPERS_FILE
    with locked(path):
        paper_list = load_list(root)
        check_tags(add, paper_list.taxonomy)
        index, paper = find(paper_list, paper_id)
        absent = [t for t in remove if t not in paper.tags]
        if absent:
            raise DnnpapersError(f"{paper_id} is not tagged {', '.join(map(repr, absent))} (its tags: {', '.join(paper.tags)})")
        tags = [t for t in paper.tags if t not in remove] + [t for t in add if t not in paper.tags]
        if not tags:
            raise DnnpapersError(f"{paper_id} would have no tag left; every paper needs one")
        if tags != paper.tags:
            doc = parse_document(path.read_bytes(), str(path))
            write_checked(path, set_fields(doc, [(index, "tags", tags, ("year",))]), paper_list.taxonomy)
    return tags
