"""The list this repository ships: valid, complete over the taxonomy, and right where the old page was wrong."""

from __future__ import annotations

import pytest

from conftest import REPO
from dnnpapers.access.loading import load_list

REQUIRED_SLUGS = {
    "survey": None,
    "early-exit": "早退",
    "layer-skip": "跳层",
    "dynamic-width": None,
    "dynamic-routing": None,
    "dynamic-parameters": None,
    "spatial": None,
    "temporal": None,
    "system": None,
    "compiler": None,
    "accelerator": None,
}


@pytest.fixture(scope="module")
def shipped():
    return load_list(REPO)


def by_arxiv(shipped, arxiv_id):
    (paper,) = [p for p in shipped.papers if p.arxiv == arxiv_id]
    return paper


def test_the_slugs_pages_rely_on_exist_with_their_labels(shipped):
    for slug, zh in REQUIRED_SLUGS.items():
        assert slug in shipped.taxonomy
        if zh:
            assert shipped.taxonomy[slug].zh == zh


def test_every_reference_row_is_in_the_list(shipped):
    assert len(shipped.papers) == 289
    assert sum(1 for p in shipped.papers if p.arxiv is None) == 9


def test_every_paper_topic_has_papers(shipped):
    empty = [n.slug for n in shipped.taxonomy.walk() if not n.children and not shipped.tagged(n.slug)]
    assert empty == ["challenges"]  # the survey's §7 has no paper rows


def test_the_old_pages_papers_carry_corrected_facts(shipped):
    msdnet = by_arxiv(shipped, "1703.09844")
    assert (msdnet.year, msdnet.venue) == (2017, "ICLR 2018")  # the old page said ICML
    assert msdnet.focus.startswith("早退/单模型多退出通道")
    assert by_arxiv(shipped, "2004.02178").venue == "ACL 2020"
    assert by_arxiv(shipped, "2004.02178").focus == "早退/Bert模型第一个早退"
    assert by_arxiv(shipped, "1711.11503").venue == "ECCV 2018"
    assert by_arxiv(shipped, "1711.11503").focus == "Gating function，减少20%~30%计算"
    survey = by_arxiv(shipped, "2102.04906")
    assert (survey.venue, survey.doi, survey.tags) == ("TPAMI 2022", "10.1109/TPAMI.2021.3117837", ["survey"])


def test_cavs_keeps_its_conference_title_and_names_the_arxiv_one(shipped):
    cavs = by_arxiv(shipped, "1712.04048")
    assert cavs.title == "Cavs: An Efficient Runtime System for Dynamic Neural Networks"
    assert cavs.authors[0] == "Shizhen Xu" and cavs.venue == "USENIX ATC 2018"
    assert "A Vertex-centric Programming Interface" in cavs.notes


def test_corrected_venues_from_the_reference(shipped):
    venues = {p.title: p.venue for p in shipped.papers}
    assert venues["HydraNets: Specialized Dynamic Architectures for Efficient Inference"] == "CVPR 2018"
    assert venues["BlockDrop: Dynamic Inference Paths in Residual Networks"] == "CVPR 2018"
    assert venues["Learning to Stop While Learning to Predict"] == "ICML 2020"
    assert by_arxiv(shipped, "2006.03031").venue == "MLSys 2021"


def test_no_id_is_filled_where_the_reference_withholds_it(shipped):
    iamnn = [p for p in shipped.papers if p.title.startswith("IamNN")][0]
    assert iamnn.arxiv is None  # only one source gave 1804.10123


def test_budget_adaptive_networks_say_so(shipped):
    for arxiv_id in ("1812.08928", "1903.05134", "1908.09791"):
        assert "not to each input" in by_arxiv(shipped, arxiv_id).notes


def test_papers_file_points_editors_at_the_schema():
    first = (REPO / "data" / "papers.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../generated/papers.schema.json"


def by_id(shipped, paper_id):
    (paper,) = [p for p in shipped.papers if p.id == paper_id]
    return paper


def test_a_single_author_paper_names_its_author_and_no_et_al(shipped):
    assert by_id(shipped, "graves2016adaptive").authors == ["Alex Graves"]


def test_full_author_lists_replace_et_al_and_the_rest_keep_it(shipped):
    full = [p for p in shipped.papers if p.authors[-1] != "et al."]
    assert len(full) == 146 and not [p.id for p in full if "et al." in p.authors]
    assert all(p.authors[-1] == "et al." and len(p.authors) == 2 for p in shipped.papers if p not in full)
    assert by_id(shipped, "teerapittayanon2016branchynet").authors == ["Surat Teerapittayanon", "Bradley McDanel", "HT Kung"]  # 'Kung, HT'
    assert by_id(shipped, "huang2017multiscale").authors == ["Gao Huang", "et al."]  # no source gave the full list


def test_initials_stay_initials_and_a_fuller_listed_first_name_is_kept(shipped):
    assert by_id(shipped, "mullapudi2018hydranets").authors == ["Ravi Teja Mullapudi", "WR Mark", "N Shazeer", "K Fatahalian"]
    assert by_id(shipped, "figurnov2016spatially").authors[:3] == ["Michael Figurnov", "MD Collins", "Y Zhu"]  # 'Collins MD; Zhu Y'


def test_new_papers_carry_the_sourced_first_author_year_and_venue(shipped):
    h2o = by_arxiv(shipped, "2306.14048")
    assert (h2o.id, h2o.authors, h2o.year, h2o.venue, h2o.tags) == ("zhang2023h2o", ["Zhenyu Zhang", "et al."], 2023, "NeurIPS 2023", ["token-level"])
    assert by_arxiv(shipped, "2402.07871").authors == ["Krajewski", "et al."]  # a source gives the surname only
    assert by_arxiv(shipped, "2105.15082").venue == "arXiv"  # no source named a venue
    assert by_arxiv(shipped, "2310.07707").notes.endswith("not to each input.")  # MatFormer is budget-adaptive


def test_papers_without_a_sourced_first_author_or_outside_the_taxonomy_stay_out(shipped):
    listed = {p.arxiv for p in shipped.papers}
    assert not {"2401.04081", "2205.06126", "2302.09915", "2506.05709"} & listed  # no source names the first author
    assert "2309.17453" not in listed  # StreamingLLM keeps fixed positions: not input-adaptive


def test_speculative_decoding_is_an_extension_node_holding_the_drafting_papers(shipped):
    node = shipped.taxonomy["speculative-decoding"]
    assert node.en.endswith("(extension)") and node.zh.endswith("（扩展节点）") and node.description.startswith("Not a section")
    assert shipped.taxonomy.root_of("speculative-decoding") == "temporal"
    tagged = {p.arxiv for p in shipped.tagged("speculative-decoding")}
    assert {"2211.17192", "2401.10774", "2401.15077", "2305.09781", "2404.16710"} <= tagged and len(tagged) == 16
