"""The command line: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 ok, 1 problem found, 2 usage error, 130 interrupted. Library modules are
imported inside the commands so that ``--help`` and ``--version`` start fast.
"""

from __future__ import annotations

import errno
import io
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
    from dnnpapers.paperlist import PaperList

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
    from dnnpapers.layout import find_root

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


def _load_or_report(root: Path, format: ProblemFormat = ProblemFormat.text) -> PaperList:
    """The valid list at ``root``, or every problem printed and exit 1."""
    from dnnpapers.paperlist import load_list

    return _run(lambda: load_list(root), format)


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
    """Validate the list's files (taxonomy, papers, page, talks, ...); report every problem with its file and line.

    Exits 0 when the list is clean, 1 when it has problems. Advice that is not an
    error (a talk naming a paper by arXiv id) is printed as a warning. Changes no file.

    Example:

    \b
        dnnpapers check --root . --format github
    """
    from dnnpapers.verdicts import checked

    papers, topics, talks, warnings = _run(lambda: checked(root), format)
    for warning in warnings:
        typer.echo(warning.github("warning") if format is ProblemFormat.github else f"warning: {warning}", err=format is not ProblemFormat.github)
    said = f"{papers} paper{'s' if papers != 1 else ''} in {topics} topic{'s' if topics != 1 else ''}"
    if talks:
        said += f", {talks} talk{'s' if talks != 1 else ''}"
    typer.echo(f"ok: {said}, no problems", err=True)


@app.command()
def render(
    root: Path = RootOption,
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 naming every file that would change."),
) -> None:
    """Regenerate the pages under generated/, the exports and the README's list region.

    Writes only files whose content changes. Invalid data is refused with check's
    messages and nothing is written, as is an output reached through a symlink that
    leads outside the list. A list may override any template with a file of the same
    name in its templates/ folder.

    Example:

    \b
        dnnpapers render --check
    """
    changed = None
    if check:  # an unchanged list answers from the verdict on its inputs, without loading anything
        from dnnpapers.verdicts import fresh_render_check

        changed = fresh_render_check(root)
    if changed is None:
        from dnnpapers.render import render_root

        changed = _run(lambda: render_root(root, check=check))
    if check and changed:
        for names, why in ((changed.written, "stale"), (changed.removed, "no longer made"), (changed.leftovers, "left by an interrupted write")):
            for name in names:
                typer.echo(f"{name}: {why}; run dnnpapers render")
        raise typer.Exit(1)
    done = [f"{verb} {', '.join(names)}" for verb, names in (("wrote", changed.written), ("removed", [*changed.removed, *changed.leftovers])) if names]
    typer.echo(f"{'ok: ' if check else ''}{'; '.join(done) or 'up to date'}", err=True)


OfflineOption = typer.Option(False, "--offline", help="Use only answers cached earlier; send nothing.")
RefreshOption = typer.Option(False, "--refresh", help="Ignore cached answers and ask the services again.")


@app.command()
def add(
    ids: list[str] = typer.Argument(None, metavar="ID...", help="arXiv ids in any form: 2102.04906, 2102.04906v2, arXiv:2102.04906, https://arxiv.org/abs/2102.04906, https://arxiv.org/pdf/2102.04906v2.pdf, cs/0112017."),
    tag: list[str] = typer.Option([], "--tag", "-t", metavar="SLUG", help="Taxonomy slug; repeat for several. Without it, tags are suggested (and asked on a terminal)."),
    focus: str = typer.Option(None, "--focus", metavar="TEXT", help="The 'Focused On' text."),
    note: str = typer.Option(None, "--note", metavar="TEXT", help="A note for readers."),
    code: str = typer.Option(None, "--code", metavar="URL", help="Link to the official code."),
    title: str = typer.Option(None, "--title", metavar="TITLE", help="Find the paper on arXiv by its title instead of an id (close titles are offered, never picked)."),
    root: Path = RootOption,
    offline: bool = OfflineOption,
    refresh: bool = RefreshOption,
) -> None:
    """Add papers from arXiv (and citation data from Semantic Scholar) to data/papers.yaml.

    All or nothing: an id arXiv does not know adds none. Papers already in the
    list are reported, not added twice. The rest of the file stays byte for byte.

    Example:

    \b
        dnnpapers add 1703.09844 https://arxiv.org/abs/2004.02178v2 --tag early-exit
    """
    from dnnpapers.enrich import add_papers

    chooser = _ask_tags if sys.stdin.isatty() else None
    with _http(offline, refresh) as http:
        report = _run(lambda: add_papers(root, ids or [], http, tag, focus, note, code, title, chooser))
    for entry in report.added:
        typer.echo(f"added {entry['id']}: {entry['title']} ({entry['venue']}) [{', '.join(entry['tags'])}]")
    for line in report.skipped:
        typer.echo(f"skipped: {line}")
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)


@app.command("import-md")
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
    from dnnpapers.migrate import import_page

    with _http(offline, refresh) as http:
        report = _run(lambda: import_page(root, page, http, map, dry_run))
    _print_import(report, dry_run)


@app.command("import-bib")
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
    from dnnpapers.migrate import import_bib as run_import

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


def _ask_tags(record, suggestions: list[str], taxonomy) -> list[str]:
    """Ask until the answer names known tags; '?' lists them. Answers already given stay given."""
    from dnnpapers.enrich import read_tags

    typer.echo(f"{record.arxiv_id}: {record.title}", err=True)
    while True:
        answer = typer.prompt("Tags (comma-separated; ? lists them)", default=", ".join(suggestions), show_default=bool(suggestions), err=True)
        if answer.strip() == "?":
            for node in taxonomy.walk():
                typer.echo(f"  {'  ' * taxonomy.depth[node.slug]}{node.slug}  {node.en} · {node.zh}", err=True)
            continue
        try:
            return read_tags(answer, taxonomy)
        except DnnpapersError as exc:
            typer.echo(f"{exc}; try again", err=True)


@app.command()
def update(
    only: list[str] = typer.Option([], "--only", metavar="ID", help="Paper id to refresh; repeat for several (default: all)."),
    venues: bool = typer.Option(False, "--venues", help="Propose venues from DBLP and Crossref (and, for papers still listed as arXiv, weaker hints)."),
    authors: bool = typer.Option(False, "--authors", help="Propose full author lists from arXiv for lists ending in 'et al.'."),
    apply: bool = typer.Option(False, "--apply", help="Write the proposed venue and author changes to papers.yaml."),
    summary: Path = typer.Option(None, "--summary", metavar="FILE", help="Also write a Markdown summary here (a pull request's body)."),
    root: Path = RootOption,
    offline: bool = OfflineOption,
    refresh: bool = RefreshOption,
) -> None:
    """Refresh citation counts into data/metrics.yaml; propose venue and author updates.

    Proposals are shown as a diff of papers.yaml and written only with --apply.

    Example:

    \b
        dnnpapers update --venues --authors --apply
    """
    from dnnpapers.enrich import update_list

    if summary is not None and not summary.absolute().parent.is_dir():  # before any change, not after
        _usage(f"--summary {summary}: no such folder {summary.absolute().parent}; nothing was changed", "--summary")
    with _http(offline, refresh) as http, _progress() as progress:
        report = _run(lambda: update_list(root, http, only, venues, authors, apply, progress=progress))
    typer.echo(f"updated citation data of {report.updated} paper{'s' if report.updated != 1 else ''}")
    for pid, old, new in report.gains[:5]:
        typer.echo(f"  {pid}: {old} → {new} (+{new - old})")
    for line in report.proposals:
        typer.echo(f"proposed: {line}")
    if report.diff:
        typer.echo(report.diff, nl=False)
        typer.echo("applied to papers.yaml" if report.applied else "run again with --apply to write these changes", err=True)
    for line in report.failures:
        typer.echo(f"not updated: {line}", err=True)
    if summary is not None:
        from dnnpapers.files import atomic_write

        _run(lambda: atomic_write(summary, _summary_markdown(report).encode("utf-8"), make_folders=False))


def _summary_markdown(report) -> str:
    """The refresh pull request's body: every line from the services goes in inert (no mention, link or HTML)."""
    from dnnpapers.markdown import inert

    lines = ["## dnnpapers update", "", f"Citation data refreshed for {report.updated} papers.", ""]
    if report.gains:
        lines += ["### Biggest citation gains", "", "| paper | before | now |", "| --- | ---: | ---: |"]
        lines += [f"| {inert(pid)} | {old} | {new} |" for pid, old, new in report.gains[:10]] + [""]
    if report.proposals:
        lines += ["### Venues and authors", ""] + [f"- {inert(p)}" for p in report.proposals] + [""]
    if report.failures:
        lines += ["### Not updated", ""] + [f"- {inert(f)}" for f in report.failures] + [""]
    return "\n".join(lines)


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


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    bib = "bib"
    csl = "csl"
    ris = "ris"


class ShowFormat(str, Enum):
    text = "text"
    bib = "bib"
    csl = "csl"
    ris = "ris"


def _export(format, paper_list, papers) -> str:
    """The papers in one of the reference formats (bib, csl, ris, json)."""
    if format.value == "bib":
        from dnnpapers.export import bibtex

        return bibtex(paper_list, papers)
    if format.value == "csl":
        from dnnpapers.csl import csl_json

        return csl_json(papers)
    if format.value == "ris":
        from dnnpapers.ris import ris

        return ris(papers)
    from dnnpapers.export import json_export

    return json_export(paper_list, papers)


@app.command("list")
def list_papers(
    tag: str = typer.Option(None, "--tag", metavar="SLUG", help="Only this topic (and its subtopics)."),
    year: str = typer.Option(None, "--year", metavar="YEARS", help="A year or a range: 2020, 2019..2021, 2019.., ..2021."),
    venue: str = typer.Option(None, "--venue", metavar="NAME", help="Venue naming this word, e.g. ICLR (not 'EACL' for ACL)."),
    search: str = typer.Option(None, "--search", metavar="TEXT", help="Text in title, authors, focus, notes or id."),
    sort: str = typer.Option("year", "--sort", metavar="year|citations|title", help="The order of the list."),
    presented: bool = typer.Option(None, "--presented/--not-presented", help="Only papers the reading group discussed (data/talks.yaml), or only those it has not."),
    format: ListFormat = typer.Option(ListFormat.table, "--format", help="table (plain when piped), json, bib (BibTeX), csl (CSL-JSON for pandoc and Zotero) or ris (EndNote)."),
    root: Path = RootOption,
) -> None:
    """List papers, filtered and sorted; json and bib for scripts and LaTeX.

    Example:

    \b
        dnnpapers list --tag early-exit --year 2019..2021 --format bib > refs.bib
    """
    from dnnpapers.query import parse_years, select

    paper_list = _load_or_report(root)
    papers = _run(lambda: select(paper_list, tag, parse_years(year) if year else None, venue, search, sort, presented))
    if format is not ListFormat.table:
        sys.stdout.write(_export(format, paper_list, papers))
    else:
        rows = [(str(p.year), p.venue or "", p.id, p.title, _cited(paper_list, p.id)) for p in papers]
        _table(["year", "venue", "id", "title", "cited"], rows)


def _cited(paper_list, paper_id: str) -> str:
    metrics = paper_list.metrics.get(paper_id)
    return str(metrics.citations) if metrics and metrics.citations is not None else ""


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


@app.command()
def show(
    paper_id: str = typer.Argument(..., metavar="ID", help="The paper's id, its arXiv id (any form) or its DOI."),
    format: ShowFormat = typer.Option(ShowFormat.text, "--format", help="text, or one entry as bib, csl or ris."),
    root: Path = RootOption,
) -> None:
    """Show one paper with everything known about it (and where its venue came from).

    Example:

    \b
        dnnpapers show huang2017multiscale --format bib
    """
    from dnnpapers.query import find

    paper_list = _load_or_report(root)
    _, paper = _run(lambda: find(paper_list, paper_id))
    if format is not ShowFormat.text:
        sys.stdout.write(_export(format, paper_list, [paper]))
        return
    taxonomy = paper_list.taxonomy
    fields = paper.model_dump(exclude_none=True, exclude_defaults=True)
    fields["authors"] = ", ".join(paper.authors)
    fields["tags"] = "; ".join(f"{t} ({taxonomy[t].en} · {taxonomy[t].zh})" for t in paper.tags)
    if paper.awards:
        fields["awards"] = ", ".join(paper.awards)
    if paper.link and paper.link != paper.url:  # a url is shown as itself above
        fields["link"] = paper.link
    metrics = paper_list.metrics.get(paper.id)
    if metrics and metrics.citations is not None:
        fields["citations"] = f"{metrics.citations} ({metrics.influential} influential), fetched {metrics.fetched}"
    if paper.published:
        fields["venue source"] = (metrics.venue_source if metrics and metrics.venue_source else "not recorded (written by hand or before sources were kept)")
        if paper.venue_checked:
            fields["venue source"] += "; checked by a curator"
    talks = paper_list.talks.on_papers().get(paper.id)
    if talks:
        from dnnpapers.talks import is_upcoming

        today = paper_list.today()
        fields["talks"] = "; ".join(f"{talk.date} ({anchor}{', upcoming' if is_upcoming(talk, today) else ''})" for talk, anchor in talks)
    width = max(map(len, fields))
    for key, value in fields.items():
        typer.echo(f"{key:>{width}}: {value}")


@app.command()
def stats(root: Path = RootOption) -> None:
    """Papers per topic and per year, top venues, most cited, and what is missing.

    Example:

    \b
        dnnpapers stats
    """
    from dnnpapers.query import stats as compute

    paper_list = _load_or_report(root)
    result = compute(paper_list)
    peak = max((n for _, _, n in result.per_topic), default=0) or 1
    typer.echo(f"{result.total} papers\n\nper topic (with subtopics):")
    for depth, slug, n in result.per_topic:
        typer.echo(f"  {'  ' * depth + slug:<34} {n:>4} {'█' * round(20 * n / peak)}")
    peak = max((n for _, n in result.per_year), default=0) or 1
    typer.echo("\nper year (first appearance):")
    for year, n in result.per_year:
        typer.echo(f"  {year} {n:>4} {'█' * round(30 * n / peak)}")
    typer.echo("\ntop venues: " + (", ".join(f"{v} ({n})" for v, n in result.venues) or "none"))
    if result.most_cited:
        typer.echo("most cited: " + ", ".join(f"{pid} ({n})" for pid, n in result.most_cited))
    typer.echo(f"missing: {result.without_code} without a code link, {result.without_citations} without citation data")
    if result.empty_sections:
        typer.echo(f"empty page sections (left off the pages until data/page.yaml lists links): {', '.join(result.empty_sections)}")
    if result.talks:
        typer.echo(f"\n{result.talks} talk{'s' if result.talks != 1 else ''}; per presenter: " + ", ".join(f"{name} ({n})" for name, n in result.per_presenter))
        if result.upcoming:
            typer.echo(f"{result.upcoming} of them still to come, not counted below")
        typer.echo("per topic (talks held · papers discussed of the topic's):")
        totals = {slug: n for _, slug, n in result.per_topic}
        for depth, slug, talks, covered in result.talks_per_topic:
            share = f"{covered}/{totals[slug]}" + (f" ({100 * covered / totals[slug]:.0f}%)" if totals[slug] else "")
            typer.echo(f"  {'  ' * depth + slug:<34} {talks:>3} · {share}")


@app.command()
def remove(
    paper_id: str = typer.Argument(..., metavar="ID", help="The paper's id, its arXiv id (any form) or its DOI."),
    force: bool = typer.Option(False, "--force", help="Also unlink it from the talks that name it (data/talks.yaml); without it such a paper is kept."),
    root: Path = RootOption,
) -> None:
    """Remove a paper from data/papers.yaml (and its citation data); the rest of the file stays byte for byte.

    A paper that a talk names is kept, and the talks are named, unless --force
    is given: it also unlinks the paper from those talks in data/talks.yaml (a
    talk left naming no paper takes its title), all in one write.

    Example:

    \b
        dnnpapers remove huang2017multiscale
    """
    from dnnpapers.curate import remove_paper

    removed = _run(lambda: remove_paper(root, paper_id, force))
    typer.echo(f"removed {paper_id}: {removed.title}")
    for anchor, title in removed.unlinked:
        typer.echo(f"unlinked it from {anchor}" + (f", now titled {title!r}" if title else ""))


@app.command()
def tag(
    paper_id: str = typer.Argument(..., metavar="ID", help="The paper's id, its arXiv id (any form) or its DOI."),
    add: list[str] = typer.Option([], "--add", metavar="SLUG", help="Slug to add; repeat for several."),
    remove: list[str] = typer.Option([], "--remove", metavar="SLUG", help="Slug to remove; repeat for several."),
    root: Path = RootOption,
) -> None:
    """Add or remove a paper's tags; nothing else in the file changes.

    Example:

    \b
        dnnpapers tag 1703.09844 --add resolution-level --remove early-exit
    """
    from dnnpapers.curate import retag_paper

    tags = _run(lambda: retag_paper(root, paper_id, add, remove))
    typer.echo(f"{paper_id}: {', '.join(tags)}")


@app.command()
def init(
    folder: Path = typer.Argument(..., metavar="DIR", help="A new or empty folder (a fresh git clone is fine) for the list."),
    title: str = typer.Option("Paper list", "--title", metavar="TEXT", help="The list's title."),
    title_zh: str = typer.Option("论文列表", "--title-zh", metavar="TEXT", help="The list's Chinese title."),
    taxonomy: str = typer.Option("dynamic-nn", "--taxonomy", metavar="FILE|empty|dynamic-nn", help="The topics to start from: this list's tree, none, or a taxonomy file."),
    tool: str = typer.Option(None, "--tool", metavar="PIP-SPEC", help="What the list's CI `pip install`s to get dnnpapers (default: this dnnpapers, when installed from PyPI or a URL)."),
    yes: bool = typer.Option(False, "--yes", help="Init into a clone that holds a README, LICENSE or .gitignore (README replaced, LICENSE kept)."),
) -> None:
    """Start a new list: taxonomy, empty papers file, README with markers, CONTRIBUTING, workflows, hooks.

    It passes `dnnpapers check` and `dnnpapers render --check` at once.

    Example:

    \b
        dnnpapers init ../efficient-transformers --title "Efficient Transformers" --taxonomy empty --tool "dnnpapers @ git+https://github.com/OWNER/dnnpapers@v0.1.0"
    """
    from dnnpapers.scaffold import init_list

    written = _run(lambda: init_list(folder, title, title_zh, tool, taxonomy, yes))
    typer.echo(f"created {folder} ({len(written)} files); next: cd {folder} && dnnpapers add ARXIV_ID --tag SLUG")


class ReportFormat(str, Enum):
    markdown = "markdown"
    json = "json"


def _date(option: str, text: str | None, default):
    import datetime as dt

    if text is None:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _usage(f"{option} {text!r}: write a date as YYYY-MM-DD", option)


@app.command()
def discover(
    since: str = typer.Option(None, "--since", metavar="DATE", help="First day of the window (default: 7 days before --until)."),
    until: str = typer.Option(None, "--until", metavar="DATE", help="Last day of the window (default: today)."),
    limit: int = typer.Option(30, "--limit", min=1, max=500, metavar="N", help="How many candidates to show."),
    format: ReportFormat = typer.Option(ReportFormat.markdown, "--format", help="markdown (a GitHub issue body with a checklist) or json."),
    explain: bool = typer.Option(False, "--explain", help="Say under each candidate why it ranks there (JSON always carries it as \"why\")."),
    root: Path = RootOption,
    offline: bool = OfflineOption,
    refresh: bool = RefreshOption,
) -> None:
    """New papers that belong in the list: this week's arXiv and Semantic Scholar's recommendations, ranked and tagged.

    The list's own classifier (scikit-learn: pip install 'dnnpapers[discover]') ranks them by how
    much they resemble the listed papers and the taxonomy's topics; listed and dismissed papers are left out.

    Example:

    \b
        dnnpapers discover --since 2024-04-22 --until 2024-04-28 --limit 10 --format json
    """
    import datetime as dt

    from dnnpapers.discover import discover as run_discover, json_report, markdown_report

    last = _date("--until", until, dt.date.today())
    first = _date("--since", since, last - dt.timedelta(days=6))
    if first > last:
        _usage(f"--since {first} is after --until {last}", "--since")
    with _http(offline, refresh) as http, _progress() as progress:
        report = _run(lambda: run_discover(root, http, first, last, limit, progress))
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    sys.stdout.write(markdown_report(report, explain) if format is ReportFormat.markdown else json_report(report))


@app.command()
def dismiss(
    ids: list[str] = typer.Argument(..., metavar="ID...", help="arXiv ids (any form) of candidates that do not belong."),
    reason: str = typer.Option(None, "--reason", metavar="TEXT", help="Why, in a few words."),
    root: Path = RootOption,
) -> None:
    """Record turned-down candidates in data/dismissed.yaml, so discover never shows them again.

    Example:

    \b
        dnnpapers dismiss 2404.90001 --reason "static pruning, not input-adaptive"
    """
    from dnnpapers.curate import dismiss_papers

    done, skipped = _run(lambda: dismiss_papers(root, ids, reason))
    for arxiv_id in done:
        typer.echo(f"dismissed {arxiv_id}")
    for line in skipped:
        typer.echo(f"skipped: {line}")


talk_app = typer.Typer(
    help="The reading group's talks (data/talks.yaml): add one, list them.\n\nExample:\n\n\b\n    dnnpapers talk list --upcoming",
    no_args_is_help=True,
    rich_markup_mode=_HELP_MARKUP,
)
app.add_typer(talk_app, name="talk")


class TalkKind(str, Enum):
    paper_talk = "paper-talk"
    topic_discussion = "topic-discussion"
    invited_talk = "invited-talk"
    public_talk = "public-talk"
    qa = "qa"
    lecture_notes = "lecture-notes"


@talk_app.command("add")
def talk_add(
    date: str = typer.Argument(..., metavar="DATE", help="The day, YYYY-MM-DD, in the group's timezone (data/page.yaml)."),
    presenter: list[str] = typer.Option(..., "--presenter", metavar="NAME", help="Who presents (repeat for several)."),
    paper: list[str] = typer.Option([], "--paper", metavar="ID", help="A listed paper it discusses: id, arXiv id or DOI (repeat for several)."),
    kind: TalkKind = typer.Option(TalkKind.paper_talk, "--kind", help="Which of the group's activities."),
    title: str = typer.Option(None, "--title", metavar="TEXT", help="The talk's title (needed when no --paper is given)."),
    start: str = typer.Option(None, "--start", metavar="HH:MM", help="When it starts (without it: an all-day event)."),
    end: str = typer.Option(None, "--end", metavar="HH:MM", help="When it ends."),
    place: str = typer.Option(None, "--place", metavar="TEXT", help="Room or meeting link."),
    slides: str = typer.Option(None, "--slides", metavar="URL"),
    video: str = typer.Option(None, "--video", metavar="URL"),
    notes: str = typer.Option(None, "--notes", metavar="URL", help="The write-up of the talk."),
    recording: str = typer.Option(None, "--recording", metavar="URL"),
    root: Path = RootOption,
) -> None:
    """Add a talk to data/talks.yaml (created if absent); the rest of the file stays byte for byte.

    Example:

    \b
        dnnpapers talk add 2026-12-09 --presenter "Li Lei" --paper huang2017multiscale --start 19:00 --end 20:30
    """
    import datetime as dt

    from dnnpapers.curate import add_talk

    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise typer.BadParameter(f"{date!r}: write a date as YYYY-MM-DD", param_hint="'DATE'") from None
    links = {name: value for name, value in (("slides", slides), ("video", video), ("notes", notes), ("recording", recording)) if value}
    anchor, said = _run(lambda: add_talk(root, day, presenter, paper, kind.value, title, start, end, links, place))
    typer.echo(f"added {anchor}: {said}")


class TalkWhen(str, Enum):
    upcoming = "upcoming"
    past = "past"


@talk_app.command("list")
def talk_list(
    upcoming: bool = typer.Option(False, "--upcoming", help="Only talks from today on."),
    past: bool = typer.Option(False, "--past", help="Only talks before today."),
    presenter: str = typer.Option(None, "--presenter", metavar="NAME", help="Only talks by this presenter (any part of the name)."),
    paper: str = typer.Option(None, "--paper", metavar="ID", help="Only talks on this paper (id, arXiv id or DOI)."),
    root: Path = RootOption,
) -> None:
    """List the group's talks in date order: a table on a terminal, tab-separated when piped.

    Example:

    \b
        dnnpapers talk list --past --presenter 韩松
    """
    from dnnpapers.query import select_talks
    from dnnpapers.talks import presenter_label, talk_title

    if upcoming and past:
        _usage("they exclude each other; give one", "--upcoming / --past")
    paper_list = _load_or_report(root)
    when = "upcoming" if upcoming else "past" if past else None
    pairs = _run(lambda: select_talks(paper_list, when, presenter, paper))
    papers = {p.id: p for p in paper_list.papers}
    rows = [
        (
            talk.date.isoformat(),
            talk.span,
            talk.kind,
            talk_title(talk, papers),
            ", ".join(presenter_label(p) for p in talk.presenters),
            " ".join(talk.papers),
            anchor,
        )
        for anchor, talk in pairs
    ]
    _table(["date", "time", "kind", "title", "presenters", "papers", "anchor"], rows, keep=("date", "anchor"))


@app.command()
def schema(root: Path = RootOption) -> None:
    """Print the JSON Schema of data/papers.yaml, generated from the models, its tags from the taxonomy.

    Editors use it through the first line of papers.yaml; render writes it to
    generated/papers.schema.json.

    Example:

    \b
        dnnpapers schema > generated/papers.schema.json
    """
    from dnnpapers.schema import papers_schema

    sys.stdout.write(papers_schema(_load_or_report(root).taxonomy))


class _StdoutError(OSError):
    """Writing to standard output failed (a full disk, a closed descriptor)."""


class _ReaderGone(BaseException):
    """Standard output's reader closed the pipe (``dnnpapers list | head -1``): it has what it wanted.

    A BaseException, so that click's own EPIPE handling (exit 1) and no library
    ``except Exception`` sees it; ``main`` ends the run quietly with 0, as
    most tools written in Python do. (C tools die of SIGPIPE, which a shell
    reports as 141 and ``set -o pipefail`` as a failure; a reader stopping
    early is not one.)
    """


class _Stdout:
    """Standard output whose write errors say that they are standard output's."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is None:
            raise _StdoutError(errno.EBADF, "standard output is closed")
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise _ReaderGone() from None
        except OSError as exc:
            raise _StdoutError(exc.errno, exc.strerror) from None

    def flush(self) -> None:
        if self._stream is not None:
            try:
                self._stream.flush()
            except BrokenPipeError:
                raise _ReaderGone() from None
            except OSError as exc:
                raise _StdoutError(exc.errno, exc.strerror) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main() -> None:
    """Console entry point: every way a run can end is an exit code and at most one line."""
    from dnnpapers.interrupts import Interrupted, install

    install()
    real_stdout = sys.stdout
    if isinstance(real_stdout, io.TextIOWrapper):
        # a character the terminal's encoding lacks (latin-1, cp1252 and the list's Chinese or emoji)
        # is written as \uXXXX, as Python writes stderr, instead of ending the run with a traceback
        real_stdout.reconfigure(errors="backslashreplace")
    sys.stdout = _Stdout(real_stdout)
    reader_gone = False
    try:
        app()
        code = 0
    except _ReaderGone:
        code, reader_gone = 0, True
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except (Interrupted, KeyboardInterrupt):
        code = _say("interrupted", 130)
    except OSError as exc:
        code = _say(_os_problem(exc), 1)
    except RecursionError:
        code = _say("input nested too deeply to process", 1)
    try:
        sys.stdout.flush()
    except _ReaderGone:
        reader_gone = True
    except OSError as exc:
        code = _say(_os_problem(exc), 1)
    except Interrupted:
        code = _say("interrupted", 130)
    if (code or reader_gone) and real_stdout is not None:
        try:  # what is still buffered for a broken output must not fail again at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), real_stdout.fileno())
        except (OSError, ValueError):
            pass
    sys.stdout = real_stdout
    sys.exit(code)


def _say(message: str, code: int) -> int:
    try:
        typer.echo(f"dnnpapers: {message}", err=True)
    except (OSError, ValueError):
        pass
    return code


def _os_problem(exc: OSError) -> str:
    from dnnpapers.files import describe_os_error

    if isinstance(exc, _StdoutError):
        return f"cannot write to standard output ({describe_os_error(exc)})"
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{describe_os_error(exc)}"
