"""Writes stay inside the list, and a killed write leaves nothing that git would commit.

A clone or a pull request can carry symlinks (``generated/site/index.html ->
~/.ssh/authorized_keys``, ``generated -> ~``, ``generated/materials -> /some/folder``):
render, the changing commands and their lock refuse any path that leads outside
the list, before anything is read, written or removed; links that stay inside keep
working. A write killed outright leaves its staged ``.NAME.XXXXXXXX.tmp``: git
ignores it, ``render --check`` names it and the next writer, holding the lock,
removes it, never a live one of another process.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from conftest import REPO, tree, write_list
from dnnpapers.cli import app

A = {"id": "a2020x", "title": "First", "authors": ["A B"], "year": 2020, "tags": ["early-exit"]}
B = {"id": "b2021y", "title": "Second", "authors": ["C D"], "year": 2021, "tags": ["survey"]}
TALKS = "talks:\n  - date: 2026-03-04\n    presenters: [Ann]\n    papers: [a2020x]\n"


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder of someone's own files, beside the list: nothing may change in it."""
    folder = tmp_path / "home"
    (folder / ".ssh").mkdir(parents=True)
    (folder / ".ssh" / "authorized_keys").write_bytes(b"ssh-ed25519 AAAAC3Nza-own-key me@laptop\n")
    (folder / "notes.md").write_bytes(b"# my notes\n")
    (folder / "todo.md").write_bytes(b"- nothing\n")
    (folder / "README.md").write_bytes(b"# elsewhere\n\n<!-- dnnpapers:begin -->\n<!-- dnnpapers:end -->\n")
    (folder / "calendar.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    (folder / "gh" / "ISSUE_TEMPLATE").mkdir(parents=True)
    (folder / "gh" / "ISSUE_TEMPLATE" / "add-paper.yml").write_bytes(b"name: someone else's form\n")
    return folder


@pytest.fixture
def root(tmp_path) -> Path:
    root = write_list(tmp_path / "list", [A, B])
    (root / "data" / "talks.yaml").write_text(TALKS, encoding="utf-8")
    return root


def _one_line_refusal(result, named: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith(f"dnnpapers: {named}: a symlink to ") and "outside the list" in lines[0], lines[0]


# Each: the link in the list, what it leads to in the outside folder.
LINKS = [
    ("generated/site/index.html", ".ssh/authorized_keys"),
    ("generated/talks.ics", "calendar.ics"),
    ("generated/papers.bib", "notes.md"),
    ("generated/papers.schema.json", "todo.md"),
    ("README.md", "README.md"),
    (".github/ISSUE_TEMPLATE/add-paper.yml", "todo.md"),
    ("generated", "."),
    ("generated/site", ".ssh"),
    (".github", "gh"),
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """``root`` rendered once for the module; tests copy it (the outputs hold no path of the list's own)."""
    from typer.testing import CliRunner

    folder = write_list(tmp_path_factory.mktemp("rendered") / "list", [A, B])
    (folder / "data" / "talks.yaml").write_text(TALKS, encoding="utf-8")
    cache = tmp_path_factory.mktemp("cache")  # made before any test's own cache: a cache of its own
    assert CliRunner().invoke(app, ["render", "--root", str(folder)], env={"DNNPAPERS_CACHE_DIR": str(cache)}).exit_code == 0
    return folder


@pytest.mark.parametrize("link, target", LINKS)
@pytest.mark.parametrize("check", [False, True], ids=["render", "render --check"])
def test_render_refuses_an_output_whose_path_leads_outside_the_list_and_changes_nothing(root, outside, rendered, runner, link, target, check):
    if link != "README.md":
        shutil.copytree(rendered, root, dirs_exist_ok=True)  # outputs in place (rendered once), then a pull brings the link
    path = root / link
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(outside / target)
    before_outside, before_list = tree(outside), tree(root)
    result = runner.invoke(app, ["render", *(["--check"] if check else []), "--root", str(root)])
    _one_line_refusal(result, str(path))
    assert tree(outside) == before_outside
    assert tree(root) == before_list


def test_render_through_a_subprocess_leaves_an_authorized_keys_link_target_byte_for_byte(root, outside):
    """The attack as it comes: a fresh clone whose generated/site/index.html leads to ~/.ssh/authorized_keys."""
    (root / "generated" / "site").mkdir(parents=True)
    (root / "generated" / "site" / "index.html").symlink_to(outside / ".ssh" / "authorized_keys")
    before = (outside / ".ssh" / "authorized_keys").read_bytes()
    done = subprocess.run([sys.executable, "-m", "dnnpapers", "render", "--root", str(root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(f"dnnpapers: {root}/generated/site/index.html: a symlink to {outside}/.ssh/authorized_keys, outside the list")
    assert done.stderr.count("\n") == 1
    assert (outside / ".ssh" / "authorized_keys").read_bytes() == before
    assert not (root / "generated" / "materials.md").exists()  # all or nothing: no output written either


def _split_list(tmp_path, monkeypatch, runner) -> Path:
    """A list rendered with its materials split into topic pages (a small page budget), then back under one page."""
    many = [{"id": f"author{i}2020paper", "title": f"Synthetic paper number {i} on adaptive inference", "authors": ["Test Author"],
             "year": 2020, "arxiv": f"2001.9{i:04d}", "tags": [["early-exit", "layer-skip", "survey", "system"][i % 4]]} for i in range(40)]
    root = write_list(tmp_path / "list", many)
    monkeypatch.setenv("DNNPAPERS_NO_VERDICTS", "1")  # the budget is patched here, not in any input a verdict digests
    monkeypatch.setattr("dnnpapers.outputs.materials.PAGE_BUDGET", 2_500)
    assert runner.invoke(app, ["render", "--root", str(root)]).exit_code == 0
    assert (root / "generated" / "materials" / "early-exit.md").exists()
    monkeypatch.setattr("dnnpapers.outputs.materials.PAGE_BUDGET", 400_000)
    return root


def test_render_does_not_sweep_stale_topic_pages_through_a_link_to_an_outside_folder(tmp_path, outside, monkeypatch, runner):
    root = _split_list(tmp_path, monkeypatch, runner)
    shutil.rmtree(root / "generated" / "materials")
    (root / "generated" / "materials").symlink_to(outside)
    before = tree(outside)
    for args in (["render"], ["render", "--check"]):
        _one_line_refusal(runner.invoke(app, [*args, "--root", str(root)]), str(root / "generated" / "materials"))
        assert tree(outside) == before  # notes.md, todo.md, README.md: every *.md still there, byte for byte


def test_topic_pages_render_no_longer_makes_are_reported_as_removed_not_written(tmp_path, monkeypatch, runner):
    root = _split_list(tmp_path, monkeypatch, runner)
    pages = sorted(f"generated/materials/{p.name}" for p in (root / "generated" / "materials").glob("*.md"))
    check = runner.invoke(app, ["render", "--check", "--root", str(root)])
    assert check.exit_code == 1
    assert {f"{page}: no longer made; run dnnpapers render" for page in pages} <= set(check.stdout.splitlines())
    result = runner.invoke(app, ["render", "--root", str(root)])
    assert result.exit_code == 0
    wrote, removed = result.stderr.strip().split("; removed ")
    assert wrote.startswith("wrote ") and not any(page in wrote for page in pages)
    assert removed.split(", ") == pages
    assert list((root / "generated" / "materials").glob("*.md")) == []


def test_links_that_stay_inside_the_list_are_still_written_through(root, runner):
    (root / "docs").mkdir()
    shutil.move(root / "README.md", root / "docs" / "README.md")
    (root / "README.md").symlink_to(Path("docs") / "README.md")
    (root / "build" / "generated").mkdir(parents=True)
    (root / "generated").symlink_to(root / "build" / "generated")
    result = runner.invoke(app, ["render", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "README.md").is_symlink() and (root / "generated").is_symlink()
    assert "First" in (root / "docs" / "README.md").read_text(encoding="utf-8")
    assert (root / "build" / "generated" / "site" / "index.html").is_file()
    assert runner.invoke(app, ["render", "--check", "--root", str(root)]).exit_code == 0


def test_render_check_from_a_kept_verdict_reports_an_output_replaced_by_a_link_out(root, outside, runner, tmp_path, monkeypatch):
    """Inputs unchanged, so `render --check` answers from its verdict: it must still refuse the link, not call it stale."""
    monkeypatch.setenv("DNNPAPERS_CACHE_DIR", str(tmp_path / "cache"))
    assert runner.invoke(app, ["render", "--root", str(root)]).exit_code == 0
    assert runner.invoke(app, ["render", "--check", "--root", str(root)]).exit_code == 0
    (root / "generated" / "papers.bib").unlink()
    (root / "generated" / "papers.bib").symlink_to(outside / "notes.md")
    _one_line_refusal(runner.invoke(app, ["render", "--check", "--root", str(root)]), str(root / "generated" / "papers.bib"))


@pytest.mark.parametrize("name, args", [
    ("papers.yaml", ["tag", "a2020x", "--add", "system"]),
    ("metrics.yaml", ["remove", "b2021y"]),
    ("talks.yaml", ["talk", "add", "2026-03-11", "--presenter", "Ben", "--paper", "b2021y"]),
])
def test_a_changing_command_refuses_a_data_file_linked_outside_the_list(root, outside, runner, name, args):
    (root / "data" / "metrics.yaml").write_text("metrics:\n  b2021y: {citations: 3, fetched: 2026-01-01}\n", encoding="utf-8")
    data = root / "data" / name
    shutil.move(data, outside / name)
    data.symlink_to(outside / name)
    before_outside, before_list = tree(outside), tree(root)
    _one_line_refusal(runner.invoke(app, [*args, "--root", str(root)]), str(data))
    assert tree(outside) == before_outside and tree(root) == before_list


@pytest.mark.parametrize("name, args", [("papers.yaml", ["add", "2001.90012", "--tag", "system"]), ("metrics.yaml", ["update"])])
def test_add_and_update_through_a_subprocess_refuse_a_data_file_linked_outside(tmp_path, outside, server, name, args):
    """The weekly refresh runs `update` on whatever a merged pull request left in data/: metrics.yaml -> ~/.bashrc."""
    import datetime as dt

    from conftest import run_dnnpapers
    from fakes import ArxivPaper

    services, base = server
    paper = ArxivPaper("2001.90011", "Synthetic paper for link tests", ["Test Author"], dt.date(2020, 1, 1))
    services.add(paper, citations=3)
    services.add(ArxivPaper("2001.90012", "Another synthetic paper for link tests", ["Test Author"], dt.date(2020, 2, 1)), citations=1)
    root = write_list(tmp_path / "list", [{"id": "author2020synthetic", "title": paper.title, "authors": paper.authors, "year": 2020,
                                           "arxiv": paper.arxiv_id, "tags": ["early-exit"]}])
    (root / "data" / "metrics.yaml").write_text("metrics:\n  author2020synthetic: {citations: 1, fetched: 2026-01-01}\n", encoding="utf-8")
    data = root / "data" / name
    shutil.move(data, outside / name)
    data.symlink_to(outside / name)
    before_outside, before_list = tree(outside), tree(root)
    done = run_dnnpapers(args, root, base, services)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"dnnpapers: {data}: a symlink to {outside / name}, outside the list") and done.stderr.count("\n") == 1, done.stderr
    assert tree(outside) == before_outside
    assert {k: v for k, v in tree(root).items() if not k.startswith(".cache")} == before_list


def test_a_lock_file_that_is_a_symlink_is_refused_and_its_target_kept(root, outside, runner):
    """Opening a lock file truncates it with filelock before 4 (which the pins allow): a planted link would empty its target."""
    lock = root / "data" / ".papers.yaml.lock"
    lock.symlink_to(outside / "notes.md")
    before = tree(outside)
    for args in (["tag", "a2020x", "--add", "system"], ["render"]):
        result = runner.invoke(app, [*args, "--root", str(root)])
        assert result.exit_code == 1 and result.stderr == f"dnnpapers: {lock}: is a symlink, but this lock file is dnnpapers' own; remove the link and try again\n"
    assert tree(outside) == before


# --- staged writes left by a killed process ---------------------------------------------------------------------------

# Runs `dnnpapers ARGS` with os.fsync held after its first call (a write is staged, not yet renamed) until GO exists;
# the file READY says it is there.
_PAUSED = textwrap.dedent("""
    import os, sys, time
    ready, go = sys.argv[1], sys.argv[2]
    real = os.fsync
    def fsync(fd):
        real(fd)
        open(ready, "w").close()
        while not os.path.exists(go):
            time.sleep(0.02)
    os.fsync = fsync
    from dnnpapers.storage import files
    files._STAGING_THREADS = 1  # (files staged one at a time, as the pause expects: the first one's fsync waits for GO)
    sys.argv = ["dnnpapers", *sys.argv[3:]]
    from dnnpapers.cli import main
    main()
""")


def _paused(tmp_path: Path, args: list[str], tag: str) -> tuple[subprocess.Popen, Path]:
    ready, go = tmp_path / f"{tag}.ready", tmp_path / f"{tag}.go"
    process = subprocess.Popen([sys.executable, "-c", _PAUSED, str(ready), str(go), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the write never started"
        time.sleep(0.02)
    return process, go


def _staged(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(".*.tmp"))


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_render_killed_mid_write_leaves_a_file_git_ignores_that_check_names_and_the_next_render_removes(tmp_path):
    """Only the render that is killed is a real process; `init` before it and the commands after it run in this process
    (conftest's ``invoke``): what they are tested on is the files left behind and what they say of them, and the lock
    the killed process held died with it."""
    from conftest import invoke

    root = tmp_path / "newlist"
    made = invoke(["init", str(root), "--tool", "dnnpapers"])
    assert made.returncode == 0, made.stderr
    assert _git(root, "init", "-q").returncode == 0
    shutil.rmtree(root / "generated")
    foreign = [root / ".mytool.json.abcdefgh.tmp", root / "notes.tmp"]  # not ours: never touched
    for path in foreign:
        path.write_text("someone else's")
    process, _ = _paused(tmp_path, ["render", "--root", str(root)], "render")
    process.send_signal(signal.SIGKILL)  # kill -9, with a write staged
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    left = [name for name in _staged(root) if name not in {p.name for p in foreign}]
    assert left and all(re.fullmatch(r"\.[^/]+\.[a-z0-9_]{8}\.tmp", Path(name).name) for name in left), left

    status = _git(root, "status", "--porcelain", "--untracked-files=all").stdout
    assert not any(name in status for name in left) and "notes.tmp" in status, status  # `git add -A` would not take them
    assert _git(root, "check-ignore", *left).stdout.split() == left

    check = invoke(["render", "--check", "--root", str(root)])
    assert check.returncode == 1
    assert {f"{name}: left by an interrupted write; run dnnpapers render" for name in left} <= set(check.stdout.splitlines())
    again = invoke(["render", "--root", str(root)])
    assert again.returncode == 0, again.stderr
    assert again.stderr.rstrip("\n").endswith("; removed " + ", ".join(left))
    assert [name for name in _staged(root) if name not in {p.name for p in foreign}] == []
    assert all(path.read_text() == "someone else's" for path in foreign)
    final = invoke(["render", "--check", "--root", str(root)])
    assert final.returncode == 0, final.stdout


def _wait_at_the_lock(process: subprocess.Popen, root: Path) -> None:
    """Until ``process`` holds a lock file of the list open (it is then trying the lock, a try every 0.05 s) and has
    had time for a few tries, or has ended; rather than a fixed second that a busy machine may not honour."""
    fds, deadline = Path(f"/proc/{process.pid}/fd"), time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        try:
            held = [os.readlink(fd) for fd in fds.iterdir()]
        except OSError:  # a descriptor closed while listed
            continue
        if any(target.startswith(str(root)) and target.endswith(".lock") for target in held):
            time.sleep(0.2)
            return
        time.sleep(0.01)


def test_a_live_staged_write_of_another_render_is_never_removed(root, tmp_path):
    """Two renders at once: the second waits for the lock, so it never sweeps the first's staged file away. The renders
    are processes (the lock is held between processes); `render --check`, which takes no lock, runs in this one."""
    from conftest import invoke

    first, go = _paused(tmp_path, ["render", "--root", str(root)], "first")
    second = None
    try:
        staged = _staged(root)
        assert staged
        check = invoke(["render", "--check", "--root", str(root)])
        assert check.returncode == 1, check.stderr  # it may name it (it only reads) ...
        assert _staged(root) == staged  # ... but removes nothing
        second = subprocess.Popen([sys.executable, "-m", "dnnpapers", "render", "--root", str(root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_at_the_lock(second, root)
        assert second.poll() is None and _staged(root) == staged
        go.touch()
        out, err = first.communicate(timeout=120)
        assert first.returncode == 0, err
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
    finally:  # a failure above leaves neither render behind (the first would wait for GO for ever)
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.communicate()
    assert _staged(root) == []
    assert invoke(["render", "--check", "--root", str(root)]).returncode == 0  # both done: no process runs beside it any more


def test_a_changing_command_removes_the_staged_data_files_a_killed_one_left(root, runner):
    left = [root / "data" / ".papers.yaml.k3j_9x2a.tmp", root / "data" / ".metrics.yaml.0abcdefg.tmp"]
    for path in left:
        path.write_text("papers: [half")
    keep = root / "data" / ".notes.yaml.abcdefgh.tmp"  # not a file of the list: not ours
    keep.write_text("x")
    assert runner.invoke(app, ["tag", "a2020x", "--add", "system", "--root", str(root)]).exit_code == 0
    assert not any(path.exists() for path in left) and keep.exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("gitignore", [REPO / ".gitignore", REPO / "src" / "dnnpapers" / "curation" / "scaffold" / "gitignore"], ids=["repository", "init"])
def test_both_gitignores_ignore_staged_writes_in_every_folder_and_nothing_else(tmp_path, gitignore):
    _git(tmp_path, "init", "-q")
    shutil.copy(gitignore, tmp_path / ".gitignore")
    staged = [".README.md.abcdefgh.tmp", "generated/.materials.md.k3j_9x2a.tmp", "generated/site/.index.html.0123_567.tmp",
              "generated/materials/.early-exit.md.abcdefgh.tmp", ".github/ISSUE_TEMPLATE/.add-paper.yml.abcdefgh.tmp",
              "data/.papers.yaml.abcdefgh.tmp"]
    kept = ["generated/materials.md", "notes.tmp", "data/papers.yaml", "README.md"]
    done = _git(tmp_path, "check-ignore", "--no-index", *staged, *kept)
    assert done.stdout.split() == staged


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1, max_size=40).filter(lambda s: s not in (".", "..")))
def test_every_file_a_write_stages_is_recognised_as_that_files_and_no_other(name):
    from dnnpapers.storage.layout import temp_owner, temp_prefix

    with tempfile.TemporaryDirectory() as folder:
        try:
            fd, path = tempfile.mkstemp(prefix=temp_prefix(name), suffix=".tmp", dir=folder)
        except OSError:  # a name too long for the file system
            return
        os.close(fd)
        assert temp_owner(os.path.basename(path)) == name
    assert temp_owner(name) is None or name.startswith(".")
