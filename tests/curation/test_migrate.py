"""Moving in: the group's old page and BibTeX exports become entries; nothing is guessed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dnnpapers.errors import DnnpapersError
from dnnpapers.curation.migrate import import_bib, import_page, map_heading, read_page
from dnnpapers.access.loading import load_list
from dnnpapers.curation.scaffold import init_list
from fakes import FIXTURES, ArxivPaper

TODAY = dt.date(2026, 11, 22)
OLD_PAGE = FIXTURES / "old-materials-page.md"
# What arXiv says of the old page's papers: ids, arXiv titles and first authors from the reference data.
SURVEY = ArxivPaper("2102.04906", "Dynamic Neural Networks: A Survey", ["Yizeng Han"], dt.date(2021, 2, 1))
MSD = ArxivPaper("1703.09844", "Multi-Scale Dense Networks for Resource Efficient Image Classification", ["Gao Huang"], dt.date(2017, 3, 1))
FAST = ArxivPaper("2004.02178", "FastBERT: a Self-distilling BERT with Adaptive Inference Time", ["Weijie Liu"], dt.date(2020, 4, 1))
AIG = ArxivPaper("1711.11503", "Convolutional Networks with Adaptive Inference Graphs", ["Andreas Veit"], dt.date(2017, 11, 1))
CAVS = ArxivPaper("1712.04048", "Cavs: A Vertex-centric Programming Interface for Dynamic Neural Networks", ["Hao Zhang"], dt.date(2017, 12, 1))


@pytest.fixture
def fresh(tmp_path) -> Path:
    root = tmp_path / "list"
    init_list(root, "Dynamic Neural Network Materials", tool="dnnpapers @ git+https://example.org/dnnpapers@v0.1.0")
    return root


@pytest.fixture
def known(services):
    services.add(SURVEY, citations=1)
    services.add(MSD, citations=1, year=2018, venue_names=["International Conference on Learning Representations", "ICLR"])
    services.add(FAST, citations=1)
    services.add(AIG, citations=1)
    services.add(CAVS, citations=1)
    return services


def test_the_old_page_reads_as_its_paper_rows():
    rows = read_page(OLD_PAGE.read_text(encoding="utf-8"))
    assert [(r.section, r.date, r.title, r.focus) for r in rows] == [
        ("早退", "2018 ICML", "Multi-scale dense networks for resource efficient image classification", "早退/单模型多退出通道，多Scala"),
        ("早退", "2020 ACL", "FastBERT: a Self-distilling BERT with Adaptive Inference Time", "早退/Bert模型第一个早退"),
        ("跳层", "2018 ECCV", "Convolutional Networks with Adaptive Inference Graphs", "Gating function，减少20%~30%计算"),
        ("Dynamic Neural Network System", "2018 ATC", "Cavs: An Efficient Runtime System for Dynamic Neural Networks", None),
    ]
    assert rows[0].venue_claim == "ICML 2018" and rows[0].line == 74


def test_headings_map_by_label_by_a_word_close_to_a_slug_or_by_map():
    taxonomy = load_list(Path(__file__).resolve().parent.parent.parent).taxonomy
    assert map_heading("早退", taxonomy, {}) == ("early-exit", "its label")
    assert map_heading("Dynamic Neural Network Acclerator", taxonomy, {}) == ("accelerator", "a word close to its slug")
    assert map_heading("Dynamic Neural Network Survey", taxonomy, {}) == ("survey", "a word close to its slug")
    assert map_heading("跳层机制", taxonomy, {"跳层机制": "layer-skip"}) == ("layer-skip", "--map")
    assert map_heading("Book", taxonomy, {})[0] is None


def test_the_old_page_imports_into_a_fresh_list(fresh, known, http):
    report = import_page(fresh, OLD_PAGE, http, today=TODAY)
    papers = {p.arxiv: p for p in load_list(fresh).papers}
    assert sorted(papers) == ["1703.09844", "1711.11503", "2004.02178"]
    assert (papers["1703.09844"].tags, papers["1703.09844"].venue, papers["1703.09844"].focus) == (["early-exit"], "ICLR 2018", "早退/单模型多退出通道，多Scala")
    assert (papers["1711.11503"].tags, papers["1711.11503"].venue) == (["layer-skip"], "ECCV 2018")  # no service venue: the page's claim
    assert report.added.differences == [
        "1703.09844 (Multi-Scale Dense Networks for Resource Efficient Image Classification): the page says 'ICML 2018', the services say 'ICLR 2018' (Semantic Scholar venue and year); kept 'ICLR 2018'"
    ]
    assert report.unresolved == [
        "old-materials-page.md:94: 'Cavs: An Efficient Runtime System for Dynamic Neural Networks': no arXiv paper with exactly this title; candidates: 1712.04048 'Cavs: A Vertex-centric Programming Interface for Dynamic Neural Networks' (its title differs)"
        " — the closest of the 4 records arXiv answered; only a paper titled exactly so is taken (add it by its arXiv id)"
    ]
    assert "'Dynamic Neural Network System' → system (a word close to its slug)" in report.mapping


def test_a_dry_run_reports_and_writes_nothing(fresh, known, http):
    before = (fresh / "data" / "papers.yaml").read_bytes()
    report = import_page(fresh, OLD_PAGE, http, dry_run=True, today=TODAY)
    assert len(report.added.added) == 3 and (fresh / "data" / "papers.yaml").read_bytes() == before


def test_a_bad_map_is_refused_before_any_request(fresh, services, http):
    with pytest.raises(DnnpapersError, match="write HEADING=SLUG"):
        import_page(fresh, OLD_PAGE, http, maps=["跳层"])
    with pytest.raises(DnnpapersError, match=r"unknown tag 'layer-skp' \(did you mean 'layer-skip'\?\)"):
        import_page(fresh, OLD_PAGE, http, maps=["跳层=layer-skp"])
    assert services.requests == []


def test_bibtex_entries_resolve_by_eprint_url_doi_or_title(fresh, known, http, tmp_path):
    known.s2["doi:10.1109/tpami.2021.3117837"] = {**known.s2["arxiv:2102.04906"], "externalIds": {"ArXiv": "2102.04906"}}
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@inproceedings{a, title={Multi-Scale Dense Networks}, eprint={1703.09844}, archivePrefix={arXiv}, keywords={early-exit}}\n"
        "@article{b, title={FastBERT}, journal={arXiv preprint arXiv:2004.02178}, keywords={early-exit}}\n"
        "@article{c, title={Dynamic Neural Networks: A Survey}, doi={10.1109/TPAMI.2021.3117837}, keywords={survey, other}}\n"
        "@inproceedings{d, title={{Convolutional Networks with Adaptive Inference Graphs}}, keywords={layer-skip}}\n"
        "@misc{e, title={Something Else Entirely}, keywords={system}}\n"
        "@misc{f, title={No Tags Here}}\n",
        encoding="utf-8",
    )
    report = import_bib(fresh, bib, http, today=TODAY)
    tags = {p.arxiv: p.tags for p in load_list(fresh).papers}
    assert tags == {"1703.09844": ["early-exit"], "2004.02178": ["early-exit"], "2102.04906": ["survey"], "1711.11503": ["layer-skip"]}
    assert report.unresolved == [
        "refs.bib:6 (f): no tag: give --tag or list taxonomy slugs in its keywords field",
        "refs.bib:5 (e): 'Something Else Entirely': no arXiv paper with exactly this title; candidates: none",
    ]


SKIP = ArxivPaper("1711.09485", "SkipNet: Learning Dynamic Routing in Convolutional Networks", ["Xin Wang"], dt.date(2017, 11, 1))


@pytest.mark.parametrize("link", ["https://arxiv.org/abs/1711.09485", "https://arxiv.org/pdf/1711.09485v2.pdf", "http://www.arxiv.org/abs/1711.09485v1"])
def test_every_link_form_resolves_by_its_id_without_a_title_search(fresh, services, http, tmp_path, link):
    services.add(SKIP, citations=1)
    page = tmp_path / "page.md"
    page.write_text(f"## 跳层\n\n| Date | Paper |\n| --- | --- |\n| 2018 ECCV | [SkipNet]({link}) |\n", encoding="utf-8")
    report = import_page(fresh, page, http, today=TODAY)
    assert [e["arxiv"] for e in report.added.added] == ["1711.09485"]
    assert not any("search_query" in str(r.url) for _, r in services.requests)


def test_link_matching_stays_linear_on_a_cell_full_of_brackets():
    import time

    def parse_seconds(n: int) -> float:
        """The best of five runs: a busy machine only ever adds time, and a single short run is mostly noise."""
        text = "## 早退\n\n| Date | Paper |\n| --- | --- |\n| 2020 | " + "[" * n + " |\n#" + " " * n + "x\n"
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            read_page(text)
            runs.append(time.perf_counter() - start)
        return min(runs)

    small, large = parse_seconds(10_000), parse_seconds(100_000)
    assert large < 1.0 and large < 30 * max(small, 1e-4)  # quadratic would be 100 times the small case


def test_the_pages_eccv_2018_is_kept_when_semantic_scholar_dates_it_by_the_preprint(fresh, services, http):
    services.add(AIG, citations=1, year=2017, venue_names=["European Conference on Computer Vision"])
    report = import_page(fresh, OLD_PAGE, http, today=TODAY)
    (paper,) = [p for p in load_list(fresh).papers if p.arxiv == AIG.arxiv_id]
    assert (paper.venue, paper.year) == ("ECCV 2018", 2017)
    assert not any(AIG.arxiv_id in line for line in report.added.differences)
