"""Entries of papers.yaml accepted before, kept by their exact text: a changed list re-reads only what changed.

The quick path (dnnpapers.access.quick) cuts a plain papers file into its entries'
texts. An entry whose text was accepted before, by this very tool and under the
same bound on years, is accepted again without parsing it: it can only mean
what it meant then. What is kept is one file per list (by its folder), holding
the accepted values of the entries the list had when last read; it is written
whole and renamed into place (storage.cache.keep_atomically), so two processes at
once only ever read a complete one, and anything unreadable is simply no help.

Entries are kept under a BLAKE2b digest of their text (built in, never OpenSSL),
so the kept file holds no second copy of the list. marshal, not pickle: loading
it can never run code, and it is as fast (10,000 entries in ~20 ms). It has no
dates, so ``added`` is kept as a day number.
"""

from __future__ import annotations

import datetime as dt
import marshal
try:  # CPython's own BLAKE2b, as hashlib's (storage.cache: OpenSSL is not loaded to check a list)
    from _blake2 import blake2b
except ImportError:
    from hashlib import blake2b
from pathlib import Path

from dnnpapers.storage.cache import cache_file, keep_atomically, text_digest, tool_digest

__all__ = ["recall_entries", "remember_entries", "entry_key", "entry_keys", "ENTRIES"]

ENTRIES = "entries"
_DATES = ("added",)  # the entry fields that hold a date (quick._CHECKS)


def entry_key(text: str) -> bytes:
    """What an entry's text is kept under: 16 bytes of BLAKE2b, so a changed text is never taken for a kept one."""
    return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).digest()


def entry_keys(data: bytes, start: int, prefix: str) -> list[bytes]:
    """entry_key of each entry text of a plain papers file (storage.fastyaml._entry_texts), from the bytes it was
    decoded from: ``start``, the byte where the first entry's prefix starts. The texts' boundaries ("\\n" and the
    prefix, ASCII) fall in UTF-8 where they fall in the text, so no text is made and encoded again."""
    body = data[start + len(prefix) :]
    pieces = (body[:-1] if body.endswith(b"\n") else body).split(b"\n" + prefix.encode("ascii"))
    return [blake2b(piece, digest_size=16).digest() for piece in pieces]


def _path(list_key: str) -> Path | None:
    return cache_file(ENTRIES, f"{text_digest(list_key)}.marshal")


def _stamp(last_year: int) -> str:
    return f"{tool_digest()} {last_year}"


def recall_entries(list_key: str, last_year: int) -> dict[bytes, dict]:
    """entry_key(text) → its accepted values, as kept for the list ``list_key``; empty when nothing applies."""
    path = _path(list_key)
    if path is None:
        return {}
    try:
        stamp, entries = marshal.loads(path.read_bytes())  # (marshal.load on a file reads it piece by piece: 5× slower)
        if stamp != _stamp(last_year) or type(entries) is not dict:
            return {}
        for values in entries.values():
            for name in _DATES:
                if type(values.get(name)) is int:
                    values[name] = dt.date.fromordinal(values[name])
        return entries
    except Exception:  # noqa: BLE001 - missing, unreadable, from another Python, or not ours: no help, never an error
        return {}


def remember_entries(list_key: str, last_year: int, entries: dict[bytes, dict]) -> None:
    """Keep ``entries`` (entry_key(text) → accepted values) as the list's known entries.

    The values' dates become day numbers while they are written and are dates again
    after: a copy of every entry would cost as much memory as the list.
    """
    path = _path(list_key)
    if path is None:
        return
    dated = [(values, name) for values in entries.values() for name in _DATES if type(values.get(name)) is dt.date]
    for values, name in dated:
        values[name] = values[name].toordinal()
    try:
        keep_atomically(path, lambda file: marshal.dump((_stamp(last_year), entries), file))
    finally:
        for values, name in dated:
            values[name] = dt.date.fromordinal(values[name])
