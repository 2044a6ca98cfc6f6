"""The command line: help on every command, exit codes, output formats."""

from __future__ import annotations

import re
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


def _on_a_terminal(args: list[str], **env: str) -> bytes:
    """What a command prints on a real (pseudo) terminal."""
    import os
    import pty
    import select

    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")} | {"TERM": "xterm-256color", "COLUMNS": "100", **env}
    proc = subprocess.Popen([sys.executable, "-m", "dnnpapers", *args], stdin=follower, stdout=follower, stderr=follower, env=environment)
    os.close(follower)
    out = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        try:
            chunk = os.read(leader, 65536) if ready else b""
        except OSError:
            chunk = b""
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=30)
    os.close(leader)
    return out


# An SGR sequence that sets a foreground or background colour (bold and dim are not colour).
COLOUR = re.compile(rb"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


def test_colour_only_on_a_terminal_and_never_with_no_color():
    assert COLOUR.search(_on_a_terminal(["--help"]))
    assert not COLOUR.search(_on_a_terminal(["--help"], NO_COLOR="1"))
    piped = subprocess.run([sys.executable, "-m", "dnnpapers", "--help"], capture_output=True, check=True)
    assert b"\x1b[" not in piped.stdout
