"""Texts that leave the list: exports that keep "et al.", Markdown that Jekyll leaves alone, bot bodies that notify no one."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, write_list
from dnnpapers.csl import csl_json
from dnnpapers.export import bibtex
from dnnpapers.models import Paper
from dnnpapers.paperlist import load_list
from dnnpapers.ris import ris
from test_csl_ris import _pandoc

# The shipped list's own entry: one named author, then "et al.".
ALMAHAIRI = "almahairi2015dynamic"
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
    assert by_id[ALMAHAIRI]["author"] == [{"family": "Almahairi", "given": "Amjad"}, {"literal": "others"}]
    (complete,) = json.loads(csl_json([COMPLETE]))
    assert complete["author"] == [{"family": "Author", "given": "Test"}, {"family": "Author", "given": "Other"}]  # no marker


@pytest.mark.parametrize("kind", ["csl.json", "bib"])
def test_pandoc_cites_an_et_al_entry_as_et_al_from_both_exports(tmp_path, shipped, kind):
    text = csl_json(shipped.papers) if kind == "csl.json" else bibtex(shipped)
    default = _pandoc(tmp_path, text, f"refs.{kind}", ALMAHAIRI)  # pandoc's own style: Chicago author-date
    assert "(Almahairi et al. 2016)" in default and "Almahairi, Amjad et al. 2016." in default, default
    (tmp_path / "apa-names.csl").write_text(APA_NAMES, encoding="utf-8")
    apa = _pandoc(tmp_path, text, f"refs.{kind}", ALMAHAIRI, csl="apa-names.csl")
    assert "(Almahairi et al., 2016)" in apa, apa


def test_ris_ends_an_et_al_author_list_in_others_that_rispy_reads_as_the_last_author(shipped):
    import rispy

    by_id = {r["id"]: r for r in rispy.loads(ris(shipped.papers))}
    assert by_id[ALMAHAIRI]["authors"] == ["Almahairi, Amjad", "others"]
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


@pytest.fixture(scope="module")
def liquid_pages(tmp_path_factory) -> Path:
    root = _liquid_list(tmp_path_factory.mktemp("liquid") / "list")
    done = subprocess.run([sys.executable, "-m", "dnnpapers", "render", "--root", str(root)], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1", "DNNPAPERS_CACHE_DIR": str(root / ".cache")}, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
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


def test_the_pages_render_curator_text_with_its_braces_literally(liquid_pages):
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    materials = " ".join(md.render((liquid_pages / "generated" / "materials.md").read_text(encoding="utf-8")).split())
    for snippet in [*LIQUID, f"Templates {LIQUID[0]} in a title", f"a focus with {LIQUID[1]}"]:
        assert html.escape(snippet, quote=False) in materials, snippet
    talks = " ".join(md.render((liquid_pages / "generated" / "talks.md").read_text(encoding="utf-8")).split())
    for snippet in ["A talk {% raw %} title", "An event {{ site.time }}", "talk notes {%- if a -%} {# b #}"]:
        assert html.escape(snippet, quote=False) in talks, snippet


@given(st.text(alphabet=st.sampled_from("{}%#:-a \\&`<"), max_size=30))
@settings(max_examples=200, deadline=None)
def test_literal_text_and_link_targets_carry_no_brace_and_read_back_as_given(value):
    from markdown_it import MarkdownIt

    from dnnpapers.markdown import text, url

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
    built = {p.name: " ".join(html.unescape(p.read_text(encoding="utf-8")).split()) for p in (tmp_path / "out").rglob("*.html")}
    for snippet in [*LIQUID, f"Templates {LIQUID[0]} in a title"]:
        assert snippet in built["materials.html"], snippet
    assert "An event {{ site.time }}" in built["talks.html"] and "talk notes {%- if a -%} {# b #}" in built["talks.html"]
