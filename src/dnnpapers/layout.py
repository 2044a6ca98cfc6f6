"""Where a list keeps its files (relative to its root)."""

from pathlib import Path

__all__ = ["PAPERS_FILE", "TAXONOMY_FILE", "PAGE_FILE", "METRICS_FILE"]

PAPERS_FILE = Path("data/papers.yaml")
TAXONOMY_FILE = Path("data/taxonomy.yaml")
PAGE_FILE = Path("data/page.yaml")
METRICS_FILE = Path("data/metrics.yaml")
