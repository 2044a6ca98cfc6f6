"""Everything render writes: materials pages, README region, chart, the searchable site, talks pages
and calendar, exports, the issue form; templating and the templates.

Names load on first use, so importing one module of the layer imports no other.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "render_root",
    "bibtex",
    "json_export",
    "csl_json",
    "materials_pages",
    "site_pages",
    "ISSUE_FORM",
    "issue_form",
    "calendar",
    "inert",
]

_HOMES = {
    "render_root": "render",
    "bibtex": "export",
    "json_export": "export",
    "csl_json": "csl",
    "materials_pages": "materials",
    "site_pages": "site",
    "ISSUE_FORM": "github",
    "issue_form": "github",
    "calendar": "talks_calendar",
    "inert": "markdown",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
