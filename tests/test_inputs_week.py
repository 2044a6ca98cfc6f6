"""Issue 22, where inputs meet: bounded reads, large renders, init's files, title lookups and one-run checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from dnnpapers.paperlist import papers_problems, taxonomy_from_text

TAXONOMY = taxonomy_from_text((SCENARIOS / "taxonomy.yaml").read_bytes(), "data/taxonomy.yaml")


def _cli(*args: str, cwd: Path, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dnnpapers", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )


# --- check: every problem in one run -------------------------------------------------------------------------

_ENTRY = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["fake2024a", "fake2024b", "fake2024c"]),
        "title": st.sampled_from(["Paper A", "Paper B", "paper b.", "Paper C"]),
        "arxiv": st.sampled_from(["2404.90001", "2404.90002", "2404.90003"]),
        "broken": st.sets(st.sampled_from(["year", "tag", "authors", "venue"])),
    }
)


def _papers_yaml(entries: list[dict], repaired: bool) -> bytes:
    """One entry per paper; each breakage keeps its line, so a repaired file locates everything the same."""
    lines = ["papers:"]
    for e in entries:
        broken = set() if repaired else e["broken"]
        lines += [
            f"  - id: {e['id']}",
            f"    title: {e['title']}",
            f"    authors: {'[]' if 'authors' in broken else '[Fake Author]'}",
            f"    year: {'20024' if 'year' in broken else '2024'}",
            f"    venue: {'Somewhere' if 'venue' in broken else 'arXiv'}",
            f"    arxiv: \"{e['arxiv']}\"",
            f"    tags: [{'not-a-topic' if 'tag' in broken else 'early-exit'}]",
        ]
    return ("\n".join(lines) + "\n").encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ENTRY, min_size=2, max_size=6))
def test_duplicates_are_reported_in_the_same_run_as_the_entries_own_problems(entries):
    """Fixing a bad year, tag, author list or venue never reveals a duplicate the run before did not report."""
    broken = {str(p) for p in papers_problems(_papers_yaml(entries, False), "data/papers.yaml", TAXONOMY)}
    repaired = {str(p) for p in papers_problems(_papers_yaml(entries, True), "data/papers.yaml", TAXONOMY)}
    assert {p for p in repaired if "duplicate" in p} == {p for p in broken if "duplicate" in p}
    assert repaired <= broken


def test_the_every_problem_scenario_holds_all_kinds_at_once():
    """The scenario that pins this down really mixes per-entry problems with every duplicate kind."""
    expected = (SCENARIOS / "every-problem-in-one-run" / "expected.txt").read_text(encoding="utf-8")
    for needle in ("unknown tag", "YAML reads 2404.90002 as a number", "year 20017", "duplicate id", "duplicate title", "duplicate arXiv id"):
        assert needle in expected
