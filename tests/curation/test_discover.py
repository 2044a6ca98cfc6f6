"""discover: candidates from a local server speaking arXiv's and Semantic Scholar's formats, ranked by the list."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from conftest import invoke_dnnpapers, write_list
from dnnpapers.sources import arxiv
from fakes import ArxivPaper, Fault, s2_paper

# Synthetic papers (ids YYMM.9NNNN), with abstracts written for these tests.
LISTED = [
    {"id": "author2020exits", "title": "Early exits for adaptive inference in deep networks", "authors": ["Test Author"], "year": 2020,
     "arxiv": "2001.90101", "tags": ["early-exit"], "focus": "internal classifiers let easy inputs exit early"},
    {"id": "author2020skip", "title": "Learning to skip layers per input", "authors": ["Test Author"], "year": 2020,
     "arxiv": "2001.90102", "tags": ["layer-skip"], "focus": "a gate decides per input which residual blocks to skip"},
    {"id": "author2020exits2", "title": "Confidence based early exiting for language models", "authors": ["Test Author"], "year": 2020,
     "arxiv": "2001.90103", "tags": ["early-exit"], "focus": "exit when the internal classifier is confident"},
]
WEEK = dt.date(2024, 4, 22)


def _paper(n: int, title: str, abstract: str, day: int = 0, category: str = "cs.LG") -> ArxivPaper:
    return ArxivPaper(f"2404.9{n:04d}", title, ["Candidate Author"], WEEK + dt.timedelta(days=day), abstract=abstract, category=category)


EXIT = _paper(1, "Early exiting vision transformers with internal classifiers", "We attach internal classifiers so that easy images exit early from the network, an adaptive inference scheme.", 1)
SKIP = _paper(2, "Input-adaptive layer skipping with learned gates", "A gate per residual block decides for each input whether to skip the layer.", 2)
QUANT = _paper(3, "Post-training quantization of convolutional networks to four bits", "We quantize weights and activations of a fixed network after training.", 3)
OTHER = _paper(4, "A survey of graph databases", "Query languages and storage engines for graph data.", 4, category="cs.DB")
LATE = _paper(5, "Early exit networks published after the window", "Internal classifiers exit early.", 12)
# A week holds many papers that are not the list's: the background the ranking learns against.
TOPICS = ["protein folding with diffusion models", "federated optimisation under client drift", "graph neural networks for molecules",
          "reinforcement learning for robot grasping", "speech recognition with self-supervised audio", "causal discovery from observational data",
          "time series forecasting with state space models", "tabular data benchmarks for boosting", "differential privacy in language models",
          "image segmentation of medical scans", "recommendation systems with contrastive learning", "weather forecasting with neural operators"]
BACKGROUND = [_paper(40 + i, f"Studies in {topic}", f"We study {topic} on standard benchmarks and report strong results.", i % 7) for i, topic in enumerate(TOPICS)]
IN_WINDOW = {EXIT.arxiv_id, SKIP.arxiv_id, QUANT.arxiv_id} | {p.arxiv_id for p in BACKGROUND}


@pytest.fixture
def listed_root(tmp_path, server):
    services, base = server
    root = write_list(tmp_path / "list", LISTED)
    for entry in LISTED:
        services.add(ArxivPaper(entry["arxiv"], entry["title"], entry["authors"], dt.date(2020, 1, 1), abstract=entry["focus"]))
    for paper in (EXIT, SKIP, QUANT, OTHER, LATE, *BACKGROUND):
        services.add(paper)
    return root, services, base


def _discover(root, base, services, *args):
    return invoke_dnnpapers(["discover", "--since", "2024-04-22", "--until", "2024-04-28", *args], root, base, services)


def test_the_report_ranks_in_window_candidates_and_tags_them(listed_root):
    root, services, base = listed_root
    done = _discover(root, base, services, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    ids = [c["arxiv"] for c in report["candidates"]]
    assert set(ids) == IN_WINDOW and report["considered"] == len(IN_WINDOW)  # not cs.DB, not after the window
    assert set(ids[:2]) == {EXIT.arxiv_id, SKIP.arxiv_id}  # the input-adaptive ones first
    by_id = {c["arxiv"]: c for c in report["candidates"]}
    assert by_id[EXIT.arxiv_id]["tags"][0] == "early-exit" and by_id[SKIP.arxiv_id]["tags"][0] == "layer-skip"
    assert by_id[EXIT.arxiv_id]["like"][0] in ("author2020exits", "author2020exits2")
    assert by_id[EXIT.arxiv_id]["source"] == ["arxiv"]
    (window,) = [r for s, r in services.requests if s == "arxiv" and "submittedDate" in str(r.url)]
    assert window.url.params["max_results"] == "2000" and window.url.params["sortBy"] == "submittedDate"
    assert "cat:cs.LG" in window.url.params["search_query"] and "submittedDate:[202404220000 TO 202404282359]" in window.url.params["search_query"]


def test_markdown_is_a_checklist_with_the_command_that_adds_each(listed_root):
    root, services, base = listed_root
    done = _discover(root, base, services)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("## Candidates 2024-04-22 – 2024-04-28\n")
    assert "- [ ] **Early exiting vision transformers with internal classifiers** (2024-04-23" in done.stdout
    assert f"`dnnpapers add {EXIT.arxiv_id} --tag early-exit`" in done.stdout


def test_the_same_inputs_give_the_same_bytes(listed_root):
    root, services, base = listed_root
    first = _discover(root, base, services).stdout
    assert _discover(root, base, services, "--refresh").stdout == first


def test_listed_and_dismissed_papers_never_come_back(listed_root):
    root, services, base = listed_root
    services.add(ArxivPaper("2404.90006", LISTED[0]["title"].upper(), ["Test Author"], WEEK))  # the same title, another id
    done = invoke_dnnpapers(["dismiss", QUANT.arxiv_id, "--reason", "static quantization"], root, base, services)
    assert done.returncode == 0 and done.stdout == f"dismissed {QUANT.arxiv_id}\n"
    assert invoke_dnnpapers(["check"], root, base, services).returncode == 0
    report = json.loads(_discover(root, base, services, "--format", "json").stdout)
    assert {c["arxiv"] for c in report["candidates"]} == IN_WINDOW - {QUANT.arxiv_id}


def test_semantic_scholar_recommendations_join_with_their_source(listed_root):
    root, services, base = listed_root
    recommended = s2_paper("Dynamic depth transformers that skip layers", 2024, 0, arxiv_id="2404.90007")
    recommended.update(abstract="Layers are skipped per token by a learned router.", publicationDate="2024-04-10")
    services.recommended = [recommended, s2_paper("No arXiv id", 2024, 0)]
    report = json.loads(_discover(root, base, services, "--format", "json").stdout)
    by_id = {c["arxiv"]: c for c in report["candidates"]}
    assert by_id["2404.90007"]["source"] == ["s2"] and by_id["2404.90007"]["date"] == "2024-04-10"
    (request,) = [r for s, r in services.requests if "recommendations" in str(r.url)]
    body = json.loads(request.content)
    assert body["positivePaperIds"] == [f"ARXIV:{e['arxiv']}" for e in LISTED] and body["negativePaperIds"] == []
    assert request.url.params["limit"] == "500" and "abstract" in request.url.params["fields"]


@pytest.mark.parametrize("broken", ["arxiv", "s2"])
def test_either_source_failing_is_a_warning_and_the_other_still_reports(listed_root, broken):
    root, services, base = listed_root
    recommended = s2_paper("Dynamic depth transformers that skip layers", 2024, 0, arxiv_id="2404.90007")
    services.recommended = [recommended]
    services.faults[broken] += [Fault(503)] * 20
    done = _discover(root, base, services, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "warning:" in done.stderr
    ids = {c["arxiv"] for c in json.loads(done.stdout)["candidates"]}
    assert ids == ({"2404.90007"} if broken == "arxiv" else IN_WINDOW)


def test_an_empty_week_is_an_empty_report(listed_root):
    root, services, base = listed_root
    done = invoke_dnnpapers(["discover", "--since", "2023-01-02", "--until", "2023-01-08", "--format", "json"], root, base, services)
    assert done.returncode == 0 and json.loads(done.stdout)["candidates"] == []


def test_offline_reports_from_the_cache_and_sends_nothing(listed_root):
    root, services, base = listed_root
    first = _discover(root, base, services).stdout
    sent = len(services.requests)
    assert _discover(root, base, services, "--offline").stdout == first
    assert len(services.requests) == sent


def test_the_window_is_paged_until_total_results(tmp_path, services, http):
    for n in range(7):
        services.add(_paper(20 + n, f"Synthetic paged paper {n}", "text", day=n % 7))
    pages = []
    records = arxiv.search_window(http, ["cs.LG"], WEEK, WEEK + dt.timedelta(days=6), page=3, on_page=lambda n, total: pages.append((n, total)))
    assert len(records) == 7 and pages == [(3, 7), (3, 7), (1, 7)]


def test_a_dismissed_paper_that_is_also_listed_is_a_located_problem(tmp_path):
    root = write_list(tmp_path, LISTED)
    (root / "data" / "dismissed.yaml").write_text(f"dismissed:\n  - arxiv: '{LISTED[0]['arxiv']}'\n    date: 2024-05-01\n  - arxiv: '2404.90003'\n    date: 2024-05-01\n  - arxiv: '2404.90003'\n    date: 2024-05-02\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "dnnpapers", "check", "--root", str(root)], capture_output=True, text=True)
    assert done.returncode == 1
    assert f"dismissed.yaml:2:5: '{LISTED[0]['arxiv']}' is dismissed but also listed as 'author2020exits'; keep it in one file" in done.stdout
    assert "dismissed.yaml:6:5: '2404.90003' is dismissed twice (first at line 4)" in done.stdout


def test_without_scikit_learn_the_command_names_the_extra(tmp_path):
    root = write_list(tmp_path, LISTED)
    code = "import sys; sys.modules['sklearn'] = None; sys.argv = ['dnnpapers', 'discover', '--offline', '--root', sys.argv[1]]; from dnnpapers.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, env={**os.environ, "DNNPAPERS_CACHE_DIR": str(tmp_path / "c")})
    assert done.returncode == 1
    assert done.stderr == "dnnpapers: ranking candidates needs scikit-learn, an optional extra: pip install 'dnnpapers[discover]'\n"


def test_add_without_tags_suggests_them_from_the_lists_classifier(tmp_path, services, http):
    from dnnpapers.curation.enrich import NeedTags, add_papers

    root = write_list(tmp_path, LISTED)
    services.add(EXIT, citations=1)
    with pytest.raises(NeedTags, match=r"give --tag; suggested: early-exit\b"):
        add_papers(root, [EXIT.arxiv_id], http)
