"""Entries accepted before: a changed list re-reads only the entries that changed, and never trusts a changed one."""

from __future__ import annotations

import shutil

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO
from dnnpapers.cli import app
from dnnpapers.access.known_entries import ENTRIES, recall_entries
from dnnpapers.access import quick
from dnnpapers.model.fields import last_year
from dnnpapers.access.quick import UNSURE, _parse_text, accept_list, split_entries
from dnnpapers.storage.store import format_entry
from strategies import paper_lists


def _list(folder, papers_text: str | None = None):
    (folder / "data").mkdir(parents=True)
    shutil.copy(REPO / "data" / "taxonomy.yaml", folder / "data" / "taxonomy.yaml")
    shutil.copy(REPO / "data" / "papers.yaml", folder / "data" / "papers.yaml")
    if papers_text is not None:
        (folder / "data" / "papers.yaml").write_text(papers_text, encoding="utf-8")
    return folder


def _check(runner, root, cache, verdicts=True):
    env = {"DNNPAPERS_CACHE_DIR": str(cache), "DNNPAPERS_NO_VERDICTS": "" if verdicts else "1", "NO_COLOR": "1"}
    result = runner.invoke(app, ["check", "--root", str(root)], env=env)
    return result.exit_code, result.stdout + result.stderr


def _alone(prefix: str, text: str):
    data = _parse_text("papers:\n" + prefix + text + "\n")
    return UNSURE if data is UNSURE else data["papers"]


@settings(max_examples=60, deadline=None)
@given(entries=paper_lists(1, 8), column=st.sampled_from([0, 2, 4]), comments=st.booleans())
@example(entries=[{"id": "paper4", "title": "0A000000 4", "authors": ["AAAAAA"], "year": 1990, "tags": ["survey"], "focus": "0001-01-01"}], column=0, comments=False)
def test_each_entry_text_parsed_alone_means_what_it_means_in_the_file(entries, column, comments):
    body = "".join(format_entry(e) for e in entries)
    if column != 2:  # format_entry indents entries by two; any column is a plain shape
        body = "\n".join((" " * column + line[2:]) if line.startswith("  ") else line for line in body.split("\n"))
    if comments:
        body = body.replace("\n" + " " * column + "- ", "\n# between entries\n\n" + " " * column + "- ")
    text = "# a list\n\npapers:\n" + body
    whole = yaml.safe_load(text)["papers"]
    header, prefix, texts = split_entries(text)
    assert header.endswith("papers:\n") and prefix == " " * column + "- "
    alone = [_alone(prefix, t) for t in texts]
    if _parse_text(text) is not UNSURE:  # the quick path reads the whole file: then it reads each entry alone the same
        assert alone == [[entry] for entry in whole]
    if UNSURE not in alone:  # whatever the quick path reads entry by entry is what the exact path reads in the file
        assert alone == [[entry] for entry in whole]


@settings(max_examples=60, deadline=None)
@given(entries=paper_lists(1, 8), comments=st.booleans(), chunk=st.integers(1, 3), crossing=st.booleans())
def test_entries_read_a_chunk_at_a_time_are_the_entries_of_the_whole_file(entries, comments, chunk, crossing):
    body = "".join(format_entry(e) for e in entries)
    if comments:
        body = body.replace("\n  - ", "\n# between entries\n\n  - ")
    if crossing:  # a quoted title that runs on into the next entry's first line
        body = body.replace("\n    title: ", '\n    title: "', 1).replace("\n  - id: ", '\n  - id: "\n    the_end: ', 1)
    text = "# a list\n\npapers:\n" + body
    whole = _parse_text(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(quick, "_CHUNK", chunk)
        read = quick._accept_chunks(text, quick._shape(text), last_year()) if quick._shape(text) else None
    if read is not None:  # whatever is read a chunk at a time is what the exact path reads in the file
        assert read == yaml.safe_load(text)["papers"]
    if whole is not UNSURE and all(quick.accept_paper(e, quick.FIRST_YEAR, last_year()) for e in whole["papers"]):
        assert read == whole["papers"]  # and a file the fast parser reads whole is read in chunks too


def test_files_of_any_other_shape_are_not_cut_into_entries():
    plain = "papers:\n  - id: a\n    title: A\n"
    assert split_entries(plain) is not None
    for other in [
        plain.replace("\n", "\r\n"),  # line ends the fast path does not cut
        "papers: []\n",
        "papers:\n",  # no entries
        "title: x\npapers:\n  - id: a\n",  # another key first
        plain + "other: 1\n",  # another key after
        plain + " - id: b\n",  # an entry at another column
        plain + "  -\n    id: b\n",  # an entry whose first field is on the next line
        "papers:#x\n  - id: a\n",
    ]:
        assert split_entries(other) is None, other


def test_a_quoted_value_running_into_the_next_entry_is_not_taken_for_two_entries():
    text = 'papers:\n  - id: a\n    title: "A\n  - id: b"\n    year: 2020\n'
    header, prefix, texts = split_entries(text)
    assert yaml.safe_load(text)["papers"] == [{"id": "a", "title": "A - id: b", "year": 2020}]  # one entry, two lines like starts
    assert len(texts) == 2 and _parse_text("papers:\n" + prefix + texts[0] + "\n") is UNSURE  # its first part alone: no entry


def test_an_unchanged_list_edited_elsewhere_is_accepted_from_its_known_entries(tmp_path, runner, monkeypatch):
    root, cache = _list(tmp_path / "list"), tmp_path / "cache"
    assert _check(runner, root, cache)[0] == 0
    monkeypatch.setenv("DNNPAPERS_CACHE_DIR", str(cache))
    papers = root / "data" / "papers.yaml"
    assert len(recall_entries(str(root.resolve()), last_year())) == len(split_entries(papers.read_text(encoding="utf-8"))[2])
    papers.write_text("# edited\n" + papers.read_text(encoding="utf-8"), encoding="utf-8")
    parsed = []
    real = quick._parse_text
    monkeypatch.setattr(quick, "_parse_text", lambda text: parsed.append(text) or real(text))
    assert accept_list(root) is not None
    assert not any("papers:" in text for text in parsed)  # no entry parsed: each was known
    (root / "data" / "papers.yaml").write_text(papers.read_text(encoding="utf-8").replace("title: A Survey on", "title: The Survey on", 1), encoding="utf-8")
    assert accept_list(root) is not None
    assert [text.count("\n  - ") for text in parsed if "papers:" in text] == [1]  # one entry parsed alone: the edited one


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    """The shipped list after one check: every entry known, in a cache each example starts from a copy of.

    The known entries are filed under the list's path, so the examples share the list folder too, each writing its
    own papers.yaml; a check writes nothing into the list."""
    from typer.testing import CliRunner

    root, cache = _list(tmp_path_factory.mktemp("edit")), tmp_path_factory.mktemp("cache")
    assert _check(CliRunner(), root, cache)[0] == 0  # every entry now known
    return root, cache


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])  # two CLI checks and a cache copied an example
@given(at=st.integers(0, 200_000), value=st.sampled_from(["year: 1234", "year: 2020", "tags: [nope]", "id: Bad Id", "title: ''", "venue_checked: maybe", "doi: 10.1/x", "arxiv: 1", "- id: x"]))
def test_an_edited_entry_is_read_again_and_the_answer_matches_a_run_with_nothing_known(at, value, known, new_folder, runner):
    root, warmed = known
    cache = new_folder()
    shutil.copytree(warmed, cache, dirs_exist_ok=True)  # every entry known, as after a check of the unedited list
    papers = root / "data" / "papers.yaml"
    papers.write_bytes((REPO / "data" / "papers.yaml").read_bytes())
    lines = papers.read_text(encoding="utf-8").split("\n")
    fields = [i for i, line in enumerate(lines) if line.startswith("    ") and ": " in line]
    i = fields[at % len(fields)]
    lines[i] = "    " + value
    papers.write_text("\n".join(lines), encoding="utf-8")
    assert _check(runner, root, cache) == _check(runner, root, new_folder(), verdicts=False)


def test_damaged_known_entries_are_no_help_and_no_harm(tmp_path, runner):
    root, cache = _list(tmp_path / "list"), tmp_path / "cache"
    assert _check(runner, root, cache)[0] == 0
    (kept,) = (cache / ENTRIES).iterdir()
    for damage in (b"", b"\x00garbage", kept.read_bytes()[:100]):
        kept.write_bytes(damage)
        (root / "data" / "papers.yaml").write_text("# changed\n" + (REPO / "data" / "papers.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        assert _check(runner, root, cache)[0] == 0


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(st.sampled_from(["  - id: a", "    title: x", "  -", "  - ", "    - c", "", "# note", "    é: 论", "  - 论"]), max_size=12),
       head=st.sampled_from(["", "# head é\n", "\n"]), final_break=st.booleans(), bom=st.booleans())
def test_entry_keys_from_the_bytes_are_the_keys_of_the_entry_texts(lines, head, final_break, bom):
    """entry_keys, cutting the file's bytes, gives entry_key of each text _entry_texts cuts from the decoded file."""
    from dnnpapers.access.known_entries import entry_key, entry_keys
    from dnnpapers.storage.fastyaml import _entry_texts, _shape

    text = head + "papers:\n  - id: first\n" + "\n".join(lines) + ("\n" if final_break else "")
    shape = _shape(text)
    if shape is None:
        return
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    start = (3 if bom else 0) + len(text[: shape[0]].encode("utf-8"))
    assert entry_keys(raw, start, shape[1]) == [entry_key(t) for t in _entry_texts(text, *shape)]
