"""No input may crash the process: every hostile file ends in a located message and exit 1."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import REPO, write_list
from dnnpapers.errors import ProblemsFound
from dnnpapers.limits import MAX_TOPIC_DEPTH
from dnnpapers.access.paperlist import load_exact
from dnnpapers.access.loading import load_list
from dnnpapers.access.quick import accept_list
from dnnpapers.access.loading import check_list

# yaml-rs overflowed its stack (exit 139, no output) on about 10,000 block levels.
DEEP = "papers:\n" + "- " * 15_000 + "x\n"
FILES = ["papers.yaml", "taxonomy.yaml", "page.yaml", "metrics.yaml", "talks.yaml", "dismissed.yaml"]


def _cli(root, *args):
    return subprocess.run(
        [sys.executable, "-m", "dnnpapers", *args, "--root", str(root)], capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )


def _in_process(root, *args):
    """``_cli`` run in this process (conftest's ``invoke``): for a message, an exit code and files, a process adds nothing.
    The bound is a count of levels (libyaml's, the exact path's); where the pure-Python composer recurses instead, its
    RecursionError gives the same located message, so the deeper stack of a test runner changes nothing asserted here
    (and any other RecursionError would show as a traceback, which the tests refuse)."""
    from conftest import invoke

    return invoke([*args, "--root", str(root)])


@pytest.mark.parametrize("name", FILES)
def test_deeply_nested_yaml_in_any_data_file_is_a_located_problem_not_a_crash(tmp_path, name):
    """`check` runs as a real process first: a parser overflowing its native stack (yaml-rs did, exit 139) fails this
    test rather than killing the test runner; `render --check` and `list` then read the same file in process."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    (tmp_path / "data" / name).write_text(DEEP, encoding="utf-8")
    for command in (["check"], ["render", "--check"], ["list"]):
        done = _cli(tmp_path, *command) if command == ["check"] else _in_process(tmp_path, *command)
        assert done.returncode == 1, (command, done.returncode, done.stderr)
        assert f"data/{name}:" in done.stdout and "nested more than 64 levels deep" in done.stdout
        assert "Traceback" not in done.stderr


def _taxonomy(levels: int) -> str:
    lines = ["taxonomy:"]
    for level in range(levels):
        pad = "  " * (2 * level)
        lines += [f"{pad}  - slug: t{level}", f"{pad}    en: Topic {level}", f"{pad}    zh: 主题{level}"]
        if level < levels - 1:
            lines.append(f"{pad}    children:")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [MAX_TOPIC_DEPTH + 1, 40, 400])
def test_a_taxonomy_too_deep_is_refused_by_both_paths_alike(tmp_path, levels):
    root = write_list(tmp_path, [])
    (root / "data" / "taxonomy.yaml").write_text(_taxonomy(levels), encoding="utf-8")
    assert accept_list(root) is None
    with pytest.raises(ProblemsFound) as exact:
        load_exact(root)
    with pytest.raises(ProblemsFound) as quick:
        check_list(root)
    assert exact.value.problems == quick.value.problems
    assert all(p.path.endswith("data/taxonomy.yaml") for p in exact.value.problems)


def test_a_deep_taxonomy_gives_the_same_verdict_whether_or_not_papers_yaml_has_problems(tmp_path):
    root = write_list(tmp_path, [])
    (root / "data" / "taxonomy.yaml").write_text(_taxonomy(40), encoding="utf-8")
    alone = _in_process(root, "check")
    (root / "data" / "papers.yaml").write_text("papers:\n  - id: Bad\n", encoding="utf-8")
    with_bad_papers = _in_process(root, "check")
    assert alone.returncode == with_bad_papers.returncode == 1
    assert "data/taxonomy.yaml" in alone.stdout and "data/taxonomy.yaml" in with_bad_papers.stdout


def test_a_taxonomy_at_the_depth_limit_loads_and_renders(tmp_path):
    root = write_list(tmp_path, [])
    (root / "data" / "taxonomy.yaml").write_text(_taxonomy(MAX_TOPIC_DEPTH), encoding="utf-8")
    assert len(load_list(root).taxonomy.by_slug) == MAX_TOPIC_DEPTH
    done = _in_process(root, "render")
    assert done.returncode == 0, done.stderr
