"""The fast reader: yaml-rs, trusted only where it reads a file as PyYAML (the exact path) would; UNSURE otherwise.

Also the plain shape of a papers file (a header, then one entry per ``- `` line
at one column), in which each entry's text means alone what it means in the file.
The quick path (``access.quick``) accepts lists with it; the YAML text store
(``storage.store``) checks its own edits with it.
"""

from __future__ import annotations

import codecs
import re
from typing import Any, Iterator

from dnnpapers.limits import MAX_DEPTH

__all__ = ["UNSURE", "INDICATOR_FIRST", "parse", "parse_typed", "split_entries", "outline", "entry_prefix"]

UNSURE = object()

# A value starting 0 then a digit or o: 010 is 8 in YAML 1.1 but 10 in 1.2; 0o17 is text in 1.1.
_LEADING_ZERO = re.compile(r":[ ]*[-+]?0[0-9oO]")
# yaml-rs limits flow nesting itself but overflows its stack on deep block nesting (about 10,000
# levels) and kills the process. Block nesting needs indentation: a collection is indented past its
# parent's, or by "- ", but for a sequence under a mapping key, so depth <= 2 * (column + 1). A line
# whose indentation and indicators reach MAX_DEPTH / 2 columns may be too deep: the exact path,
# where libyaml refuses deep input cleanly, decides.
# (Sought as the first line, then after each line break: a pattern that starts with a literal is found by a fast
# scan, where ^ under re.M is tried at every character, 3.5× slower.)
_DEEP_LINE = re.compile(r"[ ?:-]{%d}" % (MAX_DEPTH // 2))
_DEEP_LATER_LINE = re.compile(r"\n[ ?:-]{%d}" % (MAX_DEPTH // 2))


def _too_deep(text: str) -> bool:
    """Whether a line's indentation and indicators reach MAX_DEPTH / 2 columns (see _DEEP_LINE)."""
    return _DEEP_LINE.match(text) is not None or _DEEP_LATER_LINE.search(text) is not None


# Every character _structure_is_plain needs to look at, found in one scan (three scans took twice as long): those
# PyYAML refuses (the exact path reports them: all but \n, \r, \x20-\x7E, \x85, \xA0-\uD7FF, \uE000-\uFFFD and
# \U00010000 on, written as the ranges left out, a tab among them), U+0085, U+2028 and U+2029 (line breaks in YAML
# 1.1, not in 1.2), and the indicators of tags, anchors, aliases, merge keys, directives and complex keys.
_NOTABLE = re.compile("[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x9F\u2028\u2029\uD800-\uDFFF\uFFFE\uFFFF!&*<%?]")


def _structure_is_plain(text: str, numbers: bool = True) -> bool:
    """No tags, anchors, aliases, merge keys, directives, complex keys, tabs or second documents
    (``numbers``: nor anything that may be a number with a leading zero, even inside a quoted value)."""
    if "\n---" in text or "\n..." in text or text.startswith(("---", "...", "%")):
        return False
    for hit in _NOTABLE.finditer(text):
        i, char = hit.start(), hit.group()
        if char not in "!&*<%?":
            return False  # refused by PyYAML (a tab too), or a line break in YAML 1.1, not in 1.2: a comment ends there or not
        before = text[i - 1] if i else "\n"
        after = text[i + 1 : i + 2]
        if char in "!&*" and before in " \n[{," and after not in ("", " ", "\n", "\r"):
            return False
        if (char == "<" and after == "<") or (char == "%" and before == "\n"):
            return False
        if char == "?":
            line = text[text.rfind("\n", 0, i) + 1 : i]
            if (after == " " and line.strip() == "") or "[" in line or "{" in line:
                return False  # a complex key; or in a flow collection, where PyYAML ends a plain scalar at "?" ([a?] is an error), yaml-rs does not
    if "\r" in text and re.search("\r(?!\n)", text):  # a bare CR: yaml-rs reads "key: \r:" as a second, empty key; PyYAML refuses it
        return False
    return not numbers or _LEADING_ZERO.search(text) is None


def parse(raw: bytes) -> Any:
    """The values of a YAML file (None when empty) when yaml-rs reads them as PyYAML would; UNSURE otherwise."""
    text = _decode(raw)
    return UNSURE if text is None else _parse_text(text)


# What PyYAML's resolver (YAML 1.1) reads a plain scalar as other than text: booleans, numbers (sexagesimal
# 10:00 too), nulls, timestamps (2020-8-5 1:02:03 too), '=' and '<<' (its own regular expressions).
_TYPED_IN_ONE_ONE = re.compile(
    r"""(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"""
    r"""|[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*"""
    r"""|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"""
    r"""|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"""
    r"""|~|null|Null|NULL|<<|="""
    r"""|[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"""
    r"""|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?"""
    r"""(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)"""
)


#: A text starting with one of these is plain text to YAML 1.2 (yaml-rs), but in a flow collection PyYAML reads an
#: indicator there: [?x] is a mapping, [:0] and [|] errors. So such a string is trusted only when written in quotes.
INDICATOR_FIRST = ("?", ":", "|", ">")


def parse_typed(raw: bytes) -> Any:
    """Like ``parse``, for a file whose values are text, dates and lists of them (talks.yaml, dismissed.yaml):
    numbers with a leading zero inside quotes (a time "09:00") are fine, as every number is refused there anyway.

    A string yaml-rs reads that PyYAML would read as a boolean, number, null or
    timestamp had it been written plain (10:00, yes, 2020-08-32), or as an
    indicator (INDICATOR_FIRST), is trusted only
    when every occurrence of it in the text is in quotes ("10:00"), as a time is
    written; else UNSURE. (A plain scalar's text is its value: a value with no
    white space that it yields appears as it is in the file, not next to a quote.)
    """
    text = _decode(raw)
    if text is None:
        return UNSURE
    data = _parse_text(text, numbers=False)
    if data is UNSURE:
        return UNSURE
    typed: set[str] = set()
    _typed_strings(data, typed)
    return data if all(_only_quoted(text, value) for value in typed) else UNSURE


def _typed_strings(data: Any, found: set[str]) -> None:
    if type(data) is str:
        if data and (_TYPED_IN_ONE_ONE.fullmatch(data) or data[0] in INDICATOR_FIRST):
            found.add(data)
    elif type(data) is list:
        for item in data:
            _typed_strings(item, found)
    elif type(data) is dict:
        for key, value in data.items():
            _typed_strings(key, found)
            _typed_strings(value, found)


def _only_quoted(text: str, value: str) -> bool:
    if any(c.isspace() for c in value):
        return False
    at = text.find(value)
    while at >= 0:
        quote = text[at - 1 : at]
        if quote not in ("'", '"') or text[at + len(value) : at + len(value) + 1] != quote:
            return False
        at = text.find(value, at + 1)
    return True


def _decode(raw: bytes) -> str | None:
    try:
        return (raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw).decode("utf-8")
    except UnicodeDecodeError:
        return None


# A plain scalar where a value starts (after "key: ", "- ", "[", "{" or ",", or at a line's start) that YAML 1.1
# (PyYAML) and yaml-rs may read differently: +010 is 8 to one and 10 to the other, 1e5, .5 and _1 are text to one
# and numbers to the other (yaml-rs takes underscores anywhere), 1:20 is 80, 1_000 is 1000, yes is true, = and <<
# are special. Any such start sends the file to the exact path (a false alarm, such as a plain title that starts
# with "1.5", only costs time); plain decimal integers and dates, which read alike, do not.
_READ_DIFFERENTLY = re.compile(  # (one start character and a look at the next: many times faster than alternatives)
    r"[ \n\[{,](?=[-+._0-9YyNnOo=<])((?:[-+]?(?:[._][0-9_.]|0[0-9_.:eExXoObB]|[1-9][0-9_]*[_.:eE])[0-9a-zA-Z_.:+-]*"
    r"|[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF|=|<<)(?=[ ]*(?:\n|$|[\]},#]|: )))"
)


def _read_differently(text: str) -> bool:
    """Whether a plain scalar in the text may mean one thing to YAML 1.1 (PyYAML) and another to yaml-rs:
    a token above where a value starts (after "key:", "- ", "[", "{", "," or at a line's start)."""
    text = "\n" + text  # (the first line has a start character too)
    for hit in _READ_DIFFERENTLY.finditer(text):
        at = hit.start(1) - 1
        while text[at] == " ":
            at -= 1
        if text[at] in "\n[{,:" or (text[at] == "-" and at + 1 < hit.start(1) and text[at - 1] in " \n"):
            return True
    return False


# One pattern a quote: a pattern that starts with a literal is found by a fast scan (6 ms for 10,000 papers), a
# class by a slow one (40 ms).
_QUOTED_DATES = (re.compile(r"'[0-9]{4}-[0-9]"), re.compile(r'"[0-9]{4}-[0-9]'))


def _quotes_a_date(text: str) -> bool:
    """Whether a quoted scalar in the text starts as a date: yaml-rs (parse_datetime) reads '2020-08-05' as a date,
    as it reads a plain one; PyYAML, as YAML says, reads it as text. (A false alarm, such as a title "2020-08: a
    review", only costs time: no list the tool writes quotes a date, and text that looks like one is what it quotes.)"""
    return any(quoted.search(text) for quoted in _QUOTED_DATES)


def _parse_text(text: str, numbers: bool = True) -> Any:
    try:
        import yaml_rs
    except ImportError:  # the fast path is an optimisation, never a requirement
        return UNSURE
    if not _structure_is_plain(text, numbers) or _too_deep(text) or (numbers and _read_differently(text)) or _quotes_a_date(text):
        return UNSURE
    try:
        return yaml_rs.loads(text, parse_datetime=True)
    except Exception:  # noqa: BLE001 (any refusal by the fast parser means "ask the exact one")
        return UNSURE


# A plain papers file: comment and blank lines around a "papers:" line, then its entries.
_HEADER = re.compile(r"(?:[ ]*(?:#[^\n]*)?\n)*papers:(?:[ ]+#[^\n]*)?[ ]*\n(?:[ ]*(?:#[^\n]*)?\n)*")
_SPACES = re.compile(" *")


def split_entries(text: str) -> tuple[str, str, list[str]] | None:
    """(header, prefix, entry texts) of a papers file of the plain shape; None for any other.

    The shape: after the header, every line is blank, a comment, indented past
    the sequence's column, or starts an entry with the prefix (``- `` at that
    column). Each entry's text then means alone what it means in the file: a
    quoted or flow value crossing into the next entry would not parse alone,
    and a block or plain scalar ends at a line less indented than its entry's
    fields. Each text is what follows the prefix, up to its last newline (not kept).
    """
    shape = _shape(text)
    if shape is None:
        return None
    start, prefix = shape
    return text[:start], prefix, list(_entry_texts(text, start, prefix))


def outline(text: str) -> tuple[str, str, int] | None:
    """split_entries' header and prefix, and how many entry texts it gives, without making them (one count)."""
    shape = _shape(text)
    if shape is None:
        return None
    start, prefix = shape
    return text[:start], prefix, text.count("\n" + prefix, start + len(prefix)) + 1  # (as _entry_texts finds them)


def entry_prefix(text: str) -> str | None:
    """The entries' prefix (``- `` at their column) of a papers file of the plain shape; None for any other.

    Entries written with this prefix at the end of such a file continue its
    list and change no other entry: nothing but the list follows its last entry.
    """
    shape = _shape(text.replace("\r\n", "\n") if "\r" in text else text)  # CRLF lines are lines too (a bare CR is not plain)
    return None if shape is None else shape[1]


def _shape(text: str) -> tuple[int, str] | None:
    """(where the first entry starts, the entries' prefix) of a papers file of the plain shape (no copy of it made)."""
    if "\r" in text:
        return None
    header = _HEADER.match(text)
    if header is None:
        return None
    start = header.end()
    column = _SPACES.match(text, start).end() - start
    prefix = " " * column + "- "
    if not text.startswith(prefix, start) or re.compile(rf"\n(?! {{{column + 1}}}|[ ]*#|[ ]*(?:\n|$)|{prefix})").search(text, start):
        return None
    return start, prefix


def _entry_texts(text: str, start: int, prefix: str) -> Iterator[str]:
    """Each entry's text, one at a time: what follows its prefix, up to its last newline (not kept)."""
    boundary = "\n" + prefix
    at = start + len(prefix)
    while (end := text.find(boundary, at)) >= 0:
        yield text[at:end]
        at = end + len(boundary)
    yield text[at:-1] if text.endswith("\n") else text[at:]


def _entry_runs(text: str, start: int, prefix: str, size: int) -> Iterator[tuple[int, str]]:
    """Consecutive entries, ``size`` at a time, each run one slice of the file: (how many, the text from the first
    one's prefix to the last one's end), which is ``prefix + ("\\n" + prefix).join`` of their _entry_texts, made
    without them."""
    boundary = "\n" + prefix
    last = len(text) - 1 if text.endswith("\n") else len(text)
    at = start  # where the run's first entry's prefix starts
    while True:
        count, search = 0, at + len(prefix)
        while True:
            end = text.find(boundary, search)
            count += 1
            if end < 0:  # the file's last entry
                yield count, text[at:last]
                return
            if count == size:
                yield count, text[at:end]
                at = end + 1
                break
            search = end + len(boundary)
