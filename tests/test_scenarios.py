"""Every folder under tests/scenarios is a list with known problems and the exact report of `check`.

A scenario holds ``data/papers.yaml`` (and ``data/taxonomy.yaml`` when the
taxonomy is under test) and ``expected.txt``: the lines `check` prints, in
order. An empty ``expected.txt`` means the list is valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from conftest import SCENARIOS, copy_scenario
from dnnpapers.cli import app

NAMES = sorted(p.name for p in SCENARIOS.iterdir() if p.is_dir())


def _expected(name: str) -> str:
    text = (SCENARIOS / name / "expected.txt").read_text(encoding="utf-8")
    return text.replace("YEAR_MAX", str(dt.date.today().year + 1))


def _digest(root: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", NAMES)
def test_check_reports_exactly_the_scenarios_problems(name, tmp_path, runner, monkeypatch):
    root = copy_scenario(name, tmp_path)
    before = _digest(root)
    monkeypatch.chdir(root)
    result = runner.invoke(app, ["check"])
    expected = _expected(name)
    assert result.stdout == expected
    assert result.exit_code == (1 if expected else 0)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _digest(root) == before, "check must not change any file"


@pytest.mark.parametrize("name", [n for n in NAMES if _expected(n)])
def test_github_format_reports_the_same_places(name, tmp_path, runner, monkeypatch):
    monkeypatch.chdir(copy_scenario(name, tmp_path))
    result = runner.invoke(app, ["check", "--format", "github"])
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert len(lines) == len(_expected(name).splitlines())
    for line, plain in zip(lines, _expected(name).splitlines()):
        path, row, col, _ = plain.split(":", 3)
        assert line.startswith(f"::error file={path},line={row},col={col}::")
