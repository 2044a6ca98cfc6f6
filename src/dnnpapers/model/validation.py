"""pydantic's errors → located problems a curator can act on, for every file of a list."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from dnnpapers.errors import Problem, ProblemsFound
from dnnpapers.model.rules import suggest
from dnnpapers.storage.store import INVALID, Document, Loc, read_document

__all__ = ["load_optional", "translate_all"]

M = TypeVar("M", bound=BaseModel)


def load_optional(path: Path, model: type[M]) -> tuple[M, list[Problem]]:
    """A settings-like file that may be absent (defaults then), validated like the others."""
    if not path.exists():
        return model(), []
    try:
        doc = read_document(path, str(path))
    except ProblemsFound as exc:
        return model(), exc.problems
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        return model(), doc.problems + [doc.problem((), "wrong top-level shape; expected a mapping of settings")]
    try:
        return model.model_validate(data), doc.problems
    except ValidationError as exc:
        return model(), doc.problems + translate_all(exc, (), doc, model)


_YAML_READS = {bool: "true/false", int: "a number", float: "a number", type(None): "empty"}


def translate_all(exc: ValidationError, base: Loc, doc: Document, model: type[BaseModel]) -> list[Problem]:
    """Located problems for every error, leaving out values the YAML stage already reported."""
    errors = exc.errors(include_url=False)
    return [_translate(error, base, doc, model) for error in errors if error.get("input") is not INVALID]


def _translate(error: dict[str, Any], base: Loc, doc: Document, model: type[BaseModel]) -> Problem:
    """Turn one pydantic error into a located problem a curator can act on."""
    loc = base + tuple(error["loc"])
    field = _field_name(error["loc"])
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        message = f"missing required field {field!r}"
    elif kind == "extra_forbidden":
        fields = _fields_of(model, error["loc"])
        message = f"unknown field {field!r}{suggest(str(error['loc'][-1]), fields)}"
    elif kind == "string_type":
        message = _not_text(field, value, doc, loc)
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        message = f"{field!r} must be a whole number, got {value!r}"
    elif kind == "list_type":
        message = f"{field!r} must be a list, got {value!r}"
    elif kind == "too_short":
        message = f"{field!r} must not be empty"
    elif kind == "string_pattern_mismatch":
        message = f"{field!r} must be lower-case letters, digits and hyphens, got {value!r}"
    elif kind.startswith(("date_", "datetime_")):
        message = f"{field!r} must be a date written YYYY-MM-DD, got {value!r}"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"{field!r} must be a mapping of fields"
    elif kind == "value_error":
        message = f"{field!r}: {error['ctx']['error']}" if field else str(error["ctx"]["error"])
    else:
        message = f"{field!r}: {error['msg']}"
    return doc.problem(loc, message)


def _not_text(field: str, value: Any, doc: Document, loc: Loc) -> str:
    if value is None:
        return f"{field!r} is empty"
    node = doc.node_at(loc)
    reads_as = _YAML_READS.get(type(value), "a date" if hasattr(value, "year") else None)
    plain = node is not None and not getattr(node, "style", "x")  # None (pure-Python) or "" (C loader)
    if reads_as and plain:
        return f"{field!r}: YAML reads {node.value} as {reads_as} ({value!r}); put it in quotes: \"{node.value}\""
    return f"{field!r} must be text, got {value!r}"


def _field_name(loc: tuple) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _fields_of(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model that holds the last part of ``loc`` (for did-you-mean)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        current = _inner_model(info.annotation) if info else None
    return list(current.model_fields) if current else []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found:
            return found
    return None
