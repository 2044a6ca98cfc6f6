"""Every command's help has an Example, and every Example runs as written against the shipped list."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

import pytest
import typer
import yaml

from conftest import REPO, invoke
from dnnpapers.cli import app
from fakes import FIXTURES, papers_from

def _commands(group, prefix=""):
    """Every command by its full name ('talk add'), groups included (they need an example too)."""
    for name, command in group.commands.items():
        yield prefix + name, command
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + name + " ")


COMMANDS = dict(_commands(typer.main.get_command(app)))


def _examples(command) -> list[str]:
    lines = (command.help or "").splitlines()
    if "Example:" not in [line.strip() for line in lines]:
        return []
    start = [line.strip() for line in lines].index("Example:")
    return [line.strip() for line in lines[start + 1 :] if line.strip().startswith("dnnpapers ")]


def test_every_command_has_an_example():
    assert [name for name, command in COMMANDS.items() if not _examples(command)] == []


@pytest.fixture(scope="module")
def shipped_papers():
    """The shipped list's papers as the fake services answer them, read once for every example (a read costs 0.16 s)."""
    return papers_from(yaml.safe_load((REPO / "data" / "papers.yaml").read_text(encoding="utf-8"))["papers"])


@pytest.mark.parametrize("example", [e for command in COMMANDS.values() for e in _examples(command)])
def test_the_example_runs_as_written(example, tmp_path, server, shipped_papers):
    services, base = server
    for paper in shipped_papers:
        services.add(paper, citations=10)
    work = tmp_path / "list"
    work.mkdir()
    for name in ("data", "generated", ".github"):
        shutil.copytree(REPO / name, work / name)
    shutil.copy(REPO / "README.md", work / "README.md")
    shutil.copy(FIXTURES / "old-materials-page.md", work / "old-page.md")
    (tmp_path / "group-site").mkdir()  # the Jekyll site render --jekyll writes into
    (work / "zotero.bib").write_text("@misc{x, title={Multi-Scale Dense Networks for Resource Efficient Image Classification}, eprint={1703.09844}, archivePrefix={arXiv}}\n")
    env = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("SEMANTIC_SCHOLAR_API_KEY", None)
    words = shlex.split(example)  # as the shell splits it
    if set(words) & {">", ">>", "<", "|", "&&", ";"}:  # the shell's own work: a process through the shell
        command = f"{sys.executable} -m dnnpapers " + example.removeprefix("dnnpapers ")
        done = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    else:  # the words as the shell hands them over, to the CLI in this process
        done = invoke(words[1:], work, **{**services.environment(base), "DNNPAPERS_CACHE_DIR": str(tmp_path / "cache"), "SEMANTIC_SCHOLAR_API_KEY": None})
    assert done.returncode == 0, f"{example}\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}"
