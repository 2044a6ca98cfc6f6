"""Publishing into a Jekyll site (GitHub Pages, where a group's website often is): its pages, data, files and posts.

One way only: render writes the site's copies of the list's outputs and never reads
anything back. The site is someone else's folder, so render owns there only what its
manifest (``.dnnpapers-manifest.json``, a dotfile Jekyll does not publish) names: a file
in the way that the manifest does not name is refused, never replaced, and a file it
names that render no longer makes is removed. Paths are confined to the site's folder
as the list's own are to the list (a symlink in it leading out is refused).

What the site gets, under ``path`` (default ``papers``):

- the materials and talks pages (and topic pages of a split list) as Markdown with front
  matter (layout, title, permalink, lang): ``/papers/``, ``/papers/zh/``, ``/papers/talks/``,
  ``/papers/zh/talks/``, ``/papers/materials/SLUG/``; their links rewritten to those permalinks,
  relative, so a site served under a base URL works too;
- the chart and the calendar as static files, the searchable page at ``/papers/search/``;
- ``_data/papers.json`` and ``_data/talks.json`` (shapes in the README), for a site's own loops;
- with ``posts``, each talk with notes as ``_posts/YYYY-MM-DD-slug.md`` (``categories: [LectureNotes]``).

Liquid reads every page before Markdown does. Text from the data is brace-free already
(``markdown.text`` writes braces as character references); each body is also wrapped in
``{% raw %}`` and any ``{%``/``{{`` a list's own template wrote is made a reference first, so
nothing in a body can end the raw block or start a tag.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dnnpapers.access.plainlist import PaperList
from dnnpapers.errors import DnnpapersError
from dnnpapers.model.fields import TALK_KINDS
from dnnpapers.model.talks import presenter_label, talk_title
from dnnpapers.outputs.export import paper_entries
from dnnpapers.outputs.markdown import anchor as heading_anchor, plain, text, url
from dnnpapers.storage.files import TooLarge, confine, read_bounded
from dnnpapers.storage.layout import leftover_temps

if TYPE_CHECKING:
    from dnnpapers.model.models import Talk

# (A render of a list that publishes to no site asks only target_of: the talks pages' strings, PyYAML's quoting
# rules and the tz database are imported where a site's files are made.)

__all__ = ["Target", "Plan", "target_of", "site_files", "plan", "manifest", "MANIFEST", "PAPERS_DATA", "TALKS_DATA", "CATEGORY"]

MANIFEST = ".dnnpapers-manifest.json"
PAPERS_DATA = "_data/papers.json"
TALKS_DATA = "_data/talks.json"
#: The group's category for talk write-ups (its posts carry ``categories: [LectureNotes]``).
CATEGORY = "LectureNotes"
_GENERATOR = "dnnpapers"
#: The list's outputs (relative to the list) that the site gets as static files, and where under ``path``.
_STATIC = {
    "generated/papers-per-year.svg": "papers-per-year.svg",
    "generated/papers-per-year.zh.svg": "papers-per-year.zh.svg",
    "generated/talks.ics": "talks.ics",
    "generated/site/index.html": "search/index.html",
    "generated/site/index.zh.html": "search/index.zh.html",
}


@dataclass(frozen=True)
class Target:
    """A Jekyll site to write into: its folder, how messages name it, and data/page.yaml's ``jekyll`` settings."""

    folder: Path
    shown: str
    path: str = "papers"
    layout: str = "page"
    posts: bool = False

    def name(self, relative: str) -> str:
        """A site file as messages and reports name it (``../site/papers/talks.md``)."""
        return posixpath.join(self.shown, relative)


def target_of(paper_list: PaperList, folder: Path | None = None) -> Target | None:
    """The site render writes into: ``folder`` (``render --jekyll``) or data/page.yaml's ``jekyll.dir``; None for neither.

    The folder must exist: a mistyped path would otherwise grow a new site somewhere.
    """
    settings = paper_list.page.jekyll
    if folder is None and settings is None:
        return None
    if folder is not None:
        where, shown = Path(folder), str(folder)
    else:
        where, shown = Path(os.path.normpath(paper_list.root / settings.dir)), settings.dir  # '../site' named without 'list/..' in messages
    if not where.is_dir():
        said = "render --jekyll" if folder is not None else "jekyll.dir in data/page.yaml"
        raise DnnpapersError(f"{shown}: no such folder (the Jekyll site's, from {said}); create the site first or fix the path")
    if settings is None:
        return Target(where, shown)
    return Target(where, shown, settings.path, settings.layout, settings.posts)


# --- the files ------------------------------------------------------------------------------------------------------


def _page_url(name: str, path: str) -> str:
    """A generated page's permalink: 'materials.md' → '/papers/', 'talks.zh.md' → '/papers/zh/talks/',
    'materials/early-exit.md' → '/papers/materials/early-exit/'."""
    stem = name.removesuffix(".md")
    zh = stem.endswith(".zh")
    stem = stem.removesuffix(".zh")
    parts = [path, *(["zh"] if zh else []), *([] if stem == "materials" else [stem])]
    return "/" + "/".join(parts) + "/"


def _relative(target: str, here: str) -> str:
    """``target`` (a site URL) as a link from the page at ``here`` (a folder URL): relative, so a base URL does not matter."""
    rel = posixpath.relpath(target, here)
    if target.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


# A Markdown link's or image's target; ``\\*`` counts the backslashes before the bracket (an odd count: text's escaped ']').
_LINK_TARGET = re.compile(r"(\\*)\]\(([^()\s]*)\)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _relink(body: str, name: str, urls: dict[str, str]) -> str:
    """The page ``name``'s links to the other outputs (relative to generated/), pointed at their URLs in the site."""
    here = urls[name]

    def repoint(m: re.Match) -> str:
        slashes, target = m[1], m[2]
        if len(slashes) % 2 or not target or target.startswith(("#", "/")) or _SCHEME.match(target):
            return m[0]
        path, hash_, fragment = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
        if resolved not in urls:
            return m[0]
        where = urls[resolved]
        new = f"#{fragment}" if where == here and hash_ else _relative(where, here) + hash_ + fragment
        return f"{slashes}]({new})"

    return _LINK_TARGET.sub(repoint, body)


def _liquid_safe(body: str) -> str:
    """``body`` as Liquid passes it on unchanged: raw, with nothing inside that could end the raw block."""
    body = _OPENER.sub("&#123;", body)
    return "{% raw %}\n" + body + ("" if body.endswith("\n") else "\n") + "{% endraw %}\n"  # a last '{' would open '{{% endraw'


_OPENER = re.compile(r"\{(?=[{%])")


def _front_matter(fields: dict[str, object]) -> str:
    from dnnpapers.storage.store import format_scalar

    lines = []
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}: [{', '.join(format_scalar(item, flow=True) for item in value)}]")
        else:
            lines.append(f"{key}: {format_scalar(value)}")
    return "---\n" + "\n".join(lines) + "\n---\n"


def _page(markdown: str, title: str, permalink: str, lang: str, layout: str, name: str, urls: dict[str, str]) -> bytes:
    """A page with front matter; its first heading becomes the title (the layout shows it; its anchor stays, which
    a topic page's breadcrumbs link to), its links the site's."""
    first, _, rest = markdown.partition("\n")
    if first.startswith("# "):
        title = plain(first[2:].strip())
        markdown = f'<a id="{heading_anchor(title)}"></a>\n' + rest
    head = _front_matter({"layout": layout, "title": title, "permalink": permalink, "lang": lang})
    return (head + _liquid_safe(_relink(markdown, name, urls))).encode("utf-8")


def site_files(paper_list: PaperList, outputs: dict[str, bytes], paper_href: dict[str, dict[str, str]], target: Target) -> dict[str, bytes]:
    """Every file the site gets (relative to its folder), from the list's ``outputs`` (relative to the list), the same bytes for the same data.

    ``paper_href``: per language, each paper's row relative to generated/ ('materials.md#id').
    """
    base = target.path
    pages = sorted(name.removeprefix("generated/") for name in outputs if name.startswith("generated/") and name.endswith(".md"))
    urls = {name: _page_url(name, base) for name in pages}
    statics = {source: f"{base}/{dest}" for source, dest in _STATIC.items() if source in outputs}
    urls.update({source.removeprefix("generated/"): f"/{dest}" for source, dest in statics.items()})
    from dnnpapers.outputs.talkpage import STRINGS as TALK_STRINGS

    page = paper_list.page
    titles = {"materials.md": page.title, "materials.zh.md": page.title_zh,
              "talks.md": str(TALK_STRINGS["en"]["title"]), "talks.zh.md": str(TALK_STRINGS["zh"]["title"])}
    files: dict[str, bytes] = {}
    for name in pages:
        lang = "zh" if name.endswith(".zh.md") else "en"
        markdown = outputs[f"generated/{name}"].decode("utf-8")
        files[f"{base}/{name}"] = _page(markdown, titles.get(name, page.title if lang == "en" else page.title_zh), urls[name], lang, target.layout, name, urls)
    for source, dest in statics.items():
        files[dest] = outputs[source]

    def site_url(href: str) -> str:  # 'materials.md#id' → '/papers/#id'
        path, _, fragment = href.partition("#")
        return urls[path] + (f"#{fragment}" if fragment else "")

    papers = {p.id: p for p in paper_list.papers}
    talks = paper_list.talks.in_order() if paper_list.talks.talks else []
    talks_page = urls.get("talks.md")
    posts = _posts(paper_list, talks, {pid: site_url(href) for pid, href in paper_href["en"].items()}, talks_page) if target.posts and talks_page else {}
    post_of = {anchor: name for name, (anchor, _) in posts.items()}
    on_papers = paper_list.talks.on_papers()
    entries = paper_entries(paper_list)
    for entry in entries:
        entry["url"] = site_url(paper_href["en"][entry["id"]])
        entry["url_zh"] = site_url(paper_href["zh"][entry["id"]])
        entry["talks"] = [anchor for _, anchor in on_papers.get(entry["id"], [])]
    files[PAPERS_DATA] = _json(entries)
    if talks_page:
        files[TALKS_DATA] = _json([_talk_entry(talk, anchor, papers, talks_page, post_of.get(anchor)) for talk, anchor in talks])
    files.update({name: data for name, (_, data) in posts.items()})
    return files


def _json(items: list[dict]) -> bytes:
    """A JSON list, one item a line (readable diffs in the site's history)."""
    if not items:
        return b"[]\n"
    return ("[\n" + ",\n".join("  " + json.dumps(item, ensure_ascii=False, sort_keys=True) for item in items) + "\n]\n").encode("utf-8")


def _given(record) -> dict:
    """A presenter's or a talk's links' fields that are given (a model's or a plain record's: _json sorts the keys)."""
    return {name: value for name, value in vars(record).items() if value is not None}


def _talk_entry(talk: Talk, anchor: str, papers: dict, talks_page: str, post: str | None) -> dict:
    """One talk for ``_data/talks.json``: its fields as in talks.yaml (none left empty), resolved for a page to show."""
    entry = {
        "anchor": anchor,
        "url": f"{talks_page}#{anchor}",
        "date": talk.date.isoformat(),
        "start": talk.start,
        "end": talk.end,
        "kind": talk.kind,
        "kind_en": TALK_KINDS[talk.kind][0],
        "kind_zh": TALK_KINDS[talk.kind][1],
        "title": talk_title(talk, papers),
        "presenters": [_given(p) for p in talk.presenters],
        "papers": list(talk.papers),
        "event": talk.event,
        "place": talk.place,
        "links": _given(talk.links),
        "notes": talk.notes,
        "post": post,
    }
    return entry


# --- posts -----------------------------------------------------------------------------------------------------------


def _has_notes(talk: Talk) -> bool:
    return bool(talk.notes or talk.links.notes)


_WORD = re.compile(r"[A-Za-z0-9]+")


def _posts(paper_list: PaperList, talks: list[tuple[Talk, str]], rows: dict[str, str], talks_page: str) -> dict[str, tuple[str, bytes]]:
    """``_posts/DATE-slug.md`` → (the talk's anchor, the post) for each talk with notes, in date order.

    ``rows``: each paper's row in the site ('/papers/#id'). A post's own URL is the site's
    choice (its permalink style), so its links to the pages start from the site's base URL.
    """
    from zoneinfo import ZoneInfo

    from dnnpapers.outputs.talkpage import STRINGS as TALK_STRINGS

    papers = {p.id: p for p in paper_list.papers}
    timezone = paper_list.page.timezone
    t = TALK_STRINGS["en"]
    taken: set[str] = set()
    posts = {}
    for talk, anchor in talks:
        if not _has_notes(talk):
            continue
        title = talk_title(talk, papers)
        slug = "-".join(_WORD.findall(title.lower())[:8]) or "talk"
        name, n = f"_posts/{talk.date.isoformat()}-{slug}.md", 1
        while name in taken:
            n += 1
            name = f"_posts/{talk.date.isoformat()}-{slug}-{n}.md"
        taken.add(name)
        if talk.start:
            start = dt.datetime.combine(talk.date, dt.time.fromisoformat(talk.start), ZoneInfo(timezone))
            date = start.strftime("%Y-%m-%d %H:%M:%S %z")
        else:
            date = talk.date.isoformat()
        head = _front_matter({"layout": "post", "title": title, "date": date, "categories": [CATEGORY]})

        def site(link_url: str) -> str:  # a link to a page of ours: the site's base URL, then our path (Liquid, outside raw)
            return "{{ site.baseurl }}" + url(link_url)

        lines = [f"**{text(TALK_KINDS[talk.kind][0])}** · {text(talk.date.isoformat())}" + (f" {text(talk.span)} ({text(timezone)})" if talk.span else ""),
                 ", ".join(text(presenter_label(p)) for p in talk.presenters)]
        if talk.event:
            lines.append(text(talk.event))
        if talk.papers:
            lines.append("📄 " + " · ".join(f"[{text(papers[pid].title)}]({site(rows[pid])})" for pid in talk.papers))
        if talk.notes:
            lines.append(text(talk.notes))
        links = [f"[{text(t[name])}]({url(getattr(talk.links, name))})" for name in ("notes", "slides", "video", "recording") if getattr(talk.links, name)]
        if links:
            lines.append(" · ".join(links))
        lines.append(f"[{text(t['all_link'])}]({site(talks_page + '#' + anchor)})")
        posts[name] = (anchor, (head + "\n" + "\n\n".join(lines) + "\n").encode("utf-8"))
    return posts


# --- what to write, what to remove -------------------------------------------------------------------------------------


@dataclass
class Plan:
    """What render changes in the site: files whose bytes differ, its own files no longer made, staged writes a killed run left."""

    target: Target
    outputs: list[str] = field(default_factory=list)  # every file it makes there, relative to the folder
    changed: dict[Path, bytes] = field(default_factory=dict)
    gone: list[Path] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)

    def names(self, paths) -> list[str]:
        return [self.target.name(Path(os.path.relpath(p, self.target.folder)).as_posix()) for p in paths]


def _owned(target: Target) -> set[str]:
    """The files the manifest says render wrote (none when there is no manifest); a manifest not render's is refused."""
    path = target.folder / MANIFEST
    shown = target.name(MANIFEST)
    try:
        raw = read_bounded(path, shown)
    except FileNotFoundError:
        return set()
    except (OSError, TooLarge) as exc:
        raise DnnpapersError(f"{shown}: cannot read it ({exc}); nothing was changed") from None
    try:
        data = json.loads(raw)
        files = data["files"] if data.get("generator") == _GENERATOR else None
    except (ValueError, UnicodeDecodeError, AttributeError, KeyError, TypeError):
        files = None
    if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
        raise DnnpapersError(f"{shown}: not the manifest dnnpapers keeps (the list of the files it wrote); move it away; nothing was changed")
    # Only plain paths inside the folder: a name leading up or out is no file of ours, whatever the manifest says.
    return {name for name in files if name == posixpath.normpath(name) and not name.startswith(("/", "../")) and name not in ("..", ".", MANIFEST)}


def manifest(names) -> bytes:
    return (json.dumps({"generator": _GENERATOR, "files": sorted(names)}, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def plan(files: dict[str, bytes], target: Target) -> Plan:
    """What writing ``files`` (relative to the site's folder) changes there; refused (nothing written) when a path
    leads out of the folder or a file in the way is not render's own."""
    folder = target.folder
    owned = _owned(target)
    wanted = {**files, MANIFEST: manifest(files)}
    where = f"the Jekyll site {target.shown}"
    confine(folder, [folder / name for name in [*wanted, *owned]], where)
    result = Plan(target, list(wanted))
    for name, data in wanted.items():
        path = folder / name
        exists = path.exists() or path.is_symlink()
        if exists and name not in owned and name != MANIFEST:
            raise DnnpapersError(
                f"{target.name(name)}: not written by dnnpapers (not in {target.name(MANIFEST)}), so render will not replace it; "
                "move it away or set jekyll.path in data/page.yaml to another folder; nothing was changed"
            )
        try:
            same = exists and read_bounded(path) == data
        except (IsADirectoryError, NotADirectoryError, TooLarge):
            same = False
        except OSError as exc:
            raise DnnpapersError(f"{target.name(name)}: cannot read ({exc.strerror}); nothing was changed") from None
        if not same:
            result.changed[path] = data
    result.gone = sorted(folder / name for name in owned - wanted.keys() if (folder / name).is_file() or (folder / name).is_symlink())
    result.leftovers = leftover_temps(folder, wanted)
    return result
