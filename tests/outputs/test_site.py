"""generated/site/: the HTML itself (the browser tests drive it in Chromium: test_site_browser.py)."""

from __future__ import annotations

import base64
import hashlib
import html.parser
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, write_list
from strategies import papers
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.render import build
from dnnpapers.outputs.site import SITE, SITE_ZH, SiteQuery, embedded_json, normalise, shown

HOSTILE = {
    "id": "evil2020title",
    "title": "</script><script>alert(1)</script> <!-- \"quotes\" 'single' \\ back\\slash & <b>bold</b>",
    "authors": ["José Álvarez", "Zoë </script>", "et al."],
    "year": 2020,
    "venue": "arXiv",
    "url": "https://example.org/a?b=1&c=<2>",
    "tags": ["early-exit"],
    "focus": "早退 <!-- comment --> \u2028 line separator",
    "notes": "]]> ${x} `tick`",
}
MSD = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks for Resource Efficient Image Classification", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"], "code": "https://github.com/gaohuang/MSDNet"}


class _Page(html.parser.HTMLParser):
    """What a browser's parser sees: elements with their attributes, the text of scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.raw[self._in][-1] += data


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("name", [SITE, SITE_ZH])
def test_the_shipped_pages_are_self_contained_and_their_policy_allows_exactly_their_own_script_and_style(name):
    text = (REPO / name).read_text(encoding="utf-8")
    assert text == build(load_list(REPO))[name].decode()
    page = _parse(text)
    csp = next(a["content"] for t, a in page.elements if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp.startswith("default-src 'none';")
    data, bibtex, code = page.raw["script"]
    styles = " ".join(_sha(style) for style in page.raw["style"])  # the page's, and the one for scripts off
    assert f"script-src {_sha(code)};" in csp and f"style-src {styles};" in csp and len(page.raw["style"]) == 2
    assert "unsafe-inline" not in csp and "http" not in csp
    for tag, attrs in page.elements:  # nothing to fetch: no src, no stylesheet link, no style attribute
        assert "src" not in attrs and "style" not in attrs, (tag, attrs)
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")
    ids = [a["data-id"] for t, a in page.elements if "data-id" in a]
    assert len(ids) == len(set(ids)) == len(load_list(REPO).papers)
    assert [p["id"] for p in json.loads(data)["papers"]] == ids
    assert sorted(json.loads(bibtex)) == sorted(ids)
    assert any(t == "input" and a.get("type") == "search" for t, a in page.elements)
    assert any(a.get("role") == "status" for _, a in page.elements)


def test_hostile_text_cannot_leave_the_embedded_json_or_its_element(tmp_path):
    root = write_list(tmp_path, [MSD, HOSTILE])
    text = build(load_list(root))[SITE].decode()
    page = _parse(text)
    assert len(page.raw["script"]) == 3, "a title must not open or close a script element"
    data = json.loads(page.raw["script"][0])
    assert json.loads(page.raw["script"][1])["evil2020title"].startswith("@misc{evil2020title,")
    assert {p["id"] for p in data["papers"]} == {"huang2017multiscale", "evil2020title"}
    for embedded in page.raw["script"][:2]:
        assert "<!--" not in embedded and "</" not in embedded
    assert [t for t, _ in page.elements].count("b") == 0, "markup in data is shown as text"
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_the_same_data_renders_the_same_bytes_and_a_list_may_restyle_the_page(tmp_path):
    root = write_list(tmp_path, [MSD])
    first = build(load_list(root))
    assert first[SITE] == build(load_list(root))[SITE]
    (root / "templates").mkdir()
    (root / "templates" / "site.css").write_text("body { background: rebeccapurple; }\n", encoding="utf-8")
    page = _parse(build(load_list(root))[SITE].decode())
    csp = next(a["content"] for t, a in page.elements if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert page.raw["style"][0] == "\nbody { background: rebeccapurple; }\n"
    assert f"style-src {_sha(page.raw['style'][0])} " in csp


def test_without_scripts_every_paper_is_in_the_html_under_its_first_topic():
    text = (REPO / SITE).read_text(encoding="utf-8")
    sections = re.findall(r'<section class="topic" id="topic_([^"]+)"', text)
    paper_list = load_list(REPO)
    assert sections == [node.slug for node in paper_list.taxonomy.walk()]
    for paper in paper_list.papers:
        start = text.index(f'data-id="{paper.id}"')
        home = re.findall(r'<section class="topic" id="topic_([^"]+)"', text[:start])[-1]
        assert home == paper_list.taxonomy.home(paper.tags)
    assert '<form id="page_filters" role="search" aria-label="Filters">' in text  # there from the first paint (no shift)
    assert "<noscript><style>#page_filters, .copy { display: none; }" in text  # unless scripts are off


def test_the_python_filter_finds_by_accentless_words_chinese_substrings_and_combines_filters(tmp_path):
    root = write_list(tmp_path, [MSD, HOSTILE])
    paper_list = load_list(root)
    assert shown(paper_list, SiteQuery(query="jose alvarez")) == ["evil2020title"]
    assert shown(paper_list, SiteQuery(query="ZOE")) == ["evil2020title"]
    assert shown(paper_list, SiteQuery(query="早退")) == ["evil2020title"]
    assert shown(paper_list, SiteQuery(query="dense iclr")) == ["huang2017multiscale"]
    assert shown(paper_list, SiteQuery(code=True)) == ["huang2017multiscale"]
    assert shown(paper_list, SiteQuery(years=(2018, 2024))) == ["evil2020title"]
    assert shown(paper_list, SiteQuery(venue="arXiv", query="dense")) == []
    assert shown(paper_list, SiteQuery(topics=("dynamic-depth",))) == ["huang2017multiscale", "evil2020title"]
    assert shown(paper_list, SiteQuery(topics=("system",))) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_embedded_json_reads_back_and_never_holds_markup_openers(value):
    text = embedded_json({"v": value})
    assert json.loads(text) == {"v": value}
    assert not {"<", ">", "&", "\u2028", "\u2029"} & set(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_normalise_ignores_case_and_accents(value):
    # Characters whose cases do not round-trip (ß, ı, ſ, U+0345 that upper-cases to a letter and lower-cases to a
    # mark, U+1C80 whose capital lower-cases to another letter): no case-insensitive match can know them.
    odd = any(c in "ßİıſﬅ\u0345" or c.upper().lower() != c.lower() or c.lower().upper() != c.upper() for c in value)
    assert normalise(value.upper()) == normalise(value.lower()) or odd
    assert normalise("Álvarez Zoë") == "alvarez zoe"


def _card_as_it_was(e, t, pattern):
    """_card before its parts were shared between the languages and made without Markup (the oracle)."""
    from markupsafe import Markup, escape

    paper = e.paper
    title = escape(paper.title)
    meta = Markup('<span class="authors">{}</span> · <span class="year">{}</span> · <span class="venue">{}</span>').format(e.authors, e.date, e.venue)
    if e.cited is not None:
        meta += Markup(' · <span class="cited">{}</span>').format(t["cited_n"].format(n=f"{e.cited:,}"))
    if paper.code:
        meta += Markup(' · <a href="{}">{}</a>').format(paper.code, t["code_link"])
        if e.stars is not None:
            meta += Markup(' <span class="stars" title="{}">★ {}</span>').format(t["stars"], f"{e.stars:,}")
    notes = ""
    if paper.notes or paper.awards:
        notes = '<p class="notes">' + (f'<span class="note">{escape(paper.notes)}</span>' if paper.notes else "")
        notes += "".join(f' <span class="award">🏆 {escape(award)}</span>' for award in paper.awards) + "</p>\n"
    tags = "".join(f'<a class="tag" href="#topic_{slug}">{escape(label)}</a>' for slug, label in e.tags)
    tags += "".join(f'<span class="talk">🗣 {escape(t["discussed_on"].format(date=day))}</span>' for day in e.discussed)
    tags += "".join(f'<span class="talk">🗓 {escape(t["talk_on"].format(date=day))}</span>' for day in e.upcoming)
    return pattern.format_map({
        "id": paper.id, "title": f'<a href="{escape(paper.link)}">{title}</a>' if paper.link else title, "meta": meta,
        "focus": f'<p class="focus">{escape(paper.focus)}</p>\n' if paper.focus else "", "notes": notes, "tags": tags,
        "permalink": escape(t["permalink"]), "copy": escape(t["copy_bib"]),
    })


@settings(max_examples=80, deadline=None)
@given(papers(0), st.none() | st.integers(0, 10**6), st.none() | st.integers(0, 10**5), st.lists(st.sampled_from(["2024-01-02", "2025-03-04"]), max_size=2), st.sampled_from(["a <b> & 'c'", "早退", "x"]))
def test_each_languages_card_made_with_the_parts_the_other_made_is_the_card_made_alone(entry, cited, stars, days, label):
    from pathlib import Path

    from dnnpapers.model.models import Paper
    from dnnpapers.outputs.render import _html_environment
    from dnnpapers.outputs.site import PAPER_FIELDS, PAPER_TEMPLATE, STRINGS, SitePaper, _card, author_line
    from dnnpapers.outputs.templating import format_template

    paper = Paper(**entry)
    pattern = format_template(_html_environment(Path("/nonexistent"), Path("/nonexistent"), 1), PAPER_TEMPLATE, PAPER_FIELDS) + "\n"

    def entry_in(lang: str, shared: dict) -> SitePaper:
        tags = tuple((tag, f"{label} {tag} {lang}") for tag in dict.fromkeys(paper.tags))
        return SitePaper(paper, author_line(paper), f"{paper.year}", paper.venue or "arXiv", cited, False, tuple(days), tuple(days[::-1]), tags, "", stars, shared)

    shared: dict = {}
    for lang in ("en", "zh", "en"):  # the first makes the shared parts, the others take them
        e = entry_in(lang, shared)
        assert _card(e, STRINGS[lang], pattern) == _card_as_it_was(e, STRINGS[lang], pattern) == _card(entry_in(lang, {}), STRINGS[lang], pattern)


_CARD_FIELDS = ("id", "title", "meta", "focus", "notes", "tags", "permalink", "copy")
_CARD_TEXT = st.lists(st.sampled_from(['<p class="x">', "</p>", "\n", "{{", "}}", "\x00", "·", "早", "🗣", " "]), max_size=4).map("".join)


@settings(max_examples=120, deadline=None)
@given(papers(0), st.none() | st.integers(0, 10**6), st.none() | st.integers(0, 10**5), st.booleans(), st.sampled_from(["x", "a\x00b"]),
       st.lists(st.tuples(_CARD_TEXT, st.sampled_from(_CARD_FIELDS)), max_size=9), _CARD_TEXT)
def test_a_card_joined_from_runs_is_the_card_its_template_formats_whatever_the_template(entry, cited, stars, talks, label, parts, end):
    """A list's own site_paper.html may put the fields in any order, repeat or leave out any, hold braces or a NUL
    (as may the data): the card joined from language-free runs and each language's words is still the one formatted."""
    from dnnpapers.model.models import Paper
    from dnnpapers.outputs.site import STRINGS, SitePaper, _card, author_line

    paper = Paper(**entry)
    pattern = "".join(text + "{" + name + "}" for text, name in parts) + end
    shared: dict = {}
    for lang in ("en", "zh", "en"):  # the first makes the runs, the others take them
        tags = tuple((tag, f"{label} {tag} {lang}") for tag in dict.fromkeys(paper.tags))
        days = ("2024-01-02",) if talks else ()
        e = SitePaper(paper, author_line(paper), f"{paper.year}", paper.venue or "arXiv", cited, False, days, days, tags, "", stars, shared)
        assert _card(e, STRINGS[lang], pattern) == _card_as_it_was(e, STRINGS[lang], pattern)


def test_a_card_template_with_a_nul_in_its_text_is_formatted_whole():
    """A NUL splits the runs (the data never holds one: the model refuses control characters), so such a template's
    card, ours but for the NUL, is formatted whole: the same card."""
    from pathlib import Path

    from dnnpapers.model.models import Paper
    from dnnpapers.outputs.render import _html_environment
    from dnnpapers.outputs.site import PAPER_FIELDS, PAPER_TEMPLATE, STRINGS, SitePaper, _card, author_line
    from dnnpapers.outputs.templating import format_template

    paper = Paper(**HOSTILE)
    ours = format_template(_html_environment(Path("/nonexistent"), Path("/nonexistent"), 1), PAPER_TEMPLATE, PAPER_FIELDS) + "\n"
    for pattern in (ours.replace("<p class=\"tags\">", "<p class=\"tags\">\x00"), ours):
        shared: dict = {}
        for lang in ("en", "zh"):
            e = SitePaper(paper, author_line(paper), "2020", "arXiv", 12, False, (), (), (("early-exit", "早退"),), "", None, shared)
            assert _card(e, STRINGS[lang], pattern) == _card_as_it_was(e, STRINGS[lang], pattern)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_cards_escape_text_as_markupsafe_does(value):
    from markupsafe import escape

    from dnnpapers.outputs.site import _html, _native_html

    assert _html(value) == _native_html(value) == str(escape(value))
