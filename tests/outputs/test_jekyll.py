"""render into a Jekyll site: pages with front matter and the site's links, data, static files, posts; owned by a manifest.

The site is someone else's folder: render writes there only the files its manifest names,
refuses one in the way that it did not write (naming it, nothing written anywhere),
removes its own that it no longer makes, never follows a symlink out of the folder, and a
second render changes no byte. `render --check` holds the site's files to the list too.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from conftest import tree, write_list
from dnnpapers.cli import app

A = {"id": "a2020x", "title": "First synthetic paper", "authors": ["Test Author", "Other Author"], "year": 2020, "venue": "arXiv",
     "arxiv": "2001.90301", "tags": ["early-exit"]}
B = {"id": "b2021y", "title": "Second synthetic paper", "authors": ["Test Author", "et al."], "year": 2021, "venue": "arXiv",
     "arxiv": "2101.90302", "tags": ["survey"]}
#: Curator text Liquid would run: an output, a tag, and the raw block's own end.
LIQUID_NOTE = "Notes on {{ x }} and {% if a %}b{% endif %}, even {% endraw %} stays text"
TALKS = f"""talks:
  - date: 2020-08-05
    start: "09:40"
    end: "10:20"
    kind: lecture-notes
    presenters: [{{name: Test Presenter, affiliation: Example Lab}}]
    papers: [a2020x]
    event: Example online conference
    notes: '{LIQUID_NOTE}'
  - date: 2020-09-01
    presenters: [Second Presenter]
    papers: [b2021y]
"""
METRICS = "metrics:\n  a2020x: {citations: 120, fetched: 2026-01-01}\n  b2021y: {citations: 3, fetched: 2026-01-01}\n"


def make_list(root: Path, jekyll: str | None = None) -> Path:
    """A small list with talks (one with Liquid in its notes) and citation data; ``jekyll``: page.yaml's setting."""
    write_list(root, [A, B])
    (root / "data" / "talks.yaml").write_text(TALKS, encoding="utf-8")
    (root / "data" / "metrics.yaml").write_text(METRICS, encoding="utf-8")
    if jekyll is not None:
        (root / "data" / "page.yaml").write_text("title: Test materials\n" + jekyll, encoding="utf-8")
    return root


@pytest.fixture
def root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")  # every talk held: the pages do not change with the day
    return make_list(tmp_path / "list")


@pytest.fixture
def site(tmp_path) -> Path:
    """The group's site: its own config, page and post, which render must never touch."""
    return _site_of_the_group(tmp_path / "site")


def _site_of_the_group(folder: Path) -> Path:
    (folder / "_posts").mkdir(parents=True)
    (folder / "_config.yml").write_text("title: Group site\n", encoding="utf-8")
    (folder / "about.md").write_text("---\nlayout: page\n---\nAbout us\n", encoding="utf-8")
    (folder / "_posts" / "2020-08-05-valse-notes.md").write_text("---\nlayout: post\ncategories: [LectureNotes]\n---\nOur own notes\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """(list, site, the site's own files before): the list rendered once with --jekyll, for the tests that only read."""
    from typer.testing import CliRunner

    base = tmp_path_factory.mktemp("rendered")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DNNPAPERS_TODAY", "2026-01-01")
        patch.setenv("DNNPAPERS_CACHE_DIR", str(base / "cache"))
        root, site = make_list(base / "list"), _site_of_the_group(base / "site")
        before = tree(site)
        result = CliRunner().invoke(app, ["render", "--root", str(root), "--jekyll", str(site)])
    assert result.exit_code == 0, result.output
    return root, site, before


def render(runner, root: Path, *args: str):
    return runner.invoke(app, ["render", "--root", str(root), *args])


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), text[:80]
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def one_line_refusal(result, starts: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith(f"dnnpapers: {starts}"), lines[0]
    return lines[0]


# --- what the site gets ----------------------------------------------------------------------------------------------


def test_the_pages_carry_front_matter_with_layout_title_permalink_and_lang(rendered):
    root, site, _ = rendered
    expected = {
        "materials.md": ("Dynamic Neural Network Materials", "/papers/", "en"),
        "materials.zh.md": ("动态神经网络资料", "/papers/zh/", "zh"),
        "talks.md": ("Reading group talks", "/papers/talks/", "en"),
        "talks.zh.md": ("研究组报告", "/papers/zh/talks/", "zh"),
    }
    for name, (title, permalink, lang) in expected.items():
        meta, body = front_matter(site / "papers" / name)
        assert meta == {"layout": "page", "title": title, "permalink": permalink, "lang": lang}, name
        assert not body.lstrip().startswith("#"), name  # the title is the layout's to show, not a second heading


def test_page_yaml_settings_choose_the_folder_layout_and_title(tmp_path, runner, monkeypatch):
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")
    root = make_list(tmp_path / "list", "jekyll:\n  dir: ../site\n  path: reading/list\n  layout: default\n")
    (tmp_path / "site").mkdir()
    assert render(runner, root).exit_code == 0
    meta, _ = front_matter(tmp_path / "site" / "reading" / "list" / "talks.zh.md")
    assert meta == {"layout": "default", "title": "研究组报告", "permalink": "/reading/list/zh/talks/", "lang": "zh"}
    assert front_matter(tmp_path / "site" / "reading" / "list" / "materials.md")[0]["title"] == "Test materials"


def test_links_between_the_pages_point_at_their_permalinks_relative_to_each_page(rendered):
    root, site, _ = rendered
    talks = (site / "papers" / "talks.md").read_text(encoding="utf-8")
    talks_zh = (site / "papers" / "talks.zh.md").read_text(encoding="utf-8")
    materials = (site / "papers" / "materials.md").read_text(encoding="utf-8")
    assert "](../#a2020x)" in talks and "](../zh/)" not in talks  # a paper's row on the materials page, from /papers/talks/
    assert "](../../talks/)" in talks_zh and "](../#a2020x)" in talks_zh  # /papers/zh/talks/ → /papers/talks/, /papers/zh/#a2020x
    assert "](talks/#talk-2020-08-05-0940)" in materials and "](zh/)" in materials
    assert "](papers-per-year.svg)" in materials and "](../talks.ics)" in talks
    assert ".md)" not in talks + talks_zh + materials  # no link left to a Markdown file of generated/


def test_a_body_is_raw_to_liquid_and_the_curator_text_cannot_end_the_raw_block(rendered):
    root, site, _ = rendered
    for page in (site / "papers").glob("*.md"):
        _, body = front_matter(page)
        assert body.startswith("{% raw %}\n") and body.endswith("{% endraw %}\n"), page.name
        inner = body[len("{% raw %}\n"):-len("{% endraw %}\n")]
        assert "{%" not in inner and "{{" not in inner, page.name


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from("{}%-# rawend\n"), max_size=40))
def test_a_template_that_writes_liquid_itself_still_gives_exactly_one_raw_block(body):
    from dnnpapers.outputs.jekyll import _liquid_safe

    safe = _liquid_safe(body)
    assert safe.count("{%") == 2 and safe.count("{{") == 0
    assert safe.startswith("{% raw %}\n") and safe.endswith("{% endraw %}\n")


def test_data_files_list_every_paper_and_talk_in_the_documented_shape(rendered):
    root, site, _ = rendered
    papers = json.loads((site / "_data" / "papers.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in papers] == ["a2020x", "b2021y"]
    first = papers[0]
    assert first["title"] == A["title"] and first["authors"] == A["authors"] and first["year"] == 2020 and first["arxiv"] == "2001.90301"
    assert first["tags"] == [{"slug": "early-exit", "en": "Early exiting", "zh": "早退"}]
    assert first["metrics"] == {"citations": 120, "fetched": "2026-01-01"}
    assert first["url"] == "/papers/#a2020x" and first["url_zh"] == "/papers/zh/#a2020x"
    assert first["talks"] == ["talk-2020-08-05-0940"]
    talks = json.loads((site / "_data" / "talks.json").read_text(encoding="utf-8"))
    assert [set(t) for t in talks] == [{"anchor", "url", "date", "start", "end", "kind", "kind_en", "kind_zh", "title", "presenters", "papers",
                                        "event", "place", "links", "notes", "post"}] * 2  # every key always there (null when unset)
    held = talks[0]
    assert held["url"] == "/papers/talks/#talk-2020-08-05-0940" and held["notes"] == LIQUID_NOTE and held["title"] == A["title"]
    assert held["presenters"] == [{"name": "Test Presenter", "affiliation": "Example Lab"}] and held["papers"] == ["a2020x"]
    assert held["post"] is None and talks[1]["start"] is None  # posts are off by default


def test_the_chart_calendar_and_searchable_page_are_the_lists_own_files(rendered):
    root, site, _ = rendered
    generated = root / "generated"
    for source, copy in [("papers-per-year.svg", "papers/papers-per-year.svg"), ("papers-per-year.zh.svg", "papers/papers-per-year.zh.svg"),
                         ("talks.ics", "papers/talks.ics"), ("site/index.html", "papers/search/index.html"),
                         ("site/index.zh.html", "papers/search/index.zh.html")]:
        assert (site / copy).read_bytes() == (generated / source).read_bytes(), copy


# --- posts -------------------------------------------------------------------------------------------------------------


def test_a_talk_with_notes_becomes_a_lecture_notes_post_when_posts_are_on(tmp_path, runner, monkeypatch):
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")
    root = make_list(tmp_path / "list", "jekyll:\n  dir: ../site\n  posts: true\n")
    (tmp_path / "site").mkdir()
    assert render(runner, root).exit_code == 0
    posts = sorted((tmp_path / "site" / "_posts").iterdir())
    assert [p.name for p in posts] == ["2020-08-05-first-synthetic-paper.md"]  # the talk without notes gets none
    meta, body = front_matter(posts[0])
    assert meta == {"layout": "post", "title": A["title"], "date": "2020-08-05 09:40:00 +0800", "categories": ["LectureNotes"]}
    assert "{%" not in body and body.count("{{") == 2  # only the site's base URL before the two links to our pages
    assert "({{ site.baseurl }}/papers/#a2020x)" in body and "({{ site.baseurl }}/papers/talks/#talk-2020-08-05-0940)" in body
    talks = json.loads((tmp_path / "site" / "_data" / "talks.json").read_text(encoding="utf-8"))
    assert talks[0]["post"] == "_posts/2020-08-05-first-synthetic-paper.md"


def test_posts_are_off_unless_page_yaml_turns_them_on(rendered):
    root, site, _ = rendered
    assert sorted(p.name for p in (site / "_posts").iterdir()) == ["2020-08-05-valse-notes.md"]  # the site's own, alone


# --- ownership ---------------------------------------------------------------------------------------------------------


def test_a_second_render_changes_no_byte(root, site, runner):
    first = render(runner, root, "--jekyll", str(site))
    assert first.exit_code == 0 and f"{site}/.dnnpapers-manifest.json" in first.stderr
    before = {**tree(site), **{f"list/{k}": v for k, v in tree(root).items()}}
    again = render(runner, root, "--jekyll", str(site))
    assert again.exit_code == 0 and again.stderr == "up to date\n"
    assert {**tree(site), **{f"list/{k}": v for k, v in tree(root).items()}} == before


def test_the_manifest_names_every_file_render_wrote_and_only_those(rendered):
    _, site, before = rendered
    manifest = json.loads((site / ".dnnpapers-manifest.json").read_text(encoding="utf-8"))
    made = set(tree(site)) - set(before) - {".dnnpapers-manifest.json"}
    assert manifest["generator"] == "dnnpapers" and set(manifest["files"]) == {name for name in made if (site / name).is_file()}
    assert {k: v for k, v in tree(site).items() if k in before} == before  # the site's own files, byte for byte


@pytest.mark.parametrize("name", ["papers/talks.md", "_data/papers.json", "papers/search/index.html"])
def test_a_file_in_the_way_that_render_did_not_write_is_refused_and_nothing_is_written(root, site, runner, name):
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / name).write_text("the group's own\n", encoding="utf-8")
    before_site, before_list = tree(site), tree(root)
    line = one_line_refusal(render(runner, root, "--jekyll", str(site)), f"{site}/{name}: not written by dnnpapers")
    assert "nothing was changed" in line
    assert tree(site) == before_site and tree(root) == before_list  # the list's own outputs not written either


def test_a_hand_written_post_in_the_way_of_a_new_post_is_refused(tmp_path, runner, monkeypatch):
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")
    root = make_list(tmp_path / "list", "jekyll:\n  dir: ../site\n")
    (tmp_path / "site" / "_posts").mkdir(parents=True)
    assert render(runner, root).exit_code == 0
    own = tmp_path / "site" / "_posts" / "2020-08-05-first-synthetic-paper.md"
    own.write_text("---\nlayout: post\n---\nwritten by hand\n", encoding="utf-8")
    (root / "data" / "page.yaml").write_text("jekyll:\n  dir: ../site\n  posts: true\n", encoding="utf-8")
    before = tree(tmp_path / "site")
    one_line_refusal(render(runner, root), f"../site/_posts/{own.name}: not written by dnnpapers")
    assert tree(tmp_path / "site") == before


def test_files_render_no_longer_makes_are_removed_and_reported_and_the_sites_own_are_kept(tmp_path, runner, monkeypatch):
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")
    root = make_list(tmp_path / "list", "jekyll:\n  dir: ../site\n  posts: true\n")
    folder = tmp_path / "site"
    (folder / "_posts").mkdir(parents=True)
    (folder / "_posts" / "2019-01-01-own.md").write_text("---\n---\nown\n", encoding="utf-8")
    assert render(runner, root).exit_code == 0
    post = "_posts/2020-08-05-first-synthetic-paper.md"
    (root / "data" / "page.yaml").write_text("jekyll:\n  dir: ../site\n  path: reading\n", encoding="utf-8")  # no posts, another folder
    check = render(runner, root, "--check")
    assert check.exit_code == 1
    assert {f"../site/{post}: no longer made; run dnnpapers render", "../site/papers/talks.md: no longer made; run dnnpapers render",
            "../site/reading/talks.md: stale; run dnnpapers render"} <= set(check.stdout.splitlines())
    done = render(runner, root)
    assert done.exit_code == 0
    removed = done.stderr.strip().split("; removed ")[1].split(", ")
    assert f"../site/{post}" in removed and "../site/papers/materials.md" in removed
    assert not (folder / post).exists() and not list((folder / "papers").rglob("*.*"))
    assert (folder / "_posts" / "2019-01-01-own.md").read_text(encoding="utf-8") == "---\n---\nown\n"
    assert (folder / "reading" / "talks.md").is_file()
    assert render(runner, root, "--check").exit_code == 0


def test_render_check_names_the_site_files_that_are_stale_and_writes_nothing(tmp_path, runner, monkeypatch):
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")
    root = make_list(tmp_path / "list", "jekyll:\n  dir: ../site\n")
    (tmp_path / "site").mkdir()
    assert render(runner, root).exit_code == 0
    assert render(runner, root, "--check").exit_code == 0
    assert render(runner, root, "--check").exit_code == 0  # answered again the same: a list with a site keeps no verdict
    (tmp_path / "site" / "papers" / "talks.md").write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "site" / "_data" / "papers.json").unlink()
    before = tree(tmp_path / "site")
    check = render(runner, root, "--check")
    assert check.exit_code == 1
    assert check.stdout.splitlines() == ["../site/papers/talks.md: stale; run dnnpapers render", "../site/_data/papers.json: stale; run dnnpapers render"]
    assert tree(tmp_path / "site") == before


def test_a_manifest_render_did_not_write_is_refused(root, site, runner):
    (site / ".dnnpapers-manifest.json").write_text('{"files": ["about.md"]}\n', encoding="utf-8")
    before = tree(site)
    one_line_refusal(render(runner, root, "--jekyll", str(site)), f"{site}/.dnnpapers-manifest.json: not the manifest dnnpapers keeps")
    assert tree(site) == before


def test_a_manifest_naming_a_file_outside_the_site_never_gets_it_removed(root, site, runner, tmp_path):
    assert render(runner, root, "--jekyll", str(site)).exit_code == 0
    (tmp_path / "precious.md").write_text("keep\n", encoding="utf-8")
    manifest = json.loads((site / ".dnnpapers-manifest.json").read_text(encoding="utf-8"))
    manifest["files"] += ["../precious.md", str(tmp_path / "precious.md"), "papers/../../precious.md"]
    (site / ".dnnpapers-manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert render(runner, root, "--jekyll", str(site)).exit_code == 0
    assert (tmp_path / "precious.md").read_text(encoding="utf-8") == "keep\n"


@pytest.mark.parametrize("link", ["papers", "_data", "papers/talks.md"])
def test_a_symlink_in_the_site_that_leads_out_of_it_is_refused(tmp_path, runner, monkeypatch, link):
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")
    root = make_list(tmp_path / "list", "jekyll:\n  dir: ../site\n  posts: true\n")
    folder = tmp_path / "site"
    folder.mkdir()
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "notes.md").write_text("mine\n", encoding="utf-8")
    assert render(runner, root).exit_code == 0  # in place, then a pull brings the link
    path = folder / link
    shutil.rmtree(path) if path.is_dir() else path.unlink()
    path.symlink_to(outside if path.suffix != ".md" else outside / "notes.md")
    before_outside, before_list = tree(outside), tree(root)
    for args in ([], ["--check"]):
        line = one_line_refusal(render(runner, root, *args), f"{path}: a symlink to {outside}")
        assert "outside the Jekyll site ../site" in line
    assert tree(outside) == before_outside and tree(root) == before_list


def test_a_site_folder_that_is_itself_a_link_is_written_through(root, tmp_path, runner):
    (tmp_path / "real-site").mkdir()
    (tmp_path / "site").symlink_to(tmp_path / "real-site")
    assert render(runner, root, "--jekyll", str(tmp_path / "site")).exit_code == 0
    assert (tmp_path / "real-site" / "papers" / "talks.md").is_file()


def test_a_site_folder_that_does_not_exist_is_refused_in_one_line(root, tmp_path, runner):
    one_line_refusal(render(runner, root, "--jekyll", str(tmp_path / "nowhere")), f"{tmp_path / 'nowhere'}: no such folder")
    assert not (tmp_path / "nowhere").exists() and not (root / "generated").exists()


def test_page_yaml_jekyll_settings_are_checked_with_their_line(tmp_path, runner):
    root = make_list(tmp_path / "list", "jekyll:\n  dir: ../site\n  path: ../up\n  posts: sometimes\n  theme: x\n")
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    page = root / "data" / "page.yaml"
    assert any(line.startswith(f"{page}:4:") and "jekyll.path" in line and "Jekyll skips" in line for line in lines), lines
    assert any(line.startswith(f"{page}:5:") and "jekyll.posts" in line for line in lines), lines
    assert any(line.startswith(f"{page}:6:") and "jekyll.theme" in line for line in lines), lines
