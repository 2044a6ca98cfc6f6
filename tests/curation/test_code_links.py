"""Code links: from arXiv's record into `add` and `update --code`, stars from GitHub into the metrics and onto the pages.

The services answer in their recorded formats (tests/fixtures/arxiv/*code-links*, tests/fixtures/github/*)
from a real HTTP server on 127.0.0.1; the commands run in process (CliRunner) with the real client.
"""

from __future__ import annotations

import datetime as dt

from conftest import invoke, invoke_dnnpapers, write_list
from dnnpapers.access.loading import load_list
from dnnpapers.curation.code_links import code_proposal
from dnnpapers.model.models import Paper
from dnnpapers.sources.arxiv import parse_feed
from fakes import Fault, recorded

CODE_FEED = "arxiv/new_multi_id_1605.08386_2104.12255_code-links_EDITED.xml"
ATOM = {"content-type": "application/atom+xml; charset=utf-8"}
HEAT = {"id": "stanley2016heatbath", "title": "Heat-bath random walks with Markov bases", "authors": ["Caprice Stanley", "Tobias Windisch"],
        "year": 2016, "venue": "arXiv", "arxiv": "1605.08386", "tags": ["early-exit"]}
ZERO = {"id": "nguyen2021zero", "title": "0", "authors": ["Quan Thoi Minh Nguyen"], "year": 2021, "venue": "arXiv", "arxiv": "2104.12255",
        "code": "https://github.com/example-org/hand-picked", "tags": ["early-exit"]}


def _records():
    return {r.arxiv_id: r for r in parse_feed(recorded(CODE_FEED))[0]}


def test_add_fills_code_from_the_arxiv_comment(tmp_path, server):
    services, base = server
    services.faults["arxiv"].append(Fault(200, recorded(CODE_FEED), ATOM))
    root = write_list(tmp_path, [])
    done = invoke_dnnpapers(["add", "1605.08386", "--tag", "early-exit"], root, base, services)
    assert done.returncode == 0, done.stderr
    assert "  code: https://github.com/example-org/heat-bath-walks (named on arXiv)\n" in done.stdout
    (paper,) = load_list(root).papers
    assert paper.code == "https://github.com/example-org/heat-bath-walks"
    assert "    code: https://github.com/example-org/heat-bath-walks\n" in (root / "data" / "papers.yaml").read_text()


def test_add_keeps_the_curators_code_over_arxivs(tmp_path, server):
    services, base = server
    services.faults["arxiv"].append(Fault(200, recorded(CODE_FEED), ATOM))
    root = write_list(tmp_path, [])
    done = invoke_dnnpapers(["add", "1605.08386", "--tag", "early-exit", "--code", "https://gitlab.com/example-org/mine"], root, base, services)
    assert done.returncode == 0 and "named on arXiv" not in done.stdout
    assert load_list(root).papers[0].code == "https://gitlab.com/example-org/mine"


def test_a_checked_link_or_one_arxiv_also_names_is_never_proposed_for_change():
    records = _records()
    paper = Paper(**{**ZERO, "code": "https://github.com/Example-Org/base-library/tree/main"})  # one of the two the abstract names
    assert code_proposal(paper, records["2104.12255"]) is None
    assert code_proposal(Paper(**ZERO), records["2104.12255"]) == ("https://github.com/example-org/zero-experiments", "arXiv abstract")
    assert code_proposal(Paper(**HEAT), records["1605.08386"]) == ("https://github.com/example-org/heat-bath-walks", "arXiv comment")
    assert code_proposal(Paper(**{**HEAT, "code": "https://github.com/example-org/heat-bath-walks.git"}), records["1605.08386"]) is None
    assert code_proposal(Paper(**{**ZERO, "code_checked": True}), records["2104.12255"]) is None  # a curator checked it


def test_update_code_shows_current_to_proposed_and_writes_only_with_apply(tmp_path, server):
    services, base = server
    services.add_repo("example-org/heat-bath-walks", 1234)
    services.add_repo("example-org/hand-picked", 8)
    services.add_repo("example-org/zero-experiments", 99)
    root = write_list(tmp_path, [HEAT, ZERO])
    before = (root / "data" / "papers.yaml").read_bytes()
    services.faults["arxiv"].append(Fault(200, recorded(CODE_FEED), ATOM))
    done = invoke_dnnpapers(["update", "--code"], root, base, services)
    assert done.returncode == 0, done.stderr
    assert "proposed: stanley2016heatbath: code none → https://github.com/example-org/heat-bath-walks (arXiv comment)\n" in done.stdout
    assert ("proposed: nguyen2021zero: code https://github.com/example-org/hand-picked → https://github.com/example-org/zero-experiments "
            "(arXiv abstract)\n") in done.stdout
    assert "-    code: https://github.com/example-org/hand-picked\n+    code: https://github.com/example-org/zero-experiments\n" in done.stdout
    assert "run again with --apply" in done.stderr
    assert (root / "data" / "papers.yaml").read_bytes() == before  # the curator's link stays until --apply
    assert load_list(root).metrics["nguyen2021zero"].stars == 8  # the link as it is has its stars

    services.faults["arxiv"].append(Fault(200, recorded(CODE_FEED), ATOM))
    done = invoke_dnnpapers(["update", "--code", "--apply", "--refresh"], root, base, services)
    assert done.returncode == 0 and "applied to papers.yaml" in done.stderr
    now = load_list(root)
    assert [p.code for p in now.papers] == ["https://github.com/example-org/heat-bath-walks", "https://github.com/example-org/zero-experiments"]
    assert now.metrics["stanley2016heatbath"].stars == 1234 and now.metrics["nguyen2021zero"].stars == 99  # the new links' stars, same run
    assert invoke(["check", "--root", str(root)]).returncode == 0


def test_update_stores_stars_and_last_push_and_the_pages_show_them(tmp_path, server):
    services, base = server
    services.add_repo("example-org/heat-bath-walks", 1234, "2026-10-14T06:41:09Z")
    services.add_repo("example-org/renamed", 5, "2024-02-03T00:00:00Z", archived=True, moved_from="example-org/hand-picked")
    root = write_list(tmp_path, [{**HEAT, "code": "https://github.com/example-org/heat-bath-walks"}, ZERO])
    done = invoke_dnnpapers(["update"], root, base, services)
    assert done.returncode == 0, done.stderr
    assert "updated stars of 2 code repositories\n" in done.stdout
    assert "warning: nguyen2021zero: GitHub says example-org/hand-picked is now example-org/renamed; `update --code` proposes the new link\n" in done.stderr
    metrics = (root / "data" / "metrics.yaml").read_text()
    assert ("  stanley2016heatbath: {fetched: %s, repository: example-org/heat-bath-walks, stars: 1234, pushed: 2026-10-14}\n"
            % dt.date.today()) in metrics
    assert "repository: example-org/hand-picked, stars: 5, pushed: 2024-02-03, archived: true}" in metrics
    assert invoke(["render", "--root", str(root)]).returncode == 0
    page = (root / "generated" / "materials.md").read_text()
    assert "[code](https://github.com/example-org/heat-bath-walks) ★ 1,234" in page
    assert "[代码](https://github.com/example-org/heat-bath-walks) ★ 1,234" in (root / "generated" / "materials.zh.md").read_text()
    site = (root / "generated" / "site" / "index.html").read_text()
    assert '<a href="https://github.com/example-org/heat-bath-walks">code</a> <span class="stars" title="Stars on GitHub">★ 1,234</span>' in site
    assert '"stars":1234' in (root / "generated" / "papers.json").read_text().replace(" ", "")
    assert invoke(["render", "--check", "--root", str(root)]).returncode == 0
    shown = invoke(["show", "stanley2016heatbath", "--root", str(root)]).stdout
    assert f"repository: example-org/heat-bath-walks: 1,234 stars, last push 2026-10-14, fetched {dt.date.today()}" in shown


def test_a_changed_link_shows_no_stars_of_the_old_repository(tmp_path, server):
    services, base = server
    services.add_repo("example-org/heat-bath-walks", 1234)
    root = write_list(tmp_path, [{**HEAT, "code": "https://github.com/example-org/heat-bath-walks"}])
    assert invoke_dnnpapers(["update"], root, base, services).returncode == 0
    papers = root / "data" / "papers.yaml"
    papers.write_text(papers.read_text().replace("example-org/heat-bath-walks", "example-org/elsewhere"))
    assert invoke(["render", "--root", str(root)]).returncode == 0
    assert "★" not in (root / "generated" / "materials.md").read_text()


def test_unknown_repositories_and_a_spent_limit_are_warnings_and_what_was_fetched_is_kept(tmp_path, server):
    services, base = server
    services.add_repo("example-org/heat-bath-walks", 1234)
    root = write_list(tmp_path, [{**HEAT, "code": "https://github.com/example-org/heat-bath-walks"}, ZERO,
                                 {**ZERO, "id": "third2021", "title": "Third", "arxiv": "2104.90001", "code": "https://github.com/example-org/third"}])
    services.github_left = 2
    done = invoke_dnnpapers(["update"], root, base, services)
    assert done.returncode == 0, done.stderr
    assert "warning: GitHub does not know example-org/hand-picked (HTTP 404: renamed away, deleted or private); its stars are unknown\n" in done.stderr
    assert ("warning: GitHub: rate limit reached (HTTP 403); it resets at 2026-12-06 01:00 UTC; set GITHUB_TOKEN for 5,000 requests an hour; "
            "stars of 1 repository not fetched this run\n") in done.stderr
    assert "Traceback" not in done.stderr
    metrics = load_list(root).metrics
    assert metrics["stanley2016heatbath"].stars == 1234
    assert metrics["nguyen2021zero"].repository == "example-org/hand-picked" and metrics["nguyen2021zero"].stars is None
    assert "third2021" not in metrics or metrics["third2021"].repository is None


def test_the_token_is_sent_and_never_printed(tmp_path, server):
    services, base = server
    services.github_token = "s3cret-token-value"
    root = write_list(tmp_path, [{**HEAT, "code": "https://github.com/example-org/heat-bath-walks"}])
    done = invoke_dnnpapers(["update"], root, base, services, GITHUB_TOKEN="not-the-token")
    assert done.returncode == 0
    assert "warning: GitHub: bad credentials (HTTP 401): check GITHUB_TOKEN; stars of 1 repository not fetched this run\n" in done.stderr
    assert "not-the-token" not in done.stdout + done.stderr
    assert [r.headers.get("authorization") for name, r in services.requests if name == "github"] == ["Bearer not-the-token"]


def test_check_rejects_a_code_that_is_no_link_with_its_line(tmp_path):
    root = write_list(tmp_path, [{**HEAT, "code": "not-a-url"}])
    done = invoke(["check", "--root", str(root)])
    assert done.returncode == 1
    line = (root / "data" / "papers.yaml").read_text().splitlines().index("    code: not-a-url") + 1
    assert done.stdout == f"{root / 'data' / 'papers.yaml'}:{line}:5: 'code': 'not-a-url' is not an http(s) link\n"


def test_the_library_fetches_each_repository_once_with_progress(tmp_path, services, http):
    from dnnpapers.curation.enrich import update_list

    services.add_repo("example-org/heat-bath-walks", 1234)
    root = write_list(tmp_path, [{**HEAT, "code": "https://github.com/example-org/heat-bath-walks"},
                                 {**ZERO, "code": "https://github.com/Example-Org/heat-bath-walks/tree/main"}])  # one repository, two papers
    started, ticks = [], []

    def progress(label, total):
        started.append((label, total))
        return lambda n: ticks.append((label, n))

    report = update_list(root, http, progress=progress, today=dt.date(2026, 12, 6))
    assert ("GitHub", 1) in started and sum(n for label, n in ticks if label == "GitHub") == 1 and services.count("github") == 1
    assert report.starred == 2
    metrics = load_list(root).metrics
    assert metrics["stanley2016heatbath"].stars == metrics["nguyen2021zero"].stars == 1234
    assert metrics["nguyen2021zero"].repository == "Example-Org/heat-bath-walks"  # as its link names it
    assert metrics["nguyen2021zero"].fetched == dt.date(2026, 12, 6)


def test_the_refresh_summary_says_what_github_did(tmp_path, server):
    services, base = server
    services.add_repo("example-org/heat-bath-walks", 1234)
    root = write_list(tmp_path, [{**HEAT, "code": "https://github.com/example-org/heat-bath-walks"}, ZERO])
    done = invoke_dnnpapers(["update", "--summary", str(tmp_path / "summary.md")], root, base, services)
    assert done.returncode == 0
    body = (tmp_path / "summary.md").read_text()
    assert "Stars refreshed for 1 code repositories." in body
    assert "### Warnings\n\n- GitHub does not know example-org/hand-picked (HTTP 404" in body


def test_update_code_proposes_a_renamed_repositorys_new_address(tmp_path, server):
    services, base = server
    services.add_repo("example-org/heat-bath-walks", 1234, moved_from="example-org/old-walks")
    services.faults["arxiv"].append(Fault(200, recorded("arxiv/new_single_id_1605.08386_unversioned.xml"), ATOM))  # names no code
    root = write_list(tmp_path, [{**HEAT, "code": "https://github.com/example-org/old-walks"}])
    done = invoke_dnnpapers(["update", "--code", "--apply"], root, base, services)
    assert done.returncode == 0, done.stderr
    assert ("proposed: stanley2016heatbath: code https://github.com/example-org/old-walks → https://github.com/example-org/heat-bath-walks "
            "(GitHub: example-org/old-walks was renamed)\n") in done.stdout
    now = load_list(root)
    assert now.papers[0].code == "https://github.com/example-org/heat-bath-walks"
    assert now.metrics["stanley2016heatbath"].repository == "example-org/heat-bath-walks" and now.metrics["stanley2016heatbath"].stars == 1234
