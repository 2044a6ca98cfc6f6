"""Venue names as the list writes them: a short name and its own year ("ICLR 2018"), and where they came from.

The curated sources decide: DBLP's conference or journal record first, then
Crossref's record of the DOI. Only when both have nothing do the weaker hints
count: Semantic Scholar's venue (its ``year`` is often the preprint's, so the
year comes from its DBLP key when it names one) and arXiv's journal_ref or
comment ("Accepted at ICLR 2025").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["Venue", "short_name", "venue_from_text", "dblp_venue", "crossref_venue", "resolve", "CURATED_SOURCES"]

#: Sources whose venue may replace a curator's (with --apply); the others only fill in 'arXiv'.
CURATED_SOURCES = ("DBLP", "Crossref")

#: Long names and variants → the short name the list uses.
SHORT = {
    "international conference on learning representations": "ICLR",
    "neural information processing systems": "NeurIPS",
    "advances in neural information processing systems": "NeurIPS",
    "nips": "NeurIPS",
    "international conference on machine learning": "ICML",
    "computer vision and pattern recognition": "CVPR",
    "ieee/cvf conference on computer vision and pattern recognition": "CVPR",
    "international conference on computer vision": "ICCV",
    "ieee international conference on computer vision": "ICCV",
    "european conference on computer vision": "ECCV",
    "annual meeting of the association for computational linguistics": "ACL",
    "conference on empirical methods in natural language processing": "EMNLP",
    "north american chapter of the association for computational linguistics": "NAACL",
    "conference of the european chapter of the association for computational linguistics": "EACL",
    "aaai conference on artificial intelligence": "AAAI",
    "international joint conference on artificial intelligence": "IJCAI",
    "knowledge discovery and data mining": "KDD",
    "ieee transactions on pattern analysis and machine intelligence": "TPAMI",
    "journal of machine learning research": "JMLR",
    "international journal of computer vision": "IJCV",
    "transactions of the association for computational linguistics": "TACL",
    "ieee transactions on neural networks and learning systems": "TNNLS",
    "transactions on machine learning research": "TMLR",
    "conference on machine learning and systems": "MLSys",
    "machine learning and systems": "MLSys",
    "usenix annual technical conference": "USENIX ATC",
    "symposium on operating systems design and implementation": "OSDI",
    "symposium on operating systems principles": "SOSP",
    "symposium on networked systems design and implementation": "NSDI",
    "international symposium on microarchitecture": "MICRO",
    "international symposium on computer architecture": "ISCA",
    "international symposium on high-performance computer architecture": "HPCA",
    "architectural support for programming languages and operating systems": "ASPLOS",
    "british machine vision conference": "BMVC",
    "ieee workshop/winter conference on applications of computer vision": "WACV",
    "winter conference on applications of computer vision": "WACV",
    "international conference on pattern recognition": "ICPR",
}
#: Short names written as they are (also how they are found in arXiv comments).
ACRONYMS = sorted({*SHORT.values(), "NIPS", "COLING", "INTERSPEECH", "ICASSP", "MICCAI", "DAC", "ICCAD", "DATE", "PPoPP", "SIGMOD", "VLDB", "MobiCom", "MobiSys", "SenSys", "EuroSys", "EuroMLSys", "IJCNN", "UAI", "AISTATS", "CoRL", "RSS", "ICRA", "IROS", "WWW", "SIGIR", "CIKM", "WSDM"}, key=len, reverse=True)
#: DBLP's own venue abbreviations → the list's short names.
DBLP = {
    "j. mach. learn. res.": "JMLR",
    "ieee trans. pattern anal. mach. intell.": "TPAMI",
    "int. j. comput. vis.": "IJCV",
    "trans. mach. learn. res.": "TMLR",
    "ieee trans. neural networks learn. syst.": "TNNLS",
    "trans. assoc. comput. linguistics": "TACL",
    "ieee j. sel. top. signal process.": "IEEE JSTSP",
    "nips": "NeurIPS",
    "neurips": "NeurIPS",
    "usenix annual technical conference": "USENIX ATC",
    "usenix atc": "USENIX ATC",
    "mlsys": "MLSys",
}
_NOT_A_VENUE = {"arxiv", "arxiv.org", "corr", "arxiv (cornell university)"}
_PARENTHESES = re.compile(r"\s*\(([^()]*)\)")
_IN_TEXT = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(a) for a in ACRONYMS) + r")(?:[\s'’-]*)((?:19|20)\d\d|'?\d\d)(?!\d)")
_DBLP_YEAR = re.compile(r"^(?:conf|journals)/(?!corr/)[^/]+/.*?(\d\d)$")  # CoRR keys end in arXiv digits


@dataclass(frozen=True)
class Venue:
    name: str
    year: int
    source: str
    suffix: str = ""  # " Workshop", as the list writes a workshop paper ("ICLR 2018 Workshop")

    def __str__(self) -> str:
        return f"{self.name} {self.year}{self.suffix}"


def dblp_venue(venue: str, year: int, source: str) -> Venue | None:
    """'ECCV (15)' → ECCV, 'J. Mach. Learn. Res.' → JMLR, 'EMNLP (Findings)' → Findings of EMNLP, 'ICLR (Workshop)' → ICLR … Workshop."""
    notes = [n.strip().lower() for n in _PARENTHESES.findall(venue)]
    bare = _PARENTHESES.sub("", venue).strip()
    workshop = "workshop" in notes
    if "@" in bare:  # DBLP writes a workshop as 'AutoML@ICML'
        bare, workshop = bare.rsplit("@", 1)[1].strip(), True
    name = DBLP.get(bare.lower()) or short_name(bare)
    if name is None:
        return None
    if "findings" in notes:
        name = f"Findings of {name}"
    return Venue(name, year, source, " Workshop" if workshop else "")


def crossref_venue(kind: str | None, names: tuple[str | None, ...], year: int | None, source: str) -> Venue | None:
    """A journal's or proceedings' short name and year from Crossref; preprints (posted-content) name none."""
    if year is None or kind in ("posted-content", "preprint"):
        return None
    name = short_name(*names)
    return Venue(name, year, source) if name else None


def short_name(*names: str | None) -> str | None:
    """The list's short name for a venue known by any of ``names``; None when none is a real venue."""
    candidates = [n.strip() for n in names if n and n.strip()]
    if not candidates or all(n.lower() in _NOT_A_VENUE for n in candidates):
        return None
    for name in candidates:
        key = re.sub(r"\s+", " ", name.lower())
        key = re.sub(r"^(proceedings of (the )?)", "", key)
        if key in SHORT:
            return SHORT[key]
        for long_name, short in SHORT.items():
            if len(long_name) > 8 and long_name in key:
                return short
    for name in candidates:
        upper = name.replace(" ", "")
        if name in ACRONYMS or (upper.isupper() and 2 <= len(upper) <= 10 and name.lower() not in _NOT_A_VENUE):
            return "NeurIPS" if name == "NIPS" else name
    first = candidates[0]
    return None if first.lower() in _NOT_A_VENUE else first


def _year(two_or_four: str) -> int:
    """'2018' → 2018; 'NIPS'98' → 1998 and '18 → 2018: a two-digit year is never in the future."""
    digits = two_or_four.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    year = 2000 + int(digits)
    return year - 100 if year > dt.date.today().year + 1 else year


def venue_from_text(*texts: str | None) -> Venue | None:
    """A venue named with its year in arXiv's journal_ref or comment ("Accepted to ICLR 2025")."""
    for text in texts:
        if not text:
            continue
        match = _IN_TEXT.search(text)
        if match:
            name = "NeurIPS" if match[1] == "NIPS" else match[1]
            return Venue(name, _year(match[2]), "arXiv comment or journal_ref")
    return None


def dblp_year(key: str | None) -> int | None:
    match = _DBLP_YEAR.match(key or "")
    return _year(match[1]) if match else None


def resolve(
    s2_names: tuple[str, ...] = (),
    s2_venue: str | None = None,
    s2_year: int | None = None,
    dblp_key: str | None = None,
    journal_ref: str | None = None,
    comment: str | None = None,
    curated: tuple[Venue | None, ...] = (),
) -> Venue | None:
    """The venue a paper was published at, or None when every source says preprint.

    ``curated``: venues from DBLP and Crossref, in that order; the first wins.
    """
    for venue in curated:
        if venue is not None:
            return venue
    from_text = venue_from_text(journal_ref, comment)
    name = short_name(*s2_names, s2_venue)
    if name is None:
        return from_text
    year = dblp_year(dblp_key)
    if year is not None:
        return Venue(name, year, "Semantic Scholar venue, DBLP year")
    if from_text is not None and from_text.name == name:
        return from_text
    if s2_year is not None:
        return Venue(name, s2_year, "Semantic Scholar venue and year")
    return None
