"""Render after an edit (outputs/incremental.py): the same bytes as a cold render, whatever was edited, and the
render state only ever skips work (deleted, corrupted or stale, it changes no byte)."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import REPO, group_day, tree, verdict_clock_at
from dnnpapers.cli import app
from dnnpapers.errors import ProblemsFound
from dnnpapers.outputs import incremental, render
from dnnpapers.storage.fastyaml import parse
from dnnpapers.storage.store import format_entry

TALKED = 1  # the entry a talk names
METRICS = 2  # the entry with citation data


def _entries() -> list[dict]:
    papers = parse((REPO / "data" / "papers.yaml").read_bytes())["papers"]
    twin = {"id": "fake2017twin", "title": "Fake Twin Paper", "authors": ["Ann Fake"], "year": 2017, "venue": "ICLR 2018", "url": "https://example.org/fake-twin", "tags": ["early-exit"]}
    return [dict(p) for p in papers[:10]] + [twin]  # the twin sorts beside entry 6 (same years, same tag)


def _write(root: Path, entries: list[dict], metrics: dict[str, int] | None = None, talks: list[str] | None = None) -> None:
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name in ("taxonomy.yaml", "page.yaml"):
        shutil.copy(REPO / "data" / name, data / name)
    (data / "papers.yaml").write_text("# a list\npapers:\n" + "".join(format_entry(e) for e in entries), encoding="utf-8")
    if metrics:
        (data / "metrics.yaml").write_text("metrics:\n" + "".join(f"  {pid}:\n    citations: {n}\n    fetched: 2024-01-01\n" for pid, n in metrics.items()), encoding="utf-8")
    if talks:
        body = "".join(f'  - date: 2020-08-0{i + 1}\n    start: "09:00"\n    end: "10:00"\n    kind: paper-talk\n    presenters:\n      - name: A Reader\n    papers: [{pid}]\n' for i, pid in enumerate(talks))
        (data / "talks.yaml").write_text("talks:\n" + body, encoding="utf-8")
    if not (root / "README.md").exists():
        (root / "README.md").write_text("# My list\n\n<!-- dnnpapers:begin -->\n<!-- dnnpapers:end -->\n\nAfter.\n", encoding="utf-8")


BASE = _entries()
BASE_METRICS = {BASE[METRICS]["id"]: 7}
BASE_TALKS = [BASE[TALKED]["id"]]


def _outputs(root: Path) -> dict[str, str]:
    return {name: digest for name, digest in tree(root).items() if name.startswith("generated/") or name == "README.md"}


def _cold(root: Path, where: Path, monkeypatch) -> dict[str, str] | str:
    """A cold render of ``root``'s inputs in a fresh folder with its own empty cache: its outputs, or its refusal."""
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(root / "data", where / "data")
    if (root / "templates").is_dir():
        shutil.copytree(root / "templates", where / "templates")
    shutil.copy(root / "README.md", where / "README.md")
    with monkeypatch.context() as m:
        m.setenv("DNNPAPERS_CACHE_DIR", str(where) + "-cache")
        try:
            render.render_and_remember(where, check=False)
        except ProblemsFound as found:
            return str(found).replace(str(where), "LIST")
    return _outputs(where)


def _render(root: Path) -> dict[str, str] | str:
    try:
        render.render_root(root)
    except ProblemsFound as found:
        return str(found).replace(str(root), "LIST")
    return _outputs(root)


def _same(a, b) -> bool:
    """The same outputs, or the same refusal (its message, the list's folder aside)."""
    return a == b


@pytest.fixture(scope="module", autouse=True)
def _one_day():
    """Every render here on one day (DNNPAPERS_TODAY): a state kept in one quarter hour of the clock stands for that
    quarter hour's day otherwise, and a test that began before 10:15 would see the full render after it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DNNPAPERS_TODAY", group_day())
        yield


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """The base list rendered once (its state kept in its own cache): (folder, cache) to copy from."""
    root = tmp_path_factory.mktemp("pristine") / "list"
    cache = root.parent / "cache"
    _write(root, BASE, BASE_METRICS, BASE_TALKS)
    old = os.environ.get("DNNPAPERS_CACHE_DIR")
    os.environ["DNNPAPERS_CACHE_DIR"] = str(cache)
    try:
        render.render_root(root)
    finally:
        if old is None:
            del os.environ["DNNPAPERS_CACHE_DIR"]
        else:
            os.environ["DNNPAPERS_CACHE_DIR"] = old
    return root, cache


@pytest.fixture
def work(pristine, tmp_path, monkeypatch) -> Path:
    """A rendered copy of the base list at a fixed place, with a copy of its warm cache (the state names the folder)."""
    root, cache = pristine
    here = root.parent / "work"
    for source, target in ((root, here), (cache, root.parent / "work-cache")):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)
    state = next((root.parent / "work-cache" / incremental.STATE).iterdir())
    monkeypatch.setenv("DNNPAPERS_CACHE_DIR", str(root.parent / "work-cache"))
    # the copied state was kept for the pristine folder's path: keep it under the work folder's too
    state.rename(incremental._state_path(here))
    return here


def _edit(root: Path, entries: list[dict], metrics=None, talks=None) -> None:
    _write(root, entries, BASE_METRICS if metrics is None else metrics, BASE_TALKS if talks is None else talks)


def _retitled(entries: list[dict], at: int, title: str) -> list[dict]:
    return [{**e, "title": title} if i == at else e for i, e in enumerate(entries)]


def test_a_title_edit_is_spliced_into_the_outputs_and_gives_a_cold_renders_bytes(work, tmp_path, monkeypatch):
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Revisited"))
    monkeypatch.setattr(render, "render_and_remember", lambda *a, **k: pytest.fail("the full render ran"))
    outcome = render.render_root(work)
    assert "generated/papers.bib" in outcome.written and "generated/papers-per-year.svg" not in outcome.written
    monkeypatch.undo()
    monkeypatch.setenv("DNNPAPERS_CACHE_DIR", str(tmp_path / "unused"))
    assert _outputs(work) == _cold(work, tmp_path / "cold", monkeypatch)


def test_an_edit_later_the_same_day_is_spliced_whatever_quarter_hour_the_clock_is_in(work, tmp_path, monkeypatch):
    """A render verdict stands for the group's day by the quarter hour (access.verdicts._day_mark); the state keeps its
    day itself, so an edit twenty minutes after the render that kept it is still spliced."""
    kept_for = os.environ["DNNPAPERS_TODAY"]
    monkeypatch.delenv("DNNPAPERS_TODAY")  # the day by the clock: the one the state was kept for (group_day)
    if group_day() != kept_for:
        pytest.skip("the group's day turned since this module's renders")
    verdict_clock_at(monkeypatch, dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=20))
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Later"))
    with monkeypatch.context() as patch:
        patch.setattr(render, "render_and_remember", lambda *a, **k: pytest.fail("the full render ran"))
        assert "generated/papers.bib" in render.render_root(work).written
    monkeypatch.setenv("DNNPAPERS_TODAY", group_day())
    assert _outputs(work) == _cold(work, tmp_path / "cold", monkeypatch)


def test_an_edit_on_another_day_takes_the_full_render_and_shows_the_talks_as_of_that_day(work, tmp_path, monkeypatch):
    """On a talk's day, a render shows it to come; an edit the day after must not splice into those pages."""
    monkeypatch.setenv("DNNPAPERS_TODAY", "2020-08-01")  # BASE_TALKS' first talk's day
    render.render_root(work)  # another day than the state's: the full render, which keeps this day's state
    before = (work / "generated" / "talks.md").read_bytes()
    monkeypatch.setenv("DNNPAPERS_TODAY", "2020-08-02")
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Next Day"))
    assert incremental.after_edit(work, check=True) is None
    assert _render(work) == _cold(work, tmp_path / "cold", monkeypatch)
    assert (work / "generated" / "talks.md").read_bytes() != before  # (the day shows in these pages)


def test_a_second_edit_after_a_spliced_render_is_spliced_too(work, tmp_path, monkeypatch):
    _edit(work, _retitled(BASE, 4, "First Title Edit"))
    assert incremental.after_edit(work, check=False) is not None
    entries = _retitled(_retitled(BASE, 4, "First Title Edit"), 6, BASE[6]["title"] + " Again")
    _edit(work, entries)
    assert incremental.after_edit(work, check=False) is not None
    assert _outputs(work) == _cold(work, tmp_path / "cold", monkeypatch)


def _lying(state: dict) -> dict:
    """The state with entry 4's facts claiming another title (as a state of another papers file would)."""
    state["entries"][4][3] = "another title"
    return state


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage", "not-a-dict", "another-format", "papers-changed", "entries-lie", "outputs-lie", "groups-missing",
                                    "row-pattern-lies", "card-pattern-lies"])
def test_a_deleted_or_corrupted_state_changes_no_byte(work, tmp_path, monkeypatch, damage):
    path = incremental._state_path(work)
    data = path.read_bytes()
    state = marshal.loads(data)
    damaged = {
        "delete": None,
        "truncate": lambda: data[: len(data) // 2],
        "garbage": lambda: os.urandom(200),
        "not-a-dict": lambda: marshal.dumps([1, 2]),
        "another-format": lambda: marshal.dumps({**state, "format": 0}),
        "papers-changed": lambda: marshal.dumps({**state, "papers": state["papers"].replace(b"title: ", b"title: X", 1)}),
        "entries-lie": lambda: marshal.dumps(_lying(state)),
        "outputs-lie": lambda: marshal.dumps({**state, "outputs": [[name, "0" * 64] for name, _ in state["outputs"]]}),
        "groups-missing": lambda: marshal.dumps({k: v for k, v in state.items() if k != "groups"}),
        "row-pattern-lies": lambda: marshal.dumps({**state, "row": "| {paper} | {date} |"}),
        "card-pattern-lies": lambda: marshal.dumps({**state, "card": "<li>{title}</li>"}),
    }[damage]
    if damaged is None:
        path.unlink()
    else:
        path.write_bytes(damaged())
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Revisited"))
    assert incremental.after_edit(work, check=True) is None
    assert _render(work) == _cold(work, tmp_path / "cold", monkeypatch)


FALLBACKS = {
    "tag": lambda: _edit(work_root(), [{**e, "tags": ["survey"] if e["tags"] != ["survey"] else ["early-exit"]} if i == 4 else e for i, e in enumerate(BASE)]),
    "year": lambda: _edit(work_root(), [{**e, "year": e["year"] - 1} if i == 4 else e for i, e in enumerate(BASE)]),
    "id": lambda: _edit(work_root(), [{**e, "id": e["id"] + "x"} if i == 4 else e for i, e in enumerate(BASE)]),
    "venue of the same year": lambda: _edit(work_root(), [{**e, "venue": "ICML 2020"} if i == 9 else e for i, e in enumerate(BASE)]),
    "order": lambda: _edit(work_root(), _retitled(BASE, 6, "Aaa " + BASE[6]["title"])),
    "talked-about paper": lambda: _edit(work_root(), _retitled(BASE, TALKED, BASE[TALKED]["title"] + " Revisited")),
    "milestone": lambda: _edit(work_root(), _retitled(BASE, METRICS, BASE[METRICS]["title"] + " Revisited"), metrics={BASE[METRICS]["id"]: 500}),
    "talks": lambda: _edit(work_root(), _retitled(BASE, 4, BASE[4]["title"] + " Revisited"), talks=[*BASE_TALKS, BASE[5]["id"]]),
    "template": lambda: (
        (work_root() / "templates").mkdir(),
        (work_root() / "templates" / "paper_row.md").write_text((REPO / "src/dnnpapers/outputs/templates/paper_row.md").read_text() + "\n"),
        _edit(work_root(), _retitled(BASE, 4, BASE[4]["title"] + " Revisited")),
    ),
    "output edited by hand": lambda: (
        (work_root() / "generated" / "papers.bib").write_text("% mine\n"),
        _edit(work_root(), _retitled(BASE, 4, BASE[4]["title"] + " Revisited")),
    ),
    "entry added": lambda: _edit(work_root(), BASE + [{**BASE[4], "id": "fake2024added", "title": "A Clearly Fake Paper", "arxiv": "2404.90001"}]),
    "duplicate title": lambda: _edit(work_root(), _retitled(BASE, 4, BASE[5]["title"])),
}
_WORK: list[Path] = []


def work_root() -> Path:
    return _WORK[-1]


@pytest.mark.parametrize("change", list(FALLBACKS))
def test_what_shows_outside_a_papers_pieces_takes_the_full_render(work, tmp_path, monkeypatch, change):
    _WORK.append(work)
    FALLBACKS[change]()
    assert incremental.after_edit(work, check=True) is None
    assert _same(_render(work), _cold(work, tmp_path / "cold", monkeypatch))


def test_a_page_that_would_pass_its_budget_takes_the_full_render(work, tmp_path, monkeypatch):
    from dnnpapers.outputs import materials

    monkeypatch.setattr(materials, "PAGE_BUDGET", len((work / "generated" / "materials.md").read_bytes()) + 3)
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Revisited"))
    assert incremental.after_edit(work, check=True) is None
    outputs = _render(work)
    assert any(name.startswith("generated/materials/") for name in outputs)  # split, as a cold render splits it
    assert outputs == _cold(work, tmp_path / "cold", monkeypatch)


def _cli(args: list[str]):
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def test_check_after_an_edit_says_what_the_full_check_says(work, monkeypatch):
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Revisited"))
    before = tree(work)
    assert incremental.after_edit(work, check=True) is not None
    spliced = _cli(["render", "--check", "--root", str(work)])
    assert tree(work) == before
    with monkeypatch.context() as m:
        m.setattr(incremental, "after_edit", lambda root, check: None)
        full = _cli(["render", "--check", "--root", str(work)])
    assert spliced == full and spliced[0] == 1 and "generated/papers.bib: stale; run dnnpapers render" in spliced[1]
    assert _cli(["render", "--root", str(work)])[0] == 0
    assert _cli(["render", "--check", "--root", str(work)]) == (0, "ok: up to date\n")


TITLES = st.text(st.sampled_from("abcdefgXYZ 0123:|&<>{}_\\é中'\""), min_size=3, max_size=30).filter(lambda t: t.strip() == t and t[0].isalnum())
EDITS = st.one_of(
    st.tuples(st.just("title"), st.integers(0, 10), TITLES),
    st.tuples(st.just("title+"), st.integers(0, 10), TITLES),
    st.tuples(st.just("authors"), st.integers(0, 10), st.lists(st.sampled_from(["Ann Fake", "Bo Fake-Name", "Ćiro Ñame", "Org and Co"]), min_size=1, max_size=4, unique=True)),
    st.tuples(st.just("notes"), st.integers(0, 10), st.one_of(st.none(), TITLES)),
    st.tuples(st.just("focus"), st.integers(0, 10), st.one_of(st.none(), TITLES)),
    st.tuples(st.just("code"), st.integers(0, 10), st.sampled_from([None, "https://github.com/example-org/fake-repo"])),
    st.tuples(st.just("venue"), st.integers(0, 10), st.sampled_from(["arXiv", "ICLR {y1}", "NeurIPS {y}", "TPAMI {y1}", "ICML {y}", "ICML {vy}", "{venue} (oral)"])),
    st.tuples(st.just("year"), st.integers(0, 10), st.integers(-1, 1)),
    st.tuples(st.just("tags"), st.integers(0, 10), st.lists(st.sampled_from(["survey", "early-exit", "system", "dynamic-depth"]), min_size=1, max_size=2, unique=True)),
    st.tuples(st.just("remove"), st.integers(0, 10), st.none()),
    st.tuples(st.just("add"), st.integers(0, 10), TITLES),
    st.tuples(st.just("metrics"), st.integers(0, 10), st.integers(0, 300)),
    st.tuples(st.just("talk"), st.integers(0, 10), st.none()),
)


def _apply(edits) -> tuple[list[dict], dict, list]:
    entries, metrics, talks = [dict(e) for e in BASE], dict(BASE_METRICS), list(BASE_TALKS)
    for kind, at, value in edits:
        at = at % len(entries) if entries else 0
        e = entries[at] if entries else None
        if e is None:
            continue
        if kind == "title":
            e["title"] = value
        elif kind == "title+":
            e["title"] = f"{e['title']} {value}"
        elif kind in ("authors", "notes", "focus", "code"):
            if value is None:
                e.pop(kind, None)
            else:
                e[kind] = value
        elif kind == "venue":
            same = e.get("venue") if e.get("venue") not in (None, "arXiv") else f"AAAI {e['year']}"
            e["venue"] = value.format(y=e["year"], y1=e["year"] + 1, vy=same.rsplit(" ", 1)[-1], venue=same)
        elif kind == "year":
            e["year"] += value
        elif kind == "tags":
            e["tags"] = value
        elif kind == "remove":
            del entries[at]
        elif kind == "add":
            entries.insert(at, {"id": f"fake2024p{len(entries)}", "title": f"Fake {value}", "authors": ["Ann Fake"], "year": 2024, "venue": "arXiv", "arxiv": f"2404.9{len(entries):04d}", "tags": ["survey"]})
        elif kind == "metrics":
            metrics[e["id"]] = value
        elif kind == "talk":
            talks.append(e["id"])
    return entries, metrics, talks


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=1, max_size=3))
def test_random_edits_render_a_cold_renders_bytes(pristine, tmp_path_factory, monkeypatch, edits):
    root, cache = pristine
    here = root.parent / "prop"
    for source, target in ((root, here), (cache, root.parent / "prop-cache")):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True)
    monkeypatch.setenv("DNNPAPERS_CACHE_DIR", str(root.parent / "prop-cache"))
    next((root.parent / "prop-cache" / incremental.STATE).iterdir()).rename(incremental._state_path(here))
    entries, metrics, talks = _apply(edits)
    (here / "data" / "metrics.yaml").unlink(missing_ok=True)
    (here / "data" / "talks.yaml").unlink(missing_ok=True)
    _write(here, entries, metrics, talks)
    assert _same(_render(here), _cold(here, root.parent / "prop-cold", monkeypatch))


ENTRY_TEXTS = st.lists(
    st.builds(lambda n, title, more: f"id: p{n}\n    title: {title}" + more, st.integers(0, 99), st.sampled_from(["A", "B b", "- c", "'d: e'", "中文", "é"]),
              st.sampled_from(["", "\n    notes: x\n", "\n# a comment", "\n\n    notes: y", "\nbad: 1", "\n  - id: q"])),
    min_size=1, max_size=8,
)  # (the last two break the plain shape, or add an entry)


@settings(max_examples=100, deadline=None)
@given(old=ENTRY_TEXTS, new=ENTRY_TEXTS, trailing=st.sampled_from(["\n", "", "\n\n"]))
def test_the_changed_entries_are_those_a_whole_split_finds_changed(old, new, trailing):
    from dnnpapers.storage.fastyaml import split_entries

    header, prefix = "# a list\npapers:\n", "  - "
    old_text = header + prefix + ("\n" + prefix).join(old) + "\n"
    new_text = header + prefix + ("\n" + prefix).join(new) + trailing
    found = incremental._changed_entries(header, prefix, old_text.encode(), new_text.encode())
    whole_old, whole_new = split_entries(old_text), split_entries(new_text)
    assume(whole_old is not None)  # the state is kept only for a file of the plain shape
    if whole_new is None or len(whole_old[2]) != len(whole_new[2]):
        assert found is None
        return
    differ = [i for i, (a, b) in enumerate(zip(whole_old[2], whole_new[2])) if a != b]
    assert found is not None
    changed, was, now = found
    assert changed == differ
    assert all(was[i] == whole_old[2][i] and now[i] == whole_new[2][i] for i in changed)


def test_a_list_that_publishes_to_a_jekyll_site_always_renders_whole(work, tmp_path):
    site = work.parent / "site"
    shutil.rmtree(site, ignore_errors=True)
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Group site\n", encoding="utf-8")
    page = work / "data" / "page.yaml"
    page.write_text(page.read_text(encoding="utf-8") + "jekyll:\n  dir: ../site\n", encoding="utf-8")
    render.render_root(work)
    assert incremental.after_edit(work, check=True) is None  # the state of the list without a site no longer holds
    entries = _retitled(BASE, 4, "A Title The Site Must Show")
    (work / "data" / "papers.yaml").write_text("# a list\npapers:\n" + "".join(format_entry(e) for e in entries), encoding="utf-8")
    assert incremental.after_edit(work, check=True) is None
    render.render_root(work)
    assert any("A Title The Site Must Show" in p.read_text(encoding="utf-8") for p in site.rglob("*.md"))
    shutil.rmtree(site)


def test_renders_at_once_after_an_edit_take_turns_and_leave_a_state_that_holds(work, tmp_path, monkeypatch):
    import threading

    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Revisited"))
    errors = []

    def run():
        try:
            render.render_root(work)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Revisited Twice"))
    assert incremental.after_edit(work, check=False) is not None  # the state the runs left describes the outputs
    assert _outputs(work) == _cold(work, tmp_path / "cold", monkeypatch)


def test_a_readme_of_crlf_lines_takes_the_full_render(work, tmp_path, monkeypatch):
    readme = work / "README.md"
    readme.write_bytes(readme.read_bytes().replace(b"\n", b"\r\n"))
    render.render_root(work)
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Revisited"))
    assert incremental.after_edit(work, check=True) is None
    assert _render(work) == _cold(work, tmp_path / "cold", monkeypatch)


def test_a_readme_template_that_shows_papers_its_own_way_takes_the_full_render(work, tmp_path, monkeypatch):
    (work / "templates").mkdir()
    (work / "templates" / "readme.md.j2").write_text(
        "{% for topic in all_topics %}{% for p in topic.papers %}- {{ p.paper.title }}\n{% endfor %}{% endfor %}", encoding="utf-8"
    )
    render.render_root(work)
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Revisited"))
    assert incremental.after_edit(work, check=True) is None  # its own README may show a paper anywhere
    assert _render(work) == _cold(work, tmp_path / "cold", monkeypatch)


def test_a_lists_own_row_and_card_are_spliced_as_they_are(work, tmp_path, monkeypatch):
    shipped = REPO / "src" / "dnnpapers" / "outputs" / "templates"
    (work / "templates").mkdir()
    (work / "templates" / "paper_row.md").write_text("| {anchor}{date} | {paper} · {authors}{code} | {focus} | {notes} |", encoding="utf-8")
    (work / "templates" / "site_paper.html").write_text((shipped / "site_paper.html").read_text(encoding="utf-8").replace('class="title"', 'class="title own"'), encoding="utf-8")
    render.render_root(work)
    _edit(work, _retitled(BASE, 4, BASE[4]["title"] + " Revisited"))
    assert incremental.after_edit(work, check=False) is not None
    assert _outputs(work) == _cold(work, tmp_path / "cold", monkeypatch)


# --- outputs proven as written by their status (size, times, inode), not their digest -----------------------------


def _noted(root: Path) -> dict[str, list[str]]:
    return {item[0]: item for item in marshal.loads(incremental._state_path(root).read_bytes())["outputs"]}


def _clock_moves(folder: Path) -> bool:
    """Whether the file system's clock, read right after a write, is later than the written file's ctime (a kernel
    with multigrain timestamps; on a coarse clock the reading shares the write's tick, and no status is noted)."""
    from dnnpapers.storage.files import clock_now

    written, probe = folder / "written", folder / "probe"
    probe.write_bytes(b"")
    written.write_bytes(b"x")
    return clock_now(probe) > written.stat().st_ctime_ns


def test_after_a_spliced_render_the_outputs_are_proven_by_their_status_not_read_whole(work, tmp_path, monkeypatch):
    if not _clock_moves(tmp_path):
        pytest.skip("this file system's clock gives a write and the reading after it the same tick")
    _edit(work, _retitled(BASE, 4, "First Title Edit"))
    assert render.render_root(work).written  # reads each output once (its digest), notes its status, writes the spliced ones
    noted = _noted(work)
    assert all(len(item) == 3 for item in noted.values())
    assert all(item[1] == "" for name, item in noted.items() if name == "generated/papers.bib")  # written: no digest worked out
    _edit(work, _retitled(BASE, 4, "Second Title Edit"))
    monkeypatch.setattr(incremental, "file_digest", lambda data: pytest.fail("an output proven by its status was digested"))
    assert "generated/papers.bib" in render.render_root(work).written


def _same_size_rewrite(path: Path, how: str) -> None:
    """The file's bytes changed by another program, its size kept: in place, or by a new file renamed over it."""
    data = bytearray(path.read_bytes())
    data[data.index(b"@")] = ord("%")
    if how == "in place":
        with open(path, "r+b") as file:
            file.write(bytes(data))
    else:
        spare = path.with_name("spare")
        spare.write_bytes(bytes(data))
        os.replace(spare, path)


@pytest.mark.parametrize("how", ["in place", "renamed over", "touched"])
def test_an_output_changed_right_after_a_spliced_render_takes_the_full_render(work, tmp_path, monkeypatch, how):
    """At once, its size kept: the status a render notes for what it wrote holds only while no one writes the file."""
    _edit(work, _retitled(BASE, 4, "First Title Edit"))
    assert render.render_root(work).written
    bib = work / "generated" / "papers.bib"
    if how == "touched":
        os.utime(bib)  # (bytes as written: the full render finds nothing to change there)
    else:
        _same_size_rewrite(bib, how)
    _edit(work, _retitled(BASE, 4, "Second Title Edit"))
    if how != "touched":  # (touched, its bytes are as written: splicing it is right too)
        assert incremental.after_edit(work, check=True) is None
    assert _render(work) == _cold(work, tmp_path / "cold", monkeypatch)


def test_a_render_with_nothing_changed_reads_no_output_its_status_proves(work, tmp_path, monkeypatch):
    if not _clock_moves(tmp_path):
        pytest.skip("this file system's clock gives a write and the reading after it the same tick")
    _edit(work, _retitled(BASE, 4, "First Title Edit"))
    render.render_root(work)  # notes every output's status
    monkeypatch.setattr(incremental, "_read", lambda fd, size: pytest.fail("an output proven by its status was read"))
    assert not render.render_root(work) and not render.render_root(work, check=True)
