"""The windows ``discover`` has seen before: a bounded background of arXiv's papers, kept in the cache per list.

The topic model needs papers that are mostly not the list's to learn against. The
window itself is a poor source when it is small or full of relevant papers (a narrow
category, a quiet week), and Semantic Scholar's recommendations are chosen to resemble
the list. Papers from earlier windows are neither (arXiv-sanity-lite learns against
everything it has seen). Only arXiv's window papers are kept (recommendations are not
a sample of what is published), newest first, at most ``MAX_PAPERS`` of them and
``MAX_CHARS`` of each text: a few megabytes at most.

The file is written whole and renamed into place (storage.cache.keep_atomically);
one that cannot be read, or is not ours, is no background, never an error: the
cache holds only what can be made again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

from dnnpapers.storage.cache import cache_file, keep_atomically, text_digest

__all__ = ["recall_seen", "remember_seen", "SEEN", "MAX_PAPERS", "MAX_CHARS"]

SEEN = "discover"
FORMAT = 1
#: How many papers of earlier windows are kept (about a busy week of six categories).
MAX_PAPERS = 5000
#: How much of each paper's text (title and abstract) is kept.
MAX_CHARS = 1500


def _path(root: Path) -> Path | None:
    return cache_file(SEEN, f"{text_digest(os.path.realpath(root))}.seen.json")


def recall_seen(root: Path) -> list[tuple[str, str]]:
    """(arXiv id, text) of the papers of earlier windows, newest first; empty when none are kept or the file is unreadable."""
    path = _path(root)
    if path is None:
        return []
    try:
        kept = json.loads(path.read_bytes())
        if kept.get("format") != FORMAT:
            return []
        papers = [(str(i), str(t)) for i, t in kept["papers"]]
    except Exception:  # noqa: BLE001 - missing, truncated, edited or not ours: no background, never an error
        return []
    return papers[:MAX_PAPERS]


def remember_seen(root: Path, window: Iterable[tuple[str, str]], before: list[tuple[str, str]] | None = None) -> None:
    """Keep this window's (arXiv id, text) papers in front of those kept before (``before``, else read), within the bounds."""
    path = _path(root)
    if path is None:
        return
    fresh = {}
    for arxiv_id, text in window:
        fresh.setdefault(arxiv_id, text[:MAX_CHARS])
    kept = list(fresh.items()) + [(i, t) for i, t in (recall_seen(root) if before is None else before) if i not in fresh]
    data = json.dumps({"format": FORMAT, "papers": kept[:MAX_PAPERS]}, ensure_ascii=False, separators=(",", ":"))
    keep_atomically(path, data.encode("utf-8"))
