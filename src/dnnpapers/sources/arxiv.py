"""arXiv's export API: ids in any common form, batched lookups, title search, Atom parsed defensively.

The API answers in relevance order (not id_list order), returns nothing for a
well-formed id it does not know, a 400 "Error" feed for a malformed one, and
has used two feed formats (legacy: folded titles, per-element namespaces).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from dnnpapers.errors import DnnpapersError
from dnnpapers.model.fields import arxiv_id_problem, bare_arxiv_id
from dnnpapers.model.repositories import choose_code
from dnnpapers.sources.http import Answer, Http, ServiceError, env_float, env_url

__all__ = ["ArxivRecord", "parse_id", "find_id", "parse_feed", "fetch", "search_title", "search_title_words", "search_window", "BATCH", "base_url"]

SERVICE = "arXiv"
BATCH = 100
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"

# An id written in text: an abs or pdf link (with a version, '.pdf', 'www.' or 'export.') or 'arXiv:' and the id.
_ID_FORMS = r"(\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_ID_IN_TEXT = re.compile(r"arxiv\.org/(?:abs|pdf)/" + _ID_FORMS + r"(?![\d])|arXiv:\s*" + _ID_FORMS + r"(?![\d])", re.I)
_COUNT = re.compile(r"[0-9]{1,12}")  # ASCII digits only: '²' is a digit to str.isdigit, not to int()
_ENTRY_ID = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")


def base_url() -> str:
    return env_url("DNNPAPERS_ARXIV_URL", "https://export.arxiv.org/api/query")


@dataclass(frozen=True)
class ArxivRecord:
    """One paper as arXiv describes its latest version."""

    arxiv_id: str
    version: int | None
    title: str
    authors: tuple[str, ...]
    abstract: str
    published: dt.date
    doi: str | None = None
    journal_ref: str | None = None
    comment: str | None = None
    #: the code link its abstract or comment names (``model.repositories.choose_code``), and every repository they name
    code: str | None = None
    repositories: tuple[str, ...] = ()


def parse_id(text: str) -> str:
    """The bare id (no version) of ``2102.04906v2``, ``arXiv:2102.04906``, an abs or pdf URL, ``cs/0112017``."""
    bare = bare_arxiv_id(text)
    problem = arxiv_id_problem(bare)
    if problem:
        said = problem if problem.startswith(repr(bare)) and bare == text.strip() else f"{text!r}: {problem}"
        raise DnnpapersError(said)
    return bare


def find_id(text: str | None) -> str | None:
    """The first arXiv id named in ``text`` in any form ``parse_id`` takes, without its version."""
    for match in _ID_IN_TEXT.finditer(text or ""):
        candidate = match[1] or match[2]
        if arxiv_id_problem(candidate) is None:
            return candidate
    return None


def _text(element: Element | None) -> str:
    """Element text with whitespace normalised (the legacy format folds lines)."""
    return " ".join((element.text or "").split()) if element is not None else ""


def parse_feed(body: str) -> tuple[list[ArxivRecord], int | None]:
    """The papers in an Atom answer and its totalResults; ServiceError for anything that is not a usable feed."""
    stripped = body.lstrip()
    if not stripped:
        raise ServiceError(f"{SERVICE}: empty answer")
    if stripped[:15].lower().startswith(("<!doctype html", "<html")):
        raise ServiceError(f"{SERVICE}: answered with an HTML page instead of an Atom feed (service trouble?)")
    try:
        root = SafeET.fromstring(body.encode("utf-8"))
    except DefusedXmlException:
        raise ServiceError(f"{SERVICE}: refused an answer with XML entities or DTDs (unsafe XML)") from None
    except ParseError as exc:
        raise ServiceError(f"{SERVICE}: the answer is not well-formed XML, probably cut short ({exc})") from None
    if root.tag != f"{ATOM}feed":
        raise ServiceError(f"{SERVICE}: expected an Atom feed, got <{root.tag}>")
    total_text = _text(root.find(f"{OPENSEARCH}totalResults"))
    total = None
    if total_text:
        if not _COUNT.fullmatch(total_text):
            raise ServiceError(f"{SERVICE}: the answer's totalResults is not a count ({total_text[:20]!r})")
        total = int(total_text)
    records = []
    for entry in root.findall(f"{ATOM}entry"):
        entry_id = _text(entry.find(f"{ATOM}id"))
        title = _text(entry.find(f"{ATOM}title"))
        if "/api/errors" in entry_id or title == "Error":
            raise ServiceError(f"{SERVICE}: {_text(entry.find(f'{ATOM}summary')) or 'error'}")
        match = _ENTRY_ID.search(entry_id)
        if not match:
            raise ServiceError(f"{SERVICE}: an entry has no arXiv id ({entry_id!r})")
        published = _text(entry.find(f"{ATOM}published"))
        try:
            day = dt.date.fromisoformat(published[:10])
        except ValueError:
            raise ServiceError(f"{SERVICE}: entry {match['id']} has no valid publication date ({published!r})") from None
        authors = tuple(_text(a.find(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author"))
        if not title or not any(authors):
            raise ServiceError(f"{SERVICE}: entry {match['id']} has no title or no authors")
        abstract, comment = _text(entry.find(f"{ATOM}summary")), _text(entry.find(f"{ARXIV}comment")) or None
        # the raw summary: a link that the Atom text breaks over two lines is joined there, not by _text's spaces
        code, named = choose_code((entry.findtext(f"{ATOM}summary") or ""), comment)
        records.append(
            ArxivRecord(
                arxiv_id=match["id"],
                version=int(match["version"]) if match["version"] else None,
                title=title,
                authors=tuple(a for a in authors if a),
                abstract=abstract,
                published=day,
                doi=_text(entry.find(f"{ARXIV}doi")) or None,
                journal_ref=_text(entry.find(f"{ARXIV}journal_ref")) or None,
                comment=comment,
                code=code,
                repositories=tuple(named),
            )
        )
    return records, total


def _query(http: Http, params: dict[str, str]) -> list[ArxivRecord]:
    return _query_page(http, params)[0]


def _query_page(http: Http, params: dict[str, str]) -> tuple[list[ArxivRecord], int | None]:
    return http.request(SERVICE, "GET", base_url(), params=params, min_interval=env_float("DNNPAPERS_ARXIV_DELAY", 3.0), read=_read_page)


def _read_page(answer: Answer) -> tuple[list[ArxivRecord], int | None]:
    if answer.status == 200 or (answer.status == 400 and "<feed" in answer.text[:2000]):
        records, total = parse_feed(answer.text)
        if answer.status == 400:
            raise ServiceError(f"{SERVICE}: HTTP 400 (bad request)")
        return records, total
    if answer.status == 429:
        raise ServiceError(f"{SERVICE}: rate limited (HTTP 429) after retries; try again later")
    raise ServiceError(f"{SERVICE}: HTTP {answer.status}")


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fetch(http: Http, ids: Iterable[str], on_batch=None) -> dict[str, ArxivRecord]:
    """Records for the bare ids arXiv knows, one request per BATCH ids; unknown ids are absent."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, ArxivRecord] = {}
    for chunk in _chunks(wanted, BATCH):
        for record in _query(http, {"id_list": ",".join(chunk), "max_results": str(len(chunk))}):
            if record.arxiv_id in chunk:
                found[record.arxiv_id] = record
        if on_batch:
            on_batch(len(chunk))
    return found


def search_title(http: Http, title: str, max_results: int = 10) -> list[ArxivRecord]:
    """Candidates for a title (arXiv ``ti:`` search); the caller decides what matches."""
    words = re.sub(r"[^\w\s-]", " ", title).split()
    if not words:
        raise DnnpapersError(f"{title!r} has no words to search for")
    query = "ti:\"" + " ".join(words) + "\""
    return _query(http, {"search_query": query, "max_results": str(max_results), "start": "0"})


_STOP = {"a", "an", "the", "of", "for", "in", "on", "to", "and", "with", "via", "by", "from", "is", "are", "at", "as"}


def search_title_words(http: Http, title: str, max_results: int = 20) -> list[ArxivRecord]:
    """Candidates sharing any of the title's words (a looser search, for titles that changed)."""
    words = [w for w in re.sub(r"[^\w\s-]", " ", title).split() if w.lower() not in _STOP][:8]
    if not words:
        return []
    query = " OR ".join(f"ti:{w}" for w in words)
    return _query(http, {"search_query": query, "max_results": str(max_results), "start": "0"})


#: arXiv answers at most 2,000 entries a request and 30,000 for one query.
PAGE, MOST = 2000, 30000


def search_window(
    http: Http, categories: Iterable[str], since: dt.date, until: dt.date, on_page=None, page: int = PAGE
) -> list[ArxivRecord]:
    """Every paper submitted from ``since`` to ``until`` (inclusive) in ``categories``, newest first, 2,000 a request."""
    cats = " OR ".join(f"cat:{c}" for c in categories)
    window = f"submittedDate:[{since:%Y%m%d}0000 TO {until:%Y%m%d}2359]"
    query = f"({cats}) AND {window}" if cats else window
    found: dict[str, ArxivRecord] = {}
    start = 0
    while start < MOST:
        params = {"search_query": query, "sortBy": "submittedDate", "sortOrder": "descending", "start": str(start), "max_results": str(page)}
        records, total = _query_page(http, params)
        for record in records:
            found.setdefault(record.arxiv_id, record)
        if on_page:
            on_page(len(records), total)
        start += page
        if not records or total is None or start >= total:
            break
    return list(found.values())
