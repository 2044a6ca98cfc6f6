"""Two commands at once lose nothing: each applies its change to the list as it is under the lock.

Every test runs the command that waits as a real ``dnnpapers`` process, against
a real HTTP server that answers it slowly, and lands the other command meanwhile
from this process (through the CLI, in process: still another process than the
waiting one, so the lock between them is the lock between two processes).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
import time

from conftest import invoke_dnnpapers, write_list
from dnnpapers.access.loading import load_list
from fakes import ArxivPaper

# Synthetic papers (ids YYMM.9NNNN exist nowhere), with synthetic DBLP keys for venue proposals.
A = ArxivPaper("2001.90001", "Synthetic paper A on early exits", ["Test Author"], dt.date(2020, 1, 1))
B = ArxivPaper("2001.90002", "Synthetic paper B on layer skipping", ["Test Author"], dt.date(2020, 1, 1))
C = ArxivPaper("2001.90003", "Synthetic paper C on dynamic width", ["Test Author"], dt.date(2020, 1, 1))
NEW = ArxivPaper("2001.90004", "Synthetic paper D, added while another command runs", ["Test Author"], dt.date(2020, 1, 1))
VENUES = [(A, "conf/iclr/AuthorA21", "ICLR"), (B, "conf/icml/AuthorB21", "ICML"), (C, "conf/cvpr/AuthorC21", "CVPR")]


def _entry(p: ArxivPaper, key: str) -> dict:
    return {"id": key, "title": p.title, "authors": p.authors, "year": 2020, "venue": "arXiv", "arxiv": p.arxiv_id, "tags": ["early-exit"]}


def _list(tmp_path, services):
    for paper, dblp, venue in VENUES:
        services.add(paper, citations=10, dblp=dblp, venue_names=[venue])
    services.add(NEW, citations=77)
    root = write_list(tmp_path, [_entry(A, "author2020a"), _entry(B, "author2020b"), _entry(C, "author2020c")])
    return root


def _start(args, root, base, services):
    """A dnnpapers process in the background, as conftest.run_dnnpapers would run it."""
    import os

    env = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(root / ".cache"), "NO_COLOR": "1"}
    env.pop("SEMANTIC_SCHOLAR_API_KEY", None)
    return subprocess.Popen(
        [sys.executable, "-m", "dnnpapers", *args, "--root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL,
    )


def _wait_for_request(services, service: str, count: int = 1, timeout: float = 30) -> None:
    ends = time.monotonic() + timeout
    while services.count(service) < count:
        assert time.monotonic() < ends, f"no request to {service}"
        time.sleep(0.02)


def _finish(process) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    assert "Traceback" not in err, err
    return process.returncode, out, err


def test_update_while_add_lands_keeps_the_new_papers_metrics(tmp_path, server):
    services, base = server
    root = _list(tmp_path, services)
    services.slow["s2"] = [held := threading.Event()]  # answered once the other command has landed
    update = _start(["update"], root, base, services)
    _wait_for_request(services, "s2")
    done = invoke_dnnpapers(["add", NEW.arxiv_id, "--tag", "layer-skip"], root, base, services)
    assert done.returncode == 0, done.stderr
    held.set()
    assert _finish(update)[0] == 0
    final = load_list(root)
    assert [p.arxiv for p in final.papers] == [A.arxiv_id, B.arxiv_id, C.arxiv_id, NEW.arxiv_id]
    new_id = final.papers[-1].id
    assert final.metrics[new_id].citations == 77
    assert {pid: m.citations for pid, m in final.metrics.items()} == {"author2020a": 10, "author2020b": 10, "author2020c": 10, new_id: 77}


def test_add_while_update_lands_keeps_the_new_citation_counts(tmp_path, server):
    services, base = server
    root = _list(tmp_path, services)
    assert invoke_dnnpapers(["update"], root, base, services).returncode == 0  # A, B, C at 10
    for paper in (A, B, C):
        services.s2[f"arxiv:{paper.arxiv_id}"]["citationCount"] = 500
    services.slow["s2"] = [held := threading.Event()]  # answered once the other command has landed
    add = _start(["add", NEW.arxiv_id, "--tag", "layer-skip"], root, base, services)
    _wait_for_request(services, "s2", services.count("s2") + 1)
    assert invoke_dnnpapers(["update", "--refresh"], root, base, services).returncode == 0
    held.set()
    assert _finish(add)[0] == 0
    final = load_list(root)
    assert {pid: m.citations for pid, m in final.metrics.items()} == {"author2020a": 500, "author2020b": 500, "author2020c": 500, final.papers[-1].id: 77}


def test_update_apply_while_remove_lands_puts_each_venue_on_its_own_paper(tmp_path, server):
    services, base = server
    root = _list(tmp_path, services)
    assert invoke_dnnpapers(["update"], root, base, services).returncode == 0
    services.slow["s2"] = [held := threading.Event()]  # answered once the other command has landed
    update = _start(["update", "--venues", "--apply", "--refresh"], root, base, services)
    _wait_for_request(services, "s2", services.count("s2") + 1)
    assert invoke_dnnpapers(["remove", "author2020b"], root, base, services).returncode == 0
    held.set()
    code, out, err = _finish(update)
    assert code == 0, err
    final = load_list(root)
    assert [(p.id, p.venue) for p in final.papers] == [("author2020a", "ICLR 2021"), ("author2020c", "CVPR 2021")]
    assert set(final.metrics) == {"author2020a", "author2020c"}
    assert "author2020b: removed from the list while this ran" in err


def test_update_apply_while_tag_lands_keeps_both_changes(tmp_path, server):
    services, base = server
    root = _list(tmp_path, services)
    services.slow["s2"] = [held := threading.Event()]  # answered once the other command has landed
    update = _start(["update", "--venues", "--apply"], root, base, services)
    _wait_for_request(services, "s2")
    done = invoke_dnnpapers(["tag", "author2020c", "--add", "layer-skip"], root, base, services)
    assert done.returncode == 0, done.stderr
    held.set()
    assert _finish(update)[0] == 0
    final = {p.id: p for p in load_list(root).papers}
    assert final["author2020c"].tags == ["early-exit", "layer-skip"]
    assert [final[k].venue for k in ("author2020a", "author2020b", "author2020c")] == ["ICLR 2021", "ICML 2021", "CVPR 2021"]


def test_render_while_add_runs_writes_whole_outputs_of_one_moment(tmp_path, server):
    services, base = server
    root = _list(tmp_path, services)
    services.slow["s2"] = [held := threading.Event()]  # answered once the other command has landed
    add = _start(["add", NEW.arxiv_id, "--tag", "layer-skip"], root, base, services)
    _wait_for_request(services, "s2")
    assert invoke_dnnpapers(["render"], root, base, services).returncode == 0
    held.set()
    assert _finish(add)[0] == 0
    rendered = json.loads((root / "generated" / "papers.json").read_text(encoding="utf-8"))
    assert [p["arxiv"] for p in rendered["papers"]] == [A.arxiv_id, B.arxiv_id, C.arxiv_id]
    assert len(load_list(root).papers) == 4
    assert invoke_dnnpapers(["render", "--check"], root, base, services).returncode == 1  # the page shows the moment before the add
    assert invoke_dnnpapers(["render"], root, base, services).returncode == 0
    assert invoke_dnnpapers(["render", "--check"], root, base, services).returncode == 0
