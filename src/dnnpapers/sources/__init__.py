"""Remote services, one module each, all through one polite HTTP client (``sources.http``); the venue lookup.

Names load on first use, so importing one module of the layer imports no other.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "Http",
    "ServiceError",
    "Lookup",
]

_HOMES = {
    "Http": "http",
    "ServiceError": "http",
    "Lookup": "venue_lookup",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
