"""The list's model and rules: the pydantic models, single fields, the topic tree, talks, keys, venues,
cross-entry rules, the schema, metrics.

Names load on first use, so importing one module of the layer imports no other.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "Paper",
    "TaxonomyNode",
    "Talk",
    "PageFile",
    "JekyllTarget",
    "PaperMetrics",
    "Taxonomy",
    "venue_name",
    "paper_key",
    "suggest",
    "paper_problems",
    "taxonomy_problems",
    "translate_all",
    "TalkLog",
    "load_talks",
    "Venue",
    "resolve",
    "papers_schema",
    "talks_schema",
    "metrics_text",
]

_HOMES = {
    "Paper": "models",
    "TaxonomyNode": "models",
    "Talk": "models",
    "PageFile": "models",
    "JekyllTarget": "models",
    "PaperMetrics": "models",
    "Taxonomy": "taxonomy",
    "venue_name": "fields",
    "paper_key": "keys",
    "suggest": "rules",
    "paper_problems": "rules",
    "taxonomy_problems": "rules",
    "translate_all": "validation",
    "TalkLog": "talks",
    "load_talks": "talks",
    "Venue": "venues",
    "resolve": "venues",
    "papers_schema": "schema",
    "talks_schema": "schema",
    "metrics_text": "metrics",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
