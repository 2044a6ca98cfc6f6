"""A real Jekyll (Debian's, kramdown with GFM input, as GitHub Pages reads Markdown) builds a site render wrote into.

One build of a small list with talks (one whose notes hold Liquid), citation data and
posts on: the build passes, every link and anchor between the built pages resolves,
the Liquid in the notes shows as text, and a page looping over site.data.papers shows
every paper.
"""

from __future__ import annotations

import html
import json
import posixpath
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from outputs.test_jekyll import A, B, LIQUID_NOTE, make_list
from outputs.test_texts_week import _jekyll

CONFIG = "title: Group site\nmarkdown: kramdown\nkramdown:\n  input: GFM\n"
DEFAULT = """<!DOCTYPE html>
<html lang="{{ page.lang | default: 'en' }}"><head><meta charset="utf-8"><title>{{ page.title | escape }}</title></head>
<body>{{ content }}</body></html>
"""
PAGE = "---\nlayout: default\n---\n<h1>{{ page.title | escape }}</h1>\n{{ content }}\n"
POST = "---\nlayout: default\n---\n<article><h1>{{ page.title | escape }}</h1><p>{{ page.date | date: '%Y-%m-%d' }}</p>{{ content }}</article>\n"
# The site's own page over the data render writes (links through relative_url, as a site with a base URL needs).
LOOP = """---
layout: page
title: All papers
permalink: /all/
---
<ul id="papers">
{% for p in site.data.papers %}<li data-id="{{ p.id }}"><a href="{{ p.url | relative_url }}">{{ p.title | escape }}</a> ({{ p.year }}{% if p.metrics %}, cited {{ p.metrics.citations }}{% endif %})</li>
{% endfor %}</ul>
<ul id="talks">
{% for t in site.data.talks %}<li><a href="{{ t.url | relative_url }}">{{ t.title | escape }}</a> {{ t.notes | escape }}</li>
{% endfor %}</ul>
"""


class _Page(HTMLParser):
    """A built page's ids (anchors) and the targets of its links and images."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag == "a" and attrs.get("href"):
            self.targets.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.targets.append(attrs["src"])


@pytest.fixture(scope="module", params=["one page", "topic pages"])
def built(request, tmp_path_factory):
    """(the built site's folder, Jekyll's output): the list rendered into a tiny site, then built once; its materials
    on one page, or split into topic pages (a page budget of 1,000 bytes), whose links cross more pages."""
    jekyll = _jekyll()
    base = tmp_path_factory.mktemp("jekyll-build")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DNNPAPERS_TODAY", "2026-01-01")
        if request.param == "topic pages":
            patch.setattr("dnnpapers.outputs.materials.PAGE_BUDGET", 1_000)
        root = make_list(base / "list", "jekyll:\n  dir: ../site\n  posts: true\n")
        site = base / "site"
        (site / "_layouts").mkdir(parents=True)
        (site / "_config.yml").write_text(CONFIG, encoding="utf-8")
        (site / "_layouts" / "default.html").write_text(DEFAULT, encoding="utf-8")
        (site / "_layouts" / "page.html").write_text(PAGE, encoding="utf-8")
        (site / "_layouts" / "post.html").write_text(POST, encoding="utf-8")
        (site / "all.html").write_text(LOOP, encoding="utf-8")
        from dnnpapers.access.loading import load_list
        from dnnpapers.outputs.render import render

        render(load_list(root))
    assert (site / "papers" / "materials").is_dir() == (request.param == "topic pages")
    out = base / "out"
    done = subprocess.run([jekyll, "build", "--safe", "--source", str(site), "--destination", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=base)
    print(done.stdout + done.stderr)  # the build's own lines, for the record (pytest -s)
    assert done.returncode == 0, done.stdout + done.stderr
    return out, done.stdout + done.stderr


def _pages(out: Path) -> dict[str, _Page]:
    pages = {}
    for path in out.rglob("*.html"):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        pages["/" + path.relative_to(out).as_posix()] = page
    return pages


def test_the_build_passes_without_a_warning(built):
    out, log = built
    assert "done in" in log and "warning" not in log.lower() and "error" not in log.lower() and "Liquid" not in log, log
    assert {"papers/index.html", "papers/zh/index.html", "papers/talks/index.html", "papers/zh/talks/index.html",
            "papers/search/index.html", "papers/talks.ics", "papers/papers-per-year.svg", "all/index.html"} <= {
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert len(list((out / "lecturenotes").rglob("*.html"))) == 1  # the post, under the site's own permalink style


def test_every_link_and_anchor_between_the_built_pages_resolves(built):
    out, _ = built
    pages = _pages(out)
    checked, broken = 0, []
    for url, page in pages.items():
        for target in page.targets:
            parts = urlsplit(target)
            if parts.scheme or target.startswith("//"):
                continue
            path, fragment = unquote(parts.path), unquote(parts.fragment)
            where = url if not path else posixpath.normpath(posixpath.join(posixpath.dirname(url), path)) + ("/" if path.endswith("/") else "")
            if where.endswith("/"):
                where += "index.html"
            checked += 1
            if not (out / where.lstrip("/")).is_file():
                broken.append((url, target, "no such file"))
            elif fragment and fragment not in pages.get(where, _Page()).ids:
                broken.append((url, target, "no such anchor"))
    assert broken == []
    assert checked >= 40  # tables of contents, rows, talks, language switches, the post's and the data page's links


def test_a_note_with_liquid_shows_as_written_on_the_talks_page_the_post_and_the_data_page(built):
    out, _ = built
    for page in ("papers/talks/index.html", "papers/zh/talks/index.html", "all/index.html", *[
            str(p.relative_to(out)) for p in (out / "lecturenotes").rglob("*.html")]):
        shown = " ".join(html.unescape((out / page).read_text(encoding="utf-8")).split())
        assert LIQUID_NOTE in shown, page


def test_the_data_loop_shows_every_paper_with_its_citations(built):
    out, _ = built
    shown = html.unescape((out / "all" / "index.html").read_text(encoding="utf-8"))
    row = "/papers/#" if not (out / "papers" / "materials").is_dir() else "/papers/materials/"
    papers = json.loads((out / ".." / "site" / "_data" / "papers.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in papers] == [A["id"], B["id"]]
    for paper, cited in ((A, 120), (B, 3)):
        assert f'<li data-id="{paper["id"]}"><a href="{row}' in shown  # its row, on the materials page or its topic's page
        assert f'">{paper["title"]}</a> ({paper["year"]}, cited {cited})</li>' in shown
