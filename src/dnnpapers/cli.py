"""The command line: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 ok, 1 problem found, 2 usage error. Library modules are
imported inside the commands so that ``--help`` and ``--version`` start fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from dnnpapers import __version__
from dnnpapers.errors import DnnpapersError

if TYPE_CHECKING:
    from dnnpapers.paperlist import PaperList

app = typer.Typer(
    name="dnnpapers",
    help="Keep a curated list of dynamic neural network papers true, current and good to read.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

RootOption = typer.Option(
    Path("."),
    "--root",
    help="Folder of the list (holds data/papers.yaml and data/taxonomy.yaml).",
    exists=True,
    file_okay=False,
    dir_okay=True,
)


class ProblemFormat(str, Enum):
    text = "text"
    github = "github"


def _fail(message: str) -> NoReturn:
    typer.echo(f"dnnpapers: {message}", err=True)
    raise typer.Exit(1)


def _load_or_report(root: Path, format: ProblemFormat = ProblemFormat.text) -> PaperList:
    """The valid list at ``root``, or every problem printed and exit 1."""
    from dnnpapers.errors import ProblemsFound
    from dnnpapers.paperlist import load_list

    try:
        return load_list(root)
    except ProblemsFound as found:
        for problem in found.problems:
            typer.echo(problem.github() if format is ProblemFormat.github else str(problem))
        count = len(found.problems)
        typer.echo(f"{count} problem{'s' if count != 1 else ''} found", err=True)
        raise typer.Exit(1)
    except DnnpapersError as exc:
        _fail(str(exc))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dnnpapers {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Keep a curated list of dynamic neural network papers true, current and good to read."""


@app.command()
def check(
    root: Path = RootOption,
    format: ProblemFormat = typer.Option(ProblemFormat.text, "--format", help="text: file:line:col: message; github: annotations on the pull request."),
) -> None:
    """Validate data/taxonomy.yaml and data/papers.yaml; report every problem with its file and line.

    Exits 0 when the list is clean, 1 when it has problems. Changes no file.

    Example:

        dnnpapers check --root . --format github
    """
    paper_list = _load_or_report(root, format)
    topics = len(paper_list.taxonomy.by_slug)
    typer.echo(f"ok: {len(paper_list.papers)} papers in {topics} topics, no problems", err=True)


@app.command()
def render(
    root: Path = RootOption,
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 naming every file that would change."),
) -> None:
    """Regenerate the pages under generated/, the exports and the README's list region.

    Writes only files whose content changes. Invalid data is refused with check's
    messages and nothing is written. A list may override any template with a file
    of the same name in its templates/ folder.

    Example:

        dnnpapers render --check
    """
    from dnnpapers.render import render as render_list

    paper_list = _load_or_report(root)
    try:
        changed = render_list(paper_list, check=check)
    except DnnpapersError as exc:
        _fail(str(exc))
    if check and changed:
        for name in changed:
            typer.echo(f"{name}: stale; run dnnpapers render")
        raise typer.Exit(1)
    summary = "up to date" if not changed else ("wrote " + ", ".join(changed))
    typer.echo(f"{'ok: ' if check else ''}{summary}", err=True)


@app.command()
def schema() -> None:
    """Print the JSON Schema of data/papers.yaml, generated from the models.

    Editors use it through the first line of papers.yaml; the repo ships it as
    generated/papers.schema.json.

    Example:

        dnnpapers schema > generated/papers.schema.json
    """
    from dnnpapers.schema import papers_schema

    sys.stdout.write(papers_schema())


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("dnnpapers: interrupted", err=True)
        sys.exit(130)
