"""A stacked bar chart of papers per year by domain, as plain SVG that GitHub shows inline.

Hand-written rather than Mermaid: Mermaid's xychart draws several series with
no legend, so domains could not be told apart. Numbers are formatted to fixed
decimals so the same data gives the same bytes.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dnnpapers.access.paperlist import PaperList

__all__ = ["papers_per_year", "PALETTE"]

#: Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]

_W, _H = 760, 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 12, 34, 36
_LEGEND_ROW = 20


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if peak / step <= 6:
            return step
    return 10 ** len(str(peak))


def papers_per_year(paper_list: PaperList, lang: str) -> str:
    """Each paper counts once, in the year it first appeared, under the domain of its first tag."""
    taxonomy = paper_list.taxonomy
    papers = paper_list.papers
    counts: Counter[tuple[int, str]] = Counter()
    # counted by year and first tag in C (zip of two lists, no generator), then each pair's domain looked up once
    for (year, tag), n in Counter(zip([p.year for p in papers], [p.tags[0] for p in papers])).items():
        counts[(year, taxonomy.root_of(tag))] += n
    domains = [root for root in taxonomy.roots if any(d == root.slug for _, d in counts)]
    title = "Papers per year, by domain" if lang == "en" else "每年论文数（按领域）"
    if not counts:
        return _svg(_H, [f'<text x="{_W / 2:.1f}" y="{_H / 2:.1f}" text-anchor="middle">{escape(title)}: 0</text>'])
    years = list(range(min(y for y, _ in counts), max(y for y, _ in counts) + 1))
    totals = {year: sum(counts[(year, d.slug)] for d in domains) for year in years}
    step = _nice_step(max(totals.values()))
    top = step * -(-max(totals.values()) // step)
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    slot = plot_w / len(years)
    bar = slot * 0.72
    parts = [f'<text x="{_LEFT}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    for tick in range(0, top + 1, step):
        y = _TOP + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{_LEFT}" y1="{y:.1f}" x2="{_W - _RIGHT}" y2="{y:.1f}" stroke="#dddddd"/>')
        parts.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    label_every = 1 if len(years) <= 16 else 2
    for i, year in enumerate(years):
        x = _LEFT + slot * i + (slot - bar) / 2
        base = _TOP + plot_h
        for colour, domain in zip(_colours(), domains):
            n = counts[(year, domain.slug)]
            if not n:
                continue
            h = plot_h * n / top
            base -= h
            label = domain.en if lang == "en" else domain.zh
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{year} · {escape(label)}: {n}</title></rect>"
            )
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{_TOP + plot_h + 16}" text-anchor="middle">{year}</text>')
    legend_top = _H + 4
    columns = 2
    for i, (colour, domain) in enumerate(zip(_colours(), domains)):
        lx = _LEFT + (i % columns) * (plot_w / columns)
        ly = legend_top + (i // columns) * _LEGEND_ROW
        label = domain.en if lang == "en" else domain.zh
        parts.append(f'<rect x="{lx:.1f}" y="{ly:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 18:.1f}" y="{ly + 10:.1f}">{escape(label)}</text>')
    height = legend_top + (-(-len(domains) // columns)) * _LEGEND_ROW + 8
    return _svg(height, parts)


def _colours():
    while True:
        yield from PALETTE


def _svg(height: float, parts: list[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{height:.0f}" viewBox="0 0 {_W} {height:.0f}" '
        'font-family="-apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="11" fill="#24292f">'
    )
    background = f'<rect width="{_W}" height="{height:.0f}" fill="#ffffff"/>'
    return "\n".join([head, background, *parts, "</svg>"]) + "\n"
