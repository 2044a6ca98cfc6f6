"""Where a list keeps its files (relative to its root), and what of a path lies outside the list.

Standard library only: `render --check` on an unchanged list asks these questions
without loading anything else.
"""

import os
from pathlib import Path
from typing import Iterable

__all__ = [
    "PAPERS_FILE", "TAXONOMY_FILE", "PAGE_FILE", "METRICS_FILE", "DISMISSED_FILE", "TALKS_FILE", "TOPIC_PAGES", "INPUTS",
    "find_root", "cache_dir", "link_out", "temp_prefix", "TEMP_SUFFIX", "temp_owner", "leftover_temps",
]

PAPERS_FILE = Path("data/papers.yaml")
TAXONOMY_FILE = Path("data/taxonomy.yaml")
PAGE_FILE = Path("data/page.yaml")
METRICS_FILE = Path("data/metrics.yaml")
DISMISSED_FILE = Path("data/dismissed.yaml")
TALKS_FILE = Path("data/talks.yaml")
#: The list's input files, which the changing commands write (under the lock).
INPUTS = (PAPERS_FILE, TAXONOMY_FILE, PAGE_FILE, METRICS_FILE, DISMISSED_FILE, TALKS_FILE)
#: The topic pages of a split materials page: render owns every *.md there.
TOPIC_PAGES = "generated/materials"


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a list (its data/taxonomy.yaml), as git finds .git."""
    here = start.absolute()
    for folder in (here, *here.parents):
        if (folder / TAXONOMY_FILE).is_file():
            return folder
    return None


def cache_dir() -> Path:
    """Where the tool keeps what it can always make again (answers, verdicts): DNNPAPERS_CACHE_DIR, else the user's cache."""
    directory = os.environ.get("DNNPAPERS_CACHE_DIR")
    if not directory:
        import platformdirs

        directory = platformdirs.user_cache_dir("dnnpapers")
    return Path(directory)


def _within(real: str, inside: str) -> bool:
    return real == inside or real.startswith(inside.rstrip(os.sep) + os.sep)


def link_out(root: Path, path: Path) -> Path | None:
    """The symlink through which ``path`` (under ``root``) leads outside the list, its links followed; None if it stays in.

    Named is the first link on the way whose target lies outside (``generated`` for
    ``generated/site/index.html`` when ``generated`` leads out), else ``path`` itself.
    """
    inside = os.path.realpath(root)
    if _within(os.path.realpath(path), inside):
        return None
    here = Path(root)
    for part in Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).parts:
        here = here / part
        if here.is_symlink() and not _within(os.path.realpath(here), inside):
            return here
    return Path(path)


#: A write stages its bytes in ``.NAME.XXXXXXXX.tmp`` beside the file (tempfile.mkstemp's eight random characters).
TEMP_SUFFIX = ".tmp"
_TEMP_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def temp_prefix(name: str) -> str:
    return f".{name}."


def temp_owner(filename: str) -> str | None:
    """The name of the file whose staged write ``filename`` is (``.papers.yaml.k3j_9x2a.tmp`` → ``papers.yaml``), else None."""
    if not (filename.startswith(".") and filename.endswith(TEMP_SUFFIX)):
        return None
    owner, dot, random = filename[1 : -len(TEMP_SUFFIX)].rpartition(".")
    return owner if dot and owner and len(random) == 8 and _TEMP_CHARACTERS.issuperset(random) else None


def leftover_temps(root: Path, outputs: Iterable[str], pages: str | None = None) -> list[str]:
    """The staged writes of these files (named relative to ``root``) that a killed process left, relative to ``root``.

    Only the tool's own: a name of ``outputs`` beside its file (a linked file's
    beside its target, where the write stages it), and any ``*.md``'s in ``pages``;
    none in a folder outside the list. Every writer of the list stages files only
    while it holds the list's lock, so for a caller holding it none of these is live
    (a caller without it, ``render --check``, only names them).
    """
    real_root = os.path.realpath(root)
    wanted: dict[str, set[str]] = {}
    for name in outputs:
        target = os.path.realpath(root / name)
        wanted.setdefault(os.path.dirname(target), set()).add(os.path.basename(target))
    if pages is not None:
        wanted.setdefault(os.path.realpath(root / pages), set())
    pages_folder = os.path.realpath(root / pages) if pages is not None else None
    found = []
    for folder, names in wanted.items():
        if not _within(folder, real_root):
            continue
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for entry in entries:
            owner = temp_owner(entry)
            path = os.path.join(folder, entry)
            if owner is not None and (owner in names or (folder == pages_folder and owner.endswith(".md"))) and not _is_folder(path):
                found.append(os.path.relpath(path, real_root))
    return sorted(found)


def _is_folder(path: str) -> bool:
    """A real folder (mkstemp makes files; a link is removed as a link)."""
    return os.path.isdir(path) and not os.path.islink(path)
