"""YAML files as text, nodes and plain values, with every position kept.

PyYAML's ``safe_load`` loses positions and silently keeps the last of two
duplicate keys, so we compose nodes (safe, C-accelerated when available) and
build plain values ourselves: that is where duplicate keys, unsafe tags,
alias bombs and runaway nesting are caught, each at its line and column.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dnnpapers.errors import DnnpapersError, Problem, ProblemsFound

__all__ = ["INVALID", "Document", "read_document", "parse_document", "atomic_write", "format_scalar", "format_entry"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_MERGE = _TAG + "merge"
_SCALAR_TAGS = {_TAG + t for t in ("null", "bool", "int", "float", "str", "timestamp")}
_SEQ_TAG = _TAG + "seq"
_MAP_TAG = _TAG + "map"

#: A curated list nests four levels deep; anything past this is an attack or a typo.
MAX_DEPTH = 64
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
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DnnpapersError(f"{display}: file not found") from None
    except IsADirectoryError:
        raise DnnpapersError(f"{display}: is a folder, not a file") from None
    except OSError as exc:
        raise DnnpapersError(f"{display}: cannot read ({exc.strerror})") from None
    return parse_document(raw, display)


def parse_document(raw: bytes, display: str) -> Document:
    text = _decode(raw, display)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
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


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = set(",[]{}:?")
_resolver = yaml.resolver.Resolver()


def format_scalar(value: Any, flow: bool = False) -> str:
    """``value`` as YAML text that reads back as exactly ``value``: plain when safe, else quoted."""
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


def format_entry(entry: dict[str, Any], indent: str = "  ", flow_keys: frozenset[str] = frozenset({"tags"})) -> str:
    """One list item ``- key: value ...`` in block style, lists in ``flow_keys`` written inline."""
    lines = []
    for key, value in entry.items():
        if isinstance(value, list) and key in flow_keys:
            lines.append(f"{key}: [" + ", ".join(format_scalar(v, flow=True) for v in value) + "]")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"{indent}- {format_scalar(v)}" for v in value)
        else:
            lines.append(f"{key}: {format_scalar(value)}")
    first, *rest = lines
    pad = indent + "  "
    return "".join([f"{indent}- {first}\n"] + [f"{pad}{line}\n" for line in rest])


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
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in here[: col] or "\t" in here[: len(here) - len(here.lstrip())]:
        return Problem(display, line, col, "tab character: YAML indentation must use spaces")
    if exc.context and "single document" in exc.context:
        return Problem(display, line, col, "a second YAML document ('---') starts here; the file must hold one")
    problem = (exc.problem or "invalid YAML").strip()
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.context_mark and exc.context_mark is not mark:
        message += f" ({exc.context.strip()} at line {exc.context_mark.line + 1})"
    return Problem(display, line, col, message)


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
            raise _Abort(self.at(node, f"nested more than {MAX_DEPTH} levels deep"))
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
