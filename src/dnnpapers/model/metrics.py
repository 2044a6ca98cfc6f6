"""The machine-owned metrics file: citation data per paper id, one line each, sorted.

Written only by ``add`` and ``update``; curated entries never carry numbers that
change weekly, so a refresh touches this file alone and its diff reads line by line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dnnpapers.model.repositories import github_repository

if TYPE_CHECKING:  # (a render after an edit reads stars without pydantic)
    from dnnpapers.model.models import Paper, PaperMetrics

__all__ = ["metrics_text", "code_stars", "describes_code"]

HEADER = "# Machine-owned: written by `dnnpapers add` and `dnnpapers update`. Do not edit by hand.\n"


def metrics_text(metrics: dict[str, PaperMetrics]) -> str:
    from dnnpapers.storage.store import format_scalar

    lines = [HEADER, "metrics:\n" if metrics else "metrics: {}\n"]
    for paper_id in sorted(metrics):
        fields = metrics[paper_id].model_dump(exclude_none=True)
        inner = ", ".join(f"{key}: {format_scalar(value, flow=True)}" for key, value in fields.items())
        lines.append(f"  {paper_id}: {{{inner}}}\n")
    return "".join(lines)


def describes_code(paper: Paper, metrics: PaperMetrics | None) -> bool:
    """Whether the metrics' GitHub fields are of the repository the paper's code link names now (a changed link
    must never show another repository's stars)."""
    if metrics is None or not metrics.repository:
        return False
    name = github_repository(paper.code)
    return bool(name) and name.lower() == metrics.repository.lower()


def code_stars(paper: Paper, metrics: PaperMetrics | None) -> int | None:
    """The stars of the paper's code repository, when the metrics describe the repository its link names now."""
    return metrics.stars if describes_code(paper, metrics) else None
