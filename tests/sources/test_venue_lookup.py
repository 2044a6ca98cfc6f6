"""Venues you can cite: DBLP's record, then Crossref's, then the weak hints; each with its source."""

from __future__ import annotations

import datetime as dt

import pytest

from dnnpapers.curation.enrich import add_papers
from dnnpapers.access.loading import load_list
from fakes import ArxivPaper, Fault, crossref_message, dblp_hit

from conftest import write_list

# Facts from the reference data: ids, arXiv titles, first authors, arXiv months, venues and their years.
MSD = ArxivPaper("1703.09844", "Multi-Scale Dense Networks for Resource Efficient Image Classification", ["Gao Huang"], dt.date(2017, 3, 1))
AIG = ArxivPaper("1711.11503", "Convolutional Networks with Adaptive Inference Graphs", ["Andreas Veit"], dt.date(2017, 11, 1))
SWITCH = ArxivPaper("2101.03961", "Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity", ["William Fedus"], dt.date(2021, 1, 1))
SURVEY = ArxivPaper("2102.04906", "Dynamic Neural Networks: A Survey", ["Yizeng Han"], dt.date(2021, 2, 1))
BRANCHY = ArxivPaper("1709.01686", "BranchyNet: Fast Inference via Early Exiting from Deep Neural Networks", ["Surat Teerapittayanon"], dt.date(2017, 9, 1))
SURVEY_DOI = "10.1109/TPAMI.2021.3117837"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def root(tmp_path):
    return write_list(tmp_path, [])


@pytest.fixture
def five(services):
    """Semantic Scholar dates each by its preprint (the quirk); DBLP and Crossref know the published records."""
    services.add(MSD, citations=1, venue_names=["International Conference on Learning Representations"])
    services.add(AIG, citations=1, venue_names=["European Conference on Computer Vision"])
    services.add(SWITCH, citations=1, venue_names=["Journal of machine learning research"])
    services.add(SURVEY, citations=1, venue_names=["IEEE Transactions on Pattern Analysis and Machine Intelligence"])
    services.add(BRANCHY, citations=1, venue_names=["International Conference on Pattern Recognition"])
    services.s2[f"arxiv:{SURVEY.arxiv_id}"]["externalIds"]["DOI"] = SURVEY_DOI
    services.add_dblp(
        dblp_hit(MSD.title, MSD.authors, "ICLR", 2018),
        dblp_hit(AIG.title, AIG.authors, "ECCV", 2018),
        dblp_hit(SWITCH.title, SWITCH.authors, "J. Mach. Learn. Res.", 2022, kind="Journal Articles"),
        dblp_hit(BRANCHY.title, BRANCHY.authors, "ICPR", 2016),
    )
    services.crossref[SURVEY_DOI.lower()] = crossref_message(
        SURVEY_DOI, "journal-article", "IEEE Transactions on Pattern Analysis and Machine Intelligence", print_year=2022, online_year=2021
    )
    return services


def test_the_five_papers_get_their_published_venue_and_first_year(root, five, http):
    report = add_papers(root, [MSD.arxiv_id, AIG.arxiv_id, SWITCH.arxiv_id, SURVEY.arxiv_id, BRANCHY.arxiv_id], http, tags=["early-exit"], today=TODAY)
    assert report.warnings == []
    papers = {p.arxiv: p for p in load_list(root).papers}
    assert {a: (p.venue, p.year) for a, p in papers.items()} == {
        MSD.arxiv_id: ("ICLR 2018", 2017),
        AIG.arxiv_id: ("ECCV 2018", 2017),
        SWITCH.arxiv_id: ("JMLR 2022", 2021),
        SURVEY.arxiv_id: ("TPAMI 2022", 2021),
        BRANCHY.arxiv_id: ("ICPR 2016", 2016),  # the venue before arXiv v1: year is the earlier
    }
    assert papers[BRANCHY.arxiv_id].id == "teerapittayanon2016branchynet"
    metrics = load_list(root).metrics
    assert metrics[papers[MSD.arxiv_id].id].venue_source == "DBLP search"
    assert metrics[papers[SURVEY.arxiv_id].id].venue_source == f"Crossref DOI {SURVEY_DOI}"


def test_show_prints_where_the_venue_came_from(root, five, http, runner):
    from dnnpapers.cli import app

    add_papers(root, [SURVEY.arxiv_id], http, tags=["survey"], today=TODAY)
    shown = runner.invoke(app, ["show", "han2021dynamic", "--root", str(root)])
    assert shown.exit_code == 0, shown.output
    assert f"venue source: Crossref DOI {SURVEY_DOI}" in shown.output


def test_a_paper_dblp_lacks_falls_back_to_the_weak_hints_with_their_source(root, services, http):
    paper = ArxivPaper("2004.90061", "Synthetic paper DBLP does not know", ["Test Author"], dt.date(2020, 4, 1), comment="Accepted at ACL 2020")
    services.add(paper, citations=1)
    add_papers(root, [paper.arxiv_id], http, tags=["early-exit"], today=TODAY)
    (entry,) = load_list(root).papers
    assert entry.venue == "ACL 2020"
    assert load_list(root).metrics[entry.id].venue_source == "arXiv comment or journal_ref"


def test_dblp_and_crossref_faults_are_warnings_and_the_paper_is_added(root, five, http):
    five.faults["dblp"] += [Fault(503)] * 10
    five.faults["crossref"] += [Fault(500)] * 10
    report = add_papers(root, [SURVEY.arxiv_id, AIG.arxiv_id], http, tags=["survey"], today=TODAY)
    assert [e["arxiv"] for e in report.added] == [SURVEY.arxiv_id, AIG.arxiv_id]
    assert any(w.startswith("DBLP: HTTP 503") for w in report.warnings) and any(w.startswith("Crossref: HTTP 500") for w in report.warnings)
    assert five.count("dblp") == 4  # one lookup's tries, then DBLP is left alone for the rest of the run


def test_update_venues_proposes_dblps_venue_over_a_curators_but_never_over_a_checked_one(tmp_path, five, http):
    from dnnpapers.curation.enrich import update_list

    wrong = {"id": "huang2017multiscale", "title": MSD.title, "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICML 2018", "arxiv": MSD.arxiv_id, "tags": ["early-exit"]}
    checked = {"id": "veit2017convolutional", "title": AIG.title, "authors": ["Andreas Veit", "et al."], "year": 2017, "venue": "ECCV 2019", "venue_checked": True, "arxiv": AIG.arxiv_id, "tags": ["layer-skip"]}
    root = write_list(tmp_path, [wrong, checked])
    report = update_list(root, http, venues=True, today=TODAY)
    assert report.proposals == ["huang2017multiscale: venue ICML 2018 → ICLR 2018 (DBLP search)"]
    assert not report.applied and load_list(root).papers[0].venue == "ICML 2018"  # nothing written without --apply
    report = update_list(root, http, venues=True, apply=True, today=TODAY)
    assert [p.venue for p in load_list(root).papers] == ["ICLR 2018", "ECCV 2019"]
    assert load_list(root).metrics["huang2017multiscale"].venue_source == "DBLP search"
