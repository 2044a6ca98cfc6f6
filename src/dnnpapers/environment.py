"""Settings from environment variables, each checked, with a one-line error naming the variable."""

from __future__ import annotations

import math
import os

from dnnpapers.errors import DnnpapersError

__all__ = ["env_float", "env_int", "env_url", "env_key", "DAY"]

#: The default bound of a setting in seconds: past a day, a number is a typo, and past ~1e9 the
#: timers it feeds (setitimer, socket timeouts) overflow.
DAY = 86_400.0


def _shown(raw: str) -> str:
    """The value as given, cut short: a 5,000-digit number makes no readable message."""
    return repr(raw if len(raw) <= 40 else raw[:37] + "...")


def env_float(name: str, default: float, most: float = DAY) -> float:
    """A number from 0 to ``most`` from the environment, or a one-line error naming the variable and the range."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (0 <= value <= most):  # also nan, inf and numbers too long to be anything but inf
        raise DnnpapersError(f"{name}={_shown(raw)} must be a number from 0 to {most:g}")
    return value


def env_int(name: str, default: int, most: int = 100) -> int:
    """A whole number from 0 to ``most`` from the environment, or a one-line error naming the variable."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    text = raw.strip()
    # the length first: int() of more than 4,300 digits is itself an error
    if not text.isascii() or not text.isdigit() or len(text) > len(str(most)) or int(text) > most:
        raise DnnpapersError(f"{name}={_shown(raw)} must be a whole number from 0 to {most}")
    return int(text)


def env_key(name: str) -> str | None:
    """A secret for an HTTP header (an API key): printable ASCII, else a one-line error naming the variable, not the secret."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    bad = next((i for i, c in enumerate(raw) if not " " < c < "\x7f"), None)
    if bad is not None:
        raise DnnpapersError(f"{name}: character {bad + 1} is not printable ASCII; an API key is letters, digits and punctuation")
    return raw


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
