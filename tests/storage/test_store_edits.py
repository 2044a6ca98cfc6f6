"""Edits to papers.yaml keep every byte they do not own, whatever the file's style."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from dnnpapers.model.models import Taxonomy, TaxonomyFile
from dnnpapers.access.paperlist import papers_problems
from dnnpapers.storage.store import Style, append_entries, format_entry, parse_document, set_fields
from strategies import paper_lists, papers

TAXONOMY = Taxonomy(TaxonomyFile.model_validate(parse_document((SCENARIOS / "taxonomy.yaml").read_bytes(), "t").data).taxonomy)
COMMENTS = st.sampled_from(["# a comment", "#", "# 早退 | <b> 'quoted' \"too\"", "   # indented comment"])


@st.composite
def styled_files(draw):
    """A valid papers.yaml in a random style, with its entries."""
    entries = draw(paper_lists(min_size=1, max_size=6))
    dash = draw(st.sampled_from([0, 2, 4]))
    key = dash + draw(st.sampled_from([2, 3]))
    style = Style(
        dash=dash,
        key=key,
        list_dash=key + draw(st.sampled_from([0, 2])),
        flow=draw(st.sampled_from([frozenset({"tags"}), frozenset({"tags", "authors"}), frozenset()])),
    )
    parts = [draw(st.sampled_from(["", "# yaml-language-server: $schema=../generated/papers.schema.json\n"])), "papers:"]
    parts.append(draw(st.sampled_from(["", "  # the list"])) + "\n")
    for entry in entries:
        if draw(st.booleans()):
            parts.append(draw(COMMENTS) + "\n")
        if draw(st.booleans()):
            parts.append("\n")
        text = format_entry(entry, style)
        if draw(st.booleans()):  # a double-quoted title instead of the default quoting
            title_line = next(line for line in text.splitlines() if line.lstrip().startswith("title:"))
            quoted = title_line.split("title:")[0] + "title: " + json.dumps(entry["title"], ensure_ascii=False)
            text = text.replace(title_line, quoted, 1)
        if draw(st.booleans()):  # a comment at the end of the year line
            text = text.replace(f"year: {entry['year']}\n", f"year: {entry['year']}  # first seen\n", 1)
        parts.append(text)
    if draw(st.booleans()):
        parts.append(draw(COMMENTS) + "\n")
    text = "".join(parts)
    if not draw(st.booleans()):
        text = text.rstrip("\n")  # no final newline
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8")
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    return raw, entries


#: Examples per test. The three tests draw from the one space of styled files (~20 ms an example, most of it drawing
#: the file): 140 files a run between them, each run from a new seed (220 before, 4.5 worker-seconds).
EXAMPLES = {"add": 60, "set": 40, "remove": 40}


@settings(max_examples=EXAMPLES["add"], deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(styled_files(), st.data())
def test_adding_keeps_every_byte_and_the_result_passes_check(file, data):
    raw, entries = file
    assert papers_problems(raw, "p.yaml", TAXONOMY) == []
    new = [data.draw(papers(100 + i)) for i in range(data.draw(st.integers(1, 3)))]
    doc = parse_document(raw, "p.yaml")
    out = append_entries(doc, new)
    body = raw.rstrip(b"\r\n") if not raw.endswith(b"\n") else raw
    assert out.startswith(body)
    assert papers_problems(out, "p.yaml", TAXONOMY) == []
    result = parse_document(out, "p.yaml").data["papers"]
    assert [e["id"] for e in result] == [e["id"] for e in entries + new]
    assert result[-len(new):] == [{**e} for e in parse_document(b"papers:\n" + "".join(format_entry(e) for e in new).encode(), "n").data["papers"]]
    if b"\r\n" in raw:
        assert b"\n" not in out.replace(b"\r\n", b"")


@settings(max_examples=EXAMPLES["set"], deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(styled_files(), st.data())
def test_setting_a_field_changes_only_that_entry(file, data):
    raw, entries = file
    doc = parse_document(raw, "p.yaml")
    index = data.draw(st.integers(0, len(entries) - 1))
    key, value = data.draw(st.sampled_from([("venue", "ICLR 2026"), ("authors", ["Ann Example", "Bo Example"]), ("code", "https://example.org/x")]))
    out = set_fields(doc, [(index, key, value, ("year",))])
    assert papers_problems(out, "p.yaml", TAXONOMY) == []
    before = parse_document(raw, "p.yaml").data["papers"]
    after = parse_document(out, "p.yaml").data["papers"]
    assert after[index] == {**before[index], key: value} | {k: before[index][k] for k in before[index] if k != key} | {key: value}
    assert [e for i, e in enumerate(after) if i != index] == [e for i, e in enumerate(before) if i != index]
    old_lines, new_lines = raw.splitlines(keepends=True), out.splitlines(keepends=True)
    start = doc.node_at(("papers", index)).start_mark.line
    assert old_lines[:start] == new_lines[:start]
    following = len(old_lines) - (doc.node_at(("papers", index + 1)).start_mark.line if index + 1 < len(entries) else len(old_lines))
    if following:
        assert old_lines[-following:] == new_lines[-following:]


@settings(max_examples=EXAMPLES["remove"], deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(styled_files(), st.data())
def test_removing_an_entry_takes_out_exactly_its_lines(file, data):
    from dnnpapers.storage.store import remove_entry

    raw, entries = file
    doc = parse_document(raw, "p.yaml")
    index = data.draw(st.integers(0, len(entries) - 1))
    node = doc.node_at(("papers", index))
    out = remove_entry(doc, index)
    old_lines, new_lines = raw.splitlines(keepends=True), out.splitlines(keepends=True)
    start = node.start_mark.line
    removed = len(old_lines) - len(new_lines)
    assert removed >= 1
    header = [line.replace(b"papers:", b"papers: []", 1) if line.lstrip(b"\xef\xbb\xbf").startswith(b"papers:") and len(entries) == 1 else line for line in old_lines[:start]]
    assert new_lines[:start] == header and new_lines[start:] == old_lines[start + removed :]  # the last entry leaves 'papers: []'
    after = parse_document(out, "p.yaml").data["papers"] if len(entries) > 1 else None
    if after is not None:
        assert [e["id"] for e in after] == [e["id"] for i, e in enumerate(entries) if i != index]
