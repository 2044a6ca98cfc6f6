"""The fast reader trusts yaml-rs only where it reads a file as PyYAML (the exact path) does."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from dnnpapers.storage.fastyaml import UNSURE, _parse_text

pytest.importorskip("yaml_rs")

# Where a plain scalar can stand: a mapping's value, a sequence's item, in flow collections, as a key.
PLACES = ["k: {}\n", "k: [{}]\n", "k:\n  - {}\n", "k: [a, {}]\n", "k: {{a: {}}}\n", "{}: 1\n", "k:   {}  # c\n", "- {}\n", "k: [a,{}]"]


def _exact(text: str):
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return "refused"


@pytest.mark.parametrize("token", ["+010", "0E0", "1e5", "1.0e5", ".5", "_2020", "+0_9", "+09", "1:20", "1_000", "yes", "Off", "=", "+.5"])
@pytest.mark.parametrize("place", PLACES)
def test_a_scalar_yaml_11_and_12_read_differently_sends_the_file_to_the_exact_path(token, place):
    text = place.format(token)
    assert _parse_text(text) is UNSURE or repr(_parse_text(text)) == repr(_exact(text))


@settings(max_examples=300, deadline=None)
@given(token=st.text("0129eE.+-_:xo", min_size=1, max_size=5).filter(lambda t: t[0] != ":" and t != "-"), place=st.sampled_from(PLACES))
def test_any_number_like_scalar_is_read_as_the_exact_path_reads_it_or_left_to_it(token, place):
    """(A text starting with ":" is an indicator in a flow collection: the quick path trusts it only quoted, INDICATOR_FIRST.)"""
    text = place.format(token)
    parsed = _parse_text(text)
    if parsed is not UNSURE:
        assert repr(parsed) == repr(_exact(text))


def test_plain_integers_dates_and_titles_with_numbers_keep_the_fast_path():
    text = "papers:\n  - id: a\n    title: 'EAGLE-2: Faster 1.5x'\n    year: 2024\n    doi: 10.1109/TPAMI.2021.3117837\n    added: 2024-05-01\n    tags: [early-exit]\n"
    assert _parse_text(text) == yaml.safe_load(text)


@pytest.mark.parametrize("value", ["'2020-08-05'", '"0001-01-01"', "'2020-08-05 10:00:00'", '"2020-08-05T10:00:00Z"', "['2020-08-05']"])
def test_a_quoted_date_is_left_to_the_exact_path_which_reads_it_as_text(value):
    """yaml-rs reads a quoted date as a date, PyYAML as the text it is (a focus '0001-01-01' written by format_entry:
    found by Hypothesis in test_known_entries)."""
    text = f"papers:\n  - id: a\n    focus: {value}\n"
    assert _parse_text(text) is UNSURE
    assert type(_exact(text)["papers"][0]["focus"]) in (str, list)


def test_a_bare_carriage_return_sends_the_file_to_the_exact_path():
    """yaml-rs reads "notes: \\r:" as a note and a second, empty key; PyYAML refuses the file (found by Hypothesis)."""
    assert _parse_text("papers:\n  - id: h\n    notes: \r:\n") is UNSURE
    assert _parse_text("a: 1\r\nb: 2\r\n") == {"a": 1, "b": 2}  # CRLF lines read alike


_LINE_STARTS = st.lists(
    st.tuples(st.text(" ?:-", min_size=28, max_size=34), st.sampled_from(["", "x", "- a", "\r"]), st.sampled_from(["\n", "\r\n", "\r", "\x85"])),
    min_size=1, max_size=6,
)


@given(_LINE_STARTS)
@settings(max_examples=200, deadline=None)
def test_too_deep_finds_the_lines_a_multiline_caret_finds(lines):
    """The deep-line check, sought as the first line and then after each line break, finds exactly the lines that
    ``^`` under re.M finds (a line starting with MAX_DEPTH / 2 indentation and indicator characters)."""
    import re

    from dnnpapers.limits import MAX_DEPTH
    from dnnpapers.storage.fastyaml import _too_deep

    text = "".join(start + rest + end for start, rest, end in lines)
    assert _too_deep(text) is (re.compile(r"^[ ?:-]{%d}" % (MAX_DEPTH // 2), re.M).search(text) is not None)


@given(st.lists(st.sampled_from(["papers:", "  - id: a", "    title: x", "  -", "  - ", "- b", "", "# note", "    - c", "  -   d", "  x: 1"]), max_size=10),
       st.sampled_from(["", "# head\n", "\n"]), st.booleans())
@settings(max_examples=300, deadline=None)
def test_outline_counts_the_entries_split_entries_makes(lines, head, final_break):
    """outline gives split_entries' header and prefix and the number of its entry texts, for any text."""
    from dnnpapers.storage.fastyaml import outline, split_entries

    text = head + "papers:\n" + "\n".join(lines) + ("\n" if final_break else "")
    split = split_entries(text)
    assert outline(text) == (None if split is None else (split[0], split[1], len(split[2])))


@pytest.mark.parametrize("text", ["k: [a?]\n", "k: [0:?]\n", "k: {a: b?c}\n", "awards: [x, y?]\n"])
def test_a_question_mark_in_a_flow_collection_sends_the_file_to_the_exact_path(text):
    """PyYAML ends a plain scalar at "?" inside a flow collection and refuses the file; yaml-rs reads on (found by Hypothesis)."""
    assert _parse_text(text) is UNSURE


def _structure_is_plain_as_three_scans(text: str, numbers: bool = True) -> bool:
    """_structure_is_plain as it was written before its scans became one (the rules, one by one)."""
    import re

    markup = re.compile(r"[!&*<%?]")
    refused = re.compile("[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]")
    if "\t" in text or "\n---" in text or "\n..." in text or text.startswith(("---", "...", "%")):
        return False
    for hit in markup.finditer(text):
        i, char = hit.start(), hit.group()
        before = text[i - 1] if i else "\n"
        after = text[i + 1 : i + 2]
        if char in "!&*" and before in " \n[{," and after not in ("", " ", "\n", "\r"):
            return False
        if (char == "<" and after == "<") or (char == "%" and before == "\n") or (char == "?" and after == " " and text[text.rfind("\n", 0, i) + 1 : i].strip() == ""):
            return False
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return False
    if "?" in text and re.search(r"[\[{][^\n]*\?", text):
        return False
    if "\r" in text and re.search("\r(?!\n)", text):
        return False
    return (not numbers or re.search(r":[ ]*[-+]?0[0-9oO]", text) is None) and refused.search(text) is None


_STRUCTURE_CHARS = list("!&*<%?[]{},:- \n\r\t#'\"ax0.") + ["---", "...", "\n---", "<<", ": 0", ": 01", "? ", "\x85", "\u2028", "\u2029", "\x00", "\x7f",
                                                           "\x84", "\x9f", "\xa0", "\ud800", "\ufffe", "\uffff", "é", "论"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_STRUCTURE_CHARS), max_size=16).map("".join), st.booleans())
def test_the_one_scan_structure_check_decides_as_the_rules_one_by_one(text, numbers):
    """_structure_is_plain's one scan sends exactly the texts to the exact path that its rules, applied one by one, did."""
    from dnnpapers.storage.fastyaml import _structure_is_plain

    assert _structure_is_plain(text, numbers) is _structure_is_plain_as_three_scans(text, numbers), repr(text)


@given(st.lists(st.sampled_from(["  - id: a", "    title: x", "  -", "  - ", "    - c", "  -   d", "", "# note", "    é: 论"]), max_size=12),
       st.sampled_from(["", "# head\n", "\n"]), st.booleans(), st.integers(1, 4))
@settings(max_examples=300, deadline=None)
def test_entry_runs_are_the_entry_texts_joined_a_run_at_a_time(lines, head, final_break, size):
    """_entry_runs slices the file into what joining _entry_texts ``size`` at a time (with their prefixes) would make."""
    from dnnpapers.storage.fastyaml import _entry_runs, _entry_texts, _shape

    text = head + "papers:\n  - id: first\n" + "\n".join(lines) + ("\n" if final_break else "")
    shape = _shape(text)
    if shape is None:
        return
    start, prefix = shape
    texts = list(_entry_texts(text, start, prefix))
    runs = [texts[i : i + size] for i in range(0, len(texts), size)]
    assert list(_entry_runs(text, start, prefix, size)) == [(len(run), prefix + ("\n" + prefix).join(run)) for run in runs]
