"""Code repositories: found in an abstract or comment ("code is available at https://github.com/…"), and named by a link.

Authors write the link in many shapes: with or without ``https://`` or ``www.``,
ending in ``.git``, a full stop or a closing bracket, pointing into the
repository (``/tree/main/sub``), or broken over two lines of the abstract as
arXiv's Atom summary keeps them. Each becomes the repository's own address,
``https://github.com/OWNER/REPO`` (or a GitLab project's), so one repository is
one link however it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Found", "find_repositories", "choose_code", "canonical_repository", "github_repository"]

_START = re.compile(r"(?<![\w.@-])(?:https?://)?(?:www\.)?(github\.com|gitlab\.com)/", re.I)
_URL_CHAR = re.compile(r"[A-Za-z0-9._~\-/%#?=&+]")
_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")
_TRAILING = ".,;:!?'-_~/"
_GITHUB_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
#: GitHub paths that are pages of the site, not accounts.
_NOT_OWNERS = {
    "about", "apps", "collections", "contact", "customer-stories", "enterprise", "events", "explore", "features",
    "login", "marketplace", "new", "notifications", "orgs", "pricing", "search", "settings", "site", "sponsors",
    "topics", "trending", "users",
}
#: Segments of an older GitLab link inside a project (newer ones pass through '/-/').
_GITLAB_INSIDE = {"tree", "blob", "raw", "issues", "merge_requests", "wikis", "commits", "releases", "tags"}
#: Words before a link that say it is the paper's own code.
_CUE = re.compile(r"\b(?:code|codes|implementation|implementations|source|available|availability|released?|repository|repo|open[- ]sourced?|github|gitlab)\b", re.I)


@dataclass(frozen=True)
class Found:
    """A repository named in text, and whether the words before it say it is code ('code is available at')."""

    url: str
    cued: bool


def _scan(text: str, start: int) -> tuple[str, int]:
    """The link's characters from ``start``; a line break inside it is crossed while the link is plainly unfinished."""
    out, i = [], start
    while i < len(text):
        if _URL_CHAR.match(text, i):
            out.append(text[i])
            i += 1
            continue
        brk = _BREAK.match(text, i)
        if brk and brk.end() < len(text) and _URL_CHAR.match(text, brk.end()):
            so_far = "".join(out)
            unfinished = len([s for s in so_far.split("/") if s]) < 2 or so_far[-1:] in "/-_."
            if unfinished:
                i = brk.end()
                continue
        break
    return "".join(out), i


def canonical_repository(url: str) -> str | None:
    """``https://github.com/OWNER/REPO`` (or a GitLab project's address) for a link into a repository, else None."""
    text = url.strip()
    if not re.match(r"^https?://", text, re.I):
        text = "https://" + text
    parts = urlsplit(text)
    host = parts.netloc.lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    while segments and segments[-1].rstrip(_TRAILING) != segments[-1]:
        trimmed = segments[-1].rstrip(_TRAILING)
        segments = segments[:-1] + ([trimmed] if trimmed else [])
    if host == "github.com":
        if len(segments) < 2 or segments[0].lower() in _NOT_OWNERS or not _GITHUB_OWNER.match(segments[0]):
            return None
        repo = re.sub(r"\.git$", "", segments[1], flags=re.I)
        if not _NAME.match(repo) or repo in (".", ".."):
            return None
        return f"https://github.com/{segments[0]}/{repo}"
    if host == "gitlab.com":
        project: list[str] = []
        for segment in segments:
            if segment == "-" or (len(project) >= 2 and segment in _GITLAB_INSIDE):
                break
            project.append(segment)
        if project:
            project[-1] = re.sub(r"\.git$", "", project[-1], flags=re.I)
        if len(project) < 2 or not all(_NAME.match(s) for s in project):
            return None
        return "https://gitlab.com/" + "/".join(project)
    return None


def github_repository(url: str | None) -> str | None:
    """'OWNER/REPO' of a GitHub repository link, else None."""
    found = canonical_repository(url) if url else None
    return found.removeprefix("https://github.com/") if found and found.startswith("https://github.com/") else None


def find_repositories(text: str | None) -> list[Found]:
    """Every repository ``text`` names, in order, once each (GitHub names are case-insensitive)."""
    found: dict[str, Found] = {}
    text = text or ""
    for match in _START.finditer(text):
        link, _ = _scan(text, match.end())
        url = canonical_repository(f"{match[1]}/{link}")
        if url is None:
            continue
        before = text[max(0, match.start() - 120) : match.start()]
        sentence = re.split(r"[.!?]\s", before)[-1]
        cued = bool(_CUE.search(sentence))
        key = url.lower()
        if key not in found or (cued and not found[key].cued):
            found[key] = Found(found[key].url if key in found else url, cued)
    return list(found.values())


def choose_code(*texts: str | None) -> tuple[str | None, list[str]]:
    """The paper's code link from its texts (abstract, comment), and every repository they name.

    One repository named: it. Several: the one the words before it call code,
    when exactly one is; otherwise none, and the candidates say why.
    """
    found: dict[str, Found] = {}
    for text in texts:
        for item in find_repositories(text):
            key = item.url.lower()
            if key not in found or (item.cued and not found[key].cued):
                found[key] = Found(found[key].url if key in found else item.url, item.cued or (key in found and found[key].cued))
    urls = [f.url for f in found.values()]
    if len(urls) == 1:
        return urls[0], urls
    cued = [f.url for f in found.values() if f.cued]
    return (cued[0] if len(cued) == 1 else None), urls
