"""The talks pages, the materials rows that mention talks, and the README's line on the next talk."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from conftest import REPO, write_list
from dnnpapers.cli import app
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.render import MATERIALS, MATERIALS_ZH, TALK_OUTPUTS, TALKS, TALKS_ZH, build

MD = MarkdownIt("commonmark").enable("table")
MSD = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks for Resource Efficient Image Classification", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}
FASTBERT = {"id": "liu2020fastbert", "title": "FastBERT: a Self-distilling BERT with Adaptive Inference Time", "authors": ["Weijie Liu", "et al."], "year": 2020, "venue": "ACL 2020", "arxiv": "2004.02178", "tags": ["early-exit"]}
LOG = """\
talks:
  - date: 2026-01-14
    start: "19:00"
    presenters: [Ann]
    papers: [huang2017multiscale]
  - date: 2026-03-04
    start: "19:00"
    end: "20:30"
    kind: invited-talk
    presenters:
      - name: Ben
        affiliation: Somewhere University
    title: Budgets and exits
    papers: [huang2017multiscale, liu2020fastbert]
    links: {slides: "https://example.org/b.pdf", video: "https://example.org/b.mp4"}
  - date: 2026-03-18
    presenters: [Cai]
    title: Next one
leaders:
  - from: 2026-03-01
    to: 2026-04-30
    names: [Ann, Ben]
"""


def _html(markdown: str) -> str:
    return MD.render(markdown)


def _ids(html: str) -> set[str]:
    return set(re.findall(r'<a id="([^"]+)"></a>', html))


def _links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', html)


@pytest.mark.parametrize(("talks", "materials"), [(TALKS, MATERIALS), (TALKS_ZH, MATERIALS_ZH)])
def test_the_shipped_talks_page_and_materials_page_link_to_each_others_rows(talks, materials):
    outputs = build(load_list(REPO))
    talks_html = _html(outputs[talks].decode())
    materials_html = _html(outputs[materials].decode())
    assert talks_html.count("<tr>") == 1 + 5  # header + the five VALSE talks
    assert "王井东 (Microsoft Research)" in talks_html and "谢凌曦 (华为, Huawei)" in talks_html
    to_papers = [link for link in _links(talks_html) if link.startswith(materials.split("/")[-1] + "#")]
    assert to_papers == [f"{materials.split('/')[-1]}#cai2019onceforall"]
    assert "cai2019onceforall" in _ids(materials_html)
    to_talks = [link for link in _links(materials_html) if "#talk-" in link]
    assert to_talks == [f"{talks.split('/')[-1]}#talk-2020-08-05-0940"]
    assert "talk-2020-08-05-0940" in _ids(talks_html)
    assert (REPO / talks).read_bytes() == outputs[talks]


def test_each_paper_has_one_anchor_a_page_on_the_row_of_its_first_topic():
    html = _html(build(load_list(REPO))[MATERIALS].decode())
    anchors = re.findall(r'<a id="([^"]+)"></a>', html)
    assert len(anchors) == len(set(anchors)) == len(load_list(REPO).papers)


def test_next_talks_come_first_then_past_talks_by_term_with_its_leaders(tmp_path, monkeypatch):
    root = write_list(tmp_path, [MSD, FASTBERT])
    (root / "data" / "talks.yaml").write_text(LOG, encoding="utf-8")
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-03-10")
    outputs = build(load_list(root))
    page = outputs[TALKS].decode()
    next_part, past_part = page.split("## Past talks")
    assert "talk-2026-03-18" in next_part and "talk-2026-03-04" not in next_part
    assert past_part.index("### 2026-03-01 – 2026-04-30 · leaders: Ann, Ben") < past_part.index("talk-2026-03-04-1900")
    assert past_part.index("talk-2026-03-04-1900") < past_part.index("### Outside the leaders' terms") < past_part.index("talk-2026-01-14-1900")
    assert "[slides](https://example.org/b.pdf) · [video](https://example.org/b.mp4)" in page
    assert "Ben (Somewhere University)" in page
    zh = outputs[TALKS_ZH].decode()
    assert "## 即将进行" in zh and "### 2026-03-01 – 2026-04-30 · 组长：Ann, Ben" in zh and "邀请报告" in zh
    readme = outputs["README.md"].decode()
    assert "**Next talk:** 2026-03-18 · [Next one](generated/talks.md#talk-2026-03-18) · Cai · [all talks](generated/talks.md)" in readme
    materials = outputs[MATERIALS].decode()
    assert "[🗣 discussed 2026-01-14](talks.md#talk-2026-01-14-1900)<br>[🗣 discussed 2026-03-04](talks.md#talk-2026-03-04-1900)" in materials


def test_the_readme_says_when_no_talk_is_scheduled(tmp_path, monkeypatch):
    root = write_list(tmp_path, [MSD, FASTBERT])
    (root / "data" / "talks.yaml").write_text(LOG, encoding="utf-8")
    monkeypatch.setenv("DNNPAPERS_TODAY", "2027-01-01")
    outputs = build(load_list(root))
    assert "**Reading group:** no talk scheduled · [all talks](generated/talks.md)" in outputs["README.md"].decode()
    assert "No talk is scheduled yet." in outputs[TALKS].decode()


def test_a_list_without_a_talks_file_gets_no_talk_outputs(tmp_path):
    root = write_list(tmp_path, [MSD])
    outputs = build(load_list(root))
    assert not set(TALK_OUTPUTS) & set(outputs)
    assert "talk" not in outputs["README.md"].decode().lower()


def test_render_check_goes_stale_once_the_next_talk_has_passed(tmp_path, runner):
    root = write_list(tmp_path, [MSD, FASTBERT])
    (root / "data" / "talks.yaml").write_text(LOG, encoding="utf-8")
    env = {"DNNPAPERS_TODAY": "2026-03-10"}
    assert runner.invoke(app, ["render", "--root", str(root)], env=env).exit_code == 0
    assert runner.invoke(app, ["render", "--check", "--root", str(root)], env=env).exit_code == 0
    assert runner.invoke(app, ["render", "--check", "--root", str(root)], env={"DNNPAPERS_TODAY": "2026-03-17"}).exit_code == 0
    later = runner.invoke(app, ["render", "--check", "--root", str(root)], env={"DNNPAPERS_TODAY": "2026-03-19"})
    assert later.exit_code == 1
    assert set(later.stdout.splitlines()) == {f"{name}: stale; run dnnpapers render" for name in ("README.md", TALKS, TALKS_ZH)}
    bad = runner.invoke(app, ["render", "--check", "--root", str(root)], env={"DNNPAPERS_TODAY": "soon"})
    assert bad.exit_code == 1 and bad.stderr == "dnnpapers: DNNPAPERS_TODAY='soon' is not a date written YYYY-MM-DD\n"


def test_hostile_talk_text_stays_inside_its_table_cell(tmp_path, monkeypatch):
    from dnnpapers.storage.store import format_scalar

    root = write_list(tmp_path, [MSD])
    evil = "A | B <script>alert(1)</script> [x](http://evil.example) `code` **bold**"
    (root / "data" / "talks.yaml").write_text(
        f"talks:\n  - date: 2026-03-04\n    presenters: [{format_scalar('Mallory | <b>', flow=True)}]\n    title: {format_scalar(evil)}\n    notes: {format_scalar(evil)}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")
    html = _html(build(load_list(root))[TALKS].decode())
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    assert len(rows) == 2 and all(row.count("<td>") == 6 for row in rows[1:])
    assert "<script>" not in html and 'href="http://evil.example"' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
