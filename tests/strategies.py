"""Hypothesis strategies for valid lists: entries the models accept, with hostile text."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from dnnpapers.model.fields import FIRST_YEAR

TAGS = ["survey", "dynamic-depth", "early-exit", "layer-skip", "system"]
NASTY = list("|\\`*_[]()<>&~$#!:{}%^\"'") + ["<script>alert(1)</script>", "[x](http://e.org)", "**b**", "早退", "é", "\t", "\n", "&amp;", "@x", "---"]

words = st.text(alphabet=string.ascii_letters + string.digits + "-'", min_size=1, max_size=10)
pieces = st.one_of(words, st.sampled_from(NASTY))
texts = st.lists(pieces, min_size=1, max_size=8).map(" ".join).filter(lambda s: s.strip())
names = st.lists(st.text(alphabet=string.ascii_letters + "éłø-", min_size=1, max_size=8), min_size=1, max_size=3).map(" ".join).filter(lambda n: not n.startswith("-"))  # check refuses a leading "-"


@st.composite
def papers(draw, index: int):
    year = draw(st.integers(FIRST_YEAR + 40, 2025))
    entry = {
        "id": f"paper{index}",
        "title": f"{draw(texts)} {index}",
        "authors": draw(st.lists(names, min_size=1, max_size=5)) + draw(st.sampled_from([[], ["et al."]])),
        "year": year,
        "tags": draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True)),
    }
    venue = draw(st.sampled_from([None, "arXiv", f"ICLR {year + 1}", f"Findings of EMNLP {year}", f"TPAMI {year + 2}"]))
    if venue:
        entry["venue"] = venue
    if draw(st.booleans()):
        entry["arxiv"] = f"{draw(st.integers(15, 24)):02d}{draw(st.integers(1, 12)):02d}.{index:05d}"
    elif draw(st.booleans()):
        entry["doi"] = f"10.1000/{draw(words)}{index}"
    if draw(st.booleans()):
        entry["focus"] = draw(texts)
    if draw(st.booleans()):
        entry["notes"] = draw(texts)
    if draw(st.booleans()):
        entry["code"] = f"https://example.org/{draw(words)}_(x)|y"
    if draw(st.booleans()):
        entry["awards"] = [draw(texts)]
    return entry


@st.composite
def paper_lists(draw, min_size: int = 1, max_size: int = 12):
    count = draw(st.integers(min_size, max_size))
    return [draw(papers(i)) for i in range(count)]
