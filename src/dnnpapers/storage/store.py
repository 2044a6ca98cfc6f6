"""YAML files as text, nodes and plain values, with every position kept.

PyYAML's ``safe_load`` loses positions and silently keeps the last of two
duplicate keys, so we compose nodes (safe, C-accelerated when available) and
build plain values ourselves: that is where duplicate keys, unsafe tags,
alias bombs and runaway nesting are caught, each at its line and column.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dnnpapers.errors import DnnpapersError, Problem, ProblemsFound
from dnnpapers.storage.files import read_bounded
from dnnpapers.limits import MAX_DEPTH, too_deep

__all__ = [
    "INVALID",
    "MAX_DEPTH",
    "Document",
    "Style",
    "read_document",
    "parse_document",
    "head_document",
    "Quoted",
    "format_scalar",
    "format_field",
    "format_entry",
    "detect_style",
    "append_entries",
    "set_fields",
    "DROP",
    "remove_items",
    "remove_entry",
]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_MERGE = _TAG + "merge"
_SCALAR_TAGS = {_TAG + t for t in ("null", "bool", "int", "float", "str", "timestamp")}
_SEQ_TAG = _TAG + "seq"
_MAP_TAG = _TAG + "map"

#: Aliases may repeat a node; expansion beyond this many extra nodes is a "billion laughs".
ALIAS_ALLOWANCE = 10_000

Loc = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed YAML file: its bytes, its node tree and the plain values built from it."""

    display: str
    raw: bytes
    node: Node | None
    data: Any
    #: Problems found while building values (duplicate keys, unsafe tags, bad dates);
    #: the offending values are INVALID so validation does not report them twice.
    problems: list[Problem] = field(default_factory=list)

    def locate(self, loc: Loc) -> tuple[int, int]:
        """The 1-based (line, col) of the deepest node on ``loc``; a mapping entry is its key."""
        node = self.node
        if node is None:
            return 1, 1
        mark = node.start_mark
        for part in loc:
            child = None
            if isinstance(node, MappingNode):
                for key, value in node.value:
                    if isinstance(key, ScalarNode) and key.value == str(part):
                        mark, child = key.start_mark, value
                        break
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    child = node.value[part]
                    mark = child.start_mark
            if child is None:
                break
            node = child
        return mark.line + 1, mark.column + 1

    def problem(self, loc: Loc, message: str) -> Problem:
        line, col = self.locate(loc)
        return Problem(self.display, line, col, message)

    def node_at(self, loc: Loc) -> Node | None:
        """The value node at ``loc`` exactly, or None when the path does not exist."""
        node = self.node
        for part in loc:
            if isinstance(node, MappingNode):
                node = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == str(part)), None)
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return None
        return node


def read_document(path: Path, display: str) -> Document:
    """Read and parse one YAML file; raise ProblemsFound with every located problem."""
    try:
        raw = read_bounded(path, display)
    except FileNotFoundError:
        raise DnnpapersError(f"{display}: file not found") from None
    except IsADirectoryError:
        raise DnnpapersError(f"{display}: is a folder, not a file") from None
    except OSError as exc:
        raise DnnpapersError(f"{display}: cannot read ({exc.strerror})") from None
    return parse_document(raw, display)


def head_document(raw: bytes, display: str, lines: int = 400) -> Document:
    """A Document of the file's first lines only (enough to learn its style), the whole file as ``raw``.

    Composing a 10,000-paper file takes a second; its style shows in the first
    entries. A head that does not parse on its own (cut inside a construct) is
    doubled until it does, up to the whole file.
    """
    text = _decode(raw, display)
    while True:
        cut = text.split("\n", lines)
        head = "\n".join(cut[:lines])
        try:
            doc = parse_document(head.encode("utf-8"), display)
        except ProblemsFound:
            if len(cut) <= lines:
                raise
            lines *= 2
            continue
        return Document(display, raw, doc.node, doc.data, doc.problems)


def parse_document(raw: bytes, display: str) -> Document:
    text = _decode(raw, display)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except RecursionError:  # the pure-Python composer recurses; libyaml refuses by itself (below)
        raise ProblemsFound([Problem(display, 1, 1, too_deep())]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _position(text, exc.position)
        raise ProblemsFound([Problem(display, line, col, _reader_message(exc))]) from None
    except yaml.MarkedYAMLError as exc:
        raise ProblemsFound([_syntax_problem(exc, text, display)]) from None
    finally:
        loader.dispose()
    if node is None:
        return Document(display, raw, None, None)
    builder = _Builder(display)
    try:
        data = builder.build(node, 0)
    except _Abort as stop:
        raise ProblemsFound(builder.problems + [stop.problem]) from None
    return Document(display, raw, node, data, builder.problems)


_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = set(",[]{}:?")
_resolver = yaml.resolver.Resolver()


class Quoted(str):
    """Text always written in quotes (times like "14:00", which YAML 1.1 would read as a number)."""


def format_scalar(value: Any, flow: bool = False) -> str:
    """``value`` as YAML text that reads back as exactly ``value``: plain when safe, else quoted."""
    if isinstance(value, Quoted) and str(value).isprintable() and not {'"', "\\"} & set(value):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    if _plain_is_safe(text, flow):
        return text
    if text.isprintable() and "'" in text and not {'"', "\\"} & set(text):
        return f'"{text}"'
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return _double_quoted(text)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar; anything not printable is escaped by code point."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    return '"' + "".join(out) + '"'


def _plain_is_safe(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or not text.isprintable() or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":") or (flow and _FLOW_INDICATORS & set(text)):
        return False
    return _resolver.resolve(ScalarNode, text, (True, False)) == _TAG + "str"


@dataclass(frozen=True)
class Style:
    """How a papers file lays out its entries, so added text looks like the rest."""

    dash: int = 2
    key: int = 4
    list_dash: int = 6
    flow: frozenset[str] = frozenset({"tags"})
    blank_between: bool = False
    newline: str = "\n"


def format_field(key: str, value: Any, style: Style = Style()) -> list[str]:
    """The lines of one ``key: value`` field, indented for an entry in ``style``."""
    pad = " " * style.key
    if isinstance(value, dict):
        return [f"{pad}{key}:"] + [line for k, v in value.items() for line in format_field(k, v, replace(style, key=style.key + 2, list_dash=style.list_dash + 2))]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        dash = " " * style.list_dash
        lines = [f"{pad}{key}:"]
        for item in value:
            inner = [line for k, v in item.items() for line in format_field(k, v, replace(style, key=style.list_dash + 2, list_dash=style.list_dash + 4))]
            lines += [dash + "- " + inner[0].lstrip(" ")] + inner[1:]
        return lines
    if isinstance(value, list) and (key in style.flow or not value):
        return [f"{pad}{key}: [" + ", ".join(format_scalar(v, flow=True) for v in value) + "]"]
    if isinstance(value, list):
        dash = " " * style.list_dash
        return [f"{pad}{key}:"] + [f"{dash}- {format_scalar(v)}" for v in value]
    return [f"{pad}{key}: {format_scalar(value)}"]


def format_entry(entry: dict[str, Any], style: Style = Style()) -> str:
    """One list item ``- key: value ...`` in ``style``."""
    lines = [line for key, value in entry.items() for line in format_field(key, value, style)]
    lines[0] = " " * style.dash + "-" + " " * (style.key - style.dash - 1) + lines[0][style.key :]
    return "".join(line + style.newline for line in lines)


def detect_style(doc: Document, key: str = "papers") -> Style:
    """The layout of the first entries of ``doc``'s ``key`` list (defaults where it has none)."""
    seq = doc.node_at((key,))
    newline = "\r\n" if b"\r\n" in doc.raw else "\n"
    if not isinstance(seq, SequenceNode) or seq.flow_style or not seq.value or not isinstance(seq.value[0], MappingNode):
        return Style(newline=newline)
    first = seq.value[0]
    body = _body(doc)
    text = _Text(body[: seq.value[1].start_mark.index] if len(seq.value) > 1 else body)  # the first entry's lines are enough
    dash = _dash_line(text, first, 0)
    dash, key = (seq.start_mark.column if dash is None else text.dash_column(dash)), first.start_mark.column
    flow, list_dash = set(), key + 2
    seen: set[str] = set()
    for item in seq.value[:20]:
        for key_node, value in getattr(item, "value", []):
            if isinstance(value, SequenceNode) and value.value and key_node.value not in seen:
                seen.add(key_node.value)
                if value.flow_style:
                    flow.add(key_node.value)
                elif item is first or list_dash == key + 2:
                    list_dash = value.start_mark.column
    blank = len(seq.value) > 1 and text.last_line(_end(text.text, first, first.start_mark.index)) + 1 < seq.value[1].start_mark.line
    return Style(dash, key, list_dash, frozenset(flow or {"tags"}), blank, newline)


def append_entries(doc: Document, entries: list[dict[str, Any]], key: str = "papers") -> bytes:
    """The file with ``entries`` added at the end of its ``key`` list; every existing byte kept.

    A papers file of the plain shape (fastyaml.entry_prefix) takes them at its end
    as it is; any other is read whole, they go right after its last entry when
    more than comments follows it (a '...' marker, another key), and the result
    is read back (``_verified``).
    """
    from dnnpapers.storage.fastyaml import entry_prefix

    style = detect_style(doc, key)
    text = _body(doc)
    block = (style.newline if style.blank_between else "").join(format_entry(entry, style) for entry in entries)
    if key == "papers" and entry_prefix(text) == " " * style.dash + "- ":
        if not text.endswith("\n"):
            text += style.newline
        return _encode(doc, text + (style.newline if style.blank_between else "") + block)
    full = parse_document(doc.raw, doc.display)
    fresh = parse_document(f"{key}:{style.newline}{block}".encode("utf-8"), doc.display).data[key]
    listed = full.data.get(key) if isinstance(full.data, dict) else None
    return _verified(full, _appended(full, text, key, style, entries, block), key, (listed or []) + fresh, f"add to '{key}'")


def _appended(doc: Document, text: str, key: str, style: Style, entries: list[dict[str, Any]], block: str) -> bytes:
    seq = doc.node_at((key,))
    if isinstance(seq, SequenceNode) and seq.flow_style:
        if seq.value:
            return _encode(doc, _flow_appended(text, seq, entries, style.newline))
        start, end = seq.start_mark.index, seq.end_mark.index
        return _encode(doc, text[:start].rstrip(" ") + style.newline + block.rstrip("\r\n") + text[end:])
    if not isinstance(doc.data, dict) or key not in doc.data:
        if text and not text.endswith("\n"):
            text += style.newline
        return _encode(doc, text + f"{key}:{style.newline}" + block)
    lines = _Text(text)
    listed = isinstance(seq, SequenceNode) and bool(seq.value)
    if listed:
        last = seq.value[-1]
        at = lines.last_line(_end(text, last, last.start_mark.index)) + 1
    else:
        at = doc.locate((key,))[0]  # the line after the key's own (it holds no list yet)
    gap = style.newline if style.blank_between and listed else ""
    rest = lines.lines[at:]
    if all(not line.strip() or line.lstrip().startswith("#") for line in rest):  # only comments follow: add at the end
        if text and not text.endswith(("\n", "\r")):
            text += style.newline
        return _encode(doc, text + gap + block)
    out = lines.lines[:]
    if at > 0 and not out[at - 1].endswith(("\n", "\r")):
        out[at - 1] += style.newline
    out[at:at] = [gap + block]
    return _encode(doc, "".join(out))


#: The value that removes a field in ``set_fields``.
DROP = object()


def set_fields(doc: Document, edits: list[tuple[int, str, Any, tuple[str, ...]]], section: str = "papers") -> bytes:
    """The file with each ``(entry index, key, value, keys to insert after)`` applied to the ``section`` list; other bytes kept.

    An existing field's lines are replaced (a comment on those lines goes with
    them; in a {flow} entry, its value), or removed when the value is DROP; a
    missing field is inserted after the first of the given keys present. The
    result is read back: every other value must be as it was (``_verified``).
    """
    style = detect_style(doc, section)
    seq = doc.node_at((section,))
    if not isinstance(seq, SequenceNode):
        raise DnnpapersError(f"{doc.display}: '{section}' holds no list")
    text = _Text(_body(doc))
    changes: list[tuple[int, int, str]] = []
    expected = list(doc.data[section])
    for index, key, value, after in edits:
        entry = seq.value[index]
        if not isinstance(entry, MappingNode):
            raise DnnpapersError(f"{doc.display}: entry {index + 1} is not a mapping")
        ends = _field_ends(text.text, entry)
        fields = {k.value: (k, v, end) for (k, v), end in zip(entry.value, ends) if isinstance(k, ScalarNode)}
        if value is DROP:
            expected[index] = {k: v for k, v in expected[index].items() if k != key}
            if key not in fields:
                continue
            if entry.flow_style:
                raise DnnpapersError(f"{doc.display}:{entry.start_mark.line + 1}: entry {index + 1} is written as a {{flow}} mapping; edit it by hand")
            key_node, _, end = fields[key]
            if text.lines[key_node.start_mark.line][: key_node.start_mark.column].strip():
                raise DnnpapersError(f"{doc.display}:{key_node.start_mark.line + 1}: {key!r} starts its entry; edit it by hand")
            changes.append((text.line_start(key_node.start_mark.line), text.line_start(text.last_line(end) + 1), ""))
            continue
        expected[index] = {**expected[index], key: value}
        if entry.flow_style:
            changes.append(_flow_field(text.text, fields, key, value, after, ends[-1]))
        elif key in fields:
            key_node, _, end = fields[key]
            line = text.lines[key_node.start_mark.line]
            pad = key_node.start_mark.column
            new = _field_lines(key, value, style, pad)
            new[0] = line[:pad] + new[0].lstrip(" ")
            changes.append((text.line_start(key_node.start_mark.line), text.line_start(text.last_line(end) + 1), "".join(new)))
        else:
            key_node, _, end = next((fields[a] for a in after if a in fields), (entry.value[-1][0], None, ends[-1]))
            at = text.line_start(text.last_line(end) + 1)
            changes.append((at, at, "".join(_field_lines(key, value, style, key_node.start_mark.column))))
    out = text.text
    for start, end, new in sorted(changes, key=lambda change: change[0], reverse=True):
        if start == len(out) and out and not out.endswith(("\n", "\r")) and new.endswith(("\n", "\r")):
            new = style.newline + new  # after a last line with no line break of its own
        out = out[:start] + new + out[end:]
    what = "change " + ", ".join(sorted({f"{e[1]} of {_entry_name(doc, e[0], section)}" for e in edits}))
    return _verified(doc, _encode(doc, out), section, expected, what, frozenset(e[0] for e in edits))


def _flow_field(text: str, fields: dict, key: str, value: Any, after: tuple[str, ...], last: int) -> tuple[int, int, str]:
    """The change that sets ``key`` in a {flow} entry: its value's text replaced, or ``, key: value`` added."""
    if key in fields:
        key_node, value_node, end = fields[key]
        start = value_node.start_mark.index if value_node.start_mark.index >= key_node.end_mark.index else text.rindex("*", 0, end)
        return start, end, _flow(value)
    end = next((fields[a][2] for a in after if a in fields), last)
    return end, end, f", {key}: {_flow(value)}"


def _flow(value: Any) -> str:
    """``value`` as YAML flow text (a [list], a {mapping}, a scalar quoted where flow needs it)."""
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{format_scalar(k, flow=True)}: {_flow(v)}" for k, v in value.items()) + "}"
    return format_scalar(value, flow=True)


def _field_lines(key: str, value: Any, style: Style, pad: int) -> list[str]:
    """One field's lines at column ``pad``, nested lists as far in as ``style`` puts them."""
    at = replace(style, key=pad, list_dash=pad + style.list_dash - style.key)
    return [line + style.newline for line in format_field(key, value, at)]


def remove_items(doc: Document, loc: Loc, indices: set[int]) -> bytes:
    """The file without the scalar items ``indices`` of the list at ``loc``; every other byte kept.

    In a block list each item's own lines go (a comment on them goes with
    them); in a [flow] list the item and one comma beside it. A layout where
    that would take other text along is refused (DnnpapersError).
    """
    seq = doc.node_at(loc)
    if not isinstance(seq, SequenceNode) or any(not (0 <= i < len(seq.value) and isinstance(seq.value[i], ScalarNode)) for i in indices):
        raise DnnpapersError(f"{doc.display}: no list of plain items at {'.'.join(map(str, loc))}")
    text = _body(doc)
    items = seq.value
    cuts: list[tuple[int, int]] = []  # character offsets, as the parser's marks count them
    if seq.flow_style:
        gone = sorted(indices)
        runs = [[i] for i in gone[:1]]
        for i in gone[1:]:
            if i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:  # a run of items and the comma after it, or at the end the comma before it
            first, last = items[run[0]], items[run[-1]]
            if run[-1] + 1 < len(items):
                cuts.append((first.start_mark.index, items[run[-1] + 1].start_mark.index))
            else:
                cuts.append((items[run[0] - 1].end_mark.index if run[0] else first.start_mark.index, last.end_mark.index))
    for i in sorted(indices) if not seq.flow_style else ():
        item = items[i]
        line_start = item.start_mark.index - item.start_mark.column
        if text[line_start : item.start_mark.index].strip() != "-" or item.start_mark.line != item.end_mark.line:
            raise DnnpapersError(f"{doc.display}:{item.start_mark.line + 1}: the item shares its line with other text; edit it by hand")
        cuts.append((line_start, _line_end(text, item.end_mark.index)))
    for start, end in sorted(cuts, reverse=True):
        text = text[:start] + text[end:]
    return _encode(doc, text)


def _line_end(text: str, index: int) -> int:
    """The offset just past the line break that ends the line holding ``index`` (YAML's breaks), or the text's end."""
    match = _LINE_BREAK.search(text, index)
    return match.end() if match else len(text)


_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def remove_entry(doc: Document, index: int) -> bytes:
    """The file without entry ``index`` (its lines; in a [flow] list, its text and a comma); comments around it stay.

    The result is read back: an alias elsewhere to an anchor in the entry, or a
    layout whose entry lines are not its own, is refused with nothing written.
    """
    seq = doc.node_at(("papers",))
    if not isinstance(seq, SequenceNode):
        raise DnnpapersError(f"{doc.display}: 'papers' holds no list")
    entry = seq.value[index]
    if not isinstance(entry, MappingNode):
        raise DnnpapersError(f"{doc.display}: entry {index + 1} is not a mapping")
    text = _Text(_body(doc))
    if seq.flow_style:
        start, end = _flow_item(text.text, seq, index)
        out = text.text[:start] + text.text[end:]
    else:
        floor = text.last_line(_end(text.text, seq.value[index - 1], seq.value[index - 1].start_mark.index)) + 1 if index else 0
        first = _dash_line(text, entry, floor)
        if first is None:
            raise DnnpapersError(f"{doc.display}:{entry.start_mark.line + 1}: cannot find where entry {index + 1} starts ('- ' on a line of its own); nothing written")
        start, end = text.line_start(first), text.line_start(text.last_line(_end(text.text, entry, entry.start_mark.index)) + 1)
        out = text.text[:start] + text.text[end:]
        if len(seq.value) == 1:  # the last paper: the key keeps an empty list, not null
            key = next((k for k, v in doc.node.value if v is seq), None) if isinstance(doc.node, MappingNode) else None
            if key is not None:  # after the key and any properties (&anchor, !!seq), before a comment
                line = text.lines[key.end_mark.line]
                content = line.split(" #")[0].rstrip(" \r\n\x85\u2028\u2029")
                at = text.line_start(key.end_mark.line) + len(content)
                out = out[:at] + " []" + out[at:]
    expected = doc.data["papers"][:index] + doc.data["papers"][index + 1 :]
    return _verified(doc, _encode(doc, out), "papers", expected, f"remove {_entry_name(doc, index)}")


def _entry_name(doc: Document, index: int, section: str = "papers") -> str:
    entry = doc.data[section][index]
    name = entry.get("id", entry.get("date")) if isinstance(entry, dict) else None
    return str(name) if name is not None else f"entry {index + 1}"


def _flow_ends(text: str, seq: SequenceNode) -> list[int]:
    ends, at = [], seq.start_mark.index
    for item in seq.value:
        at = _end(text, item, at)
        ends.append(at)
    return ends


def _flow_item(text: str, seq: SequenceNode, index: int) -> tuple[int, int]:
    """The span of a [flow] list's item with one comma: the one after it, or before it when it is the last."""
    ends = _flow_ends(text, seq)
    item = seq.value[index]
    if len(seq.value) == 1:
        return item.start_mark.index, text.rindex("]", 0, seq.end_mark.index)
    if index + 1 < len(seq.value):
        return item.start_mark.index, seq.value[index + 1].start_mark.index
    return ends[index - 1], ends[index]


def _flow_appended(text: str, seq: SequenceNode, entries: list[dict[str, Any]], newline: str) -> str:
    """A [flow] list with ``entries`` after its last item, apart as its last two items are (else ', ')."""
    ends = _flow_ends(text, seq)
    last = seq.value[-1].start_mark.index
    before = text[ends[-2] : last] if len(seq.value) > 1 else ""
    if not (before.strip() == "," and before.count(",") == 1):
        before = ", "
        if len(seq.value) == 1 and "\n" in text[seq.start_mark.index : last]:
            before = "," + newline + " " * seq.value[-1].start_mark.column
    return text[: ends[-1]] + "".join(before + _flow(entry) for entry in entries) + text[ends[-1] :]


def _verified(doc: Document, new: bytes, key: str, expected: list, what: str, edited: frozenset[int] = frozenset()) -> bytes:
    """``new``, when it reads back as ``doc``'s values with ``key`` holding ``expected``; else a one-line refusal.

    Entry boundaries come from the positions the parser reports; a layout they
    miss (an alias to a removed anchor, lines an entry shares) is caught here,
    by reading the edited text back, instead of being written.
    """
    from dnnpapers.storage.fastyaml import parse

    values = {} if doc.data is None else doc.data
    want = {**values, key: expected} if isinstance(values, dict) else None
    if want is not None and parse(new) == want:  # the fast reader, when it reads this text as PyYAML does
        return new
    try:
        after = parse_document(new, doc.display)
    except ProblemsFound as found:
        problem = found.problems[0]
        if "undefined alias" in problem.message:
            line = _line_before(doc, new, problem.line)
            raise DnnpapersError(f"{doc.display}:{line}: an alias here names an anchor that would go; cannot {what}; nothing written") from None
        raise DnnpapersError(f"{doc.display}: cannot {what} in this file's layout (the result would not parse: {problem}); nothing written") from None
    if want is not None and after.data == want and len(after.problems) <= len(doc.problems):
        return new
    raise DnnpapersError(f"{doc.display}: cannot {what} in this file's layout ({_difference(after.data, want, key, edited)}); nothing written")


def _line_before(doc: Document, new: bytes, line: int) -> int:
    """The 1-based line of ``doc``'s file that became ``line`` of the edited text ``new`` (lines outside the edit only shift)."""
    before, after = _body(doc).splitlines(), _body(Document(doc.display, new, None, None)).splitlines()
    same = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
    if line <= same:
        return line
    tail = next((i for i, (a, b) in enumerate(zip(reversed(before[same:]), reversed(after[same:]))) if a != b), min(len(before), len(after)) - same)
    return line + len(before) - len(after) if line > len(after) - tail else same + 1


def _difference(got: Any, want: dict | None, key: str, edited: frozenset[int]) -> str:
    """What reading back an edit found that it should not have, in a curator's words."""
    listed, wanted = (got or {}).get(key) if isinstance(got, dict) else None, (want or {}).get(key)
    if isinstance(listed, list) and isinstance(wanted, list) and len(listed) == len(wanted):
        changed = next((i for i, (a, b) in enumerate(zip(listed, wanted)) if a != b), None)
        if changed is not None and changed not in edited:
            return f"entry {changed + 1} would change too: it takes values from this one through an alias or '<<'"
    return "the result would hold other values"


_BREAKS = "\r\n\x85\u2028\u2029"
# An alias's text, from where a node may start: spaces, breaks, comments and indicators, then '*name'.
_ALIAS_AT = re.compile(r"(?:[\s:?,\[{-]|#[^\r\n\x85\u2028\u2029]*)*\*[0-9A-Za-z_-]+")


class _Text:
    """A file's text and its lines, to turn a position into its line (as the parser counts them)."""

    def __init__(self, text: str):
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.ends = list(accumulate(len(line) for line in self.lines))

    def last_line(self, end: int) -> int:
        """The 0-based line of the last character before ``end`` that is not a line break."""
        while end > 0 and self.text[end - 1] in _BREAKS:
            end -= 1
        return bisect_right(self.ends, end - 1) if end > 0 else 0

    def line_start(self, line: int) -> int:
        """Where 0-based ``line`` starts (the text's end for the line after the last)."""
        return self.ends[line - 1] if 0 < line <= len(self.ends) else (0 if line <= 0 else len(self.text))

    def dash_column(self, line: int) -> int:
        return len(self.lines[line]) - len(self.lines[line].lstrip(" "))


def _end(text: str, node: Node, after: int) -> int:
    """Where this occurrence of ``node`` ends in ``text``; ``after``: where its text starts at the earliest.

    An alias is the very node it names, with the anchor's positions: a node
    starting before ``after`` is an alias here, its text the ``*name`` that follows.
    Block collections end at the next token, so theirs is their last child's end.
    """
    if node.start_mark.index < after:
        match = _ALIAS_AT.match(text, after)
        return match.end() if match else after
    if isinstance(node, (SequenceNode, MappingNode)) and not node.flow_style and node.value:
        at = node.start_mark.index
        for child in node.value if isinstance(node, SequenceNode) else [n for pair in node.value for n in pair]:
            at = _end(text, child, at)
        return at
    return node.end_mark.index


def _field_ends(text: str, entry: MappingNode) -> list[int]:
    """Where each field of a block mapping ends, aliases found where they stand."""
    ends, at = [], entry.start_mark.index
    for key, value in entry.value:
        at = _end(text, value, _end(text, key, at))
        ends.append(at)
    return ends


def _dash_line(text: _Text, item: Node, floor: int) -> int | None:
    """The line of the '-' that opens a block list's ``item`` (it may stand alone above it), not above ``floor``."""
    for line in range(item.start_mark.line, floor - 1, -1):
        here = text.lines[line]
        rest = here.lstrip(" ")
        if rest.startswith("-") and rest[1:2] in ("", " ", "\t", "\r", "\n") and (line < item.start_mark.line or len(here) - len(rest) < item.start_mark.column):
            return line
        if line < item.start_mark.line and rest.strip() and not rest.startswith(("#", "&", "!")):
            return None
    return None


def _body(doc: Document) -> str:
    raw = doc.raw[3:] if doc.raw.startswith(codecs.BOM_UTF8) else doc.raw
    return raw.decode("utf-8")


def _encode(doc: Document, text: str) -> bytes:
    bom = codecs.BOM_UTF8 if doc.raw.startswith(codecs.BOM_UTF8) else b""
    return bom + text.encode("utf-8")


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ProblemsFound([Problem(display, 1, 1, "file is UTF-16; save it as UTF-8")])
    body = raw[3:] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(raw) - len(body))
        line = raw.count(b"\n", 0, offset) + 1
        line_start = raw.rfind(b"\n", 0, offset) + 1
        col = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
        bad = raw[offset : offset + 1].hex()
        raise ProblemsFound([Problem(display, line, col, f"invalid UTF-8 (byte 0x{bad}); save the file as UTF-8")]) from None


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _reader_message(exc: yaml.reader.ReaderError) -> str:
    char = exc.character
    code = f"U+{char:04X}" if isinstance(char, int) else repr(char)
    return f"control character {code} is not allowed in YAML; remove it"


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    lines = text.splitlines()
    if lines and line > len(lines):  # the end of the stream, after the last line break: point at the last line
        line, col = len(lines), len(lines[-1]) + 1
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in here[: col] or "\t" in here[: len(here) - len(here.lstrip())]:
        return Problem(display, line, col, "tab character: YAML indentation must use spaces")
    if "maximum nesting depth" in (exc.problem or ""):
        return Problem(display, line, col, too_deep())
    if exc.context and "single document" in exc.context:
        return Problem(display, line, col, "a second YAML document ('---') starts here; the file must hold one")
    problem = (exc.problem or "invalid YAML").strip()
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        message += f" ({exc.context.strip()} at line {exc.context_mark.line + 1})"
    return Problem(display, line, col, message + _hint(problem, exc.context or "", lines, line))


def _hint(problem: str, context: str, lines: list[str], line: int) -> str:
    """What usually causes this syntax error, in a curator's words."""
    if "mapping values are not allowed" in problem:
        return "; a value with ': ' in it must be quoted, e.g. title: 'Cavs: An Efficient Runtime'"
    if "end of stream" in problem and "quoted scalar" in context:
        return "; a quote opened there is never closed"
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    above = next((lines[i] for i in range(line - 2, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), None)
    if above is None or not here.strip():
        return ""
    indent, expected = len(here) - len(here.lstrip(" ")), _content_column(above)
    if here.lstrip().startswith("- ") or indent == expected:
        return ""
    return f"; check the indentation: this line starts at column {indent + 1}, the line above at column {expected + 1}"


def _content_column(line: str) -> int:
    """Where a line's key starts: past its indentation and any '- ' list markers."""
    column = len(line) - len(line.lstrip(" "))
    while line[column : column + 2] == "- ":
        column += 2
        while line[column : column + 1] == " ":
            column += 1
    return column


class _Invalid:
    """Stands in for a value that already has a problem reported."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()


class _Abort(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


class _Builder:
    """Builds plain Python values from nodes, collecting located problems."""

    def __init__(self, display: str):
        self.display = display
        self.problems: list[Problem] = []
        self.constructor = SafeConstructor()
        self.built = 0
        self.seen: set[int] = set()
        self.stack: list[tuple[Node, bool]] = []

    def at(self, node: Node, message: str) -> Problem:
        return Problem(self.display, node.start_mark.line + 1, node.start_mark.column + 1, message)

    def build(self, node: Node, depth: int) -> Any:
        self.built += 1
        revisit = id(node) in self.seen
        self.seen.add(id(node))
        if self.built > len(self.seen) + ALIAS_ALLOWANCE:
            raise _Abort(self.at(self.detonator(node), "aliases expand to too many values (a YAML 'billion laughs' bomb?)"))
        if depth > MAX_DEPTH:
            raise _Abort(self.at(node, too_deep()))
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if any(open_node is node for open_node, _ in self.stack):
            raise _Abort(self.at(node, "an alias refers to a collection that contains it"))
        self.stack.append((node, revisit))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ_TAG:
                    self.problems.append(self.at(node, f"tag {_short(node.tag)} is not allowed here"))
                    return INVALID
                return [self.build(child, depth + 1) for child in node.value]
            return self.mapping(node, depth)
        finally:
            self.stack.pop()

    def detonator(self, current: Node) -> Node:
        """The collection holding the outermost alias being expanded: where the bomb goes off."""
        for i, (_, revisit) in enumerate(self.stack):
            if revisit and i > 0:
                return self.stack[i - 1][0]
        return current

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.problems.append(self.at(node, f"tag {_short(node.tag)} is not allowed (only plain YAML values are)"))
            return INVALID
        try:
            return self.constructor.yaml_constructors[node.tag](self.constructor, node)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            kind = {"timestamp": "date"}.get(_short(node.tag)[2:], _short(node.tag)[2:])
            self.problems.append(self.at(node, f"{node.value!r} is not a valid {kind}"))
            return INVALID

    def mapping(self, node: MappingNode, depth: int) -> dict:
        if node.tag != _MAP_TAG:
            self.problems.append(self.at(node, f"tag {_short(node.tag)} is not allowed here"))
            return INVALID
        result: dict = {}
        merged: dict = {}
        first_seen: dict = {}
        missing_dash = False
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.update(self.merge_sources(value_node, depth))
                continue
            key = self.build(key_node, depth + 1)
            try:
                hash(key)
            except TypeError:
                self.problems.append(self.at(key_node, "a mapping key must be a plain value, not a list or mapping"))
                continue
            if key in first_seen:
                earlier = first_seen[key].start_mark.line + 1
                if missing_dash:
                    continue  # said once, at the second 'id'
                if key == "id" and self.stack and len(self.stack) > 1 and isinstance(self.stack[-2][0], SequenceNode):
                    missing_dash = True
                    self.problems.append(self.at(key_node, f"a second 'id' in one entry (the first at line {earlier}): is the '- ' missing before it? Each entry starts with '- id:'"))
                    continue
                self.problems.append(self.at(key_node, f"duplicate key {key!r} (first at line {earlier}); YAML would keep only the last"))
                continue
            first_seen[key] = key_node
            result[key] = self.build(value_node, depth + 1)
        if merged:
            result = {**merged, **result}
        return result

    def merge_sources(self, node: Node, depth: int) -> dict:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict = {}
        for source in reversed(sources):
            value = self.build(source, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
            else:
                self.problems.append(self.at(source, "'<<' merges only mappings"))
        return merged


def _short(tag: str | None) -> str:
    if tag and tag.startswith(_TAG):
        return "!!" + tag[len(_TAG) :]
    return tag or "?"
