"""Edits to papers.yaml in every layout check accepts: the edit happens exactly, or a one-line refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS, invoke_dnnpapers, write_list
from dnnpapers.cli import app
from dnnpapers.curation.curate import remove_paper, retag_paper
from dnnpapers.errors import DnnpapersError
from dnnpapers.access.listedit import Change, edit_list
from dnnpapers.model.models import Taxonomy, TaxonomyFile
from dnnpapers.access.paperlist import papers_problems
from dnnpapers.access.loading import load_list
from dnnpapers.storage.store import Style, append_entries, format_entry, format_field, format_scalar, head_document, parse_document, set_fields
from fakes import ArxivPaper
from strategies import TAGS, paper_lists, papers

MSD = ArxivPaper("1703.09844", "Multi-Scale Dense Networks for Resource Efficient Image Classification", ["Gao Huang"], dt.date(2017, 3, 1))
A = {"id": "a2020x", "title": "First", "authors": ["A B"], "year": 2020, "tags": ["early-exit"]}


def _papers(root):
    return [p.model_dump() for p in load_list(root).papers]


def test_add_to_a_file_ending_in_the_document_end_marker_puts_the_entry_before_it(tmp_path, server):
    """In process (conftest's ``invoke_dnnpapers``): the bytes of papers.yaml and check's verdict are the point, not the process."""
    services, base = server
    services.add(MSD, citations=7)
    root = write_list(tmp_path, [A])
    path = root / "data" / "papers.yaml"
    path.write_text(path.read_text() + "...\n# after the end\n")
    assert invoke_dnnpapers(["check"], root, base, services).returncode == 0
    before = _papers(root)
    done = invoke_dnnpapers(["add", "1703.09844", "--tag", "early-exit"], root, base, services)
    assert done.returncode == 0, done.stderr
    assert invoke_dnnpapers(["check"], root, base, services).returncode == 0
    after = _papers(root)
    assert after[:1] == before and [p["arxiv"] for p in after[1:]] == ["1703.09844"]
    assert path.read_text().endswith("...\n# after the end\n")


def test_remove_of_an_entry_whose_last_field_is_an_alias_takes_it_out(tmp_path, runner):
    root = write_list(tmp_path, [])
    path = root / "data" / "papers.yaml"
    path.write_text(
        "papers:\n"
        "  - id: a2020x\n    title: First\n    authors: [A B]\n    year: 2020\n    tags: &t [early-exit]\n"
        "  - id: b2021y\n    title: Second\n    authors: [C D]\n    year: 2021\n    tags: *t\n"
    )
    (root / "data" / "metrics.yaml").write_text("metrics:\n  b2021y: {citations: 3, fetched: 2026-01-01}\n")
    result = runner.invoke(app, ["remove", "b2021y", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert [p["id"] for p in _papers(root)] == ["a2020x"]
    assert "b2021y" not in path.read_text()
    assert runner.invoke(app, ["check", "--root", str(root)]).exit_code == 0


def test_remove_of_an_entry_whose_anchor_another_entry_uses_refuses_and_changes_nothing(tmp_path, runner):
    root = write_list(tmp_path, [])
    path = root / "data" / "papers.yaml"
    path.write_text(
        "papers:\n"
        "  - id: a2020x\n    title: First\n    authors: [A B]\n    year: 2020\n    tags: &t [early-exit]\n"
        "  - id: b2021y\n    title: Second\n    authors: [C D]\n    year: 2021\n    tags: *t\n"
    )
    before = path.read_bytes()
    result = runner.invoke(app, ["remove", "a2020x", "--root", str(root)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert "papers.yaml:11: an alias here names an anchor that would go; cannot remove a2020x; nothing written" in result.stderr
    assert path.read_bytes() == before



def test_tag_of_an_entry_whose_tags_are_an_alias_retags_only_it(tmp_path, runner):
    root = write_list(tmp_path, [])
    path = root / "data" / "papers.yaml"
    path.write_bytes(
        b"papers:\r\n"
        b"  - id: a2020x\r\n    title: First\r\n    authors: [A B]\r\n    year: 2020\r\n    tags: &t [early-exit]\r\n"
        b"  - id: b2021y\r\n    title: Second\r\n    authors: [C D]\r\n    year: 2021\r\n    tags: *t\r\n"
        b"...\r\n"
    )
    result = runner.invoke(app, ["tag", "b2021y", "--add", "system", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert [p["tags"] for p in _papers(root)] == [["early-exit"], ["early-exit", "system"]]
    assert runner.invoke(app, ["check", "--root", str(root)]).exit_code == 0
    assert b"\n" not in path.read_bytes().replace(b"\r\n", b"")


def test_tag_of_an_entry_whose_tags_another_entry_names_refuses_and_changes_nothing(tmp_path, runner):
    root = write_list(tmp_path, [])
    path = root / "data" / "papers.yaml"
    path.write_text(
        "papers:\n"
        "  - id: a2020x\n    title: First\n    authors: [A B]\n    year: 2020\n    tags: &t [early-exit]\n"
        "  - id: b2021y\n    title: Second\n    authors: [C D]\n    year: 2021\n    tags: *t\n"
    )
    before = path.read_bytes()
    result = runner.invoke(app, ["tag", "a2020x", "--add", "system", "--root", str(root)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "papers.yaml:11: an alias here names an anchor that would go; cannot change tags of a2020x; nothing written" in result.stderr
    assert path.read_bytes() == before


def test_text_appended_after_the_document_end_marker_is_not_taken_as_new_entries(tmp_path):
    from dnnpapers.access.quick import accept_appended

    root = write_list(tmp_path, [A])
    listed = load_list(root)
    old = (root / "data" / "papers.yaml").read_bytes() + b"...\n"
    added = format_entry({**A, "id": "c2022z", "title": "Third"}).encode("utf-8")
    assert not accept_appended(old, old + added, listed.papers, listed.taxonomy)
    plain = (root / "data" / "papers.yaml").read_bytes()
    assert accept_appended(plain, plain + added, listed.papers, listed.taxonomy)  # the quick way stays for the plain shape

# ---- every layout check accepts: the edit happens exactly, or a refusal leaves the file as it was ----

TAXONOMY = Taxonomy(TaxonomyFile.model_validate(parse_document((SCENARIOS / "taxonomy.yaml").read_bytes(), "t").data).taxonomy)
COMMENT = st.sampled_from(["# a comment", "   # indented", "#", "# - id: not an entry", "# ... not the end"])
# The layouts' other choices, each strategy built once (one built in a draw is built and validated at each draw).
NEWLINES = st.sampled_from(["\n", "\r\n"])
DASH_INDENTS = st.sampled_from([0, 2, 4])
KEY_INDENTS = st.sampled_from([2, 3])
LIST_INDENTS = st.sampled_from([0, 2])
FLOW_FIELDS = st.sampled_from([frozenset({"tags"}), frozenset({"tags", "authors"}), frozenset()])
ALIASED_FIELDS = st.sampled_from(["tags", "authors"])
ALIAS_COMMENTS = st.sampled_from(["", "  # same as above"])
BLOCK_SCALARS = st.sampled_from([("|-", "\n"), (">-", " ")])
HEADS = st.sampled_from([[], ["---"], ["%YAML 1.1", "---"], ["--- # the list"], ["# yaml-language-server: $schema=x.json"]])
PAPERS_KEYS = st.sampled_from(["papers:", "papers:", '"papers":', "papers: !!seq", "papers: &list"])
LIST_COMMENTS = st.sampled_from(["", "  # the list"])
FLOW_COMMENTS = st.sampled_from(["", "  # flow"])


def _flow(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(format_scalar(v, flow=True) for v in value) + "]"
    return format_scalar(value, flow=True)


class Layout:
    """A papers.yaml text, the values it holds, and what of each entry another names (the edits that may be refused)."""

    def __init__(self, raw: bytes, values: list[dict], anchored: dict[int, set[str]]):
        self.raw, self.values, self.anchored = raw, values, anchored

    def __repr__(self) -> str:
        return f"Layout({self.raw!r})"


@st.composite
def layouts(draw) -> Layout:
    """A valid papers.yaml in one of the layouts check accepts: anchors and aliases (also as an entry's last
    field, and a merge of an anchored entry), '---'/'...' markers, comments anywhere, flow lists and flow
    entries, CRLF, any indentation, trailing blank lines, no final newline."""
    values = [dict(e) for e in draw(paper_lists(min_size=1, max_size=5))]
    count = len(values)
    values = [dict(draw(st.permutations(list(v.items())))) if draw(st.integers(0, 4)) == 0 else v for v in values]  # any field first
    nl = draw(NEWLINES)
    dash = draw(DASH_INDENTS)
    key = dash + draw(KEY_INDENTS)
    style = Style(dash=dash, key=key, list_dash=key + draw(LIST_INDENTS), flow=draw(FLOW_FIELDS))
    field_anchor: dict[tuple[int, str], str] = {}
    field_alias: dict[tuple[int, str], str] = {}
    anchored: dict[int, set[str]] = {}  # entry -> fields (or "*" for the whole entry) that another entry names
    merge: tuple[int, int, bool] | None = None
    if count >= 2 and draw(st.booleans()):  # a field of one entry aliased in a later one
        i = draw(st.integers(0, count - 2))
        j = draw(st.integers(i + 1, count - 1))
        name = draw(ALIASED_FIELDS)
        values[j][name] = values[i][name]
        field_anchor[(i, name)], field_alias[(j, name)] = "t1", "t1"
        anchored.setdefault(i, set()).add(name)
        if draw(st.booleans()):  # as the entry's last field
            values[j] = {k: v for k, v in values[j].items() if k != name} | {name: values[j][name]}
    elif count >= 2 and draw(st.booleans()):  # a later entry merges an anchored one (<<: *e1), its own id and title over it
        i = draw(st.integers(0, count - 2))
        j = draw(st.integers(i + 1, count - 1))
        for taken in ("arxiv", "doi"):  # a merged copy would repeat them
            values[i].pop(taken, None)
        values[j] = {"id": values[j]["id"], "title": values[j]["title"]}
        merge = (i, j, draw(st.booleans()))  # the merge key last?
        anchored.setdefault(i, set()).add("*")
    flow_list = merge is None and draw(st.integers(0, 5)) == 5
    flow_entries = {n for n in range(count) if not flow_list and draw(st.integers(0, 3)) == 0 and (not merge or n not in merge[:2])}

    def flow_entry(n: int) -> str:
        parts = []
        for name, value in values[n].items():
            text = _flow(value)
            if (n, name) in field_anchor:
                text = f"&{field_anchor[(n, name)]} {text}"
            if (n, name) in field_alias:
                text = f"*{field_alias[(n, name)]} "
            parts.append(f"{name}: {text}")
        return "{" + ", ".join(parts) + "}"

    def block_entry(n: int) -> list[str]:
        lines: list[str] = []
        items = list(values[n].items())
        if merge and n == merge[1]:
            own = [f"{' ' * key}{name}: {format_scalar(value)}" for name, value in items]
            lines = own + [f"{' ' * key}<<: *e1"] if merge[2] else [f"{' ' * key}<<: *e1"] + own
        else:
            for name, value in items:
                if (n, name) in field_anchor:
                    lines.append(f"{' ' * key}{name}: &{field_anchor[(n, name)]} {_flow(value)}")
                elif (n, name) in field_alias:
                    lines.append(f"{' ' * key}{name}: *{field_alias[(n, name)]}" + draw(ALIAS_COMMENTS))
                elif name == "notes" and draw(st.booleans()):  # a block scalar, perhaps the entry's last field
                    indicator, joined = draw(BLOCK_SCALARS)
                    values[n]["notes"] = f"first line{joined}second line {n}"
                    lines += [f"{' ' * key}notes: {indicator}", f"{' ' * (key + 2)}first line", f"{' ' * (key + 2)}second line {n}"]
                elif name == "title" and draw(st.integers(0, 3)) == 0:  # a double-quoted title over two lines
                    values[n]["title"] = f"Two lines {n}"
                    lines += [f'{" " * key}title: "Two', f'{" " * (key + 2)}lines {n}"']
                else:
                    lines += format_field(name, value, style)
                if draw(st.integers(0, 7)) == 0:
                    lines.append(" " * draw(st.integers(0, key)) + "# between fields")
        opener = " " * dash + "-" + " " * (key - dash - 1)
        if merge and n == merge[0]:
            return [" " * dash + "- &e1"] + lines
        if draw(st.integers(0, 5)) == 0:  # the dash alone on its line
            return [" " * dash + "-"] + lines
        return [opener + lines[0][key:]] + lines[1:]

    out: list[str] = []
    out += draw(HEADS)
    papers_key = draw(PAPERS_KEYS)
    if flow_list:
        shape = draw(st.integers(0, 2))
        if shape == 0:
            out.append("papers: [" + ", ".join(flow_entry(n) for n in range(count)) + "]")
        elif shape == 1:  # the whole document a flow mapping
            out.append("{papers: [" + ", ".join(flow_entry(n) for n in range(count)) + "]}")
        else:
            out.append("papers: [")
            out += [f"  {flow_entry(n)}," if n < count - 1 else f"  {flow_entry(n)}" for n in range(count)]
            out.append("  ]")
    else:
        out.append(papers_key + draw(LIST_COMMENTS))
        for n in range(count):
            if draw(st.booleans()):
                out.append(draw(COMMENT))
            if draw(st.booleans()):
                out.append("")
            if n in flow_entries:
                out.append(" " * dash + "- " + flow_entry(n) + draw(FLOW_COMMENTS))
            else:
                out += block_entry(n)
    if draw(st.booleans()):
        out.append(draw(COMMENT))
    if draw(st.booleans()):
        out.append("...")
        if draw(st.booleans()):
            out.append("# after the end")
    out += [""] * draw(st.integers(0, 2))
    text = nl.join(out) + (nl if draw(st.booleans()) else "")
    raw = text.encode("utf-8")
    if draw(st.integers(0, 5)) == 0:
        raw = b"\xef\xbb\xbf" + raw
    if merge:
        values[merge[1]] = {**values[merge[0]], **values[merge[1]]}
    return Layout(raw, values, anchored)


def _values(raw: bytes) -> list[dict]:
    return parse_document(raw, "papers.yaml").data["papers"]


def _list_with(raw: bytes, folder: Path) -> Path:
    (folder / "data").mkdir()
    (folder / "data" / "taxonomy.yaml").write_bytes((SCENARIOS / "taxonomy.yaml").read_bytes())
    (folder / "data" / "papers.yaml").write_bytes(raw)
    return folder


def _add(root: Path, entry: dict) -> None:
    """What `add` does once it has its entries: append under the lock, the old entries trusted."""
    def change(now):
        text = append_entries(head_document(now.raw, str(now.path)), [entry])
        return Change(text, added={entry["id"]}, trusted=len(now.list.papers)), None

    edit_list(root, change)


def _set(root: Path, index: int, key: str, value) -> None:
    """What `update --apply` does with a venue or authors it found."""
    def change(now):
        return Change(set_fields(parse_document(now.raw, str(now.path)), [(index, key, value, ("title", "year"))])), None

    edit_list(root, change)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(layouts(), st.data())
def test_every_edit_in_every_layout_happens_exactly_or_is_refused_leaving_the_file_as_it_was(layout, data):
    assert papers_problems(layout.raw, "papers.yaml", TAXONOMY) == [], layout.raw
    assert _values(layout.raw) == layout.values
    values = layout.values
    op = data.draw(st.sampled_from(["add", "remove", "tag", "venue", "authors"]))
    index = data.draw(st.integers(0, len(values) - 1))
    expected = [dict(v) for v in values]
    may_refuse = False
    with tempfile.TemporaryDirectory() as folder:
        root = _list_with(layout.raw, Path(folder))
        path = root / "data" / "papers.yaml"
        try:
            if op == "add":
                entry = data.draw(papers(100))
                expected.append(parse_document(b"papers:\n" + format_entry(entry).encode("utf-8"), "new").data["papers"][0])
                _add(root, entry)
            elif op == "remove":
                del expected[index]
                may_refuse |= index in layout.anchored  # an alias elsewhere names what would go
                remove_paper(root, values[index]["id"])
            elif op == "tag":
                tags = values[index]["tags"]
                add = [t for t in TAGS if t not in tags][:1]
                drop = tags[:1] if len(tags) > 1 else []
                expected[index] = {**values[index], "tags": [t for t in tags if t not in drop] + add}
                may_refuse |= bool({"tags", "*"} & layout.anchored.get(index, set()))
                retag_paper(root, values[index]["id"], add=add, remove=drop)
            else:
                value = "ICLR 2026" if op == "venue" else ["Ann Example", "Bo Example"]
                expected[index] = {**values[index], op: value}
                may_refuse |= bool({op, "*"} & layout.anchored.get(index, set()))
                _set(root, index, op, value)
        except DnnpapersError as refused:
            assert may_refuse, f"refused an edit it can make: {refused}"
            assert "\n" not in str(refused)
            assert path.read_bytes() == layout.raw
            return
        after = path.read_bytes()
        assert papers_problems(after, "papers.yaml", TAXONOMY) == []
        assert _values(after) == expected

