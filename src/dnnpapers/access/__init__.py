"""The list as a whole: loading it (the quick path, the exact path and the one place that chooses),
querying it, changing it (edit_list), and the verdicts and known entries that spare reading it
again.

Names load on first use, so importing one module of the layer imports no other.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "load_list",
    "check_list",
    "PaperList",
    "load_exact",
    "accept_list",
    "edit_list",
    "Change",
    "checked",
    "fresh_render_check",
    "find",
    "select",
    "stats",
]

_HOMES = {
    "load_list": "loading",
    "check_list": "loading",
    "PaperList": "paperlist",
    "load_exact": "paperlist",
    "accept_list": "quick",
    "edit_list": "listedit",
    "Change": "listedit",
    "checked": "verdicts",
    "fresh_render_check": "verdicts",
    "find": "query",
    "select": "query",
    "stats": "query",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
