"""The fast path for the common case, a valid list: yaml-rs parses it, plain Python accepts it.

It answers only "valid" or "not sure". Whenever it is not sure (a parse
error, a value the schema rejects, a duplicate, a YAML construct whose meaning
differs between YAML 1.1, which PyYAML and so the exact path follow, and YAML
1.2, which yaml-rs follows) the caller takes the exact path: PyYAML nodes and
pydantic, which find every problem with its line. So messages never change;
only valid lists get faster (10,000 papers: yaml-rs parses in ~0.1 s what
PyYAML's C loader composes in ~1.1 s, and no pydantic import is needed).
"""

from __future__ import annotations

import codecs
import datetime as dt
import gc
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern
from types import SimpleNamespace
from typing import Any, Iterable, Iterator

from dnnpapers.model.fields import (
    CONTROL,
    FIRST_YEAR,
    timezone_problem,
    SLUG_RE,
    arxiv_id_problem,
    authors_problem,
    clock_problem,
    doi_problem,
    last_year,
    site_path_problem,
    url_problem,
    venue_problem,
)
from dnnpapers.storage.files import TooLarge, read_bounded
from dnnpapers.storage.layout import DISMISSED_FILE, METRICS_FILE, PAGE_FILE, PAPERS_FILE, TALKS_FILE, TAXONOMY_FILE
from dnnpapers.storage.fastyaml import (
    INDICATOR_FIRST, UNSURE, _decode, _entry_runs, _entry_texts, _parse_text, _shape, _structure_is_plain, entry_prefix, parse, parse_typed, split_entries,
)
from dnnpapers.access.known_entries import entry_keys, recall_entries, remember_entries
from dnnpapers.model.records import LINK_SECTIONS
from dnnpapers.model.rules import dismissed_problems, normalise_title, paper_problems, taxonomy_problems
from dnnpapers.model.talks import log_rules
from dnnpapers.model.taxonomy import Taxonomy

__all__ = [
    "QuickList", "accept_list", "accept_appended", "parse", "accept_paper", "accept_papers_text", "accept_talks", "accept_dismissed", "split_entries",
    "entry_prefix", "UNSURE",
]

# Where YAML 1.1 (PyYAML, the exact path) and YAML 1.2 (yaml-rs) read a plain scalar differently,
# yaml-rs gives a string: yes/no/on/off, 0b101, 1_000, 1:20, and '=' (which PyYAML refuses). A string value of that form sends
# the file to the exact path (a quoted one too: false alarms only cost time).
_ONE_ONE_ONLY = re.compile(r"(?:=|[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF|[-+]?0b[01_]+|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?[0-9.]*_[0-9_.]*)")
def _plain(value: Any) -> bool:
    """A string pydantic keeps as it is (nothing to strip) and that YAML 1.1 and 1.2 read alike."""
    return (
        type(value) is str and value == value.strip() and (" " in value or _ONE_ONE_ONLY.fullmatch(value) is None)
        and not value.startswith(INDICATOR_FIRST)
    )


def _text(value: Any) -> bool:
    """What text_problem accepts, once _plain holds: not empty, no control character (a printable text has none)."""
    return _plain(value) and value != "" and (value.isprintable() or CONTROL.search(value) is None)


def _optional(value: Any, check) -> bool:
    return value is None or check(value)


def _texts(value: Any, at_least: int = 0) -> bool:
    return type(value) is list and len(value) >= at_least and all(_text(v) for v in value)


# One check per field, given the value, the entry's year and the last year allowed (None is handled by accept_paper).
_CHECKS = {
    "id": lambda v, y, last: _plain(v) and SLUG_RE.match(v) is not None,
    "title": lambda v, y, last: _text(v),
    "authors": lambda v, y, last: _texts(v, 1) and authors_problem(v) is None,
    "year": lambda v, y, last: True,  # checked first, in accept_paper
    "venue": lambda v, y, last: _text(v) and venue_problem(v, y, last) is None,
    "arxiv": lambda v, y, last: _plain(v) and arxiv_id_problem(v) is None,
    "doi": lambda v, y, last: _plain(v) and doi_problem(v) is None,
    "url": lambda v, y, last: _plain(v) and url_problem(v) is None,
    "code": lambda v, y, last: _plain(v) and url_problem(v) is None,
    "tags": lambda v, y, last: type(v) is list and len(v) >= 1 and all(_plain(t) for t in v),
    "focus": lambda v, y, last: _text(v),
    "notes": lambda v, y, last: _text(v),
    "awards": lambda v, y, last: _texts(v),
    "added": lambda v, y, last: type(v) is dt.date,
    "venue_checked": lambda v, y, last: type(v) is bool,
    "code_checked": lambda v, y, last: type(v) is bool,
}
PAPER_FIELDS = set(_CHECKS)
REQUIRED = {"id", "title", "authors", "year", "tags"}
_NOT_NULL = REQUIRED | {"awards", "venue_checked", "code_checked"}


def _memoised(check, key):
    """``check`` answering once per key of a value (the answer is the check's, kept); a value without
    one (an unhashable item) is checked each time."""
    memo: dict = {}

    def checked(value: Any, year: int, last: int) -> bool:
        try:
            return memo[key(value, year)]
        except KeyError:
            answer = memo[key(value, year)] = check(value, year, last)
            return answer
        except TypeError:
            return check(value, year, last)

    return checked


def _as_tuple(value: Any, year: int) -> tuple:
    if type(value) is not list:
        raise TypeError("not a list: checked each time")
    return tuple(value)


# Values the checks of id and arxiv accept, each in one match (a value not matched is asked of the check itself):
# a slug but the words YAML 1.1 reads as a boolean or a number (_ONE_ONE_ONLY's forms a slug can take); a new-style
# arXiv id of ASCII digits, 0704-1412 with four digits after the dot, 1501 on with five (arxiv_id_problem's rules).
_PLAIN_SLUG = re.compile(r"(?!(?:yes|no|on|off|0b[01]+)\Z)[a-z0-9]+(?:-[a-z0-9]+)*")
_NEW_ARXIV_ID = re.compile(r"(?:07(?:0[4-9]|1[0-2])|(?:0[89]|1[0-4])(?:0[1-9]|1[0-2]))\.[0-9]{4}|(?:1[5-9]|[2-9][0-9])(?:0[1-9]|1[0-2])\.[0-9]{5}")
FAST_ACCEPTED = {"id": _PLAIN_SLUG, "arxiv": _NEW_ARXIV_ID}


def _matched_first(check, pattern):
    """``check``, answered by one match for the values ``pattern`` matches whole (which ``check`` accepts: test_quick)."""
    match = pattern.fullmatch

    def checked(value: Any, year: int, last: int) -> bool:
        return (type(value) is str and match(value) is not None) or check(value, year, last)

    return checked


def file_checks(last: int) -> dict:
    """_CHECKS for the entries of one file (one ``last``), the answers for values that repeat across entries
    kept: author lists, venues (with the year) and tag lists. A key is the list as a tuple: a str equals only
    a str, so a key holding anything else belongs to lists not all text, which are refused alike. Ids and arXiv
    ids, which do not repeat, are matched whole first (FAST_ACCEPTED)."""
    return {
        **_CHECKS,
        **{name: _matched_first(_CHECKS[name], pattern) for name, pattern in FAST_ACCEPTED.items()},
        "authors": _memoised(_CHECKS["authors"], _as_tuple),
        "venue": _memoised(_CHECKS["venue"], lambda v, y: (v, y)),
        "tags": _memoised(_CHECKS["tags"], _as_tuple),
    }


def accept_paper(entry: Any, first: int = FIRST_YEAR, last: int | None = None, checks: dict = _CHECKS) -> bool:
    """True only if the Paper model accepts ``entry`` as it is (nothing to coerce or strip).
    ``checks``: file_checks(last), for the entries of one file."""
    return accept_papers((entry,), first, last, checks)


def accept_papers(entries: Iterable[Any], first: int = FIRST_YEAR, last: int | None = None, checks: dict = _CHECKS) -> bool:
    """accept_paper for each entry (one loop: a call per entry showed in the profile)."""
    last = last or last_year()  # the venue's check needs it too: asking the clock per entry showed in the profile
    required, fields, not_null = REQUIRED, PAPER_FIELDS, _NOT_NULL
    for entry in entries:
        if type(entry) is not dict or not required <= entry.keys() <= fields:
            return False
        year = entry["year"]
        if type(year) is not int or not first <= year <= last:
            return False
        for key, value in entry.items():
            if value is None:
                if key in not_null:
                    return False
            elif not checks[key](value, year, last):
                return False
    return True


def _node(data: Any) -> SimpleNamespace | None:
    keys = {"slug", "en", "zh", "description", "keywords", "children"}
    if type(data) is not dict or not {"slug", "en", "zh"} <= data.keys() <= keys:
        return None
    if not (_plain(data["slug"]) and SLUG_RE.match(data["slug"]) and _text(data["en"]) and _text(data["zh"])):
        return None
    if not _optional(data.get("description"), _text) or not ("keywords" not in data or _texts(data["keywords"])):
        return None
    children = data.get("children", [])
    if type(children) is not list:
        return None
    nodes = [_node(child) for child in children]
    if any(n is None for n in nodes):
        return None
    return SimpleNamespace(slug=data["slug"], en=data["en"], zh=data["zh"], description=data.get("description"), keywords=data.get("keywords", []), children=nodes)


def _accept_link(data: Any) -> bool:
    return (
        type(data) is dict and {"name", "url"} <= data.keys() <= {"name", "url", "zh", "note"}
        and _text(data["name"]) and _plain(data["url"]) and url_problem(data["url"]) is None
        and _optional(data.get("zh"), _text) and _optional(data.get("note"), _text)
    )


def _accept_page(data: Any) -> bool:
    if data is None:
        return True
    texts, lists = {"title", "title_zh"}, set(LINK_SECTIONS)
    if type(data) is not dict or not data.keys() <= texts | lists | {"milestone_citations", "categories", "timezone", "site_url", "jekyll"}:
        return False
    if "jekyll" in data and not (data["jekyll"] is None or _accept_jekyll(data["jekyll"])):
        return False
    if "categories" in data and not _texts(data["categories"]):
        return False
    if "timezone" in data and not (_text(data["timezone"]) and timezone_problem(data["timezone"]) is None):
        return False
    if "site_url" in data and not (data["site_url"] is None or (_text(data["site_url"]) and url_problem(data["site_url"]) is None)):
        return False
    threshold = data.get("milestone_citations", 1)
    return (
        all(_text(data[k]) for k in texts & data.keys())
        and type(threshold) is int and threshold >= 1
        and all(type(data[k]) is list and all(_accept_link(link) for link in data[k]) for k in lists & data.keys())
    )


def _accept_jekyll(data: Any) -> bool:
    return (
        type(data) is dict and {"dir"} <= data.keys() <= {"dir", "path", "layout", "posts"}
        and _text(data["dir"]) and ("layout" not in data or _text(data["layout"]))
        and ("path" not in data or (_plain(data["path"]) and site_path_problem(data["path"]) is None))
        and type(data.get("posts", False)) is bool
    )


def _accept_metrics(data: Any) -> bool:
    if data is None:
        return True
    if type(data) is not dict or not data.keys() <= {"metrics"} or type(data.get("metrics", {})) is not dict:
        return False

    def count(value: Any) -> bool:
        return value is None or (type(value) is int and value >= 0)

    return all(
        _plain(pid) and type(m) is dict and "fetched" in m
        and m.keys() <= {"citations", "influential", "fetched", "venue_source", "repository", "stars", "pushed", "archived"}
        and type(m["fetched"]) is dt.date and count(m.get("citations")) and count(m.get("influential")) and count(m.get("stars"))
        and _optional(m.get("venue_source"), _text) and _optional(m.get("repository"), _text)
        and type(m.get("pushed")) in (type(None), dt.date) and type(m.get("archived")) in (type(None), bool)
        for pid, m in data.get("metrics", {}).items()
    )


def _papers_of(data: Any) -> list | None:
    """The entries of a papers file's values, when they are the one key ``papers`` holding a list."""
    return data["papers"] if type(data) is dict and data.keys() == {"papers"} and type(data["papers"]) is list else None


def _accept_run(run: str, count: int, last: int, checks: dict) -> list[dict] | None:
    """The values of a run of ``count`` entry texts (each after its prefix), parsed as one plain file, when that
    file holds exactly as many entries (a value crossing from one text into the next would leave it unreadable or
    an entry short) and each is accepted; their field names, tags, authors and venues interned (_interned)."""
    entries = _papers_of(_parse_text("papers:\n" + run + "\n"))
    if entries is None or len(entries) != count or not accept_papers(entries, FIRST_YEAR, last, checks):
        return None
    return list(map(_interned, entries))


def _interned(entry: dict) -> dict:
    """Field names, tags, authors and venues interned: repeated across entries, so kept once.
    ``entry`` is accepted: its tags and authors lists of str, its venue a str if any."""
    entry["tags"], entry["authors"] = list(map(intern, entry["tags"])), list(map(intern, entry["authors"]))
    if (venue := entry.get("venue")) is not None:
        entry["venue"] = intern(venue)
    return dict(zip(map(intern, entry), entry.values()))


_CHUNK = 500
#: From this many chunks on (2,000 papers), the first half is read by a forked child on the second core while this
#: process reads the rest: each chunk is ~13 ms of reading, the fork and the hand-back of half of 10,000 entries
#: ~20 ms (measured: a cold load of 10,000 papers 0.51 s → 0.37 s, the best of 8 runs).
_SHARED_FROM = 4


def _accept_chunks(text: str, shape: tuple[int, str], last: int) -> list[dict] | None:
    """Every entry, _CHUNK consecutive ones at a time (consecutive entries of a plain file are a plain file of
    their own), so each chunk's parse is freed before the next; None unless every chunk is accepted whole.
    Many chunks are shared with a forked child where that is safe (forked.can_fork); its half is the first, so
    its error or refusal comes first, as in a serial read."""
    runs = list(_entry_runs(text, *shape, _CHUNK))  # (each run a slice of the file, not its entries' texts joined)
    if len(runs) < _SHARED_FROM:
        return _accept_runs(runs, last)
    from dnnpapers import forked

    if not forked.can_fork():
        return _accept_runs(runs, last)
    half = len(runs) // 2
    with forked.aside(lambda: _pickled(_accept_runs(runs[:half], last)), fork=True) as first:
        later = _accept_runs(runs[half:], last)
        earlier = first.result()["papers"]
    if not earlier or later is None:
        return None
    import pickle

    return pickle.loads(earlier) + later  # (from our own child, through a nameless file only the two hold)


def _accept_runs(runs: list[tuple[int, str]], last: int) -> list[dict] | None:
    papers: list[dict] = []
    checks = file_checks(last)
    for count, run in runs:
        read = _accept_run(run, count, last, checks)
        if read is None:
            return None
        papers += read
    return papers


def _pickled(papers: list[dict] | None) -> dict:
    """A forked child's entries as forked.Aside hands them back (bytes, as dates do not marshal); empty for None."""
    import pickle

    return {"papers": b"" if papers is None else pickle.dumps(papers, protocol=pickle.HIGHEST_PROTOCOL)}


def _accept_by_entries(raw: bytes, text: str, list_key: str | None, last: int) -> list[dict] | None:
    """The entries of a plain papers file, reading only those not accepted before (known_entries); None when not sure.

    With many unknown, all are read a chunk at a time (_accept_chunks): as fast as
    the whole file at once, and only the values stay in memory. ``raw``: the bytes ``text`` was decoded from.
    """
    shape = _shape(text)
    if shape is None or not _structure_is_plain(text[: shape[0]]):
        return None
    prefix = shape[1]
    known = recall_entries(list_key, last) if list_key is not None else {}
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    keys = entry_keys(raw, bom + len(text[: shape[0]].encode("utf-8")), prefix)  # from the bytes: no entry's text made
    missing = sum(key not in known for key in keys)
    if missing > max(16, len(keys) // 8):
        papers = _accept_chunks(text, shape, last)
        if papers is None:
            return None
    else:
        checks = file_checks(last)
        for key, entry_text in zip(keys, _entry_texts(text, *shape)):
            if key not in known:
                read = _accept_run(prefix + entry_text, 1, last, checks)
                if read is None:
                    return None
                known[key] = read[0]
        papers = [known[key] for key in keys]
    if list_key is not None and (missing or len(known) != len(keys)):
        remember_entries(list_key, last, dict(zip(keys, papers)))  # the entries the file has now, and no others
    return papers


class _Entry:
    """An accepted entry as ``rules`` reads papers: fields as attributes, None when absent (a view, not a copy)."""

    __slots__ = ("_fields",)

    def __init__(self, fields: dict):
        self._fields = fields

    def __getattr__(self, name: str):
        return self._fields.get(name)


class _NoPositions:
    """Stands in for a Document in ``rules``: any problem just means "not sure"."""

    def __init__(self) -> None:
        self.found = False

    def locate(self, loc: tuple) -> tuple[int, int]:
        return 0, 0

    def problem(self, loc: tuple, message: str) -> None:
        self.found = True


@dataclass
class QuickList:
    taxonomy: Taxonomy
    papers: list[dict]
    page: dict | None
    metrics: dict | None
    talks: list[dict] = field(default_factory=list)
    leaders: list[dict] = field(default_factory=list)
    dismissed: list[dict] = field(default_factory=list)


# talks.yaml and dismissed.yaml are read by parse_typed, so a string value reads alike in YAML 1.1 and 1.2 (a
# quoted "10:00" is text, an unquoted one made the file UNSURE): text needs only what pydantic checks.
def _words(value: Any) -> bool:
    """Text as the models keep it: not empty, nothing to strip, no control character."""
    return type(value) is str and value != "" and value == value.strip() and CONTROL.search(value) is None


def _words_or_none(value: Any) -> bool:
    return value is None or _words(value)


def _link_or_none(value: Any) -> bool:
    return value is None or (type(value) is str and value == value.strip() and url_problem(value) is None)


def _clock_or_none(value: Any) -> bool:
    return value is None or (type(value) is str and value == value.strip() and clock_problem(value) is None)


_TALK_TEXTS = ("title", "event", "place", "notes")
_TALK_FIELDS = {"date", "start", "end", "kind", "presenters", "papers", "links", *_TALK_TEXTS}


def _accept_presenter(value: Any) -> bool:
    if type(value) is str:
        return _words(value)
    return type(value) is dict and {"name"} <= value.keys() <= {"name", "affiliation"} and _words(value["name"]) and _words_or_none(value.get("affiliation"))


def _accept_talk(data: Any) -> bool:
    """True only if the Talk model accepts ``data`` as it is (the rules across talks are log_rules')."""
    if type(data) is not dict or not {"date", "presenters"} <= data.keys() <= _TALK_FIELDS or type(data["date"]) is not dt.date:
        return False
    presenters, papers, links = data["presenters"], data.get("papers", []), data.get("links", {})
    return (
        _clock_or_none(data.get("start")) and _clock_or_none(data.get("end"))
        and type(data.get("kind", "")) is str
        and type(presenters) is list and len(presenters) >= 1 and all(_accept_presenter(p) for p in presenters)
        and type(papers) is list and all(_words(p) for p in papers)
        and all(_words_or_none(data.get(name)) for name in _TALK_TEXTS)
        and type(links) is dict and links.keys() <= {"slides", "video", "notes", "recording"} and all(_link_or_none(v) for v in links.values())
    )


def _accept_term(data: Any) -> bool:
    return (
        type(data) is dict and data.keys() == {"from", "to", "names"} and type(data["from"]) is dt.date and type(data["to"]) is dt.date
        and type(data["names"]) is list and len(data["names"]) >= 1 and all(_words(n) for n in data["names"])
    )


def _talk_view(talk: dict) -> SimpleNamespace:
    """A talk's values as log_rules reads a Talk."""
    names = [p if type(p) is str else p["name"] for p in talk["presenters"]]
    return SimpleNamespace(
        date=talk["date"], start=talk.get("start"), end=talk.get("end"), kind=talk.get("kind", "paper-talk"), papers=talk.get("papers", []),
        title=talk.get("title"), presenter_names=names,
    )


def accept_talks(data: Any, papers: list[dict]) -> tuple[list[dict], list[dict]] | None:
    """(talks, leaders) of a talks file's values (from parse_typed) that are certainly valid and need no advice for
    ``papers``, each talk naming its papers by list id; None when not sure."""
    if data is None:
        return [], []
    if type(data) is not dict or not data.keys() <= {"talks", "leaders"}:
        return None
    talks, leaders = (data[key] if data.get(key) is not None else [] for key in ("talks", "leaders"))  # null: none (0 or '': a problem)
    if type(talks) is not list or type(leaders) is not list or not all(map(_accept_talk, talks)) or not all(map(_accept_term, leaders)):
        return None
    ids = {paper["id"]: None for paper in papers}
    by_arxiv = {paper["arxiv"]: paper["id"] for paper in papers if paper.get("arxiv")}
    stand_in = _NoPositions()  # a warning (an arXiv id where the list id belongs) is located by the exact path too
    terms = [(i, SimpleNamespace(from_=t["from"], to=t["to"], names=t["names"])) for i, t in enumerate(leaders)]
    log_rules(stand_in, list(enumerate(map(_talk_view, talks))), terms, ids, by_arxiv)
    return None if stand_in.found else (talks, leaders)


def accept_dismissed(data: Any, papers: list[dict]) -> list[dict] | None:
    """The entries of a dismissed file's values (from parse_typed) that are certainly valid beside ``papers``; None when not sure."""
    if data is None:
        return []
    if type(data) is not dict or not data.keys() <= {"dismissed"}:
        return None
    entries = data.get("dismissed", [])
    if type(entries) is not list or not all(
        type(e) is dict and {"arxiv", "date"} <= e.keys() <= {"arxiv", "date", "reason"} and type(e["arxiv"]) is str and e["arxiv"] == e["arxiv"].strip()
        and arxiv_id_problem(e["arxiv"]) is None and type(e["date"]) is dt.date and _words_or_none(e.get("reason"))
        for e in entries
    ):
        return None
    stand_in = _NoPositions()
    dismissed_problems([_Entry(e) for e in entries], {p["arxiv"]: p["id"] for p in papers if p.get("arxiv")}, stand_in)
    return None if stand_in.found else entries


def _regular_bytes(path: Path) -> bytes | None:
    """The bytes of ``path`` when it is a regular file (a link to one too) that reads; else None, and the exact path
    reads it and words what it finds. A FIFO or a device is not read here at all: a second read by the exact path would
    take another 256 MiB of /dev/zero, or find a FIFO's one message taken by this first one."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        return read_bounded(path)
    except (OSError, TooLarge):  # the exact path words it
        return None


def _read(path: Path) -> Any:
    raw = _regular_bytes(path)
    return UNSURE if raw is None else parse(raw)


def _read_typed(path: Path) -> Any:
    raw = _regular_bytes(path)
    return UNSURE if raw is None else parse_typed(raw)


def accept_papers_text(raw: bytes, taxonomy: Taxonomy, trusted: int = 0, list_key: str | None = None) -> list[dict] | None:
    """The entries of a papers.yaml text that is certainly valid against ``taxonomy``; else None.

    ``trusted``: how many leading entries are known valid already (text appended
    to a valid file); the rules across entries still see them all. ``list_key``:
    the list whose entries accepted before (known_entries) need no reading again.
    """
    text = _decode(raw)
    if text is None:
        return None
    last = last_year()
    papers = _accept_by_entries(raw, text, list_key, last) if not trusted else None
    if papers is None:
        papers = _papers_of(_parse_text(text))
        checks = file_checks(last)
        if papers is None or not accept_papers(papers[trusted:], FIRST_YEAR, last, checks):
            return None
    return papers if _across_entries_fine(papers, taxonomy) else None


def _across_entries_fine(papers: list[dict], taxonomy: Taxonomy) -> bool:
    """True when rules.paper_problems finds nothing: in bulk for the usual list, where nothing repeats."""
    tags = [e["tags"] for e in papers]
    titles = [t for t in (normalise_title(e["title"]) for e in papers) if t]
    arxiv = [a for a in (e.get("arxiv") for e in papers) if a]
    doi = [d.lower() for d in (e.get("doi") for e in papers) if d]
    ids = [e["id"] for e in papers]
    if (
        set().union(*tags) <= taxonomy.by_slug.keys()
        and all(len(set(t)) == len(t) for t in tags)
        and all(len(set(values)) == len(values) for values in (ids, arxiv, doi, titles))
    ):
        return True
    stand_in = _NoPositions()
    paper_problems([(i, _Entry(e)) for i, e in enumerate(papers)], taxonomy, stand_in)
    return not stand_in.found


def accept_appended(old: bytes, new: bytes, papers: list, taxonomy: Taxonomy) -> bool:
    """True when ``new`` is ``old`` (a valid file, whose entries are ``papers``) with valid entries appended.

    Only the appended text is parsed; the rules across entries see the old
    entries as they were loaded, so adding to a large list reads it once.
    """
    if not new.startswith(old) or not old.endswith(b"\n") or not new.endswith(b"\n"):
        return False
    old_text, new_text = _decode(old), _decode(new)
    prefix = entry_prefix(old_text) if old_text is not None and new_text is not None else None
    added_text = new_text[len(old_text):] if prefix is not None else ""
    if prefix is None or not added_text.lstrip("\r\n").startswith(prefix) or entry_prefix("papers:\n" + added_text) != prefix:
        return False  # only the plain shape says where the old text ends: after '...', say, entries are no longer in the list
    added = parse(b"papers:\n" + new[len(old):])
    if type(added) is not dict or added.keys() != {"papers"} or type(added["papers"]) is not list or not added["papers"]:
        return False
    last = last_year()
    if not all(accept_paper(entry, FIRST_YEAR, last) for entry in added["papers"]):
        return False
    entries = [(i, paper) for i, paper in enumerate(papers)] + [(len(papers) + i, _Entry(e)) for i, e in enumerate(added["papers"])]
    stand_in = _NoPositions()
    paper_problems(entries, taxonomy, stand_in)
    return not stand_in.found


@contextmanager
def gc_paused() -> Iterator[None]:
    """Loading builds many objects that all live until the command ends: collecting meanwhile is wasted work
    (0.1 s at 10,000 papers, 0.4 s at 50,000). Afterwards they are frozen, so later collections skip them; not
    after a load that failed, whose garbage (a traceback holding what it read: 256 MiB of a file linked to
    /dev/zero) would then be kept for good by a process that goes on, as a library's caller or a test does."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was:
            gc.enable()


def accept_list(root: Path) -> QuickList | None:
    """The list at ``root`` when it is certainly valid; None when only the exact path can tell."""
    taxonomy_data = _read(root / TAXONOMY_FILE)
    if type(taxonomy_data) is not dict or taxonomy_data.keys() != {"taxonomy"} or type(taxonomy_data["taxonomy"]) is not list:
        return None
    roots = [_node(n) for n in taxonomy_data["taxonomy"]]
    if any(r is None for r in roots):
        return None
    stand_in = _NoPositions()
    taxonomy_problems(roots, stand_in)
    if stand_in.found:
        return None
    taxonomy = Taxonomy(roots)
    optional = {}
    for name, path, accept in (("page", PAGE_FILE, _accept_page), ("metrics", METRICS_FILE, _accept_metrics)):
        if (root / path).exists():
            data = _read(root / path)
            if data is UNSURE or not accept(data):
                return None
            optional[name] = data
    raw = _regular_bytes(root / PAPERS_FILE)
    if raw is None:
        return None
    try:
        papers = accept_papers_text(raw, taxonomy, list_key=str(root.resolve()))
    except OSError:
        return None
    if papers is None:
        return None
    quick = QuickList(taxonomy, papers, optional.get("page"), optional.get("metrics"))
    if (root / TALKS_FILE).exists():
        talks = accept_talks(_read_typed(root / TALKS_FILE), papers)
        if talks is None:
            return None
        quick.talks, quick.leaders = talks
    if (root / DISMISSED_FILE).exists():
        dismissed = accept_dismissed(_read_typed(root / DISMISSED_FILE), papers)
        if dismissed is None:
            return None
        quick.dismissed = dismissed
    return quick
