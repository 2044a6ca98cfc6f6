"""Issue 22, where inputs meet: bounded reads, large renders, init's files, title lookups and one-run checks."""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from github_schemas import ISSUE_FORM_SCHEMA, rejected
from dnnpapers.access.paperlist import papers_problems, taxonomy_from_text

TOOL = "dnnpapers==0.1.0"
TAXONOMY = taxonomy_from_text((SCENARIOS / "taxonomy.yaml").read_bytes(), "data/taxonomy.yaml")


def _cli(*args: str, cwd: Path, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    """``dnnpapers ARGS`` in ``cwd``, run in this process (conftest's ``invoke``): the tests using it are not about the process."""
    from conftest import invoke

    return invoke(list(args), cwd=cwd, **(env or {}))


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


# --- bounded reads -------------------------------------------------------------------------------------------


def _limited_memory():
    """In the child: 1 GiB of address space, so a file read whole would fail long before the kernel stepped in."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


def _bounded_cli(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "dnnpapers", *args], cwd=cwd, capture_output=True, text=True, timeout=60, preexec_fn=_limited_memory
    )
    return done, time.monotonic() - start


def _digest(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def _refused_in_one_line(done: subprocess.CompletedProcess, elapsed: float, named: str, reasons: tuple[str, ...] = ("larger than 256 MiB",)) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert named in lines[0] and any(reason in lines[0] for reason in reasons), lines[0]
    assert elapsed < 30


@contextmanager
def _memory_capped(headroom: int = 2**29):
    """This process's address space capped at what it maps now plus ``headroom`` (the soft limit only, put back after):
    an in-process command that read an endless file whole meets a MemoryError, a traceback the test refuses, instead
    of taking the test runner down. 512 MiB: twice what a bounded read of one file may hold."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    mapped = int(re.search(r"VmSize:\s+(\d+) kB", Path("/proc/self/status").read_text())[1]) * 1024
    cap = mapped + headroom if hard == resource.RLIM_INFINITY else min(mapped + headroom, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        gc.collect()  # what a failed read left in reference cycles goes now, not into the next test's cap
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _capped_cli(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    """``_bounded_cli`` in this process (conftest's ``invoke``) under ``_memory_capped``: the one line and the exit code
    are the same; the process start-up is saved."""
    start = time.monotonic()
    with _memory_capped():
        done = _cli(*args, cwd=cwd)
    return done, time.monotonic() - start


@pytest.fixture
def huge_sparse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("huge") / "huge.txt"
    with open(path, "wb") as file:
        file.truncate(2**40)  # a terabyte of holes: no disk used
    return path


@pytest.fixture
def endless_fifo(tmp_path_factory):
    """A FIFO a writer keeps filling with zeros until it is killed.

    The writer opens it read-write (which does not wait for a reader) and says so before the test reads: a reader
    that came first would find no writer and read an empty file, the test's wait lost to a race."""
    path = tmp_path_factory.mktemp("fifo") / "endless"
    os.mkfifo(path)
    script = (f"import fcntl, os\nfd = os.open({str(path)!r}, os.O_RDWR)\n"
              "try: fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)\nexcept OSError: pass\n"  # a MiB a read where allowed, not 64 KiB
              "print('open', flush=True)\nchunk = bytes(1 << 20)\nwhile True: os.write(fd, chunk)")
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert writer.stdout.readline() == "open\n"
    yield path
    writer.kill()
    writer.wait()
    writer.stdout.close()


@pytest.mark.parametrize("command", ["import-bib", "import-md"])
@pytest.mark.parametrize("source", ["/dev/zero", "sparse", "fifo"])
def test_an_import_of_an_endless_or_huge_file_is_refused_in_one_line(command, source, shipped_list, huge_sparse, tmp_path, request):
    """import-bib of an endless file in a real process under a memory limit; import-md, reading through the same bounded
    reader, and the sparse file, refused by its size before a byte is read, in this process under ``_memory_capped`` (an
    unbounded read there would be a MemoryError's traceback, not the runner's end)."""
    path = {"/dev/zero": "/dev/zero", "sparse": str(huge_sparse)}.get(source) or str(request.getfixturevalue("endless_fifo"))
    before = _digest(shipped_list / "data")
    real = command == "import-bib" and source != "sparse"
    done, elapsed = (_bounded_cli if real else _capped_cli)(command, path, "--offline", cwd=shipped_list)
    _refused_in_one_line(done, elapsed, path)
    assert _digest(shipped_list / "data") == before


@pytest.mark.parametrize("source", ["/dev/zero", "sparse"])
def test_init_with_an_endless_or_huge_taxonomy_file_is_refused_and_writes_nothing(source, huge_sparse, tmp_path):
    """/dev/zero in a real process under a memory limit; the sparse file, refused by its size, in this process under
    ``_memory_capped``."""
    path = "/dev/zero" if source == "/dev/zero" else str(huge_sparse)
    done, elapsed = (_bounded_cli if source == "/dev/zero" else _capped_cli)("init", "newlist", "--taxonomy", path, "--tool", TOOL, cwd=tmp_path)
    _refused_in_one_line(done, elapsed, f"--taxonomy {path}")
    assert not (tmp_path / "newlist").exists() or not any((tmp_path / "newlist").iterdir())


@pytest.mark.parametrize("name", ["data/papers.yaml", "data/taxonomy.yaml", "data/page.yaml", "data/talks.yaml"])
def test_a_list_file_that_is_a_link_to_dev_zero_is_refused_by_check_and_render(name, shipped_list):
    """Both in this process under a memory cap (``_memory_capped``): they read the link through the bounded reader the
    real processes above are held to (import-bib, init), and a read past the bound would be a MemoryError's traceback."""
    (shipped_list / name).unlink()
    (shipped_list / name).symlink_to("/dev/zero")
    for command in (["check"], ["render"]):
        done, elapsed = _capped_cli(*command, cwd=shipped_list)
        # render takes the lock beside papers.yaml, so a papers file linked outside the list is refused before it is read
        outside = ("outside the list",) if command == ["render"] and name == "data/papers.yaml" else ()
        _refused_in_one_line(done, elapsed, name, ("larger than 256 MiB", *outside))


@pytest.mark.parametrize("name", ["data/papers.yaml", "data/taxonomy.yaml", "data/talks.yaml"])
def test_a_list_file_that_is_not_a_regular_file_is_read_once_by_check(name, shipped_list, monkeypatch):
    """The quick path leaves a device or a FIFO to the exact path unread: /dev/zero costs one bounded read of 256 MiB,
    not two, and a FIFO's one message is not taken by a read whose result is thrown away."""
    (shipped_list / name).unlink()
    (shipped_list / name).symlink_to("/dev/zero")
    opened, real_open = [], os.open

    def counting_open(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(os, "open", counting_open)
        done, elapsed = _capped_cli("check", cwd=shipped_list)
    _refused_in_one_line(done, elapsed, name)
    assert len([path for path in opened if path.endswith(name)]) == 1, opened


def test_a_list_template_that_is_a_huge_file_is_refused_unread(shipped_list, huge_sparse):
    (shipped_list / "templates").mkdir()
    os.link(huge_sparse, shipped_list / "templates" / "materials.md.j2")
    done, elapsed = _bounded_cli("render", cwd=shipped_list)
    _refused_in_one_line(done, elapsed, "templates/materials.md.j2")


# --- init: every taxonomy choice gives a list GitHub and check accept ---------------------------------------

_OWN_TAXONOMY = """taxonomy:
  - slug: efficient-attention
    en: Efficient attention
    zh: 高效注意力
    children:
      - slug: sparse-attention
        en: Sparse attention
        zh: 稀疏注意力
"""


@pytest.mark.parametrize("choice", ["dynamic-nn", "empty", "file"])
def test_init_with_each_taxonomy_makes_a_valid_issue_form_and_examples_with_its_own_slugs(choice, tmp_path):
    import yaml

    from dnnpapers.outputs.github import ISSUE_FORM

    if choice == "file":
        (tmp_path / "topics.yaml").write_text(_OWN_TAXONOMY, encoding="utf-8")
        choice = str(tmp_path / "topics.yaml")
    done = _cli("init", "newlist", "--taxonomy", choice, "--tool", TOOL, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    root = tmp_path / "newlist"
    assert rejected(ISSUE_FORM_SCHEMA, [root / ISSUE_FORM]) is None
    slugs = {node["slug"] for node in _walk(yaml.safe_load((root / "data" / "taxonomy.yaml").read_text(encoding="utf-8"))["taxonomy"] or [])}
    for name in ("README.md", "CONTRIBUTING.md"):
        text = (root / name).read_text(encoding="utf-8")
        assert "dnnpapers add 2102.04906" in text
        used = set(re.findall(r"--tag ([a-z0-9-]+)", text))
        assert used <= slugs, (name, used - slugs)
        assert bool(used) == bool(slugs)  # an example with a tag wherever the list has one
    for command in (["check"], ["render", "--check"]):
        done = _cli(*command, cwd=root)
        assert done.returncode == 0, (command, done.stdout, done.stderr)


def test_init_makes_the_missing_parent_folders_as_git_init_does(tmp_path):
    done = _cli("init", "a/b/newlist", "--taxonomy", "empty", "--tool", TOOL, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert _cli("check", cwd=tmp_path / "a" / "b" / "newlist").returncode == 0
    assert sorted(p.name for p in (tmp_path / "a" / "b").iterdir()) == ["newlist"]  # no staging folder left


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.get("children") or [])


def test_init_that_fails_takes_back_the_parent_folders_it_made(tmp_path):
    (tmp_path / "bad.yaml").write_text("taxonomy: [nonsense]\n", encoding="utf-8")
    done = _cli("init", "x/y/newlist", "--taxonomy", str(tmp_path / "bad.yaml"), "--tool", TOOL, cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists()


# --- render: the built-in pages have no output cap; a list's own templates keep one, scaled ---------------

SMALL_CAP = 64 * 2**10


@pytest.fixture
def low_cap(monkeypatch):
    """The template output cap at 64 KiB (the shipped list's web page alone is ~250 KB), so a test need not render 100,000 papers."""
    from dnnpapers import limits
    from dnnpapers.outputs import templating

    monkeypatch.setattr(limits, "MAX_TEMPLATE_OUTPUT", SMALL_CAP, raising=False)
    monkeypatch.setattr(limits, "MAX_TEMPLATE_OUTPUT_PER_PAPER", 16, raising=False)
    monkeypatch.setattr(templating, "MAX_OUTPUT", SMALL_CAP, raising=False)  # where the cap lived before


def _list_with_readme(shipped_list: Path) -> Path:
    from conftest import REPO

    shutil.copy(REPO / "README.md", shipped_list / "README.md")
    return shipped_list


def _render_in_process(root: Path, runner, monkeypatch):
    from dnnpapers.cli import app

    monkeypatch.chdir(root)
    return runner.invoke(app, ["render"])


def test_the_built_in_pages_render_past_the_template_output_cap(shipped_list, low_cap, runner, monkeypatch):
    root = _list_with_readme(shipped_list)
    done = _render_in_process(root, runner, monkeypatch)
    assert done.exit_code == 0, done.output
    assert (root / "generated" / "site" / "index.html").stat().st_size > SMALL_CAP


def test_a_list_overriding_one_template_still_renders_the_built_in_pages_past_the_cap(shipped_list, low_cap, runner, monkeypatch):
    root = _list_with_readme(shipped_list)
    (root / "templates").mkdir()
    (root / "templates" / "talks.md.j2").write_text("# Talks\n", encoding="utf-8")
    done = _render_in_process(root, runner, monkeypatch)
    assert done.exit_code == 0, done.output
    assert (root / "generated" / "site" / "index.html").stat().st_size > SMALL_CAP
    assert (root / "generated" / "talks.md").read_text(encoding="utf-8") == "# Talks\n"


@pytest.mark.parametrize("own", ["materials.md.j2", "_macros.md.j2"])
def test_a_list_template_that_writes_past_its_cap_is_stopped_with_a_true_message(own, shipped_list, low_cap, runner, monkeypatch):
    """The list's own page, or a macro file the built-in page imports: either way its output is the list's."""
    root = _list_with_readme(shipped_list)
    (root / "templates").mkdir()
    body = "{% for i in range(100000) %}" + "x" * 100 + "{% endfor %}\n"
    if own == "_macros.md.j2":
        body = "{% macro tree(a) %}" + body + "{% endmacro %}{% macro topic_sections(a) %}{% endmacro %}\n"
    (root / "templates" / own).write_text(body, encoding="utf-8")
    done = _render_in_process(root, runner, monkeypatch)
    assert done.exit_code == 1
    message = done.output.strip().splitlines()
    assert len(message) == 1
    assert message[0] == (
        "dnnpapers: materials.md.j2 (with the list's own templates): the output passed 64 KiB "
        "(its cap: 64 KiB, or 16 bytes a paper); stopped (a runaway loop?)"
    )
    assert not (root / "generated").exists()


def test_the_real_cap_scales_with_the_list_and_spares_the_built_in_pages(tmp_path):
    """With the real limits: a 100,000-paper list's own templates may write ten times what the built-in pages write a paper."""
    from conftest import REPO
    from dnnpapers import limits
    from dnnpapers.outputs.templating import environment, output_cap

    built_in = environment(tmp_path / "templates", tmp_path, lambda v: v, {}, papers=100_000)
    assert output_cap(built_in, "site.html.j2") is None and output_cap(built_in, "materials.md.j2") is None
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "site.html.j2").write_text("x\n", encoding="utf-8")
    own = environment(tmp_path / "templates", tmp_path, lambda v: v, {}, papers=100_000)
    assert output_cap(own, "materials.md.j2") is None  # not overridden, imports nothing that is
    per_paper = (REPO / "generated" / "site" / "index.html").stat().st_size / 289
    assert output_cap(own, "site.html.j2") >= 100_000 * 10 * per_paper > limits.MAX_TEMPLATE_OUTPUT
    small = environment(tmp_path / "templates", tmp_path, lambda v: v, {}, papers=10)
    assert output_cap(small, "site.html.j2") == limits.MAX_TEMPLATE_OUTPUT


# --- a title lookup says what arXiv answered and why it was not taken ----------------------------------------

SWITCH = ("2101.03961", "Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity", ["William Fedus", "Barret Zoph", "Noam Shazeer"])


def _switch_services(server):
    import datetime as dt

    from fakes import ArxivPaper

    services, base = server
    arxiv_id, title, authors = SWITCH
    services.add(ArxivPaper(arxiv_id, title, authors, dt.date(2021, 1, 11)), citations=1)
    return services, base


def test_add_by_a_short_title_shows_the_paper_arxiv_answered_and_why_it_was_not_taken(tmp_path, server):
    from conftest import invoke_dnnpapers, write_list

    services, base = _switch_services(server)
    root = write_list(tmp_path, [])
    done = invoke_dnnpapers(["add", "--title", "Switch Transformers", "--tag", "system"], root, base, services)
    assert done.returncode == 1
    assert "candidates: none" not in done.stderr
    assert done.stderr.strip() == (
        "dnnpapers: no arXiv paper titled exactly 'Switch Transformers'; candidates: 2101.03961 "
        "'Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity' (its title goes on past the one given)"
        " — the closest of the 1 record arXiv answered; only a paper titled exactly so is taken (add it by its arXiv id)"
    )
    assert "papers: []" in (root / "data" / "papers.yaml").read_text(encoding="utf-8")


def test_import_md_rows_show_the_paper_arxiv_answered_and_why_it_was_not_taken(tmp_path, server):
    from conftest import invoke_dnnpapers, write_list

    services, base = _switch_services(server)
    root = write_list(tmp_path, [])
    (root / "page.md").write_text("## System\n\n| Paper | Venue |\n| --- | --- |\n| Switch Transformers | JMLR 2022 |\n", encoding="utf-8")
    done = invoke_dnnpapers(["import-md", str(root / "page.md"), "--map", "System=system"], root, base, services)
    assert "2101.03961 'Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity' (its title goes on past the one given)" in done.stdout + done.stderr
    assert "candidates: none" not in done.stdout + done.stderr


def test_an_import_of_a_fifo_no_one_writes_to_ends_at_once(shipped_list, tmp_path_factory):
    fifo = tmp_path_factory.mktemp("silent") / "silent.bib"
    os.mkfifo(fifo)
    before = _digest(shipped_list / "data")
    done, elapsed = _bounded_cli("import-bib", str(fifo), "--offline", cwd=shipped_list)
    assert elapsed < 30 and "Traceback" not in done.stderr
    assert _digest(shipped_list / "data") == before


@pytest.mark.parametrize("command", [["check"], ["render", "--check"]])
def test_a_list_file_that_is_a_fifo_no_one_writes_to_does_not_hang(command, shipped_list):
    papers = shipped_list / "data" / "papers.yaml"
    papers.unlink()
    os.mkfifo(papers)
    done, elapsed = _bounded_cli(*command, cwd=shipped_list)
    assert done.returncode == 1 and elapsed < 30
    assert done.stdout == "data/papers.yaml:1:1: file is empty; expected 'papers:' followed by a list of entries\n", done.stdout + done.stderr
