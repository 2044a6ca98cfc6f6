"""The materials pages for readers: no empty sections, descriptions, Chinese punctuation, and the split past GitHub's size limit."""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from conftest import REPO, write_list
from strategies import papers
from dnnpapers.cli import app
from dnnpapers.outputs.markdown import Slugger
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.render import MATERIALS, MATERIALS_ZH, build

MD = MarkdownIt("commonmark").enable("table")


def _targets(text: str) -> set[str]:
    """Every anchor a Markdown page offers on GitHub: its headings' slugs (in order) and its <a id> elements."""
    slugger = Slugger()
    anchors = set()
    for token in MD.parse(text):
        if token.type == "inline" and token.map is not None and _is_heading(text, token.map[0]):
            anchors.add(slugger.slug(token.content))
    anchors |= set(re.findall(r'<a id="([^"]+)"></a>', text))
    return anchors


def _is_heading(text: str, line: int) -> bool:
    return text.splitlines()[line].lstrip().startswith("#")


def _links(text: str) -> list[str]:
    hrefs = [html.unescape(unquote(href)) for href in re.findall(r'href="([^"]+)"', MD.render(text))]
    return [href for href in hrefs if not href.startswith(("http://", "https://"))]


def assert_every_link_lands(outputs: dict[str, bytes], pages: list[str]) -> int:
    """Each relative link of each page names a generated file and, with '#', an anchor that file has; the count checked."""
    checked = 0
    targets: dict[str, set[str]] = {}
    for page in pages:
        text = outputs[page].decode()
        for href in _links(text):
            path, _, anchor = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
            assert target in outputs or (REPO / target).exists(), f"{page}: {href} names no file"
            if anchor and target.endswith(".md"):
                if target not in targets:
                    targets[target] = _targets(outputs[target].decode())
                assert anchor in targets[target], f"{page}: {href} names no anchor of {target}"
            checked += 1
    return checked


def _markdown_pages(outputs: dict[str, bytes]) -> list[str]:
    return sorted(name for name in outputs if name.endswith(".md"))


def test_every_link_on_the_shipped_pages_lands_on_a_heading_or_row():
    outputs = build(load_list(REPO))
    assert assert_every_link_lands(outputs, _markdown_pages(outputs)) > 250


def test_empty_sections_are_left_out_and_stats_tells_the_curators(tmp_path, runner):
    root = write_list(tmp_path, [])
    page = build(load_list(root))[MATERIALS].decode()
    assert "## Book" not in page and "## Company" not in page and "[Book]" not in page and "data/page.yaml" not in page
    assert "## Classification" in page and "## Big Event Timeline" in page
    (root / "data" / "page.yaml").write_text("books:\n  - name: Dive into Deep Learning\n    url: https://d2l.ai/\n", encoding="utf-8")
    page = build(load_list(root))[MATERIALS].decode()
    assert "- [Book](#book)" in page and "## Book\n\n- [Dive into Deep Learning](https://d2l.ai/)" in page
    out = runner.invoke(app, ["stats", "--root", str(root)]).stdout
    assert "empty page sections (left off the pages until data/page.yaml lists links): people, courses, conferences, companies, related" in out


def test_topic_descriptions_appear_under_their_headings():
    page = build(load_list(REPO))[MATERIALS].decode()
    node = load_list(REPO).taxonomy["early-exit"]
    heading = f"#### {node.en} · {node.zh}"
    after = page[page.index(heading) :].split("\n\n")
    assert node.description in after[1:4]


def test_the_chinese_page_writes_its_own_sentences_with_full_width_punctuation():
    page = build(load_list(REPO))[MATERIALS_ZH].decode()
    assert "本列表论文的发表会议与期刊：CVPR（41）" in page
    assert re.search(r"\n\d+ 篇 · \d{4}：\d+", page)
    assert re.search(r"- \[综述 · Surveys\]\(#[^)]+\)（3）", page)
    ours = [line for line in page.splitlines() if line.startswith(("本列表", "里程碑", "暂无", "本节", "由 dnnpapers"))]
    assert ours and not [line for line in ours if re.search(r"[\u4e00-\u9fff][:;,()]|[:;,()][\u4e00-\u9fff]", line)]


def _many(n: int) -> list[dict]:
    tags = ["early-exit", "layer-skip", "survey", "system"]
    return [
        {"id": f"author{i}2020paper", "title": f"Synthetic paper number {i} on adaptive inference", "authors": ["Test Author", "et al."],
         "year": 2020, "venue": "arXiv", "arxiv": f"2001.9{i:04d}", "tags": [tags[i % len(tags)]]}
        for i in range(n)
    ]


@pytest.mark.parametrize("budget", [6_000, 2_500])
def test_past_the_budget_the_papers_move_to_topic_pages_and_every_link_follows(budget, tmp_path, monkeypatch):
    monkeypatch.setattr("dnnpapers.outputs.materials.PAGE_BUDGET", budget)
    root = write_list(tmp_path, _many(40))
    (root / "data" / "talks.yaml").write_text("talks:\n  - date: 2020-03-04\n    presenters: [Ann]\n    papers: [author12020paper, author22020paper]\n", encoding="utf-8")
    outputs = build(load_list(root))
    pages = _markdown_pages(outputs)
    topic_pages = [p for p in pages if p.startswith("generated/materials/")]
    assert "generated/materials/dynamic-depth.md" in topic_pages and "generated/materials/dynamic-depth.zh.md" in topic_pages
    index = outputs[MATERIALS].decode()
    assert "| Date |" not in index and "](materials/dynamic-depth.md)" in index
    taxonomy = load_list(root).taxonomy
    for suffix in (".zh.md", ".md"):
        mine = [p for p in topic_pages if p.endswith(suffix) and (suffix == ".zh.md" or not p.endswith(".zh.md"))]
        rows = [pid for page in mine for pid in re.findall(r'<a id="([^"]+)"></a>', outputs[page].decode())]
        assert sorted(rows) == sorted(e["id"] for e in _many(40)), "every paper's row once per language"
        for page in mine:
            slug = posixpath.basename(page).removesuffix(suffix)
            assert len(outputs[page]) <= budget or not taxonomy[slug].children, f"{page} is over the budget but could split"
    assert assert_every_link_lands(outputs, pages) > 60
    readme = outputs["README.md"].decode()
    assert "| Date |" not in readme and "generated/materials/" in readme
    talks = outputs["generated/talks.md"].decode()
    assert "](materials/" in talks


def test_a_list_under_the_budget_keeps_one_page():
    outputs = build(load_list(REPO))
    assert not [name for name in outputs if name.startswith("generated/materials/")]
    assert len(outputs[MATERIALS]) < 400_000


def test_topic_pages_of_an_earlier_split_go_when_the_list_fits_one_page_again(tmp_path, monkeypatch, runner):
    from dnnpapers.outputs.render import render

    root = write_list(tmp_path, _many(40))
    monkeypatch.setattr("dnnpapers.outputs.materials.PAGE_BUDGET", 2_500)
    render(load_list(root))
    assert (root / "generated/materials/early-exit.md").exists()
    monkeypatch.setattr("dnnpapers.outputs.materials.PAGE_BUDGET", 400_000)
    stale = render(load_list(root), check=True)
    assert "generated/materials/early-exit.md" in stale and (root / "generated/materials/early-exit.md").exists()
    render(load_list(root))
    assert list((root / "generated/materials").glob("*.md")) == []
    assert render(load_list(root), check=True) == []


def _row_as_it_was(p, t, pattern, talks_page, anchored):
    """A table row before its language-free cells were shared and made without Md (the oracle)."""
    from dnnpapers.outputs.markdown import link, text
    from dnnpapers.outputs.materials import _stars

    paper = p.paper
    cells = {
        "anchor": p.anchor if anchored else "",
        "date": text(p.date),
        "paper": link(paper.title, p.href) if p.href else text(paper.title),
        "authors": text(p.authors),
        "code": f" · {link(t['code'], paper.code)}{_stars(paper, p.metrics)}" if paper.code else "",
        "focus": text(paper.focus) if paper.focus else "",
        "notes": "<br>".join(p.notes_parts(t, include_talks=False)),
    }
    if p.talked_about:
        cells["notes"] = "<br>".join([*([cells["notes"]] if cells["notes"] else []), *p.talk_links(t, talks_page)])
    return pattern.format_map(cells)


@settings(max_examples=80, deadline=None)
@given(papers(0), st.none() | st.integers(0, 10**7), st.lists(st.tuples(st.sampled_from(["2024-01-02", "2025-03-04"]), st.sampled_from(["a-talk", "b_talk"])), max_size=2))
def test_each_languages_row_made_with_the_cells_the_other_made_is_the_row_made_alone(entry, cited, talks):
    import datetime as dt
    from pathlib import Path

    from dnnpapers.model.models import Paper, PaperMetrics
    from dnnpapers.outputs.materials import ROW_FIELDS, ROW_TEMPLATE, STRINGS, Rows, _paper_view
    from dnnpapers.outputs.render import _environment
    from dnnpapers.outputs.templating import format_template

    paper = Paper(**entry)
    metrics = PaperMetrics(citations=cited, fetched=dt.date(2026, 1, 1)) if cited is not None else None
    pattern = format_template(_environment(Path("/nonexistent"), Path("/nonexistent"), 1), ROW_TEMPLATE, ROW_FIELDS)

    def view():
        made = _paper_view(paper, metrics, 1000)
        made.discussed = tuple(talks)
        return made

    shared = view()  # the first language makes its language-free cells, the next take them
    for lang, folder_page, anchored in [("en", "talks.md", True), ("zh", "../talks.zh.md", False), ("zh", "talks.zh.md", True), ("en", "../talks.md", False)]:
        t = STRINGS[lang]
        made = Rows(pattern, t, folder_page).row(shared, anchored)
        assert made == Rows(pattern, t, folder_page).row(view(), anchored) == _row_as_it_was(view(), t, pattern, folder_page, anchored)


@pytest.fixture(scope="module")
def shipped():
    return load_list(REPO)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_topics_count_by_sets_of_tags_is_its_papers_with_a_tag_in_its_subtree(shipped, data):
    """PaperViews.counts counts each set of tags once, with its ancestors; it is the number of papers tagged in the subtree."""
    from types import SimpleNamespace

    from dnnpapers.outputs.materials import paper_views

    taxonomy = shipped.taxonomy
    slugs = sorted(taxonomy.by_slug)
    chosen = data.draw(st.lists(st.sampled_from(shipped.papers), max_size=12, unique_by=lambda p: p.id))
    papers = [p.model_copy(update={"tags": data.draw(st.lists(st.sampled_from(slugs), min_size=1, max_size=4))}) for p in chosen]
    views = paper_views(SimpleNamespace(papers=papers, taxonomy=taxonomy, metrics={}, page=shipped.page, talks=SimpleNamespace(talks=[])))
    for slug in slugs:
        below = {p.id for p in papers if set(p.tags) & set(taxonomy.subtree(slug))}
        assert views.counts(slug, taxonomy)[0] == len(below)
