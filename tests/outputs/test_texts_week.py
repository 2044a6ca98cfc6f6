"""Texts that leave the list: exports that keep "et al.", Markdown that Jekyll leaves alone, bot bodies that notify no one."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import REPO, invoke, invoke_dnnpapers, write_list
from dnnpapers.outputs.csl import csl_json
from dnnpapers.outputs.export import bibtex
from dnnpapers.model.models import Paper
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.ris import ris
from fakes import ArxivPaper, s2_paper
from outputs.test_csl_ris import _pandoc
from curation.test_discover import LISTED as DISCOVER_LISTED

# The shipped list's own entry: one named author, then "et al.".
ET_AL_ENTRY = "huang2017multiscale"  # MSDNet: first author and "et al." only, year 2017, ICLR 2018
COMPLETE = Paper(id="author2020x", title="Synthetic entry", authors=["Test Author", "Other Author"], year=2020, venue="arXiv",
                 arxiv="2001.90071", tags=["survey"])

# APA's name settings (apa.csl): "First et al." in citations from three names on; the reference list names up
# to 19, then "…" and the last (et-al-use-last), which is where an explicit "et al." must not become a name.
APA_NAMES = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>APA names</title><id>apa-names</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation et-al-min="3" et-al-use-first="1">
    <layout prefix="(" suffix=")" delimiter="; ">
      <group delimiter=", "><names variable="author"><name form="short" and="symbol" delimiter=", " initialize-with=". "/></names>
      <date variable="issued"><date-part name="year"/></date></group>
    </layout>
  </citation>
  <bibliography et-al-min="21" et-al-use-first="19" et-al-use-last="true">
    <layout><group delimiter=" "><names variable="author"><name name-as-sort-order="all" and="symbol" sort-separator=", "
      initialize-with=". " delimiter=", " delimiter-precedes-last="always"/></names>
      <date variable="issued" prefix="(" suffix=")."><date-part name="year"/></date><text variable="title"/></group></layout>
  </bibliography>
</style>
"""


@pytest.fixture(scope="module")
def shipped():
    return load_list(REPO)


def test_csl_json_ends_an_et_al_author_list_in_the_literal_others(shipped):
    by_id = {item["id"]: item for item in json.loads(csl_json(shipped.papers))}
    assert by_id[ET_AL_ENTRY]["author"] == [{"family": "Huang", "given": "Gao"}, {"literal": "others"}]
    (complete,) = json.loads(csl_json([COMPLETE]))
    assert complete["author"] == [{"family": "Author", "given": "Test"}, {"family": "Author", "given": "Other"}]  # no marker


@pytest.mark.parametrize("kind", ["csl.json", "bib"])
def test_pandoc_cites_an_et_al_entry_as_et_al_from_both_exports(tmp_path, shipped, kind):
    text = csl_json(shipped.papers) if kind == "csl.json" else bibtex(shipped)
    default = _pandoc(tmp_path, text, f"refs.{kind}", ET_AL_ENTRY)  # pandoc's own style: Chicago author-date
    assert "(Huang et al. 2018)" in default and "Huang, Gao et al. 2018." in default, default
    (tmp_path / "apa-names.csl").write_text(APA_NAMES, encoding="utf-8")
    apa = _pandoc(tmp_path, text, f"refs.{kind}", ET_AL_ENTRY, csl="apa-names.csl")
    assert "(Huang et al., 2018)" in apa, apa


def test_ris_ends_an_et_al_author_list_in_others_that_rispy_reads_as_the_last_author(shipped):
    import rispy

    by_id = {r["id"]: r for r in rispy.loads(ris(shipped.papers))}
    assert by_id[ET_AL_ENTRY]["authors"] == ["Huang, Gao", "others"]
    assert rispy.loads(ris([COMPLETE]))[0]["authors"] == ["Author, Test", "Author, Other"]  # a complete list gets no marker


# --- Markdown that Jekyll (GitHub Pages) serves: curator text with Liquid or kramdown syntax stays text ---

LIQUID = ["{{ site.github.owner_name }}", "{% include x.html %}", "{%- if a -%}", "{# a note #}", "{{- page.title -}}",
          "{% raw %}", "{::comment}", "{: .big}"]


def _liquid_list(root: Path) -> Path:
    """A list whose curator text holds every Liquid/kramdown opener: in a paper's title, focus, notes, a talk's fields."""
    write_list(root, [{"id": "author2020liquid", "title": f"Templates {LIQUID[0]} in a title", "authors": ["Test Author", "et al."],
                       "year": 2020, "venue": "arXiv", "arxiv": "2001.90111", "tags": ["early-exit"],
                       "focus": f"a focus with {LIQUID[1]}", "notes": " ".join(LIQUID)}])
    (root / "data" / "talks.yaml").write_text(
        "talks:\n  - date: 2020-08-05\n    kind: topic-discussion\n    presenters: [Test Author]\n"
        f"    title: 'A talk {{% raw %}} title'\n    event: 'An event {{{{ site.time }}}}'\n    notes: 'talk notes {{%- if a -%}} {{# b #}}'\n",
        encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["one page", "topic pages"])
def liquid_pages(request, tmp_path_factory) -> Path:
    """The list rendered by the CLI (one materials page), or split into topic pages (a page budget of 1,000 bytes)."""
    root = _liquid_list(tmp_path_factory.mktemp("liquid") / "list")
    taxonomy = root / "data" / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("        zh: 早退\n", "        zh: 早退\n        description: 'Topic {% raw %} text'\n", 1),
                        encoding="utf-8")
    if request.param == "one page":  # the CLI's render, in this process: the pages it writes are the point, not the process
        done = invoke(["render", "--root", str(root)], DNNPAPERS_CACHE_DIR=str(root / ".cache"))
        assert done.returncode == 0, done.stdout + done.stderr
        return root
    from dnnpapers.outputs.render import build

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("dnnpapers.outputs.materials.PAGE_BUDGET", 1_000)
        outputs = build(load_list(root))
    assert any(name.startswith("generated/materials/") for name in outputs), "the list did not split"
    for name, data in outputs.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def _pages(root: Path) -> list[Path]:
    """Every Markdown page Jekyll may serve: the generated pages and the README with its region."""
    pages = sorted((root / "generated").rglob("*.md")) + [root / "README.md"]
    assert {"materials.md", "materials.zh.md", "talks.md", "talks.zh.md", "README.md"} <= {p.name for p in pages}
    return pages


def test_no_generated_page_holds_a_liquid_or_kramdown_opener_from_curator_text(liquid_pages):
    for page in _pages(liquid_pages):
        source = page.read_text(encoding="utf-8")
        for opener in ("{{", "{%", "{#", "{:"):
            assert opener not in source, (page.name, opener)


SHOWN = [*LIQUID, f"Templates {LIQUID[0]} in a title", f"a focus with {LIQUID[1]}", "Topic {% raw %} text",
         "A talk {% raw %} title", "An event {{ site.time }}", "talk notes {%- if a -%} {# b #}"]


def test_the_pages_render_curator_text_with_its_braces_literally(liquid_pages):
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    shown = " ".join(" ".join(html.unescape(md.render(page.read_text(encoding="utf-8"))).split()) for page in _pages(liquid_pages))
    for snippet in SHOWN:
        assert snippet in shown, snippet


@given(st.text(alphabet=st.sampled_from("{}%#:-a \\&`<"), max_size=30))
@settings(max_examples=200, deadline=None)
def test_literal_text_and_link_targets_carry_no_brace_and_read_back_as_given(value):
    from markdown_it import MarkdownIt

    from dnnpapers.outputs.markdown import text, url

    assert "{" not in text(value) and "}" not in text(value) and "{" not in url(value) and "}" not in url(value)
    shown = MarkdownIt("commonmark").enable(["table", "strikethrough"]).renderInline(str(text(value)))
    assert html.unescape(shown) == " ".join(value.split())


def _jekyll() -> str:
    found = shutil.which("jekyll")
    if found is None:
        if os.environ.get("DNNPAPERS_REQUIRE_JEKYLL") == "1":
            pytest.fail("jekyll is required here (DNNPAPERS_REQUIRE_JEKYLL=1) but not installed")
        pytest.skip("jekyll not installed (CI installs Debian's jekyll)")
    return found


def test_jekyll_builds_every_generated_page_and_shows_the_curator_text_literally(liquid_pages, tmp_path):
    jekyll = _jekyll()
    site = tmp_path / "site"
    shutil.copytree(liquid_pages / "generated", site, ignore=shutil.ignore_patterns("site"))
    shutil.copy(liquid_pages / "README.md", site / "README.md")
    for page in site.rglob("*.md"):  # front matter on each, as GitHub Pages' optional-front-matter plugin treats them: Liquid runs
        page.write_text("---\n---\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    (site / "_config.yml").write_text("markdown: kramdown\nkramdown:\n  input: GFM\n", encoding="utf-8")
    done = subprocess.run([jekyll, "build", "--safe", "--source", str(site), "--destination", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0 and "Liquid" not in done.stdout + done.stderr, done.stdout + done.stderr
    built = sorted((tmp_path / "out").rglob("*.html"))
    assert len(built) == len(list(site.rglob("*.md")))
    shown = " ".join(" ".join(html.unescape(p.read_text(encoding="utf-8")).split()) for p in built)
    for snippet in SHOWN:
        assert snippet in shown, snippet


# --- Bot-written text on GitHub: nothing from a service becomes a mention, reference, link, image or tag ---

ZWSP = "\u200b"
# A model of what GitHub makes live in a body's rendered text (its mention, reference, SHA and autolink filters).
LIVE = {
    "mention": re.compile(r"(?<![A-Za-z0-9_`])@[A-Za-z0-9]"),
    "issue reference": re.compile(r"(?<![A-Za-z0-9_])(?:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+|[A-Za-z0-9_.-]+)?#\d"),
    "GH reference": re.compile(r"(?<![A-Za-z0-9_])GH-\d", re.IGNORECASE),
    "commit SHA": re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{7,40}(?![0-9A-Za-z])"),
    "autolink": re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|(?<![A-Za-z0-9])www\.", re.IGNORECASE),
    "e-mail": re.compile(r"[A-Za-z0-9._+-]@[A-Za-z0-9-]"),
}
HOSTILE = "@user #1 GH-1 @org/team owner/repo#2 a@b.co https://e.org www.e.org <img src=x> [x](http://e) ![i](http://e/i.png) deadbeef12 `c` *em* &#64;u {{ x }}"


def _live_in(body: str, ours: tuple[str, ...] = ()) -> list[str]:
    """The live things a GitHub body would get: HTML tags markdown-it makes (but the bot's own ``ours``), and GitHub's own filters' matches in the text."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(body)
    tags = [tag for tag in re.findall(r"<(a|img|script|em|strong|code|del|iframe)\b[^>]*>", rendered) if tag not in ours]
    shown = html.unescape(re.sub(r"<code>.*?</code>", "", re.sub(r"<(?!/?code>)[^>]+>", " ", rendered)))
    return tags + [f"{kind}: {m[0]!r}" for kind, pattern in LIVE.items() for m in pattern.finditer(shown)]


_WORDS = st.sampled_from(["@", "#", "/", "-", "GH-", "gh-", "http", "://", "www.", ".", "<", ">", "[", "]", "(", ")", "!", "*", "_", "`",
                          "\\", "&", "|", "~", "$", "{", "}", ";", " ", "1", "42", "abc", "deadbeef", "user", "org/team", "img", "src=", "e.org"])


@given(st.lists(_WORDS | st.text(max_size=3), max_size=25).map("".join))
@example("\\{ \\&#123; &#64;x @@a ##1 https://e.org/@b#2")  # an escaped backslash before a brace; references written as entities
@settings(max_examples=300, deadline=None)
def test_inert_text_renders_nothing_live_and_reads_as_given(value):
    from markdown_it import MarkdownIt

    from dnnpapers.outputs.markdown import inert

    body = str(inert(value))
    assert "\n" not in body and _live_in(body) == [], (value, body)
    shown = html.unescape(MarkdownIt("commonmark").enable(["table", "strikethrough"]).renderInline(body))
    assert shown.replace(ZWSP, "") == " ".join(value.split()).replace(ZWSP, "").replace("\0", "\ufffd")  # CommonMark's NUL rule


@pytest.fixture
def hostile_week(tmp_path, server):
    """A listed paper and a week holding a candidate whose title and authors carry every live GitHub syntax."""
    services, base = server
    root = write_list(tmp_path / "list", DISCOVER_LISTED)
    for entry in DISCOVER_LISTED:
        services.add(ArxivPaper(entry["arxiv"], entry["title"], entry["authors"], dt.date(2020, 1, 1), abstract=entry["focus"]))
    services.add(ArxivPaper("2404.90021", f"Early exit networks {HOSTILE}", ["@alice", "Bob #3", "GH-4 Carol"], dt.date(2024, 4, 23),
                            abstract="Internal classifiers let easy inputs exit early, an adaptive inference scheme."))
    for n, topic in enumerate(["protein folding", "graph databases", "speech recognition"]):
        services.add(ArxivPaper(f"2404.9003{n}", f"Studies in {topic}", ["Candidate Author"], dt.date(2024, 4, 24), abstract=f"We study {topic}."))
    return root, services, base


def test_discover_markdown_leaves_no_mention_reference_or_link_of_a_title_or_author_live(hostile_week):
    root, services, base = hostile_week
    bad_id = s2_paper("Early exit recommended with a bad id", 2024, 0, arxiv_id="2404.90023` @eve `x")
    odd_date = s2_paper("Early exit recommended with an odd date", 2024, 0, arxiv_id="2404.90024")
    for paper, date in ((bad_id, "2024-04-10"), (odd_date, "@dan #7")):
        paper.update(abstract="Internal classifiers exit early.", publicationDate=date)
    services.recommended = [bad_id, odd_date]
    # in process (conftest's ``invoke_dnnpapers``): the Markdown it prints is the point, not the process
    done = invoke_dnnpapers(["discover", "--since", "2024-04-22", "--until", "2024-04-28", "--format", "markdown"], root, base, services)
    assert done.returncode == 0, done.stderr
    assert "2404.90021" in done.stdout and "2404.90024" in done.stdout and "eve" not in done.stdout  # a malformed arXiv id is no candidate
    body = re.sub(r"https://arxiv\.org/abs/2404\.9\d{4}", "", done.stdout.replace("- [ ] **", "- [ ] ").replace("** (", " ("))  # the bot's own links and bold
    live = _live_in(body, ours=("code",))  # its commands and tags; _live_in reads no text inside code
    assert live == [], live
    from markdown_it import MarkdownIt

    shown = html.unescape(MarkdownIt("commonmark").render(done.stdout)).replace(ZWSP, "")
    assert HOSTILE in shown and "@alice, Bob #3, GH-4 Carol" in shown and "(@dan #7, " in shown


def test_update_summary_writes_a_services_venue_inert(tmp_path, server):
    services, base = server
    venue = "<img src=x> @bob [x](http://e) #5"
    paper = ArxivPaper("2004.90031", "Synthetic test paper for a summary", ["Test Author"], dt.date(2020, 4, 1))
    services.add(paper, citations=7, year=2021, venue=venue, venue_names=[venue])
    root = write_list(tmp_path / "list", [{"id": "author2020summary", "title": paper.title, "authors": paper.authors, "year": 2020,
                                           "arxiv": paper.arxiv_id, "tags": ["early-exit"]}])
    done = invoke_dnnpapers(["update", "--venues", "--summary", str(tmp_path / "summary.md")], root, base, services)  # the file is the point
    assert done.returncode == 0, done.stderr
    body = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert _live_in(body) == [], body
    from markdown_it import MarkdownIt

    shown = html.unescape(MarkdownIt("commonmark").render(body)).replace(ZWSP, "")
    assert f"venue arXiv → {venue} 2021 (Semantic Scholar" in shown  # still there, as text
