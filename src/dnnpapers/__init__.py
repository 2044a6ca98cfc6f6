"""dnnpapers: keep a curated list of dynamic neural network papers true, current and good to read.

The public API is re-exported here; heavy modules load on first use so the
command line starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "DnnpapersError",
    "Problem",
    "ProblemsFound",
    "Paper",
    "PaperList",
    "Taxonomy",
    "TaxonomyNode",
    "load_list",
    "papers_schema",
]

_HOMES = {
    "DnnpapersError": "dnnpapers.errors",
    "Problem": "dnnpapers.errors",
    "ProblemsFound": "dnnpapers.errors",
    "Paper": "dnnpapers.model.models",
    "Taxonomy": "dnnpapers.model.models",
    "TaxonomyNode": "dnnpapers.model.models",
    "PaperList": "dnnpapers.access.paperlist",
    "load_list": "dnnpapers.access.loading",
    "papers_schema": "dnnpapers.model.schema",
}

if TYPE_CHECKING:
    from dnnpapers.errors import DnnpapersError, Problem, ProblemsFound
    from dnnpapers.model.models import Paper, Taxonomy, TaxonomyNode
    from dnnpapers.access.paperlist import PaperList
    from dnnpapers.access.loading import load_list
    from dnnpapers.model.schema import papers_schema


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'dnnpapers' has no attribute {name!r}")
