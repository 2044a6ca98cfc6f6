"""The commands as a user runs them: separate processes, real sockets to a local fake of both services."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys


from conftest import drain_pty, invoke_dnnpapers, write_list
from dnnpapers.access.loading import load_list
from fakes import ArxivPaper

MSD = ArxivPaper("1703.09844", "Multi-Scale Dense Networks for Resource Efficient Image Classification", ["Gao Huang"], dt.date(2017, 3, 1))
FAST = ArxivPaper("2004.02178", "FastBERT: a Self-distilling BERT with Adaptive Inference Time", ["Weijie Liu"], dt.date(2020, 4, 1))





def test_add_then_render_check_and_update(tmp_path, server):
    services, base = server
    services.add(MSD, citations=4200)
    root = write_list(tmp_path, [])
    done = invoke_dnnpapers(["add", "1703.09844", "--tag", "early-exit"], root, base, services)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "added huang2017multiscale: Multi-Scale Dense Networks for Resource Efficient Image Classification (arXiv) [early-exit]\n"
    assert load_list(root).metrics["huang2017multiscale"].citations == 4200
    assert invoke_dnnpapers(["render"], root, base, services).returncode == 0
    services.s2["arxiv:1703.09844"]["citationCount"] = 4300
    done = invoke_dnnpapers(["update", "--refresh"], root, base, services)
    assert done.returncode == 0 and "huang2017multiscale: 4200 → 4300 (+100)" in done.stdout
    assert invoke_dnnpapers(["render", "--check"], root, base, services).returncode == 1  # the citation count is on the page


def test_a_rerun_within_a_day_sends_nothing_and_offline_works(tmp_path, server):
    services, base = server
    services.add(MSD, citations=1)
    root = write_list(tmp_path, [])
    assert invoke_dnnpapers(["update"], root, base, services).returncode == 0
    sent = len(services.requests)
    assert invoke_dnnpapers(["update"], root, base, services).returncode == 0
    assert invoke_dnnpapers(["update", "--offline"], root, base, services).returncode == 0
    assert len(services.requests) == sent


def test_errors_are_one_line_with_exit_1_and_the_list_untouched(tmp_path, server):
    services, base = server
    root = write_list(tmp_path, [])
    before = (root / "data" / "papers.yaml").read_bytes()
    for args, message in [
        (["add", "2101.90001", "--tag", "early-exit"], "dnnpapers: arXiv does not know 2101.90001; nothing was added\n"),
        (["add", "abc", "--tag", "early-exit"], "dnnpapers: 'abc' is not an arXiv id (new style 'YYMM.NNNNN', old style 'archive/YYMMNNN')\n"),
        (["add", "1703.09844", "--tag", "nope"], "dnnpapers: unknown tag 'nope': not in data/taxonomy.yaml\n"),
    ]:
        done = invoke_dnnpapers(args, root, base, services)
        assert (done.returncode, done.stderr) == (1, message)
        assert "Traceback" not in done.stdout + done.stderr
    assert (root / "data" / "papers.yaml").read_bytes() == before


def test_no_tag_without_a_terminal_names_the_suggestions(tmp_path, server):
    services, base = server
    services.add(ArxivPaper("1703.09844", "Multi-exit networks", ["Gao Huang"], dt.date(2017, 3, 1)))
    root = write_list(tmp_path, [])
    done = invoke_dnnpapers(["add", "1703.09844"], root, base, services)
    assert done.returncode == 1 and done.stderr == "dnnpapers: 1703.09844 (Multi-exit networks): give --tag; suggested: early-exit\n"


def test_a_dead_service_fails_fast(tmp_path, server):
    services, _ = server
    root = write_list(tmp_path, [])
    done = invoke_dnnpapers(["add", "1703.09844", "--tag", "early-exit"], root, "http://127.0.0.1:9", services)
    assert done.returncode == 1 and done.stderr.startswith("dnnpapers: arXiv: connection failed")


def test_two_adds_at_once_both_land(tmp_path, server):
    services, base = server
    services.latency = 0.2
    services.add(MSD, citations=1)
    services.add(FAST, citations=2)
    root = write_list(tmp_path, [])
    env = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(root / ".cache")}
    procs = [
        subprocess.Popen([sys.executable, "-m", "dnnpapers", "add", arxiv_id, "--tag", "early-exit", "--root", str(root)], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for arxiv_id in ("1703.09844", "2004.02178")
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    paper_list = load_list(root)
    assert sorted(p.arxiv for p in paper_list.papers) == ["1703.09844", "2004.02178"]
    assert sorted(paper_list.metrics) == ["huang2017multiscale", "liu2020fastbert"]


def test_on_a_terminal_add_asks_for_tags_with_the_suggestions(tmp_path, server):
    import pty
    import select

    services, base = server
    services.add(ArxivPaper("1703.09844", "Multi-exit networks", ["Gao Huang"], dt.date(2017, 3, 1)), citations=3)
    root = write_list(tmp_path, [])
    env = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(root / ".cache"), "NO_COLOR": "1", "TERM": "dumb"}
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dnnpapers", "add", "1703.09844", "--root", str(root)], stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    seen = b""
    while b"[early-exit]" not in seen:
        ready, _, _ = select.select([leader], [], [], 30)
        assert ready, seen
        seen += os.read(leader, 1024)
    assert b"Tags (comma-separated; ? lists them) [early-exit]:" in seen
    os.write(leader, b"early-exit, survey\n")
    assert proc.wait(timeout=30) == 0
    os.close(leader)
    assert load_list(root).papers[0].tags == ["early-exit", "survey"]


def test_the_tag_prompt_asks_again_on_a_typo_or_nothing_and_keeps_every_answer(tmp_path, server):
    import pty
    import select

    services, base = server
    papers = [
        ArxivPaper("2001.90031", "Synthetic multi-exit networks", ["Test Author"], dt.date(2020, 1, 1)),
        ArxivPaper("2001.90032", "Synthetic paper with no topic words", ["Test Author"], dt.date(2020, 1, 1)),
        ArxivPaper("2001.90033", "Another synthetic paper with no topic words", ["Test Author"], dt.date(2020, 1, 1)),
    ]
    for paper in papers:
        services.add(paper, citations=1)
    root = write_list(tmp_path, [])
    env = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(root / ".cache"), "NO_COLOR": "1", "TERM": "dumb"}
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dnnpapers", "add", *[p.arxiv_id for p in papers], "--root", str(root)],
                            stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    seen = b""

    def answer_after(prompt_count: int, text: bytes) -> None:
        nonlocal seen
        while seen.count(b"Tags (comma-separated") < prompt_count:
            ready, _, _ = select.select([leader], [], [], 30)
            assert ready, seen
            seen += os.read(leader, 4096)
        os.write(leader, text)

    answer_after(1, b"erly-exit\n")          # a typo: asked again, with a hint
    answer_after(2, b"?\n")                  # the list of tags
    answer_after(3, b"early-exit\n")
    answer_after(4, b"\n")                   # Enter with no suggestion: asked again
    answer_after(5, b"layer-skip\n")
    answer_after(6, b"survey, layer-skip\n")
    assert proc.wait(timeout=30) == 0, seen
    seen += drain_pty(leader, 0.5)
    os.close(leader)
    assert b"unknown tag 'erly-exit' (did you mean 'early-exit'?)" in seen
    assert b"give at least one tag; try again" in seen
    assert b"early-exit  Early exiting" in seen
    assert [p.tags for p in load_list(root).papers] == [["early-exit"], ["layer-skip"], ["survey", "layer-skip"]]
