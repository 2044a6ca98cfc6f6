"""The quick path may only say "valid" when the exact path agrees, with the same values."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO, SCENARIOS, write_list
from dnnpapers.errors import ProblemsFound
from dnnpapers.model.models import Paper
from dnnpapers.access.paperlist import load_exact
from dnnpapers.access.loading import load_list
from dnnpapers.access.quick import UNSURE, accept_list, accept_paper, parse
from dnnpapers.storage.store import parse_document
from strategies import paper_lists

# Plain scalars whose YAML 1.1 and 1.2 readings differ, and other constructs the quick path must leave alone.
TRICKY = ["yes", "No", "on", "OFF", "0b101", "010", "0o17", "1_000", "1:20", "1e5", "2004.02170", "~", "null", "true", "2024-05-01",
          "2024-5-1", "'quoted'", '"a\\x07b"', '"tab\\there"', "!!str x", "!!python/name:os.system x", "&a x", "*a", "<<: *a", "[a, yes]",
          "{a: 1}", "|\n  block", ">\n  folded", " lead", "trail ", "'010'", "x # comment", "", "- item", "0x7E1", "+2017", ".inf"]
KEYS = ["id", "title", "authors", "year", "venue", "arxiv", "doi", "url", "code", "tags", "focus", "notes", "awards", "added", "tittle", "yes"]


@st.composite
def tricky_papers_files(draw):
    """A papers.yaml of a valid entry with some fields replaced by tricky YAML text."""
    lines = ["papers:", "  - id: huang2017multiscale", "    title: Multi-Scale Dense Networks", "    authors: [Gao Huang, et al.]",
             "    year: 2017", "    venue: ICLR 2018", "    arxiv: '1703.09844'", "    tags: [early-exit]"]
    for _ in range(draw(st.integers(1, 3))):
        key, value = draw(st.sampled_from(KEYS)), draw(st.sampled_from(TRICKY))
        lines = [line for line in lines if not line.startswith(f"    {key}:")] + [f"    {key}: {value}"]
    return ("\n".join(lines) + "\n").encode()


def exact_papers(raw: bytes):
    """The exact path's verdict: the validated entries' values, or None when it finds problems."""
    try:
        doc = parse_document(raw, "p.yaml")
    except ProblemsFound:
        return None
    if doc.problems or not isinstance(doc.data, dict) or list(doc.data) != ["papers"]:
        return None
    try:
        return [Paper.model_validate(e).model_dump(exclude_defaults=True) for e in doc.data["papers"]]
    except Exception:  # noqa: BLE001 (any refusal counts)
        return None


@settings(max_examples=400, deadline=None)
@given(tricky_papers_files())
def test_what_the_quick_path_accepts_the_exact_path_accepts_with_the_same_values(raw):
    data = parse(raw)
    if data is UNSURE or not isinstance(data, dict) or not isinstance(data.get("papers"), list):
        return
    if all(accept_paper(entry) for entry in data["papers"]):
        exact = exact_papers(raw)
        assert exact is not None, raw
        assert [Paper.model_construct(**{"awards": [], **e}).model_dump(exclude_defaults=True) for e in data["papers"]] == exact


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(paper_lists())
def test_random_valid_lists_load_the_same_either_way(new_folder, entries):
    root = write_list(new_folder(), entries)
    quick = load_list(root)
    exact = load_exact(root)
    assert [p.model_dump() for p in quick.papers] == [p.model_dump() for p in exact.papers]


def test_the_shipped_list_takes_the_quick_path_and_loads_as_the_exact_one():
    assert accept_list(REPO) is not None
    quick, exact = load_list(REPO), load_exact(REPO)
    assert [p.model_dump() for p in quick.papers] == [p.model_dump() for p in exact.papers]
    assert [n.model_dump() for n in quick.taxonomy.roots] == [n.model_dump() for n in exact.taxonomy.roots]
    assert quick.page.model_dump() == exact.page.model_dump()


def test_every_broken_scenario_is_left_to_the_exact_path(tmp_path):
    """The quick path vouches for papers, taxonomy, page and metrics; talks always go through the models."""
    for folder in sorted(p for p in SCENARIOS.iterdir() if p.is_dir() and (p / "expected.txt").read_text()):
        root = tmp_path / folder.name
        shutil.copytree(folder / "data", root / "data")
        if not (root / "data" / "taxonomy.yaml").exists():
            shutil.copy(SCENARIOS / "taxonomy.yaml", root / "data" / "taxonomy.yaml")
        if (root / "data" / "talks.yaml").exists() and "data/talks.yaml" in (folder / "expected.txt").read_text():
            reports = []
            for load in (load_list, load_exact):
                with pytest.raises(ProblemsFound) as found:
                    load(root)
                reports.append(found.value.problems)
            assert reports[0] == reports[1], folder.name
        else:
            assert accept_list(root) is None, folder.name


def test_yaml_11_readings_are_not_trusted():
    for text in ["a: yes\n", "year: 010\n", "a: !!str x\n", "a: &x 1\nb: *x\n", "a: 1\n---\nb: 2\n", "a: x\tb\n", "a: \x07\n", "<<: {a: 1}\n"]:
        data = parse(text.encode())
        assert data is UNSURE or data == {"a": "yes"}, text  # 'yes' reaches the value check, which refuses it
    assert accept_paper({"id": "a2020b", "title": "yes", "authors": ["A"], "year": 2020, "tags": ["x"]}) is False
    assert accept_paper({"id": "a2020b", "title": "T", "authors": ["A"], "year": 2020, "tags": ["x"], "added": dt.date(2024, 5, 1)}) is True


def test_an_append_is_judged_by_its_new_entries_against_the_old_ones(tmp_path):
    from dnnpapers.access.quick import accept_appended
    from dnnpapers.storage.store import format_entry

    msd = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}
    root = write_list(tmp_path, [msd])
    old = (root / "data" / "papers.yaml").read_bytes()
    paper_list = load_list(root)
    new = {"id": "liu2020fastbert", "title": "FastBERT", "authors": ["Weijie Liu"], "year": 2020, "venue": "ACL 2020", "arxiv": "2004.02178", "tags": ["early-exit"]}

    def judged(entry, base=old):
        return accept_appended(base, base + format_entry(entry).encode(), paper_list.papers, paper_list.taxonomy)

    assert judged(new)
    assert not judged({**new, "arxiv": "1703.09844"}), "the same arXiv id as an old entry"
    assert not judged({**new, "title": "multi-scale dense networks."}), "the same title"
    assert not judged({**new, "id": "huang2017multiscale"})
    assert not judged({**new, "tags": ["early-exits"]})
    assert not judged({**new, "year": 1800})
    assert not accept_appended(old, old.replace(b"2017", b"2018", 1) + format_entry(new).encode(), paper_list.papers, paper_list.taxonomy), "not an append"


@pytest.mark.parametrize("fields, quick", [
    ("fetched: 2026-12-01, repository: example-org/x, stars: 12, pushed: 2026-10-14, archived: true", True),
    ("fetched: 2026-12-01, citations: 3, repository: example-org/x", True),
    ("fetched: 2026-12-01, stars: -1", False),
    ("fetched: 2026-12-01, archived: 1", False),
    ("fetched: 2026-12-01, pushed: soon", False),
    ("fetched: 2026-12-01, repository: ''", False),
])
def test_github_metrics_take_the_quick_path_only_when_valid_and_load_as_the_exact_one(tmp_path, fields, quick):
    root = write_list(tmp_path, [{"id": "a2020b", "title": "T", "authors": ["A"], "year": 2020, "code": "https://github.com/example-org/x", "tags": ["early-exit"]}])
    (root / "data" / "metrics.yaml").write_text(f"metrics:\n  a2020b: {{{fields}}}\n", encoding="utf-8")
    assert (accept_list(root) is not None) is quick
    if quick:
        assert load_list(root).metrics == load_exact(root).metrics
    else:
        with pytest.raises(ProblemsFound):
            load_exact(root)


def test_code_checked_is_a_boolean_on_the_quick_path_too():
    entry = {"id": "a2020b", "title": "T", "authors": ["A"], "year": 2020, "code": "https://github.com/example-org/x", "tags": ["x"]}
    assert accept_paper({**entry, "code_checked": True}) is True
    assert accept_paper({**entry, "code_checked": "yes"}) is False and accept_paper({**entry, "code_checked": None}) is False


def test_the_papers_the_quick_path_builds_are_the_models_own_and_copying_one_changes_no_other():
    quick, exact = load_list(REPO), load_exact(REPO)
    assert quick.papers == exact.papers  # as models: every field's value
    assert quick.papers == [Paper.model_construct(**p.model_dump()) for p in exact.papers]
    assert all(list(p.__dict__) == list(Paper.model_fields) for p in quick.papers)  # the fields in the model's order
    first, second = quick.papers[0], quick.papers[1]
    copy = first.model_copy(update={"notes": "a note"})
    assert copy.notes == "a note" and first.notes != "a note" and "notes" in copy.model_fields_set
    assert second.model_fields_set == set(Paper.model_fields) and second.model_dump() == exact.papers[1].model_dump()
    without = [p for p in quick.papers if not p.awards]
    assert len({id(p.awards) for p in without}) == len(without)  # each its own list, as the exact path gives them
    with pytest.raises(Exception):
        first.title = "changed"  # frozen, as the exact path's papers


@pytest.mark.parametrize("brk", ["\x85", "\u2028", "\u2029"])
def test_a_line_break_only_yaml_11_knows_sends_the_file_to_the_exact_path(brk):
    # PyYAML ends the comment at U+0085 and then refuses the line; yaml-rs reads it all as the comment
    raw = ("papers:\n  - id: huang2017multiscale\n    title: Multi-Scale Dense Networks\n    authors: [Gao Huang]\n"
           f"    year: 2017\n    tags: [early-exit]\n    focus: #{brk}x\n").encode()
    assert parse(raw) is UNSURE


# Characters where YAML 1.1 and 1.2, or quoting and escaping, could part ways (indicators, quotes, escapes,
# comments, 1.1 words, white space and line breaks of every kind), in every way a value may be written.
TEXT_CHARS = list("ab 1:0-.'\"\\#,[]{}yesnoON\t_xé!&*|>%@`?=<~") + ["\u3000", "\x85", "\u2028", "\n", "\r", "\ufeff"]
FORMS = ["{}", "'{}'", '"{}"', "[{}]", "[x, {}]", "{{a: {}}}", "|-\n      {}", ">-\n      {}"]


@settings(max_examples=200, deadline=None)
@given(value=st.text(alphabet=st.sampled_from(TEXT_CHARS), max_size=12), form=st.sampled_from(FORMS),
       key=st.sampled_from(["title", "notes", "venue", "focus", "authors", "awards", "doi", "code"]))
def test_any_short_text_in_a_paper_is_read_as_the_exact_path_reads_it_or_left_to_it(value, form, key):
    written = form.format(value).replace("\n", "\n      ")
    raw = ("papers:\n  - id: huang2017multiscale\n    title: Multi-Scale Dense Networks\n    authors: [Gao Huang, et al.]\n"
           f"    year: 2017\n    tags: [early-exit]\n    {key}: {written}\n").encode()
    data = parse(raw)
    if data is UNSURE or not isinstance(data, dict) or not isinstance(data.get("papers"), list) or not all(map(accept_paper, data["papers"])):
        return
    exact = exact_papers(raw)
    assert exact is not None, raw
    assert [Paper.model_construct(**{"awards": [], **e}).model_dump(exclude_defaults=True) for e in data["papers"]] == exact, raw


@pytest.mark.parametrize("value", ["[?x]", "[:0]", "[|]", "[x, >]", "{a: :0}", "[=]"])
def test_text_starting_with_an_indicator_in_a_flow_collection_is_left_to_the_exact_path(value):
    raw = ("papers:\n  - id: huang2017multiscale\n    title: Multi-Scale Dense Networks\n    authors: [Gao Huang, et al.]\n"
           f"    year: 2017\n    tags: [early-exit]\n    awards: {value}\n").encode()
    data = parse(raw)
    assert data is UNSURE or not accept_paper(data["papers"][0])
    assert exact_papers(raw) is None  # PyYAML reads a mapping, or refuses


# Values that repeat across entries, valid and not, and values that equal each other across types (1, 1.0, True).
_AUTHOR_LISTS = st.sampled_from([["Gao Huang"], ["Gao Huang", "et al."], ["et al."], ["Huang, Gao"], ["-x"], [""], [1], [True], [1.0],
                                 [["Gao Huang"]], "Gao Huang", [], None, ["Gao Huang", 1], ["yes"], [" lead"]])
_VENUES = st.sampled_from(["ICLR 2018", "arXiv", "ICLR 2016", "ICLR 2999", "ICLR", 2018, True, ["ICLR 2018"], "", None, "NeurIPS 2017"])
_TAG_LISTS = st.sampled_from([["early-exit"], ["early-exit", "survey"], [], "early-exit", [1], [True], ["yes"], [["x"]], [""], None])


@given(st.lists(st.tuples(_AUTHOR_LISTS, _VENUES, _TAG_LISTS, st.sampled_from([2016, 2017, 2018])), min_size=1, max_size=12))
@example([(["Gao Huang"], "ICLR 2016", ["x"], 2016), (["Gao Huang"], "ICLR 2016", ["x"], 2017), ("Gao Huang", None, ["x"], 2017), (["Gao Huang"], None, "x", 2017)])
@settings(max_examples=150, deadline=None)
def test_file_checks_kept_answers_are_accept_papers_own(fields):
    """The checks of one file keep answers for author lists, venues and tags that repeat: every entry still gets
    accept_paper's own answer, whatever came before it (same values, values equal across types, unhashable ones)."""
    from dnnpapers.access.quick import file_checks
    from dnnpapers.model.fields import FIRST_YEAR, last_year

    last = last_year()
    checks = file_checks(last)
    for authors, venue, tags, year in fields:
        entry = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks", "authors": authors, "year": year, "venue": venue, "tags": tags}
        assert accept_paper(entry, FIRST_YEAR, last, checks) is accept_paper(entry, FIRST_YEAR, last)


def test_every_new_style_arxiv_id_matched_whole_is_one_the_check_accepts_and_the_other_way_round():
    """FAST_ACCEPTED's arXiv pattern, over every YYMM with four and five digits: it matches exactly the ids the
    check accepts (so the check itself is asked only of ids written otherwise)."""
    from dnnpapers.access.quick import _CHECKS, FAST_ACCEPTED

    for yymm in range(10_000):
        for digits in ("1234", "12345", "123"):
            value = f"{yymm:04d}.{digits}"
            assert (FAST_ACCEPTED["arxiv"].fullmatch(value) is not None) is _CHECKS["arxiv"](value, 2020, 2027), value


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.text("abnoyesf01-_: \n", max_size=8), st.sampled_from(["yes", "no", "on", "off", "0b101", "0b", "0b12", "yes-no", "a--b", "-a", "a-"])))
def test_an_id_matched_whole_is_exactly_one_the_check_accepts(value):
    from dnnpapers.access.quick import _CHECKS, FAST_ACCEPTED

    assert (FAST_ACCEPTED["id"].fullmatch(value) is not None) is _CHECKS["id"](value, 2020, 2027), repr(value)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["huang2017multiscale", "yes", "0b1", "Bad", 7, None]), st.sampled_from(["1703.09844", "0703.09844", "1501.1234", "cs/0112017", "\uff11703.09844", 1703.09844, None])), min_size=1, max_size=6))
def test_the_checks_of_one_file_answer_as_accept_papers_own(fields):
    from dnnpapers.access.quick import accept_papers, file_checks
    from dnnpapers.model.fields import FIRST_YEAR, last_year

    entries = [{"id": i, "title": "T", "authors": ["A"], "year": 2017, "tags": ["x"], **({"arxiv": a} if a is not None else {})} for i, a in fields]
    assert accept_papers(entries, FIRST_YEAR, last_year(), file_checks(last_year())) is all(accept_paper(e) for e in entries)


def test_a_failed_load_freezes_nothing_and_a_good_one_freezes_what_it_loaded(tmp_path):
    """A load freezes what it made (the collector's passes then skip it); a load that fails must not freeze its
    garbage: a caller that goes on (a library's user, a test worker) would keep a failed read's traceback and its
    bytes for good."""
    import gc

    shutil.copytree(REPO / "data", tmp_path / "data")
    (tmp_path / "data" / "papers.yaml").write_text("- id: x\n  title: [unclosed\n", encoding="utf-8")
    gc.unfreeze()
    try:
        with pytest.raises(ProblemsFound):
            load_list(tmp_path)
        assert gc.get_freeze_count() == 0
        load_list(REPO)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


# --- a big list's first read shared with a forked child (quick._accept_chunks) -----------------------------------------

BIG = 1_600  # four chunks of 500: the fewest that are shared


def _big_entries(count: int = BIG) -> list[dict]:
    return [{"id": f"paper{i}", "title": f"Paper number {i}", "authors": [f"Author {i % 97}", "B. Second"], "year": 2015 + i % 10,
             "venue": f"ICLR {2016 + i % 10}", "tags": ["early-exit"], "added": dt.date(2024, 1 + i % 12, 1)} for i in range(count)]


@pytest.fixture
def forks(monkeypatch):
    """Forks as from a command (under xdist a worker runs a thread of its own), and records each fork's child."""
    from dnnpapers import forked

    monkeypatch.setattr(forked.threading, "active_count", lambda: 1)
    monkeypatch.setattr(forked, "_cores", lambda: 2)
    children: list[int] = []
    start = forked.Aside._start

    def recorded(self):
        start(self)
        children.append(self.pid)

    monkeypatch.setattr(forked.Aside, "_start", recorded)
    return children


def _reaped(pids: list[int]) -> bool:
    """Each of these children has ended and been reaped (none left running or a zombie)."""
    import os

    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        return False
    return True


def test_a_big_list_read_half_in_a_forked_child_is_the_list_a_serial_read_gives(tmp_path, forks, monkeypatch):
    from dnnpapers.access import quick

    write_list(tmp_path, _big_entries())
    shared = accept_list(tmp_path)
    assert len(forks) == 1 and _reaped(forks)
    monkeypatch.setattr(quick, "_SHARED_FROM", 10**9)
    serial = accept_list(tmp_path)
    assert len(forks) == 1  # (read alone this time)
    assert shared is not None and len(shared.papers) == BIG
    assert shared.papers == serial.papers and [list(map(type, p.values())) for p in shared.papers] == [list(map(type, p.values())) for p in serial.papers]
    assert load_list(tmp_path).papers[0].added == dt.date(2024, 1, 1)


@pytest.mark.parametrize("at", [3, BIG - 3], ids=["in the child's half", "in this process's half"])
def test_an_entry_refused_in_either_half_leaves_the_list_to_the_exact_path_and_no_child_behind(tmp_path, forks, at):
    entries = _big_entries()
    entries[at]["year"] = 1800
    write_list(tmp_path, entries)
    assert accept_list(tmp_path) is None
    assert len(forks) == 1 and _reaped(forks)
    with pytest.raises(ProblemsFound) as found:
        load_list(tmp_path)
    text = (tmp_path / "data" / "papers.yaml").read_text(encoding="utf-8")
    assert [p.line for p in found.value.problems] == [text[: text.index("year: 1800")].count("\n") + 1]


def test_check_of_a_big_list_in_its_own_process_reads_it_on_two_cores_and_finds_a_bad_entry_at_its_line(tmp_path):
    """The real command, which runs no other thread, forks for the read: its import trace shows what forked.Aside
    imports just before a fork (``resource``, which nothing else of a check imports)."""
    import os
    import subprocess
    import sys

    entries = _big_entries()
    write_list(tmp_path, entries)
    env = {**os.environ, "DNNPAPERS_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    argv = [sys.executable, "-X", "importtime", "-m", "dnnpapers", "check", "--root", str(tmp_path)]
    ok = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert ok.returncode == 0 and f"ok: {BIG} papers" in ok.stderr and "| dnnpapers.forked\n" in ok.stderr and "| resource\n" in ok.stderr
    entries[10]["year"] = 1800
    write_list(tmp_path, entries)
    bad = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    text = (tmp_path / "data" / "papers.yaml").read_text(encoding="utf-8")
    line = text[: text.index("year: 1800")].count("\n") + 1
    assert bad.returncode == 1 and f"papers.yaml:{line}:" in bad.stdout + bad.stderr
