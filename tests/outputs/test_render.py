"""Rendering: fresh committed outputs, even tables, every paper under each tag, safe text, the README region."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from markdown_it import MarkdownIt

from conftest import REPO, write_list
from dnnpapers.cli import app
from dnnpapers.errors import DnnpapersError, ProblemsFound
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.render import MATERIALS, MATERIALS_ZH, OUTPUTS, build, render
from strategies import paper_lists

MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")

MSD = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}
HOSTILE = {
    "id": "evil2020title",
    "title": "A | B \\ C `code` <script>alert(1)</script> [link](http://x.org) **bold** $x$ ~~no~~",
    "authors": ["Mallory <b>Bad</b>", "Eve | Pipe", "Trent", "Someone"],
    "year": 2020,
    "venue": "arXiv",
    "url": "https://example.org/a_(b)|c",
    "tags": ["early-exit", "system"],
    "focus": "line one\nline two | with pipe",
    "notes": "<img src=x onerror=alert(1)>",
}


def cells(row: str) -> list[str]:
    """A GFM table row split on its unescaped pipes."""
    parts, current, i = [], "", 0
    body = row.strip()
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            current += body[i : i + 2]
            i += 2
            continue
        if char == "|":
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    parts.append(current)
    return [p.strip() for p in parts[1:-1]]


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table of the page as rows of raw cells (header first, delimiter row dropped)."""
    found, current = [], None
    for line in markdown.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                found.append(current)
            if not re.fullmatch(r"\|( *-+:? *\|)+", line):
                current.append(cells(line))
        else:
            current = None
    return found


def sections_by_heading(markdown: str) -> dict[str, str]:
    """The text under each heading, up to the next heading."""
    parts = re.split(r"^(#{1,6} .*)$", markdown, flags=re.M)
    return {parts[i].lstrip("# ").strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_committed_outputs_are_fresh():
    outputs = build(load_list(REPO))
    stale = [name for name, data in outputs.items() if (REPO / name).read_bytes() != data]
    assert stale == [], "run `dnnpapers render` and commit"


def test_same_data_same_bytes(tmp_path):
    root = write_list(tmp_path, [MSD, HOSTILE])
    assert build(load_list(root)) == build(load_list(root))


def test_every_table_is_even_and_every_paper_is_under_each_tag(tmp_path):
    root = write_list(tmp_path, [MSD, HOSTILE])
    page = build(load_list(root))[MATERIALS].decode()
    for table in tables(page):
        assert {len(row) for row in table} == {len(table[0])}
    sections = sections_by_heading(page)
    assert "Multi-Scale Dense Networks" in sections["Early exiting · 早退"]
    for heading, titles in {"Early exiting · 早退": 2, "Dynamic NN systems · 动态网络系统": 1, "Surveys · 综述": 0}.items():
        rows = [t for t in tables(sections[heading])]
        assert sum(len(t) - 1 for t in rows) == titles


def test_hostile_text_renders_literally_in_one_cell(tmp_path):
    root = write_list(tmp_path, [HOSTILE])
    page = build(load_list(root))[MATERIALS].decode()
    html = MD.render(page)
    assert "<script" not in html and "<b>" not in html and "<strong>" not in html
    assert re.findall(r"<img [^>]*>", html) == ['<img src="papers-per-year.svg" alt="Papers per year" />']
    section = sections_by_heading(page)["Early exiting · 早退"]
    (table,) = tables(section)
    assert len(table[1]) == 4
    rendered = MD.render(section)
    assert not re.search(r"<(code|s|strong|em|script|img|b)\b", rendered)
    shown = re.search(r"<td><a href=\"([^\"]*)\">(.*?)</a><br>(.*?)</td>", rendered)
    assert shown.group(1) == "https://example.org/a_%28b%29%7Cc"
    assert shown.group(2) == "A | B \\ C `code` &lt;script&gt;alert(1)&lt;/script&gt; [link](http://x.org) **bold** $x$ ~~no~~"
    assert shown.group(3) == "Mallory &lt;b&gt;Bad&lt;/b&gt; et al."
    assert "<td>line one line two | with pipe</td>" in rendered


def test_readme_outside_the_markers_is_untouched(tmp_path):
    readme = "\ufeff# Ours\r\n\r\nKeep *this* | byte.\r\n<!-- dnnpapers:begin -->\r\nold\r\n<!-- dnnpapers:end -->\r\ntail\r\n"
    root = write_list(tmp_path, [MSD], readme=readme)
    out = build(load_list(root))["README.md"].decode()
    head, tail = readme.split("<!-- dnnpapers:begin -->")[0], readme.split("<!-- dnnpapers:end -->")[1]
    assert out.startswith(head + "<!-- dnnpapers:begin -->\r\n") and out.endswith("<!-- dnnpapers:end -->" + tail)
    assert "Multi-Scale Dense Networks" in out and "old" not in out


@pytest.mark.parametrize("readme", ["no markers\n", "<!-- dnnpapers:begin -->\n<!-- dnnpapers:begin -->\n<!-- dnnpapers:end -->\n", "<!-- dnnpapers:end -->\n<!-- dnnpapers:begin -->\n"])
def test_bad_markers_are_an_error_and_nothing_is_written(tmp_path, readme):
    root = write_list(tmp_path, [MSD], readme=readme)
    with pytest.raises(DnnpapersError, match="README.md: "):
        render(load_list(root))
    assert not (root / "generated").exists()
    assert (root / "README.md").read_text() == readme


def test_readme_falls_back_to_the_compact_form_past_the_budget(tmp_path, monkeypatch):
    monkeypatch.setattr("dnnpapers.outputs.render.README_BUDGET", 100)
    root = write_list(tmp_path, [MSD])
    out = build(load_list(root))["README.md"].decode()
    assert "| Date |" not in out
    assert "[Early exiting · 早退](generated/materials.md#early-exiting--早退)" in out


def test_readme_links_reach_its_own_headings(tmp_path):
    root = write_list(tmp_path, [MSD], readme="# Early exiting · 早退\n<!-- dnnpapers:begin -->\n<!-- dnnpapers:end -->\n")
    out = build(load_list(root))["README.md"].decode()
    assert "](#early-exiting--早退-1)" in out  # the README's own heading took the plain anchor


def test_check_mode_names_stale_files_and_writes_nothing(tmp_path, runner):
    root = write_list(tmp_path, [MSD])
    result = runner.invoke(app, ["render", "--check", "--root", str(root)])
    assert result.exit_code == 1
    assert set(result.stdout.splitlines()) == {f"{name}: stale; run dnnpapers render" for name in OUTPUTS}
    assert not (root / "generated").exists()
    assert runner.invoke(app, ["render", "--root", str(root)]).exit_code == 0
    assert runner.invoke(app, ["render", "--check", "--root", str(root)]).exit_code == 0


def test_only_changed_files_are_written(tmp_path):
    root = write_list(tmp_path, [MSD])
    render(load_list(root))
    papers = root / "data" / "papers.yaml"
    papers.write_text(papers.read_text().replace("    tags: [early-exit]\n", "    tags: [early-exit]\n    notes: New note.\n"))
    changed = render(load_list(root))
    assert sorted(changed) == sorted(["generated/materials.md", "generated/materials.zh.md", "generated/papers.json", "generated/site/index.html", "generated/site/index.zh.html", "README.md"])


def test_invalid_data_is_refused_with_checks_messages(tmp_path, runner):
    root = write_list(tmp_path, [{**MSD, "tags": ["nope"]}])
    result = runner.invoke(app, ["render", "--root", str(root)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{root}/data/papers.yaml:10:12: unknown tag 'nope'")
    assert not (root / "generated").exists()


def test_milestones_need_citations_or_an_award(tmp_path):
    root = write_list(tmp_path, [MSD, {**MSD, "id": "x2019award", "title": "Awarded", "arxiv": "1901.90001", "year": 2019, "venue": "CVPR 2019", "awards": ["best paper"]}])
    (root / "data" / "metrics.yaml").write_text("metrics:\n  huang2017multiscale: {citations: 2500, fetched: 2026-11-01}\n")
    page = build(load_list(root))[MATERIALS].decode()
    timeline = sections_by_heading(page)["Big Event Timeline"]
    assert "| Domain | 2018 | 2019 |" in timeline
    assert "| Dynamic depth | [Multi-Scale Dense Networks](https://arxiv.org/abs/1703.09844) | [Awarded](https://arxiv.org/abs/1901.90001) |" in timeline
    assert "cited 2,500" in page and "🏆 best paper" in page


def test_the_two_pages_link_to_each_other_and_speak_their_language(tmp_path):
    root = write_list(tmp_path, [MSD])
    outputs = build(load_list(root))
    en, zh = outputs[MATERIALS].decode(), outputs[MATERIALS_ZH].decode()
    assert "[中文版](materials.zh.md)" in en and "[English](materials.md)" in zh
    assert "### 早退 · Early exiting" in zh or "#### 早退 · Early exiting" in zh
    assert "| 日期 | 论文 | 关注点 | 备注 |" in zh


def test_a_lists_own_template_overrides_the_shipped_one(tmp_path):
    root = write_list(tmp_path, [MSD])
    (root / "templates").mkdir()
    (root / "templates" / "materials.md.j2").write_text("{% for p in all_topics %}{{ p.node.slug }}={{ p.papers|length }};{% endfor %}\n")
    page = build(load_list(root))[MATERIALS].decode()
    assert page.startswith("survey=0;dynamic-depth=0;early-exit=1;")


def test_a_broken_template_is_a_one_line_error(tmp_path):
    root = write_list(tmp_path, [MSD])
    (root / "templates").mkdir()
    (root / "templates" / "materials.md.j2").write_text("ok\n{% for x in %}\n")
    with pytest.raises(DnnpapersError, match=r"materials.md.j2:2: template error"):
        build(load_list(root))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(paper_lists())
def test_random_valid_lists_render_even_tables_with_every_paper_under_its_tags(tmp_path_factory, entries):
    root = write_list(tmp_path_factory.mktemp("render"), entries)
    try:
        paper_list = load_list(root)
    except ProblemsFound as found:
        raise AssertionError(str(found)) from None
    outputs = build(paper_list)
    assert outputs == build(paper_list)
    page = outputs[MATERIALS].decode()
    for table in tables(page):
        assert {len(row) for row in table} == {len(table[0])}
    sections = sections_by_heading(page)
    labels = {node.slug: f"{node.en} · {node.zh}" for node in paper_list.taxonomy.walk()}
    for slug, heading in labels.items():
        expected = sorted(p.id for p in paper_list.papers if slug in p.tags)
        rows = [row for table in tables(sections[heading]) for row in table[1:]]
        assert len(rows) == len(expected)
    html = MD.render(page)
    assert "<script" not in html
    assert re.findall(r"<img [^>]*>", html) == ['<img src="papers-per-year.svg" alt="Papers per year" />']


def _forget_what_renders_keep():
    """Empty every cache a render keeps for the process (words, names, topic links): as in a fresh process."""
    from dnnpapers.outputs import csl, export, site

    for cached in (export._bib_word, export._bib_name, csl._name_parts, site._tag):
        cached.cache_clear()


def _swapped(entry: dict) -> dict:
    """The entry with the case of its title's words and of its authors' names swapped: what a cache must tell apart."""
    swapped = {key: value for key, value in entry.items() if key not in ("arxiv", "doi")}  # (ids of their own)
    return {**swapped, "id": f"swapped-{entry['id']}", "title": f"{entry['title'].swapcase()} swapped", "authors": [a if a == "et al." else a.swapcase() for a in entry["authors"]]}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(paper_lists(max_size=6), paper_lists(max_size=6))
def test_what_one_render_keeps_for_the_process_changes_no_byte_of_the_next(tmp_path_factory, entries, others):
    lists = [load_list(write_list(tmp_path_factory.mktemp("kept"), papers)) for papers in (entries, others + [_swapped(e) for e in entries])]
    _forget_what_renders_keep()
    fresh = build(lists[0])
    _forget_what_renders_keep()
    build(lists[1])  # another list's words, names and topics kept first
    assert build(lists[0]) == fresh
