"""The YAML store: safe parsing with positions, value building, quoting and atomic writes."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dnnpapers.errors import DnnpapersError, ProblemsFound
from dnnpapers.storage.store import INVALID, MAX_DEPTH, format_entry, format_scalar, parse_document, read_document


def parse(text: str):
    return parse_document(text.encode("utf-8"), "f.yaml")


def test_values_mean_what_yaml_says():
    doc = parse("a: yes\nb: 2004.02170\nc: '2004.02170'\nd: 2024-05-01\ne: 0x10\nf: ~\n")
    assert doc.data == {"a": True, "b": 2004.0217, "c": "2004.02170", "d": dt.date(2024, 5, 1), "e": 16, "f": None}


def test_locate_points_at_the_key_of_a_mapping_entry():
    doc = parse("papers:\n  - id: x\n    title: T\n  - id: y\n    tags: [a, b]\n")
    assert doc.locate(("papers", 1, "tags")) == (5, 5)
    assert doc.locate(("papers", 1, "tags", 1)) == (5, 15)
    assert doc.locate(("papers", 1, "missing")) == (4, 5)


def test_duplicate_keys_are_problems_and_the_first_value_is_kept():
    doc = parse("a: 1\nb: 2\na: 3\n")
    assert [str(p) for p in doc.problems] == ["f.yaml:3:1: duplicate key 'a' (first at line 1); YAML would keep only the last"]
    assert doc.data == {"a": 1, "b": 2}


def test_unsafe_tags_are_refused_and_never_constructed():
    doc = parse("a: !!python/name:os.system x\nb: !!binary aGk=\nc: !custom 1\n")
    assert [p.line for p in doc.problems] == [1, 2, 3]
    assert doc.data == {"a": INVALID, "b": INVALID, "c": INVALID}


def test_merge_keys_keep_yaml_meaning():
    doc = parse("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n")
    assert doc.data["other"] == {"x": 1, "y": 3}


def test_billion_laughs_is_refused_quickly():
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i-1}"] * 9) + "]" for i in range(1, 10)]
    start = time.perf_counter()
    with pytest.raises(ProblemsFound, match="billion laughs"):
        parse("\n".join(lines))
    assert time.perf_counter() - start < 2


def test_small_aliases_are_allowed():
    doc = parse("common: &c [early-exit, layer-skip]\nx: *c\ny: *c\n")
    assert doc.data["y"] == ["early-exit", "layer-skip"]


def test_recursive_alias_is_a_problem_not_a_hang():
    with pytest.raises(ProblemsFound, match="contains it"):
        parse("a: &a [*a]\n")


# 100 levels: our own builder refuses them; 5,000: libyaml (PyYAML >= 6.0.3) refuses them first.
@pytest.mark.parametrize("levels", [100, 5000])
@pytest.mark.parametrize("shape", ["flow", "block", "compact"])
def test_deep_nesting_is_refused_in_one_wording_whatever_the_parser(levels, shape):
    text = {
        "flow": "[" * levels + "]" * levels,
        "block": "".join(" " * i + "- \n" for i in range(levels)),
        "compact": "papers:\n" + "- " * levels + "x\n",
    }[shape]
    with pytest.raises(ProblemsFound) as found:
        parse(text)
    assert [p.message for p in found.value.problems] == [f"nested more than {MAX_DEPTH} levels deep"]


def test_nesting_at_the_limit_is_accepted():
    doc = parse("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert doc.problems == []


def test_crlf_and_bom_parse_with_the_same_positions():
    plain = parse("a: 1\nb:\n  - x\n")
    odd = parse_document(b"\xef\xbb\xbfa: 1\r\nb:\r\n  - x\r\n", "f.yaml")
    assert odd.data == plain.data
    assert odd.locate(("b", 0)) == plain.locate(("b", 0)) == (3, 5)


def test_utf16_is_named():
    with pytest.raises(ProblemsFound, match="UTF-16"):
        parse_document("a: 1\n".encode("utf-16"), "f.yaml")


def test_missing_file_is_a_one_line_error(tmp_path):
    with pytest.raises(DnnpapersError, match="^nope.yaml: file not found$"):
        read_document(tmp_path / "nope.yaml", "nope.yaml")


@given(st.one_of(st.text(), st.integers(), st.booleans(), st.dates(), st.none()))
@settings(max_examples=400, deadline=None)
def test_format_scalar_reads_back_as_the_same_value(value):
    text = format_scalar(value)
    assert yaml.safe_load(f"k: {text}\n") == {"k": value}
    assert yaml.safe_load(f"k: [{format_scalar(value, flow=True)}]\n") == {"k": [value]}


def test_format_entry_writes_block_lists_and_inline_tags():
    text = format_entry({"id": "x2020y", "title": "A: B", "authors": ["A", "et al."], "arxiv": "2004.02170", "tags": ["a", "b"]})
    assert text == (
        "  - id: x2020y\n"
        "    title: 'A: B'\n"
        "    authors:\n"
        "      - A\n"
        "      - et al.\n"
        "    arxiv: '2004.02170'\n"
        "    tags: [a, b]\n"
    )
