"""The machine-owned metrics file: citation data per paper id, one line each, sorted.

Written only by ``add`` and ``update``; curated entries never carry numbers that
change weekly, so a refresh touches this file alone and its diff reads line by line.
"""

from __future__ import annotations

from dnnpapers.model.models import PaperMetrics
from dnnpapers.storage.store import format_scalar

__all__ = ["metrics_text"]

HEADER = "# Machine-owned: written by `dnnpapers add` and `dnnpapers update`. Do not edit by hand.\n"


def metrics_text(metrics: dict[str, PaperMetrics]) -> str:
    lines = [HEADER, "metrics:\n" if metrics else "metrics: {}\n"]
    for paper_id in sorted(metrics):
        fields = metrics[paper_id].model_dump(exclude_none=True)
        inner = ", ".join(f"{key}: {format_scalar(value, flow=True)}" for key, value in fields.items())
        lines.append(f"  {paper_id}: {{{inner}}}\n")
    return "".join(lines)
