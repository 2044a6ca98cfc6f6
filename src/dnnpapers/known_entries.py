"""Entries of papers.yaml accepted before, kept by their exact text: a changed list re-reads only what changed.

The quick path (dnnpapers.quick) cuts a plain papers file into its entries'
texts. An entry whose text was accepted before, by this very tool and under the
same bound on years, is accepted again without parsing it: it can only mean
what it meant then. What is kept is one file per list (by its folder), holding
the accepted values of the entries the list had when last read; it is written
whole and renamed into place (verdicts.keep_atomically), so two processes at
once only ever read a complete one, and anything unreadable is simply no help.

marshal, not pickle: loading it can never run code, and it is as fast (10,000
entries in ~20 ms). It has no dates, so ``added`` is kept as a day number.
"""

from __future__ import annotations

import datetime as dt
import marshal
import os
from pathlib import Path

from dnnpapers.layout import cache_dir
from dnnpapers.verdicts import keep_atomically, text_digest, tool_digest

__all__ = ["recall_entries", "remember_entries", "ENTRIES"]

ENTRIES = "entries"
_DATES = ("added",)  # the entry fields that hold a date (quick._CHECKS)


def _path(list_key: str) -> Path | None:
    if os.environ.get("DNNPAPERS_NO_VERDICTS"):
        return None
    try:
        return cache_dir() / ENTRIES / f"{text_digest(list_key)}.marshal"
    except Exception:  # noqa: BLE001 - no cache directory: nothing kept, never an error
        return None


def _stamp(last_year: int) -> str:
    return f"{tool_digest()} {last_year}"


def recall_entries(list_key: str, last_year: int) -> dict[str, dict]:
    """Entry text → its accepted values, as kept for the list ``list_key``; empty when nothing applies."""
    path = _path(list_key)
    if path is None:
        return {}
    try:
        stamp, entries = marshal.loads(path.read_bytes())
        if stamp != _stamp(last_year) or type(entries) is not dict:
            return {}
        for values in entries.values():
            for name in _DATES:
                if name in values:
                    values[name] = dt.date.fromordinal(values[name])
        return entries
    except Exception:  # noqa: BLE001 - missing, unreadable, from another Python, or not ours: no help, never an error
        return {}


def remember_entries(list_key: str, last_year: int, entries: dict[str, dict]) -> None:
    """Keep ``entries`` (text → accepted values, which are not changed) as the list's known entries."""
    path = _path(list_key)
    if path is None:
        return
    kept = {}
    for text, values in entries.items():
        if any(name in values for name in _DATES):
            values = {**values, **{name: values[name].toordinal() for name in _DATES if name in values}}
        kept[text] = values
    keep_atomically(path, marshal.dumps((_stamp(last_year), kept)))
