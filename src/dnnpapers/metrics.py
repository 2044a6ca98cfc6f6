"""The machine-owned metrics file: citation data per paper id, one line each, sorted.

Written only by ``add`` and ``update``; curated entries never carry numbers that
change weekly, so a refresh touches this file alone and its diff reads line by line.
"""

from __future__ import annotations

from pathlib import Path

from dnnpapers.models import PaperMetrics
from dnnpapers.paperlist import METRICS_FILE
from dnnpapers.store import atomic_write, format_scalar

__all__ = ["metrics_text", "save_metrics"]

HEADER = "# Machine-owned: written by `dnnpapers add` and `dnnpapers update`. Do not edit by hand.\n"


def metrics_text(metrics: dict[str, PaperMetrics]) -> str:
    lines = [HEADER, "metrics:\n" if metrics else "metrics: {}\n"]
    for paper_id in sorted(metrics):
        fields = metrics[paper_id].model_dump(exclude_none=True)
        inner = ", ".join(f"{key}: {format_scalar(value, flow=True)}" for key, value in fields.items())
        lines.append(f"  {paper_id}: {{{inner}}}\n")
    return "".join(lines)


def save_metrics(root: Path, current: dict[str, PaperMetrics], updates: dict[str, PaperMetrics], keep: set[str]) -> bool:
    """Merge ``updates`` into ``current`` (dropping ids not in ``keep``) and write if anything changed."""
    merged = {pid: m for pid, m in {**current, **updates}.items() if pid in keep}
    path = Path(root) / METRICS_FILE
    text = metrics_text(merged)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write(path, text.encode("utf-8"))
    return True
