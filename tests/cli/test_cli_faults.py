"""Faults around the files, through the real CLI: each is one line, exit 1 (130 for signals), files as they were.

Where the fault is in the files (a read-only folder, a full disk, a folder in a file's place) the command runs in this
process (``_in_process``); where it is the process's own (a signal, a file size limit, its standard output) it is a
real process (``_cli``)."""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import REPO, invoke_dnnpapers, read_only, write_list
from dnnpapers.access.loading import load_list
from fakes import ArxivPaper

PAPER = ArxivPaper("2001.90011", "Synthetic paper for fault tests", ["Test Author"], dt.date(2020, 1, 1))


def _digest(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and ".cache" not in p.parts and not p.name.endswith(".lock")}


def _leftovers(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*.tmp")]


READ_ONLY = ("read-only", "permission denied")


def _cli(args, root, base=None, services=None, cache=None, **popen):
    env = {**os.environ, "NO_COLOR": "1", "DNNPAPERS_CACHE_DIR": str(cache or root / ".cache")}
    if services is not None:
        env.update(services.environment(base))
    return subprocess.run(
        [sys.executable, "-m", "dnnpapers", *args, "--root", str(root)], capture_output=True, text=True, env=env,
        stdin=subprocess.DEVNULL, timeout=60, **popen,
    )


def _in_process(args, root, base=None, services=None, cache=None):
    """``_cli`` in this process (conftest's ``invoke``), where the fault is in the files, not in the process: the message, the
    exit code and the files are the same, and a start-up is saved. Stricter than a process, if anything: an OSError that
    escaped the command would be a traceback here, where ``main`` would still have worded it."""
    from conftest import invoke

    env = {"DNNPAPERS_CACHE_DIR": str(cache or root / ".cache")}
    if services is not None:
        env.update(services.environment(base), SEMANTIC_SCHOLAR_API_KEY=None, GITHUB_TOKEN=None)
    return invoke([*args, "--root", str(root)], **env)


def _one_line_failure(done, *fragments: str) -> None:
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and all(f in lines[0] for f in fragments), done.stderr


def _one_of(text: str, reasons: tuple[str, ...]) -> bool:
    return any(reason in text for reason in reasons)


def test_a_read_only_data_folder_is_one_line_and_nothing_changes(tmp_path, server):
    services, base = server
    services.add(PAPER, citations=3)
    root = write_list(tmp_path, [])
    before = _digest(root)
    with read_only(root / "data"):
        done = _in_process(["add", PAPER.arxiv_id, "--tag", "early-exit"], root, base, services)
    _one_line_failure(done, "data/papers.yaml")
    assert _one_of(done.stderr, READ_ONLY), done.stderr
    assert _digest(root) == before


def test_a_read_only_generated_folder_is_one_line_and_render_writes_nothing(tmp_path):
    root = write_list(tmp_path, [])
    assert _in_process(["render"], root).returncode == 0  # the outputs in place; only the render under the mount is the test
    (root / "data" / "page.yaml").write_text("title: A new title\n", encoding="utf-8")
    before = _digest(root)
    with read_only(root / "generated"):
        done = _in_process(["render"], root)
    _one_line_failure(done, "generated")
    assert _one_of(done.stderr, READ_ONLY), done.stderr
    assert _digest(root) == before


def test_a_folder_where_an_output_should_be_stops_render_before_any_write(tmp_path):
    root = write_list(tmp_path, [])
    assert _in_process(["render"], root).returncode == 0
    (root / "data" / "page.yaml").write_text("title: A new title\n", encoding="utf-8")
    (root / "generated" / "papers.bib").unlink()
    (root / "generated" / "papers.bib").mkdir()
    before = _digest(root)
    done = _in_process(["render"], root)  # a folder in a file's place: the files say it, not the process
    _one_line_failure(done, "generated/papers.bib", "is a folder, not a file")
    assert _digest(root) == before


@pytest.fixture
def small_disk():
    """A 256 KiB file system (tmpfs), so a full disk is real; needs root."""
    folder = Path(tempfile.mkdtemp(prefix="dnnpapers-disk-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip("cannot mount a small file system here (not root?)")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)
    folder.rmdir()


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system holding ``folder`` until about ``leave`` bytes are free."""
    free = shutil.disk_usage(folder).free
    (folder / "filler").write_bytes(b"\0" * max(0, free - leave))


def test_a_full_disk_during_add_changes_nothing(small_disk, server, tmp_path):
    services, base = server
    services.add(PAPER, citations=3)
    shutil.copytree(REPO / "data", small_disk / "data")  # papers.yaml of some 50 KB
    _fill(small_disk, 8 * 1024)
    before = _digest(small_disk)
    done = _in_process(["add", PAPER.arxiv_id, "--tag", "early-exit"], small_disk, base, services, cache=tmp_path / "cache")
    _one_line_failure(done, "data/papers.yaml", "no space left on the disk", "nothing was changed")
    assert _digest(small_disk) == before
    assert _leftovers(small_disk) == []


def test_a_full_disk_during_render_writes_no_output(small_disk):
    root = write_list(small_disk, [])
    _fill(small_disk, 4 * 1024)
    before = _digest(root)
    done = _in_process(["render"], root)
    _one_line_failure(done, "no space left on the disk")
    assert _digest(root) == before
    assert _leftovers(root) == []


def test_a_file_size_limit_is_one_line_not_a_killed_process(tmp_path, server):
    services, base = server
    services.add(PAPER, citations=3)
    shutil.copytree(REPO / "data", tmp_path / "data")
    before = _digest(tmp_path)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    done = _cli(["add", PAPER.arxiv_id, "--tag", "early-exit"], tmp_path, base, services, preexec_fn=limit)
    _one_line_failure(done, "data/papers.yaml", "file too large")
    assert _digest(tmp_path) == before


def test_a_symlinked_papers_file_stays_a_link_after_add(tmp_path, server):
    services, base = server
    services.add(PAPER, citations=3)
    root = write_list(tmp_path / "list", [])
    real = root / "elsewhere" / "papers.yaml"  # in the list: a link out of it is refused (tests/storage/test_outputs_confined.py)
    real.parent.mkdir()
    shutil.move(root / "data" / "papers.yaml", real)
    (root / "data" / "papers.yaml").symlink_to(real)
    assert invoke_dnnpapers(["add", PAPER.arxiv_id, "--tag", "early-exit"], root, base, services).returncode == 0
    assert (root / "data" / "papers.yaml").is_symlink()
    assert PAPER.arxiv_id in real.read_text(encoding="utf-8")
    assert [p.arxiv for p in load_list(root).papers] == [PAPER.arxiv_id]


def test_an_unwritable_cache_is_one_warning_and_the_paper_is_added(tmp_path, server):
    services, base = server
    services.add(PAPER, citations=3)
    root = write_list(tmp_path, [])
    (tmp_path / "cache-is-a-file").write_text("x")
    done = invoke_dnnpapers(["add", PAPER.arxiv_id, "--tag", "early-exit"], root, base, services, DNNPAPERS_CACHE_DIR=str(tmp_path / "cache-is-a-file"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning: answers are not cached:") == 1 and "cache-is-a-file" in done.stderr


def test_a_summary_into_a_missing_folder_is_refused_before_any_change(tmp_path, server):
    services, base = server
    services.add(PAPER, citations=3)
    root = write_list(tmp_path, [{"id": "author2020synthetic", "title": PAPER.title, "authors": PAPER.authors, "year": 2020, "arxiv": PAPER.arxiv_id, "tags": ["early-exit"]}])
    before = _digest(root)
    # in process: a usage error's exit code and stderr are click's, the same as a process's (tests/cli/test_cli_week.py runs one)
    done = invoke_dnnpapers(["update", "--summary", str(tmp_path / "missing" / "summary.md")], root, base, services)
    assert done.returncode == 2 and "Traceback" not in done.stderr  # a usage error: the option's folder is missing
    assert "summary.md: no such folder" in done.stderr.splitlines()[-1]
    assert _digest(root) == before and services.count("s2") == 0


@pytest.mark.parametrize("target", ["/dev/full", "closed"])
def test_standard_output_that_cannot_be_written_is_one_line(tmp_path, target):
    root = write_list(tmp_path, [])
    command = [sys.executable, "-m", "dnnpapers", "list", "--root", str(root)]
    if target == "closed":
        done = subprocess.run(" ".join(command) + " >&-", shell=True, capture_output=False, stderr=subprocess.PIPE, text=True, timeout=60)
    else:
        with open(target, "w") as full:
            done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [f"dnnpapers: cannot write to standard output ({'no space left on the disk' if target == '/dev/full' else 'standard output is closed'})"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_network_work_exits_130_and_leaves_the_list_as_it_was(tmp_path, server, signum):
    services, base = server
    services.add(PAPER, citations=3)
    root = write_list(tmp_path, [])
    before = _digest(root)
    services.slow["s2"] = [10.0]
    env = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(root / ".cache")}
    process = subprocess.Popen(
        [sys.executable, "-m", "dnnpapers", "add", PAPER.arxiv_id, "--tag", "early-exit", "--root", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL,
    )
    ends = time.monotonic() + 30
    while services.count("s2") < 1:
        assert time.monotonic() < ends and process.poll() is None, process.stderr.read() if process.poll() is not None else "no request"
        time.sleep(0.02)
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err == "dnnpapers: interrupted\n"
    assert _digest(root) == before and _leftovers(root) == []


TALK = ["talk", "add", "2026-12-09", "--presenter", "Test Presenter", "--title", "A talk for fault tests", "--start", "19:00"]


def test_a_full_disk_during_talk_add_changes_nothing(small_disk):
    shutil.copytree(REPO / "data", small_disk / "data")
    _fill(small_disk, 1024)
    before = _digest(small_disk)
    done = _in_process(TALK, small_disk)
    _one_line_failure(done, "data/talks.yaml", "no space left on the disk", "nothing was changed")
    assert _digest(small_disk) == before
    assert _leftovers(small_disk) == []


def test_talk_add_into_a_read_only_data_folder_is_one_line_and_nothing_changes(tmp_path):
    shutil.copytree(REPO / "data", tmp_path / "data")
    before = _digest(tmp_path)
    with read_only(tmp_path / "data"):
        done = _in_process(TALK, tmp_path)
    _one_line_failure(done, "data/")
    assert _one_of(done.stderr, READ_ONLY), done.stderr
    assert _digest(tmp_path) == before
