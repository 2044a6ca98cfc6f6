"""What changes the list from outside: add and update (enrich), remove, tag, dismiss and talks
(curate), imports (migrate), init (scaffold), discover, the classifier and tag suggestions.

Names load on first use, so importing one module of the layer imports no other.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "add_papers",
    "update_list",
    "remove_paper",
    "retag_paper",
    "dismiss_papers",
    "add_talk",
    "import_bib",
    "import_page",
    "init_list",
    "ListModel",
    "suggest_tags",
]

_HOMES = {
    "add_papers": "enrich",
    "update_list": "enrich",
    "remove_paper": "curate",
    "retag_paper": "curate",
    "dismiss_papers": "curate",
    "add_talk": "curate",
    "import_bib": "migrate",
    "import_page": "migrate",
    "init_list": "scaffold",
    "ListModel": "classify",
    "suggest_tags": "tagging",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
