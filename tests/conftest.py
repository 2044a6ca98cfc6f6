"""Shared fixtures: the shipped list, scenario folders and a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = Path(__file__).resolve().parent / "scenarios"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def shipped_list(tmp_path: Path) -> Path:
    """A copy of the repository's own list, safe to modify."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    return tmp_path


def copy_scenario(name: str, dest: Path) -> Path:
    """The scenario's data folder under ``dest``, with the shared taxonomy when it has none."""
    shutil.copytree(SCENARIOS / name / "data", dest / "data")
    if not (dest / "data" / "taxonomy.yaml").exists():
        shutil.copy(SCENARIOS / "taxonomy.yaml", dest / "data" / "taxonomy.yaml")
    return dest
