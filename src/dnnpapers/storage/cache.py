"""The cache's files: where each lives, written whole or not at all, and the digests that name them.

The verdicts (``access.verdicts``) and the known entries (``access.known_entries``)
both keep files here; an unwritable cache only costs speed. Imports are kept to
the standard library: checking an unchanged list comes this way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO, Callable

try:  # CPython's own SHA-256: the same digests as hashlib's without loading OpenSSL (3.5 MB, 10 ms) to check a list
    from _sha2 import sha256  # Python 3.12 and later
except ImportError:
    try:
        from _sha256 import sha256  # Python 3.11
    except ImportError:
        from hashlib import sha256

from dnnpapers import __version__
from dnnpapers.storage.layout import cache_dir

__all__ = ["cache_file", "keep_atomically", "tool_digest", "text_digest", "sha256", "input_hasher"]

_SOURCE = Path(__file__).resolve().parent.parent  # the whole package


def _tool() -> list[str]:
    """The tool as it is installed: its version, Python's, and the size and time of each of its files."""
    parts = [__version__, sys.version]
    for folder, _, names in sorted(os.walk(_SOURCE)):
        for name in sorted(names):
            if name.endswith((".py", ".j2", ".css", ".js", ".md", ".html", ".yaml", ".yml", ".json")):
                stat = os.stat(os.path.join(folder, name))
                parts.append(f"{os.path.relpath(os.path.join(folder, name), _SOURCE)}:{stat.st_size}:{stat.st_mtime_ns}")
    return parts


_TOOL_DIGEST: list[str] = []


def tool_digest() -> str:
    """A digest of the tool as it is installed, computed once a process (check digests its inputs twice)."""
    if not _TOOL_DIGEST:
        h = sha256()
        for part in _tool():
            h.update(part.encode("utf-8", "surrogateescape") + b"\0")
        _TOOL_DIGEST.append(h.hexdigest())
    return _TOOL_DIGEST[0]


def input_hasher():
    """A SHA-256 hasher for megabytes of input: OpenSSL's (hashlib: five times faster, 2 ms for 3 MB) when the
    process has loaded it already, as a render has; else CPython's own, so checking a list still loads no
    OpenSSL. The digest is the same either way."""
    openssl = getattr(sys.modules.get("hashlib"), "sha256", None)  # (None too while another thread imports hashlib)
    return sha256() if openssl is None else openssl()


def text_digest(text: str) -> str:
    return sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def cache_file(folder: str, name: str) -> Path | None:
    """Where a kept file lives in the cache; None when keeping is off (DNNPAPERS_NO_VERDICTS) or there is
    no cache directory: then nothing is kept or recalled, and nothing is an error."""
    if os.environ.get("DNNPAPERS_NO_VERDICTS"):
        return None
    try:
        return cache_dir() / folder / name
    except Exception:  # noqa: BLE001
        return None


def keep_atomically(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write a cache file whole, by a temporary file renamed into place, or not at all: two processes at once
    can only ever read a complete one, and an unwritable cache only costs speed. ``data``: the bytes, or what
    writes them to the open file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.parent / f".{path.name}-{os.getpid()}-{os.urandom(6).hex()}.tmp"  # (tempfile would import shutil's compressors)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data) if isinstance(data, bytes) else data(out)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass
