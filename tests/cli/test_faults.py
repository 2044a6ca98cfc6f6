"""Faults: interrupted writes lose nothing; every network fault ends cleanly and in bounded time."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

import httpx
import pytest

from conftest import invoke_dnnpapers, write_list
from dnnpapers.access.loading import load_list
from fakes import ArxivPaper, Fault, recorded

MSD = ArxivPaper("1703.09844", "Multi-Scale Dense Networks for Resource Efficient Image Classification", ["Gao Huang"], dt.date(2017, 3, 1))
KILL_AT = {
    "after the temporary file is made": "files.os.fdopen",
    "after writing, before fsync": "files.os.fsync",
    "just before the rename": "files.os.replace",
}


@pytest.mark.parametrize("point", KILL_AT)
def test_a_write_killed_at_any_point_leaves_the_old_file_whole(tmp_path, point):
    target = tmp_path / "papers.yaml"
    target.write_bytes(b"papers: []\n" * 1000)
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from dnnpapers.storage import files\n"
        f"real = {KILL_AT[point]}\n"
        f"{KILL_AT[point]} = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
        "files.atomic_write(Path(sys.argv[1]), b'new content' * 100000)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True)
    assert done.returncode == -9
    assert target.read_bytes() == b"papers: []\n" * 1000



def run_add(root, base, services, retries: int = 3, timeout: float = 0.5):
    start = time.perf_counter()
    done = invoke_dnnpapers(["add", "1703.09844", "--tag", "early-exit"], root, base, services, DNNPAPERS_HTTP_TIMEOUT=str(timeout), DNNPAPERS_HTTP_BACKOFF="0.01",
                            DNNPAPERS_HTTP_RETRIES=str(retries))
    return done, time.perf_counter() - start


BOMB = '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><feed xmlns="http://www.w3.org/2005/Atom">&c;</feed>'
FAULTS = {
    "reset connection": [Fault(raise_=httpx.ReadError)] * 4,
    "timeout": [Fault(delay=1.5)] * 4,  # with one retry (RETRIES_FOR) and a 0.2 s limit (TIMEOUT_FOR): two waits, not four of 0.5 s
    "429 without Retry-After": [Fault(429, "Rate exceeded.")] * 4,
    "503": [Fault(503, "Service Unavailable")] * 4,
    "garbage": [Fault(200, bytes(range(256)) * 4)],
    "truncated": [Fault(200, recorded("arxiv/new_single_id_1605.08386_unversioned.xml")[:900])],
    "entity bomb": [Fault(200, BOMB)],
    "html with 200": [Fault(200, "<!DOCTYPE html><html><body>Down for maintenance</body></html>")],
}
RETRIES_FOR = {"timeout": 1}
TIMEOUT_FOR = {"timeout": 0.2}  # the others keep 0.5 s, so a slow machine does not turn their fault into a timeout


@pytest.mark.parametrize("fault", FAULTS)
def test_arxiv_faults_exit_1_in_one_line_and_write_nothing(tmp_path, server, fault):
    services, base = server
    services.add(MSD, citations=1)
    services.faults["arxiv"] += FAULTS[fault]
    root = write_list(tmp_path, [])
    before = (root / "data" / "papers.yaml").read_bytes()
    done, elapsed = run_add(root, base, services, RETRIES_FOR.get(fault, 3), TIMEOUT_FOR.get(fault, 0.5))
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("dnnpapers: arXiv: ") and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert (root / "data" / "papers.yaml").read_bytes() == before
    assert elapsed < 20


@pytest.mark.parametrize("fault", FAULTS)
def test_semantic_scholar_faults_only_cost_the_citations(tmp_path, server, fault):
    services, base = server
    services.add(MSD, citations=1)
    services.faults["s2"] += FAULTS[fault]
    root = write_list(tmp_path, [])
    done, elapsed = run_add(root, base, services, RETRIES_FOR.get(fault, 3), TIMEOUT_FOR.get(fault, 0.5))
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("warning: Semantic Scholar: ") and "citation data is missing" in done.stderr
    assert [p.arxiv for p in load_list(root).papers] == ["1703.09844"]
    assert elapsed < 20
