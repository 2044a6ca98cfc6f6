"""Hypothesis strategies for valid lists: entries the models accept, with hostile text.

Each draw costs Hypothesis ~50 µs of bookkeeping, whatever it draws, and the suite draws ~2,600 papers a run: so a text
is one drawn string read as its pieces (not a list of pieces, each a choice of kind and a string: ~25 draws), and an
entry's optional parts are one drawn number's bits. The values are those the piece-by-piece strategies drew (texts of
1-8 pieces, words of 1-10 characters, names of 1-3 parts of 1-8), in about the same proportions (measured over 2,000
draws): a text has 5.6 pieces on average, 46% of them NASTY (5.5 and half before), 21 characters long (25), its words
3.4 (5.3); a name 1, 2 or 3 parts 20, 40 and 39 times in 100 (26, 26, 47 before)."""

from __future__ import annotations

import itertools
import re
import string

from hypothesis import strategies as st

from dnnpapers.model.fields import FIRST_YEAR

TAGS = ["survey", "dynamic-depth", "early-exit", "layer-skip", "system"]
NASTY = list("|\\`*_[]()<>&~$#!:{}%^\"'") + ["<script>alert(1)</script>", "[x](http://e.org)", "**b**", "早退", "é", "\t", "\n", "&amp;", "@x", "---"]

WORD_CHARS = string.ascii_letters + string.digits + "-'"
NAME_CHARS = string.ascii_letters + "éłø-"
#: Private-use characters standing in for one NASTY piece each, or for a break between two pieces, in a drawn string.
_NASTY_MARKS = {chr(0xE000 + i): piece for i, piece in enumerate(NASTY)}
_BREAKS = " " + "".join(chr(0xE100 + i) for i in range(7))  # several, so that pieces are often side by side
_WORD_TWINS = {chr(0xE200 + i): char for i, char in enumerate(WORD_CHARS)}  # each word character twice as likely
_AS_WORD_CHARS = str.maketrans(_WORD_TWINS)
_TEXT_PIECE = re.compile(f"[{re.escape(WORD_CHARS)}]{{1,10}}|[{''.join(_NASTY_MARKS)}]")
_NAME_PART = re.compile(f"[{re.escape(NAME_CHARS)}]{{1,8}}")


def _text(drawn: str) -> str:
    """1-8 pieces joined by spaces: runs of word characters (split after 10) and the NASTY pieces marked."""
    return " ".join(_NASTY_MARKS.get(piece, piece) for piece in _TEXT_PIECE.findall(drawn.translate(_AS_WORD_CHARS))[:8])


words = st.text(alphabet=WORD_CHARS, min_size=1, max_size=10)
texts = st.text(alphabet=WORD_CHARS + "".join(_WORD_TWINS) + "".join(_NASTY_MARKS) + _BREAKS, min_size=8, max_size=8 * 11 - 1).map(_text).filter(lambda s: s.strip())
names = (st.text(alphabet=NAME_CHARS + _BREAKS, min_size=6, max_size=3 * 9 - 1).map(lambda drawn: " ".join(_NAME_PART.findall(drawn)[:3]))
         .filter(lambda n: n and not n.startswith("-")))  # 1-3 parts of 1-8 characters; check refuses a leading "-"

#: Every ordered choice of 1-3 distinct tags, each length as likely as the others (as a list strategy draws them).
_TAG_LISTS = [list(chosen) for size, repeat in ((1, 12), (2, 3), (3, 1)) for chosen in itertools.permutations(TAGS, size) for _ in range(repeat)]
_VENUES = [None, "arXiv", "ICLR {next}", "Findings of EMNLP {year}", "TPAMI {later}"]
years = st.integers(FIRST_YEAR + 40, 2025)
author_lists = st.lists(names, min_size=1, max_size=5)
tag_lists = st.sampled_from(_TAG_LISTS)
venues = st.sampled_from(_VENUES)
arxiv_months = st.integers(0, 10 * 12 - 1)  # 2015-2024, months 1-12
optional_parts = st.integers(0, 2**7 - 1)  # one bit for each part an entry may have


def _paper(draw, index: int) -> dict:
    year = draw(years)
    entry = {
        "id": f"paper{index}",
        "title": f"{draw(texts)} {index}",
        "authors": draw(author_lists),
        "year": year,
        "tags": list(draw(tag_lists)),
    }
    venue = draw(venues)
    parts = draw(optional_parts)
    if parts & 1:
        entry["authors"].append("et al.")
    if venue:
        entry["venue"] = venue.format(year=year, next=year + 1, later=year + 2)
    if parts & 2:
        month = draw(arxiv_months)
        entry["arxiv"] = f"{15 + month // 12:02d}{1 + month % 12:02d}.{index:05d}"
    elif parts & 4:
        entry["doi"] = f"10.1000/{draw(words)}{index}"
    if parts & 8:
        entry["focus"] = draw(texts)
    if parts & 16:
        entry["notes"] = draw(texts)
    if parts & 32:
        entry["code"] = f"https://example.org/{draw(words)}_(x)|y"
    if parts & 64:
        entry["awards"] = [draw(texts)]
    return entry


@st.composite
def papers(draw, index: int):
    return _paper(draw, index)


@st.composite
def paper_lists(draw, min_size: int = 1, max_size: int = 12):
    count = draw(st.integers(min_size, max_size))
    return [_paper(draw, i) for i in range(count)]
