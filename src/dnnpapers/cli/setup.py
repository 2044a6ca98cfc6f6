"""Setting up and importing: init, import-md, import-bib."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from dnnpapers.cli.common import OfflineOption, RefreshOption, RootOption, _http, _run

def import_md(
    page: Path = typer.Argument(..., exists=True, dir_okay=False, metavar="PAGE", help="A hand-written materials page (Markdown)."),
    map: list[str] = typer.Option([], "--map", metavar="HEADING=SLUG", help='Section heading to taxonomy slug, e.g. --map "跳层=layer-skip".'),
    dry_run: bool = typer.Option(False, "--dry-run", help="Resolve and report; write nothing."),
    root: Path = RootOption,
    offline: bool = OfflineOption,
    refresh: bool = RefreshOption,
) -> None:
    """Import the paper tables of a hand-written materials page.

    Sections map to topics by their Chinese or English label (or --map); each row is
    found on arXiv by its link or exact title, never guessed. The page's Date is kept
    only where the services name no venue; differences are reported.

    Example:

    \b
        dnnpapers import-md old-page.md --map "Dynamic Neural Network Survey=survey" --dry-run
    """
    from dnnpapers.curation.migrate import import_page

    with _http(offline, refresh) as http:
        report = _run(lambda: import_page(root, page, http, map, dry_run))
    _print_import(report, dry_run)


def import_bib(
    bib: Path = typer.Argument(..., exists=True, dir_okay=False, metavar="FILE", help="A BibTeX file (Zotero, Google Scholar export)."),
    tag: list[str] = typer.Option([], "--tag", "-t", metavar="SLUG", help="Taxonomy slug for every entry (else slugs in each entry's keywords)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Resolve and report; write nothing."),
    root: Path = RootOption,
    offline: bool = OfflineOption,
    refresh: bool = RefreshOption,
) -> None:
    """Import the entries of a BibTeX export by their arXiv id, DOI or exact title.

    Example:

    \b
        dnnpapers import-bib zotero.bib --tag early-exit
    """
    from dnnpapers.curation.migrate import import_bib as run_import

    with _http(offline, refresh) as http:
        report = _run(lambda: run_import(root, bib, http, tag, dry_run))
    _print_import(report, dry_run)


def _print_import(report, dry_run: bool) -> None:
    for line in report.mapping:
        typer.echo(f"section {line}")
    verb = "would add" if dry_run else "added"
    for entry in report.added.added:
        typer.echo(f"{verb} {entry['id']}: {entry['title']} ({entry['venue']}) [{', '.join(entry['tags'])}]")
    for line in report.added.skipped:
        typer.echo(f"skipped: {line}")
    for line in report.added.differences:
        typer.echo(f"venue: {line}")
    for line in report.unresolved:
        typer.echo(f"unresolved: {line}")
    for line in report.added.warnings:
        typer.echo(f"warning: {line}", err=True)
    typer.echo(f"{len(report.added.added)} {verb}, {len(report.added.skipped)} already listed, {len(report.unresolved)} unresolved", err=True)
    if report.unresolved:  # a row that could not be imported is a problem found, whatever else came in
        raise typer.Exit(1)


class Pages(str, Enum):
    """What a new list's Pages workflow publishes (scaffold.PAGES)."""

    site = "site"
    jekyll = "jekyll"


def init(
    folder: Path = typer.Argument(..., metavar="DIR", help="A new or empty folder (a fresh git clone is fine) for the list."),
    title: str = typer.Option("Paper list", "--title", metavar="TEXT", help="The list's title."),
    title_zh: str = typer.Option("论文列表", "--title-zh", metavar="TEXT", help="The list's Chinese title."),
    taxonomy: str = typer.Option("dynamic-nn", "--taxonomy", metavar="FILE|empty|dynamic-nn", help="The topics to start from: this list's tree, none, or a taxonomy file."),
    tool: str = typer.Option(None, "--tool", metavar="PIP-SPEC", help="What the list's CI `pip install`s to get dnnpapers (default: this dnnpapers, when installed from PyPI or a URL)."),
    yes: bool = typer.Option(False, "--yes", help="Init into a clone that holds a README, LICENSE or .gitignore (README replaced, LICENSE kept)."),
    pages: Pages = typer.Option(Pages.site, "--pages", help="What GitHub Pages publishes: the searchable page (generated/site/), or a Jekyll site in site/ that render writes the pages into."),
) -> None:
    """Start a new list: taxonomy, empty papers file, README with markers, CONTRIBUTING, workflows, hooks.

    It passes `dnnpapers check` and `dnnpapers render --check` at once.

    Example:

    \b
        dnnpapers init ../efficient-transformers --title "Efficient Transformers" --taxonomy empty --tool "dnnpapers @ git+https://github.com/OWNER/dnnpapers@v0.1.0"
        dnnpapers init ../group-papers --pages jekyll --tool "dnnpapers @ git+https://github.com/OWNER/dnnpapers@v0.1.0"
    """
    from dnnpapers.curation.scaffold import init_list

    written = _run(lambda: init_list(folder, title, title_zh, tool, taxonomy, yes, pages.value))
    typer.echo(f"created {folder} ({len(written)} files); next: cd {folder} && dnnpapers add ARXIV_ID --tag SLUG")
