"""Where a list keeps its files (relative to its root)."""

import os
from pathlib import Path

__all__ = ["PAPERS_FILE", "TAXONOMY_FILE", "PAGE_FILE", "METRICS_FILE", "DISMISSED_FILE", "TALKS_FILE", "find_root", "cache_dir"]

PAPERS_FILE = Path("data/papers.yaml")
TAXONOMY_FILE = Path("data/taxonomy.yaml")
PAGE_FILE = Path("data/page.yaml")
METRICS_FILE = Path("data/metrics.yaml")
DISMISSED_FILE = Path("data/dismissed.yaml")
TALKS_FILE = Path("data/talks.yaml")


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
