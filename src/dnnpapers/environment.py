"""Settings from environment variables, each checked, with a one-line error naming the variable."""

from __future__ import annotations

import math
import os

from dnnpapers.errors import DnnpapersError

__all__ = ["env_float", "env_int", "env_url"]


def env_float(name: str, default: float) -> float:
    """A non-negative, finite number from the environment, or a one-line error naming the variable."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise DnnpapersError(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise DnnpapersError(f"{name}={raw!r} must be a finite number, not negative")
    return value


def env_int(name: str, default: int, most: int = 100) -> int:
    """A whole number from 0 to ``most`` from the environment, or a one-line error naming the variable."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not raw.strip().isascii() or not raw.strip().isdigit() or int(raw) > most:
        raise DnnpapersError(f"{name}={raw!r} must be a whole number from 0 to {most}")
    return int(raw)


def env_url(name: str, default: str) -> str:
    """An http(s) base URL from the environment (no trailing slash), or a one-line error naming the variable."""
    import httpx  # here: rendering reads limits from this module too, and needs no HTTP (65 ms)

    raw = (os.environ.get(name) or "").strip() or default
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, ValueError):
        raise DnnpapersError(f"{name}={raw!r} is not a valid URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise DnnpapersError(f"{name}={raw!r} must be an http:// or https:// URL with a host")
    return raw.rstrip("/")
