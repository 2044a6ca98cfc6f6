"""Readable, stable paper ids (``huang2017multiscale``), also used as BibTeX keys."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Container

__all__ = ["paper_key", "surname", "split_name", "ascii_fold", "SUFFIXES"]

_PARTICLES = {"de", "van", "von", "der", "den", "del", "della", "da", "di", "du", "dos", "le", "la", "ter", "ten"}
_STOPWORDS = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "via", "with", "by", "is", "are", "do", "does", "not", "all", "no"}
_UNFOLDABLE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i"})


def ascii_fold(text: str) -> str:
    """Latin letters without accents: 'Wołczyk' → 'Wolczyk', 'Víctor' → 'Victor'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNFOLDABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


#: Name suffixes ("Martin Luther King Jr."): BibTeX's "Jr" part, never the family name.
SUFFIXES = {"jr.", "jr", "sr.", "sr", "ii", "iii", "iv"}


@functools.lru_cache(maxsize=1 << 16)  # every output asks it of every author; names repeat across papers
def split_name(name: str) -> tuple[str, str, str]:
    """(given, family, suffix) of 'Given Family Suffix': 'Martin Luther King Jr.' → ('Martin Luther', 'King', 'Jr.')."""
    parts = name.split()
    suffix = ""
    if len(parts) > 2 and parts[-1].lower() in SUFFIXES:
        suffix, parts = parts[-1], parts[:-1]
    if len(parts) <= 1:
        return "", " ".join(parts), suffix
    start = len(parts) - 1
    while start > 1 and parts[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(parts[:start]), " ".join(parts[start:]), suffix


def surname(name: str) -> str:
    """The family name of 'Given Family' with its particles: 'Bert De Brabandere' → 'De Brabandere'."""
    return split_name(name)[1]


def _word(title: str) -> str:
    head, colon, _ = title.partition(":")
    if colon and len(head.split()) == 1:
        candidate = _alnum(head)
        if candidate:
            return candidate
    for token in title.split():
        word = _alnum(token)
        if word and word not in _STOPWORDS:
            return word
    return "paper"


def _alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def paper_key(first_author: str, year: int, title: str, taken: Container[str] = ()) -> str:
    """``surname + year + first telling word of the title``, with b, c, … appended when taken."""
    base = f"{_alnum(surname(first_author)) or 'anon'}{year}{_word(title)}"
    if base not in taken:
        return base
    for suffix in "bcdefghijklmnopqrstuvwxyz":
        if base + suffix not in taken:
            return base + suffix
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"
