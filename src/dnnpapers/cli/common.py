"""The typer app and what every command shares: --root, running library work with its errors
printed, the HTTP client, progress, tables.

Library modules are imported inside the commands so that ``--help`` and ``--version`` start fast.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from dnnpapers import __version__
from dnnpapers.errors import DnnpapersError

if TYPE_CHECKING:
    from dnnpapers.access.paperlist import PaperList

#: https://no-color.org: set (to anything but "") means no colour and no other escapes either
_NO_COLOR = bool(os.environ.get("NO_COLOR"))
_HELP_MARKUP = "rich" if sys.stdout is not None and sys.stdout.isatty() and not _NO_COLOR else None

app = typer.Typer(
    name="dnnpapers",
    help="Keep a curated list of dynamic neural network papers true, current and good to read.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # rich's help for people at a terminal; click's plain help for scripts and shell completion,
    # which would otherwise import 60 ms of modules (rich, markdown-it) on every call
    rich_markup_mode=_HELP_MARKUP,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _find_root(value: Path | None) -> Path:
    """--root as given; else the nearest folder at or above this one that holds a list (said when not this one)."""
    if value is not None:
        return value
    from dnnpapers.storage.layout import find_root

    found = find_root(Path.cwd())
    if found is None:
        return Path(".")  # the commands then say which file is missing
    if found == Path.cwd().absolute():
        return Path(".")
    typer.echo(f"dnnpapers: using the list at {found}", err=True)
    return found


RootOption = typer.Option(
    None,
    "--root",
    help="Folder of the list (holds data/papers.yaml and data/taxonomy.yaml). Default: this folder or the nearest one above it that holds a list.",
    exists=True,
    file_okay=False,
    dir_okay=True,
    metavar="DIR",
    callback=_find_root,
)


class ProblemFormat(str, Enum):
    text = "text"
    github = "github"


def _fail(message: str) -> NoReturn:
    """A problem found: one line, exit 1."""
    typer.echo(f"dnnpapers: {message}", err=True)
    raise typer.Exit(1)


def _usage(message: str, option: str) -> NoReturn:
    """The command called wrongly: the usage lines and "Invalid value for 'OPTION'", exit 2, as for a value click checks itself."""
    detail = message.removeprefix(option).lstrip(": ") if message.startswith(option) else message
    raise typer.BadParameter(detail, param_hint=" / ".join(f"'{name}'" for name in option.split(" / ")))


def _load_or_report(root: Path, format: ProblemFormat = ProblemFormat.text, plain: bool = False) -> PaperList:
    """The valid list at ``root``, or every problem printed and exit 1; ``plain``: for a command that only reads it
    (load_list)."""
    from dnnpapers.access.loading import load_list

    return _run(lambda: load_list(root, plain=plain), format)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dnnpapers {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Keep a curated list of dynamic neural network papers true, current and good to read."""


OfflineOption = typer.Option(False, "--offline", help="Use only answers cached earlier; send nothing.")
RefreshOption = typer.Option(False, "--refresh", help="Ignore cached answers and ask the services again.")


def _run(work, format: ProblemFormat = ProblemFormat.text):
    """Run library work; located problems are printed one a line, other errors as one line; exit 1."""
    from dnnpapers.errors import ProblemsFound, UsageError

    try:
        return work()
    except ProblemsFound as found:
        for problem in found.problems:
            typer.echo(problem.github() if format is ProblemFormat.github else str(problem))
        count = len(found.problems)
        more = "; more may follow once the YAML syntax is fixed" if any("YAML syntax error" in p.message for p in found.problems) else ""
        typer.echo(f"{count} problem{'s' if count != 1 else ''} found{more}", err=True)
        raise typer.Exit(1) from None
    except UsageError as exc:
        _usage(str(exc), exc.option)
    except DnnpapersError as exc:
        _fail(str(exc))


@contextmanager
def _http(offline: bool, refresh: bool):
    """The one HTTP client, its environment checked inside the error handler; a cache problem is one warning."""
    from dnnpapers.sources.http import Http

    http = _run(lambda: Http.from_env(offline=offline, refresh=refresh))
    try:
        yield http
    finally:
        http.close()
        if http.cache.problem:
            typer.echo(f"warning: {http.cache.problem}", err=True)


@contextmanager
def _progress():
    """A rich progress bar on a terminal; nothing when output goes to a file or CI log."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=_console(stderr=True), transient=True) as bar:

        def start(label: str, total: int):
            task = bar.add_task(label, total=total)
            return lambda n: bar.advance(task, n)

        yield start


def _console(stderr: bool = False):
    """A rich console that writes no escape at all (no colour, no bold) when NO_COLOR is set."""
    from rich.console import Console

    return Console(stderr=stderr, color_system=None if _NO_COLOR else "auto")


#: Below this many characters a title column is unreadable: the other columns are stacked under it instead.
_WIDE_AT_LEAST = 24
#: A side column (venue, kind, presenters) wider than this folds when the terminal is narrow.
_SIDE_AT_MOST = 12


def _table(header: list[str], rows: list[tuple[str, ...]], keep: tuple[str, ...] = ("id",), wide: str = "title") -> None:
    """A table on a terminal; tab-separated lines, every column, when piped.

    On a terminal, columns empty in every row are left out, the ``keep`` columns
    never wrap (ids are what users copy), and the ``wide`` column gets the room:
    side columns fold first, and when even that leaves it too narrow they move
    under it, one line per row (``time · kind · presenters``).
    """
    if not sys.stdout.isatty():
        for row in [tuple(header), *rows]:
            typer.echo("\t".join(cell.replace("\t", " ") for cell in row))
        return
    from rich.cells import cell_len
    from rich.table import Table

    console = _console()
    shown = [i for i, name in enumerate(header) if name in keep or name == wide or any(row[i] for row in rows)]
    natural = {i: max([cell_len(header[i]), *(max((cell_len(line) for line in row[i].splitlines()), default=0) for row in rows)]) for i in shown}
    gaps = 2 * (len(shown) - 1)
    if sum(natural.values()) + gaps <= console.width:
        widths = natural
    else:
        widths = {i: natural[i] if header[i] in keep else min(natural[i], max(cell_len(header[i]), _SIDE_AT_MOST)) for i in shown}
        wide_i = header.index(wide)
        room = console.width - gaps - sum(w for i, w in widths.items() if i != wide_i)
        if room < _WIDE_AT_LEAST:
            side = [i for i in shown if header[i] not in keep and i != wide_i]
            header = list(header)
            header[wide_i] = " · ".join([wide, *(header[i] for i in side)])
            rows = [tuple(cell if i != wide_i else "\n".join(filter(None, [cell, " · ".join(row[j] for j in side if row[j])])) for i, cell in enumerate(row)) for row in rows]
            shown = [i for i in shown if i not in side]
            natural[wide_i] = max(cell_len(line) for cell in [header[wide_i], *(row[wide_i] for row in rows)] for line in cell.splitlines() or [""])
            widths = {i: natural[i] for i in shown}
            room = console.width - 2 * (len(shown) - 1) - sum(w for i, w in widths.items() if i != wide_i)
        widths[wide_i] = max(room, 1)
        surplus = room - natural[wide_i]
        if surplus > 0:  # the wide column needs less than the room: what is left unfolds the side columns again
            widths[wide_i] = natural[wide_i]
            for i in sorted(shown, key=lambda i: natural[i] - widths[i]):  # the nearly whole first
                extra = min(surplus, natural[i] - widths[i])
                widths[i] += extra
                surplus -= extra
    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 1))
    for i in shown:
        table.add_column(header[i], width=widths[i], no_wrap=header[i] in keep, overflow="fold")
    for row in rows:
        table.add_row(*(row[i] for i in shown))
    console.print(table)
