"""Rendering: fresh committed outputs, even tables, every paper under each tag, safe text, the README region."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from markdown_it import MarkdownIt

from conftest import REPO, invoke, tree, write_list
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
def test_random_valid_lists_render_even_tables_with_every_paper_under_its_tags(new_folder, entries):
    root = write_list(new_folder(), entries)
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
def test_what_one_render_keeps_for_the_process_changes_no_byte_of_the_next(new_folder, entries, others):
    lists = [load_list(write_list(new_folder(), papers)) for papers in (entries, others + [_swapped(e) for e in entries])]
    _forget_what_renders_keep()
    fresh = build(lists[0])
    _forget_what_renders_keep()
    build(lists[1])  # another list's words, names and topics kept first
    assert build(lists[0]) == fresh


# --- the build made on two cores (forked.py): the serial build's bytes, errors and stops ---------------------

from dnnpapers import forked  # noqa: E402
from dnnpapers.outputs import materials, render as render_module  # noqa: E402


def _variant(entry: dict, copy: int, i: int) -> dict:
    """A copy of a shipped entry with ids of its own (YYMM.9NNNN arXiv ids: no real paper's)."""
    if not copy:
        return dict(entry)
    made = {**entry, "id": f"{entry['id']}-{copy}", "title": f"{entry['title']} (variant {copy})", "arxiv": f"{1501 + i // 10_000}.9{i % 10_000:04d}"}
    if entry.get("doi"):
        made["doi"] = f"{entry['doi']}.{copy}"
    return made


def _write_variants(root, count: int):
    """A list of ``count`` papers made of the shipped entries (the shipped taxonomy and page), with a README."""

    from dnnpapers.storage.fastyaml import parse
    from dnnpapers.storage.store import format_entry

    shipped = parse((REPO / "data" / "papers.yaml").read_bytes())["papers"]
    (root / "data").mkdir(parents=True)
    for name in ("taxonomy.yaml", "page.yaml"):
        shutil.copy(REPO / "data" / name, root / "data" / name)
    entries = [_variant(shipped[i % len(shipped)], i // len(shipped), i) for i in range(count)]
    (root / "data" / "papers.yaml").write_text("papers:\n" + "".join(format_entry(e) for e in entries), encoding="utf-8")
    (root / "README.md").write_text("# A list\n\n<!-- dnnpapers:begin -->\n<!-- dnnpapers:end -->\n", encoding="utf-8")
    return root, entries


FAKE = [
    {"id": "fake2021awarded", "title": "Fake Awarded Paper", "authors": ["Ann Fake"], "year": 2021, "venue": "ICLR 2022", "url": "https://example.org/fake-awarded",
     "tags": ["early-exit"], "awards": ["Fake best paper"], "notes": "A fake note | with a pipe"},
    {"id": "fake2022cited", "title": "Fake Much-Cited Paper", "authors": ["Bo Fake", "et al."], "year": 2022, "venue": "arXiv", "arxiv": "2404.90001", "tags": ["dynamic-depth"],
     "code": "https://github.com/example-org/fake-cited"},
]


@pytest.fixture(scope="module")
def varied(tmp_path_factory):
    """A list with metrics (a milestone among them), talks held and to come, notes and awards, and topic pages."""
    from dnnpapers.storage.store import format_entry

    root, entries = _write_variants(tmp_path_factory.mktemp("varied") / "list", 150)
    with (root / "data" / "papers.yaml").open("a", encoding="utf-8") as out:
        out.write("".join(format_entry(e) for e in FAKE))
    (root / "data" / "metrics.yaml").write_text(
        "metrics:\n" + "".join(f"  {pid}:\n    citations: {n}\n    fetched: 2024-01-01\n" for pid, n in (("fake2022cited", 500), ("fake2021awarded", 7))), encoding="utf-8"
    )
    talk = '  - date: {date}\n    start: "09:00"\n    end: "10:00"\n    kind: paper-talk\n    presenters:\n      - name: A Reader\n    papers: [{pid}]\n'
    (root / "data" / "talks.yaml").write_text("talks:\n" + talk.format(date="2020-08-01", pid="fake2021awarded") + talk.format(date="2030-08-01", pid=entries[3]["id"]), encoding="utf-8")
    return root


def _spied(monkeypatch) -> list:
    made = []
    real = forked.Aside.__init__

    def init(self, *args, **kwargs):
        made.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(forked.Aside, "__init__", init)
    return made


def test_a_forked_build_makes_the_serial_builds_bytes_in_its_order(varied, monkeypatch):
    monkeypatch.setenv("DNNPAPERS_TODAY", "2026-01-01")  # one talk held, one to come
    monkeypatch.setattr(materials, "PAGE_BUDGET", 30_000)  # split into topic pages
    monkeypatch.setattr(render_module, "README_BUDGET", 30_000)
    monkeypatch.setattr(render_module, "forks", lambda papers: True)
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)  # (xdist's worker keeps a thread of its own)
    monkeypatch.setattr(forked, "_cores", lambda: 2)
    asides = _spied(monkeypatch)
    paper_list = load_list(varied)
    serial_notes, forked_notes = {}, {}
    serial = render_module._build(paper_list, patterns=serial_notes, parallel=False)
    assert [side.forked for side in asides] == [False]
    parallel = render_module._build(paper_list, patterns=forked_notes, parallel=True)
    assert [side.forked for side in asides] == [False, True]
    assert list(parallel[0].items()) == list(serial[0].items())  # (the order too: the render state's manifest keeps it)
    assert parallel[1] == serial[1] and forked_notes == serial_notes
    names = set(serial[0])
    r = render_module
    assert [name for name in serial[0] if "/materials/" not in name] == [  # (the order before the fork: the render state's manifest keeps it)
        r.MATERIALS, r.CHART, r.MATERIALS_ZH, r.CHART_ZH, r.BIB, r.JSON, r.CSL, r.SCHEMA_FILE, r.SITE, r.SITE_ZH, r.README_FILE, r.TALKS, r.TALKS_ZH, r.TALKS_ICS, r.TALKS_SCHEMA_FILE
    ]
    assert any(name.startswith("generated/materials/") for name in names) and render_module.TALKS_ICS in names
    site = serial[0][render_module.SITE].decode()
    assert "Fake best paper" in site and "talk on" in site


def test_only_a_list_between_the_thresholds_forks():
    r = render_module
    assert [r.forks(n) for n in (289, r.FORK_FROM - 1, r.FORK_FROM, r.FORK_UP_TO, r.FORK_UP_TO + 1, 50_000)] == [False, False, True, True, False, False]


def test_the_shipped_list_is_built_without_a_fork(monkeypatch):
    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    asides = _spied(monkeypatch)
    build(load_list(REPO))
    assert asides and not any(side.forked for side in asides)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A list past the fork's threshold, rendered once (its outputs there, its cache elsewhere)."""
    folder = tmp_path_factory.mktemp("big")
    root, _ = _write_variants(folder / "list", render_module.FORK_FROM + 1_500)  # (its child lives a few tenths of a second)
    done = subprocess.run([sys.executable, "-m", "dnnpapers", "render", "--root", str(root)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DNNPAPERS_CACHE_DIR": str(folder / "cache")})
    assert done.returncode == 0, done.stderr
    return root


def _big_copy(big, tmp_path):
    """A copy of the big list with one paper more, so a render (cold: its cache is empty) rewrites its outputs."""
    from dnnpapers.storage.store import format_entry

    root = tmp_path / "list"
    shutil.copytree(big, root)
    with (root / "data" / "papers.yaml").open("a", encoding="utf-8") as out:
        out.write(format_entry(FAKE[0]))
    return root


def _cli_process(root, tmp_path, **env):
    environment = {**os.environ, "DNNPAPERS_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1", **env}
    return subprocess.Popen([sys.executable, "-m", "dnnpapers", "render", "--root", str(root)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environment, start_new_session=True)


SITE_FAILS = {
    "template error": ('{% include "no-such-part.html" %}', {}),
    "time limit": ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", {"DNNPAPERS_TEMPLATE_SECONDS": "0.3"}),
}


@pytest.mark.parametrize("fault", list(SITE_FAILS))
def test_a_site_template_that_fails_in_the_forked_build_ends_the_cli_as_the_serial_build_does(big, tmp_path, monkeypatch, fault):
    template, env = SITE_FAILS[fault]
    root = _big_copy(big, tmp_path)
    (root / "templates").mkdir()
    (root / "templates" / "site.html.j2").write_text(template, encoding="utf-8")
    before = tree(root)
    process = _cli_process(root, tmp_path, **env)
    children = _children_until_done(process)
    out, err = process.communicate(timeout=120)
    assert children or not _SEES_CHILDREN  # (the error came from the forked child)
    assert tree(root) == before
    monkeypatch.setattr(render_module, "forks", lambda papers: False)  # the serial build, in this process
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DNNPAPERS_CACHE_DIR", str(tmp_path / "serial-cache"))
    serial = invoke(["render", "--root", str(root)])
    assert (process.returncode, err) == (serial.returncode, serial.stderr)
    assert process.returncode == 1 and len(err.splitlines()) == 1 and "site.html.j2" in err, err
    assert tree(root) == before


def _children(pid: int) -> list[int]:
    try:
        return [int(n) for n in (Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    except OSError:
        return []


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()[:400] + Path(f"/proc/{pid}/cmdline").read_text()[:200]
    except OSError as exc:
        return str(exc)


def _children_until_done(process) -> set[int]:
    seen: set[int] = set()
    while process.poll() is None:
        seen.update(_children(process.pid))
        time.sleep(0.002)
    return seen


_SEES_CHILDREN = Path(f"/proc/self/task/{os.getpid()}/children").exists() and forked._cores() > 1


@pytest.mark.skipif(not _SEES_CHILDREN, reason="needs /proc to see the child, and a second core")
@pytest.mark.parametrize("how", ["SIGINT to the group (Ctrl-C)", "SIGTERM to the process"])
def test_a_stop_signal_mid_build_ends_both_processes_and_changes_nothing(big, tmp_path, how):
    root = _big_copy(big, tmp_path)
    before = tree(root)
    process = _cli_process(root, tmp_path)
    deadline = time.monotonic() + 60
    while not (children := _children(process.pid)):
        assert process.poll() is None and time.monotonic() < deadline, "the render ended before its build forked"
        time.sleep(0.002)
    if how.startswith("SIGINT"):
        os.killpg(process.pid, signal.SIGINT)
    else:
        os.kill(process.pid, signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (130, "dnnpapers: interrupted\n")
    assert tree(root) == before  # outputs as they were, no staged file left
    left = {child: _status(child) for child in children if Path(f"/proc/{child}").exists()}
    assert not left, (children, left)
