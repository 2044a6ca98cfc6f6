"""The rules for single field values, in plain Python.

Both validators use them: the pydantic models (which also give the
messages) and the quick acceptor of ``quick`` (which must not import pydantic,
so that checking a valid list stays fast). Each ``*_problem`` returns why a
value is wrong, or None.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import urlsplit

__all__ = [
    "ET_AL", "SLUG", "SLUG_RE", "CONTROL", "FIRST_YEAR", "last_year", "arxiv_id_problem", "doi_problem", "url_problem",
    "text_problem", "clock_problem", "site_path_problem", "TALK_KINDS", "timezone_problem", "year_problem", "venue_problem", "venue_year", "venue_name", "authors_problem", "bare_arxiv_id", "bare_doi",
]

ET_AL = "et al."
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_RE = re.compile(SLUG)
FIRST_YEAR = 1950
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_NEW_ARXIV = re.compile(r"^(\d{2})(\d{2})\.(\d{4,5})$")
_OLD_ARXIV = re.compile(r"^[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}$")
_VERSION = re.compile(r"v\d+$")
_VENUE_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # Unicode "Cc" but tab and line breaks
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


_ARXIV_URL = re.compile(r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/(?P<id>.+?)(?:\.pdf)?/?$", re.I)
_ARXIV_PREFIX = re.compile(r"^arxiv:\s*", re.I)


def bare_arxiv_id(text: str) -> str:
    """'2102.04906v2', 'arXiv:2102.04906', an abs or pdf URL → '2102.04906' (not checked: see arxiv_id_problem)."""
    candidate = _ARXIV_PREFIX.sub("", text.strip())
    url = _ARXIV_URL.match(candidate)
    if url:
        candidate = url["id"]
    return _VERSION.sub("", candidate)


def bare_doi(text: str) -> str:
    """'https://doi.org/10.1/X' or 'doi:10.1/X' → '10.1/X'."""
    value = text.strip()
    for prefix in _DOI_PREFIXES:
        if value.lower().startswith(prefix):
            return value[len(prefix):]
    return value


def last_year() -> int:
    return dt.date.today().year + 1


def arxiv_id_problem(value: str) -> str | None:
    """Why ``value`` is not a bare arXiv id (``1703.09844``, ``cs/0112017``), or None if it is."""
    if _VERSION.search(value) and arxiv_id_problem(_VERSION.sub("", value)) is None:
        return f"write the arXiv id without its version: {_VERSION.sub('', value)!r}"
    if value.lower().startswith(("arxiv:", "http://", "https://")):
        return "write the bare arXiv id, e.g. '1703.09844', not a prefix or URL"
    new = _NEW_ARXIV.match(value)
    if new:
        yymm, digits = int(new[1] + new[2]), len(new[3])
        if not 1 <= int(new[2]) <= 12:
            return f"{value!r} is not an arXiv id: month {new[2]} does not exist"
        if yymm < 704:
            return f"{value!r} is not an arXiv id: new-style ids start in 0704"
        if digits != (5 if yymm >= 1501 else 4):
            return f"{value!r} is not an arXiv id: ids from {new[1]}{new[2]} have {5 if yymm >= 1501 else 4} digits after the dot"
        return None
    if _OLD_ARXIV.match(value):
        return None
    return f"{value!r} is not an arXiv id (new style 'YYMM.NNNNN', old style 'archive/YYMMNNN')"


def doi_problem(value: str) -> str | None:
    if DOI.match(value):
        return None
    for prefix in _DOI_PREFIXES:
        if value.lower().startswith(prefix):
            return f"write the bare DOI: {value[len(prefix):]!r}"
    return f"{value!r} is not a DOI (it must start with '10.', e.g. '10.1109/TPAMI.2021.3117837')"


def url_problem(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        return f"{value!r} is not an http(s) link"
    return None


_CLOCK = re.compile(r"^(\d\d):(\d\d)$")


def clock_problem(value: str) -> str | None:
    """Why ``value`` is not a time of day written HH:MM (00:00 to 23:59), or None."""
    match = _CLOCK.match(value)
    if not match:
        return f"{value!r} is not a time written HH:MM"
    if int(match[1]) > 23 or int(match[2]) > 59:
        return f"{value!r} is not a time of day (00:00 to 23:59)"
    return None


#: The shape of a tz database name (Asia/Shanghai, America/Argentina/Buenos_Aires, Etc/GMT+8): no dots, so
#: no path ever leaves the database, and no leading, trailing or double slash.
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")


#: The reading group's activities (its charter), and notes of talks heard elsewhere: slug → (English, Chinese).
TALK_KINDS = {
    "paper-talk": ("Paper talk", "论文研讨"),
    "topic-discussion": ("Topic discussion", "主题讨论"),
    "invited-talk": ("Invited talk", "邀请报告"),
    "public-talk": ("Public talk", "公开报告"),
    "qa": ("Q&A with the advisor", "老师问答"),
    "lecture-notes": ("Lecture notes", "讲座笔记"),
}

_SITE_PATH_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def site_path_problem(value: str) -> str | None:
    """A folder of the Jekyll site for the pages: plain segments, none that Jekyll skips (_x, .x) or that leads up."""
    if not all(_SITE_PATH_SEGMENT.fullmatch(part) and part not in (".", "..") for part in value.split("/")):
        return "give folder names of letters, digits, '.', '_' or '-' separated by '/', none starting with '.' or '_' (Jekyll skips those), e.g. papers"
    return None


def timezone_problem(value: str) -> str | None:
    """Why ``value`` is not an IANA timezone name (Asia/Shanghai), or None.

    Only names of the tz database's shape are looked up, and anything the
    lookup meets (a folder such as 'Asia', a file that is not a zone) is a
    problem with the name, never an error of the tool. 'localtime' is the
    machine's own zone, not a place: the pages would change from machine to machine.
    """
    import zoneinfo

    if _ZONE_NAME.fullmatch(value) and value != "localtime":
        try:
            zoneinfo.ZoneInfo(value)
            return None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            pass
    return _zone_message(value)


def _zone_message(value: str) -> str:
    """What is wrong with a name that is not a zone: a region of the database ('Asia') gets one of its zones, a typo the name meant."""
    from dnnpapers.model.rules import suggest

    names = _zone_names()
    region = value.strip().strip("/")
    inside = [name for name in names if name.startswith(region + "/")] if region else []
    if inside:
        example = "Asia/Shanghai" if "Asia/Shanghai" in inside else inside[0]
        return f"{region!r} is a region of the tz database, not a timezone: name one of its zones, such as {example!r}"
    return f"{value!r} is not a timezone name such as 'Asia/Shanghai' or 'Europe/Berlin'{suggest(value.strip(), names)}"


@functools.lru_cache(maxsize=1)
def _zone_names() -> list[str]:
    """Every zone of the tz database (a walk of its folders: only when a name is wrong)."""
    import zoneinfo

    return sorted(zoneinfo.available_timezones() - {"localtime"})


def text_problem(value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    bad = CONTROL.search(value)
    if bad:
        return f"control character U+{ord(bad[0]):04X} is not allowed in text"
    return None


def year_problem(year: int) -> str | None:
    if not FIRST_YEAR <= year <= last_year():
        return f"year {year} is outside {FIRST_YEAR}..{last_year()}"
    return None


@functools.lru_cache(maxsize=4096)  # a list has few venues and asks for each of them many times
def venue_year(venue: str | None) -> int | None:
    match = _VENUE_YEAR.search(venue or "")
    return int(match[1]) if match else None


@functools.lru_cache(maxsize=4096)
def venue_name(venue: str) -> str:
    """The venue without its year: 'Findings of EMNLP 2021' → 'Findings of EMNLP'."""
    return " ".join(_VENUE_YEAR.sub(" ", venue).split())


def venue_problem(venue: str, year: int | None, last: int | None = None) -> str | None:
    """A venue names its own year ('ICLR 2018'), not before the paper's first year; or it is 'arXiv'.
    ``last``: last_year(), when the caller has it already."""
    if venue == "arXiv":
        return None
    found = venue_year(venue)
    if found is None:
        return f"venue {venue!r} needs its year ('ICLR 2018'), or is 'arXiv' when unpublished"
    if found > (last or last_year()):
        return f"venue year {found} is in the future"
    if year is not None and found < year:
        return f"the venue's year {found} is before 'year: {year}'; year is when the work first appeared (the earlier of arXiv v1 and the venue), so write year: {found}"
    return None


def authors_problem(authors: list[str]) -> str | None:
    if ET_AL in authors[:-1]:
        return f"{ET_AL!r} may only end the author list"
    if authors == [ET_AL]:
        return f"name at least the first author before {ET_AL!r}"
    for name in authors:
        if "," in name:
            given_first = " ".join(p.strip() for p in reversed(name.split(",", 1)))
            return f"author {name!r}: write the given name first, without a comma ({given_first!r}); BibTeX reads a comma as 'Family, Given'"
        if name.startswith("-"):
            return f"author {name!r} cannot start with '-'"
    return None
