"""add and update through the real client against the fake services: all or nothing, byte for byte."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from conftest import write_list
from dnnpapers.curation.enrich import NeedTags, add_papers, suggest_tags, update_list
from dnnpapers.errors import DnnpapersError
from dnnpapers.access.loading import load_list
from fakes import ArxivPaper, Fault, recorded

TODAY = dt.date(2026, 11, 22)
MSD = ArxivPaper("1703.09844", "Multi-Scale Dense Networks for Resource Efficient Image Classification", ["Gao Huang"], dt.date(2017, 3, 1), abstract="We study early exits and multi-scale features.")
FAST = ArxivPaper("2004.02178", "FastBERT: a Self-distilling BERT with Adaptive Inference Time", ["Weijie Liu"], dt.date(2020, 4, 1))
# Synthetic papers use ids YYMM.9NNNN, which no real paper has (no month reached 90,000 submissions).
SYNTHETIC = ArxivPaper("2004.90001", "Synthetic test paper with a venue in its comment", ["Test Author"], dt.date(2020, 4, 1), comment="Accepted at ACL 2020")
CAVS = ArxivPaper("1712.04048", "Cavs: A Vertex-centric Programming Interface for Dynamic Neural Networks", ["Hao Zhang"], dt.date(2017, 12, 1))
EXISTING = {"id": "graves2016adaptive", "title": "Adaptive Computation Time for Recurrent Neural Networks", "authors": ["Alex Graves"], "year": 2016, "venue": "arXiv", "arxiv": "1603.08983", "tags": ["layer-skip"]}


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def root(tmp_path):
    return write_list(tmp_path / "list", [EXISTING])


def test_add_writes_the_entry_and_keeps_every_other_byte(root, services, http):
    services.add(MSD, citations=5000, influential=600, year=2018, venue="ICLR", venue_names=["International Conference on Learning Representations", "ICLR"])
    before = (root / "data" / "papers.yaml").read_bytes()
    report = add_papers(root, ["https://arxiv.org/abs/1703.09844v3"], http, tags=["early-exit"], focus="早退", today=TODAY)
    after = (root / "data" / "papers.yaml").read_bytes()
    assert after.startswith(before)
    assert after[len(before):].decode() == (
        "  - id: huang2017multiscale\n"
        "    title: Multi-Scale Dense Networks for Resource Efficient Image Classification\n"
        "    authors:\n"
        "      - Gao Huang\n"
        "    year: 2017\n"
        "    venue: ICLR 2018\n"
        "    arxiv: '1703.09844'\n"
        "    tags: [early-exit]\n"
        "    focus: 早退\n"
        "    added: 2026-11-22\n"
    )
    assert [e["id"] for e in report.added] == ["huang2017multiscale"] and report.warnings == []
    paper_list = load_list(root)
    assert paper_list.metrics["huang2017multiscale"].citations == 5000
    assert services.count("arxiv") == 1 and services.count("s2") == 1


def test_venue_from_the_arxiv_comment_when_s2_has_none(root, services, http):
    services.add(SYNTHETIC, citations=10)
    add_papers(root, ["2004.90001"], http, tags=["early-exit"], today=TODAY)
    (paper,) = [p for p in load_list(root).papers if p.arxiv == "2004.90001"]
    assert (paper.id, paper.venue) == ("author2020synthetic", "ACL 2020")


def test_a_paper_already_listed_is_reported_not_added(root, services, http):
    before = digest(root / "data" / "papers.yaml")
    report = add_papers(root, ["1603.08983v2"], http, tags=["layer-skip"], today=TODAY)
    assert report.added == [] and report.skipped == ["1603.08983 is already in the list as 'graves2016adaptive'"]
    assert digest(root / "data" / "papers.yaml") == before and services.requests == []


def test_an_unknown_id_adds_nothing_even_in_a_batch(root, services, http):
    services.add(MSD, citations=1)
    before = digest(root / "data" / "papers.yaml")
    with pytest.raises(DnnpapersError, match=r"^arXiv does not know 2101\.90001; nothing was added$"):
        add_papers(root, ["1703.09844", "2101.90001"], http, tags=["early-exit"], today=TODAY)
    assert digest(root / "data" / "papers.yaml") == before


def test_bad_ids_and_tags_are_refused_before_any_request(root, services, http):
    with pytest.raises(DnnpapersError, match="'abc' is not an arXiv id.*'1713.00001' is not an arXiv id"):
        add_papers(root, ["abc", "1713.00001"], http, tags=["early-exit"])
    with pytest.raises(DnnpapersError, match=r"unknown tag 'early-exits' \(did you mean 'early-exit'\?\)"):
        add_papers(root, ["1703.09844"], http, tags=["early-exits"])
    with pytest.raises(DnnpapersError, match=r"^--code: 'github.com/x' is not an http\(s\) link$"):
        add_papers(root, ["1703.09844"], http, tags=["early-exit"], code="github.com/x")
    assert services.requests == []


def test_without_tags_suggestions_are_named_or_asked(root, services, http):
    services.add(MSD, citations=1)
    with pytest.raises(NeedTags, match=r"1703\.09844 .*suggested: early-exit"):
        add_papers(root, ["1703.09844"], http)
    asked = []
    add_papers(root, ["1703.09844"], http, choose_tags=lambda record, s, taxonomy: asked.append(s) or ["early-exit", "survey"], today=TODAY)
    assert asked[0][0] == "early-exit"
    assert load_list(root).papers[-1].tags == ["early-exit", "survey"]


def test_semantic_scholar_failing_still_adds_with_a_warning(root, services, http):
    services.add(MSD)
    services.faults["s2"] += [Fault(429, recorded("s2/secondary_429_rate_limited.json"))] * 4
    report = add_papers(root, ["1703.09844"], http, tags=["early-exit"], today=TODAY)
    assert [e["venue"] for e in report.added] == ["arXiv"]
    assert report.warnings == ["Semantic Scholar: rate limited (HTTP 429) after retries; set SEMANTIC_SCHOLAR_API_KEY or try later; citation data is missing"]
    assert load_list(root).metrics == {}


def test_arxiv_failing_writes_nothing(root, services, http):
    services.faults["arxiv"] += [Fault(503)] * 4
    before = digest(root / "data" / "papers.yaml")
    with pytest.raises(DnnpapersError, match="^arXiv: HTTP 503$"):
        add_papers(root, ["1703.09844"], http, tags=["early-exit"])
    assert digest(root / "data" / "papers.yaml") == before


def test_add_by_exact_title_only(root, services, http):
    services.add(MSD, citations=1)
    report = add_papers(root, [], http, tags=["early-exit"], title="multi-scale dense networks for resource efficient image classification.", today=TODAY)
    assert [e["arxiv"] for e in report.added] == ["1703.09844"]
    with pytest.raises(DnnpapersError, match=r"no arXiv paper titled exactly 'Multi-Scale Dense Networks'; candidates: 1703\.09844"):
        add_papers(root, [], http, tags=["early-exit"], title="Multi-Scale Dense Networks")


def test_the_keyword_suggester_prefers_specific_topics():
    taxonomy = load_list(__import__("conftest").REPO).taxonomy
    assert suggest_tags(taxonomy, "Mixture-of-Experts with Expert Choice Routing", "sparse experts")[0] == "mixture-of-experts"
    assert suggest_tags(taxonomy, "A Survey of Early Exiting", "")[:2] == ["early-exit", "survey"]


def test_update_refreshes_metrics_only_and_reports_gains(root, services, http):
    (root / "data" / "metrics.yaml").write_text("metrics:\n  graves2016adaptive: {citations: 100, fetched: 2026-01-01}\n  gone2020paper: {citations: 1, fetched: 2026-01-01}\n")
    services.add(ArxivPaper("1603.08983", EXISTING["title"], ["Alex Graves"], dt.date(2016, 3, 1)), citations=180, influential=20)
    papers_before = digest(root / "data" / "papers.yaml")
    report = update_list(root, http, today=TODAY)
    assert (report.updated, report.gains, report.failures) == (1, [("graves2016adaptive", 100, 180)], [])
    assert (root / "data" / "metrics.yaml").read_text().endswith("metrics:\n  graves2016adaptive: {citations: 180, influential: 20, fetched: 2026-11-22}\n")
    assert digest(root / "data" / "papers.yaml") == papers_before


def test_update_proposes_venues_and_authors_and_applies_them_only_when_asked(tmp_path, services, http):
    msd = {"id": "huang2017multiscale", "title": MSD.title, "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "arXiv", "arxiv": "1703.09844", "tags": ["early-exit"]}
    cavs = {"id": "xu2017cavs", "title": "Cavs: An Efficient Runtime System for Dynamic Neural Networks", "authors": ["Shizhen Xu", "et al."], "year": 2017, "venue": "USENIX ATC 2018", "arxiv": "1712.04048", "tags": ["system"]}
    root = write_list(tmp_path, [msd, cavs])
    full = ArxivPaper(MSD.arxiv_id, MSD.title, ["Gao Huang", "Second Author"], MSD.published)  # synthetic second name
    services.add(full, citations=5000, year=2018, venue_names=["International Conference on Learning Representations"])
    services.add(CAVS, citations=50)
    before = (root / "data" / "papers.yaml").read_bytes()
    report = update_list(root, http, venues=True, authors=True, today=TODAY)
    assert report.proposals == ["huang2017multiscale: venue arXiv → ICLR 2018 (Semantic Scholar venue and year)", "huang2017multiscale: 2 authors from arXiv"]
    assert report.failures == ["xu2017cavs: arXiv lists 'Hao Zhang' first, the list 'Shizhen Xu'; left alone"]
    assert "-    venue: arXiv\n+    venue: ICLR 2018\n" in report.diff and "+      - Second Author\n" in report.diff
    assert (root / "data" / "papers.yaml").read_bytes() == before and not report.applied
    report = update_list(root, http, venues=True, authors=True, apply=True, today=TODAY)
    paper = load_list(root).papers[0]
    assert report.applied and (paper.venue, paper.authors) == ("ICLR 2018", ["Gao Huang", "Second Author"])
    after = (root / "data" / "papers.yaml").read_bytes().decode()
    assert after.split("  - id: xu2017cavs")[1] == before.decode().split("  - id: xu2017cavs")[1]


def test_update_only_named_papers_and_did_you_mean(root, services, http):
    with pytest.raises(DnnpapersError, match=r"not in the list: 'graves2016adaptve' \(did you mean 'graves2016adaptive'\?\)"):
        update_list(root, http, only=["graves2016adaptve"])
    report = update_list(root, http, only=["graves2016adaptive"], today=TODAY)
    assert report.failures == ["graves2016adaptive: unknown to Semantic Scholar"]


def test_update_authors_never_trades_et_al_for_a_shorter_list(tmp_path, services, http):
    entry = {"id": "huang2017multiscale", "title": MSD.title, "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}
    root = write_list(tmp_path, [entry])
    services.add(MSD, citations=1)  # arXiv (the fake) knows only the first author
    report = update_list(root, http, authors=True, apply=True, today=TODAY)
    assert report.proposals == [] and not report.applied
    assert report.failures == ["huang2017multiscale: arXiv lists 1 author, no more than the list; left alone"]
    assert load_list(root).papers[0].authors == ["Gao Huang", "et al."]
