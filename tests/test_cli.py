"""The command line: help on every command, exit codes, output formats."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO
from dnnpapers import __version__
from dnnpapers.cli import app


def _commands() -> list[str]:
    return sorted(info.name or info.callback.__name__ for info in app.registered_commands)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example(command, runner):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"dnnpapers {command}" in result.stdout


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"dnnpapers {__version__}\n"


def test_usage_errors_exit_2(runner, tmp_path):
    assert runner.invoke(app, ["check", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["check", "--root", str(tmp_path / "nowhere")]).exit_code == 2
    assert runner.invoke(app, ["no-such-command"]).exit_code == 2


def test_check_passes_on_a_clean_list(runner, shipped_list):
    result = runner.invoke(app, ["check", "--root", str(shipped_list)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no problems" in result.stderr


def test_a_root_without_data_is_a_one_line_error(runner, tmp_path):
    result = runner.invoke(app, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"dnnpapers: {tmp_path}/data/taxonomy.yaml: file not found"


def test_check_reports_problems_of_both_files_in_one_run(runner, shipped_list):
    taxonomy = shipped_list / "data" / "taxonomy.yaml"
    taxonomy.write_text(taxonomy.read_text(encoding="utf-8").replace("zh: 综述\n", "", 1), encoding="utf-8")
    papers = shipped_list / "data" / "papers.yaml"
    papers.write_text(papers.read_text(encoding="utf-8").replace("    year: 2021\n", "    year: twenty\n", 1), encoding="utf-8")
    result = runner.invoke(app, ["check", "--root", str(shipped_list)])
    assert result.exit_code == 1
    files = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert files == {f"{shipped_list}/data/taxonomy.yaml", f"{shipped_list}/data/papers.yaml"}


def test_github_format_escapes_the_message(runner, tmp_path):
    from dnnpapers.errors import Problem

    line = Problem("data/p,1.yaml", 3, 4, "50% of a\nline").github()
    assert line == "::error file=data/p%2C1.yaml,line=3,col=4::50%25 of a%0Aline"


def test_schema_command_prints_the_shipped_schema(runner):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == (REPO / "generated" / "papers.schema.json").read_text(encoding="utf-8")


def test_runs_as_a_module_and_as_a_script():
    for argv in ([sys.executable, "-m", "dnnpapers", "--version"], ["dnnpapers", "--version"]):
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        assert done.returncode == 0 and done.stdout == f"dnnpapers {__version__}\n"


def test_help_and_version_do_not_import_the_heavy_modules():
    code = "import sys; from dnnpapers.cli import app; print(' '.join(m for m in ('pydantic', 'httpx', 'yaml') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
