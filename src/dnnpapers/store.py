"""YAML files as text, nodes and plain values, with every position kept.

PyYAML's ``safe_load`` loses positions and silently keeps the last of two
duplicate keys, so we compose nodes (safe, C-accelerated when available) and
build plain values ourselves: that is where duplicate keys, unsafe tags,
alias bombs and runaway nesting are caught, each at its line and column.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dnnpapers.errors import DnnpapersError, Problem, ProblemsFound
from dnnpapers.files import read_bounded
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
    dash, key = seq.start_mark.column, first.start_mark.column
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
    blank = len(seq.value) > 1 and _last_line(first) + 1 < seq.value[1].start_mark.line
    return Style(dash, key, list_dash, frozenset(flow or {"tags"}), blank, newline)


def append_entries(doc: Document, entries: list[dict[str, Any]], key: str = "papers") -> bytes:
    """The file with ``entries`` added at the end of its ``key`` list; every existing byte kept."""
    style = detect_style(doc, key)
    text = _body(doc)
    block = (style.newline if style.blank_between else "").join(format_entry(entry, style) for entry in entries)
    seq = doc.node_at((key,))
    if isinstance(seq, SequenceNode) and seq.flow_style:
        if seq.value:
            raise DnnpapersError(f"{doc.display}: '{key}' is written as a [flow] list; write it as a block list to add entries")
        start, end = seq.start_mark.index, seq.end_mark.index
        return _encode(doc, text[:start].rstrip(" ") + style.newline + block.rstrip("\r\n") + text[end:])
    after = _next_key_line(doc, key)
    if after is not None and key in (doc.data or {}):  # another key follows: the entries go at the end of this list
        lines = text.splitlines(keepends=True)
        at = _last_line(seq.value[-1]) + 1 if isinstance(seq, SequenceNode) and seq.value else _last_line(doc.node_at((key,))) + 1
        gap = style.newline if style.blank_between and isinstance(seq, SequenceNode) and seq.value else ""
        if at > 0 and not lines[at - 1].endswith("\n"):
            lines[at - 1] += style.newline
        lines[at:at] = [gap + block]
        return _encode(doc, "".join(lines))
    if text and not text.endswith("\n"):
        text += style.newline
    if isinstance(doc.data, dict) and key not in doc.data:
        text += f"{key}:{style.newline}"
    if style.blank_between and isinstance(seq, SequenceNode) and seq.value:
        text += style.newline
    return _encode(doc, text + block)


def _next_key_line(doc: Document, key: str) -> int | None:
    """The 0-based line of the top-level key after ``key``, or None when ``key`` is the last (or absent)."""
    if not isinstance(doc.node, MappingNode):
        return None
    keys = [k for k, _ in doc.node.value]
    for i, k in enumerate(keys):
        if isinstance(k, ScalarNode) and k.value == key:
            return keys[i + 1].start_mark.line if i + 1 < len(keys) else None
    return None


def set_fields(doc: Document, edits: list[tuple[int, str, Any, tuple[str, ...]]]) -> bytes:
    """The file with each ``(entry index, key, value, keys to insert after)`` applied; other bytes kept.

    An existing field's lines are replaced (a comment on those lines goes with
    them); a missing field is inserted after the first of the given keys present.
    """
    style = detect_style(doc)
    text = _body(doc)
    lines = text.splitlines(keepends=True)
    changes: list[tuple[int, int, list[str]]] = []
    for index, key, value, after in edits:
        entry = doc.node_at(("papers", index))
        if not isinstance(entry, MappingNode):
            raise DnnpapersError(f"{doc.display}: entry {index + 1} is not a mapping")
        fields = {k.value: (k, v) for k, v in entry.value if isinstance(k, ScalarNode)}
        new = [line + style.newline for line in format_field(key, value, style)]
        if key in fields:
            key_node, value_node = fields[key]
            pad = key_node.start_mark.column
            new = [" " * pad + line.lstrip(" ") if i == 0 else line for i, line in enumerate(new)]
            changes.append((key_node.start_mark.line, _last_line(value_node) + 1, new))
        else:
            anchor = next((fields[a][1] for a in after if a in fields), entry.value[-1][1])
            line = _last_line(anchor) + 1
            changes.append((line, line, new))
    for start, end, new in sorted(changes, key=lambda change: change[0], reverse=True):
        lines[start:end] = new
    return _encode(doc, "".join(lines))


def remove_entry(doc: Document, index: int) -> bytes:
    """The file without the lines of entry ``index``; comments and blank lines around it stay."""
    entry = doc.node_at(("papers", index))
    if not isinstance(entry, MappingNode):
        raise DnnpapersError(f"{doc.display}: entry {index + 1} is not a mapping")
    lines = _body(doc).splitlines(keepends=True)
    del lines[entry.start_mark.line : _last_line(entry) + 1]
    return _encode(doc, "".join(lines))


def _last_line(node: Node) -> int:
    """The 0-based line where ``node``'s own text ends (block collections end at the next token)."""
    while isinstance(node, (SequenceNode, MappingNode)) and not node.flow_style and node.value:
        node = node.value[-1] if isinstance(node, SequenceNode) else node.value[-1][1]
    mark = node.end_mark
    return mark.line - 1 if mark.column == 0 and mark.line > node.start_mark.line else mark.line


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
