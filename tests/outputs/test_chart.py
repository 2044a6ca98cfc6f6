"""The papers-per-year chart: well-formed SVG, one bar segment per year and domain, labels as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import write_list
from dnnpapers.outputs.chart import papers_per_year
from dnnpapers.access.loading import load_list

SVG = "{http://www.w3.org/2000/svg}"


def entry(i, year, tag):
    return {"id": f"p{i}", "title": f"Paper {i}", "authors": ["A B"], "year": year, "tags": [tag]}


def test_segments_count_papers_by_year_and_first_tags_domain(tmp_path):
    root = write_list(tmp_path, [entry(1, 2019, "early-exit"), entry(2, 2019, "layer-skip"), entry(3, 2021, "system"), entry(4, 2021, "survey")])
    svg = ET.fromstring(papers_per_year(load_list(root), "en"))
    segments = [r.find(f"{SVG}title").text for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert segments == ["2019 · Dynamic depth: 2", "2021 · Surveys: 1", "2021 · Dynamic NN systems: 1"]
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"2019", "2020", "2021"} <= set(labels)


def test_chinese_chart_uses_chinese_labels_and_escapes_text(tmp_path):
    root = write_list(tmp_path, [entry(1, 2020, "early-exit")])
    taxonomy = root / "data" / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("zh: 动态网络深度", "zh: 深度 <&>"), encoding="utf-8")
    svg = ET.fromstring(papers_per_year(load_list(root), "zh"))
    assert "深度 <&>" in [t.text for t in svg.iter(f"{SVG}text")]
