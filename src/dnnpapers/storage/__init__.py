"""Reading and writing the list's files: where they are, every write (atomic, locked), the YAML text
store, the fast reader, the cache's files.

Names load on first use, so importing one module of the layer imports no other.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "find_root",
    "PAPERS_FILE",
    "TAXONOMY_FILE",
    "TALKS_FILE",
    "cache_dir",
    "atomic_write",
    "write_files",
    "read_bounded",
    "locked",
    "describe_os_error",
    "Document",
    "read_document",
    "parse_document",
    "format_scalar",
    "parse",
    "UNSURE",
    "cache_file",
    "keep_atomically",
]

_HOMES = {
    "find_root": "layout",
    "PAPERS_FILE": "layout",
    "TAXONOMY_FILE": "layout",
    "TALKS_FILE": "layout",
    "cache_dir": "layout",
    "atomic_write": "files",
    "write_files": "files",
    "read_bounded": "files",
    "locked": "files",
    "describe_os_error": "files",
    "Document": "store",
    "read_document": "store",
    "parse_document": "store",
    "format_scalar": "store",
    "parse": "fastyaml",
    "UNSURE": "fastyaml",
    "cache_file": "cache",
    "keep_atomically": "cache",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
