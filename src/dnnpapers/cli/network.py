"""The commands that ask remote services: add, update, discover."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from dnnpapers.errors import DnnpapersError
from dnnpapers.cli.common import OfflineOption, RefreshOption, RootOption, _http, _progress, _run, _usage

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
    Without --code, the code link is the repository arXiv's abstract or comment names, if any.

    Example:

    \b
        dnnpapers add 1703.09844 https://arxiv.org/abs/2004.02178v2 --tag early-exit
    """
    from dnnpapers.curation.enrich import add_papers

    chooser = _ask_tags if sys.stdin.isatty() else None
    with _http(offline, refresh) as http:
        report = _run(lambda: add_papers(root, ids or [], http, tag, focus, note, code, title, chooser))
    for entry in report.added:
        typer.echo(f"added {entry['id']}: {entry['title']} ({entry['venue']}) [{', '.join(entry['tags'])}]")
        if entry.get("code") and not code:
            typer.echo(f"  code: {entry['code']} (named on arXiv)")
    for line in report.skipped:
        typer.echo(f"skipped: {line}")
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)


def _ask_tags(record, suggestions: list[str], taxonomy) -> list[str]:
    """Ask until the answer names known tags; '?' lists them. Answers already given stay given."""
    from dnnpapers.curation.enrich import read_tags

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


def update(
    only: list[str] = typer.Option([], "--only", metavar="ID", help="Paper id to refresh; repeat for several (default: all)."),
    venues: bool = typer.Option(False, "--venues", help="Propose venues from DBLP and Crossref (and, for papers still listed as arXiv, weaker hints)."),
    authors: bool = typer.Option(False, "--authors", help="Propose full author lists from arXiv for lists ending in 'et al.'."),
    code: bool = typer.Option(False, "--code", help="Propose code links: the repository arXiv's abstract or comment names (or a renamed repository's new address)."),
    apply: bool = typer.Option(False, "--apply", help="Write the proposed venue, author and code changes to papers.yaml."),
    summary: Path = typer.Option(None, "--summary", metavar="FILE", help="Also write a Markdown summary here (a pull request's body)."),
    root: Path = RootOption,
    offline: bool = OfflineOption,
    refresh: bool = RefreshOption,
) -> None:
    """Refresh citation counts and GitHub stars into data/metrics.yaml; propose venue, author and code link updates.

    Proposals are shown as a diff of papers.yaml and written only with --apply.
    Stars and last push come from GitHub's REST API for every GitHub code link (GITHUB_TOKEN raises its limit).

    Example:

    \b
        dnnpapers update --venues --authors --code --apply
    """
    from dnnpapers.curation.enrich import update_list

    if summary is not None and not summary.absolute().parent.is_dir():  # before any change, not after
        _usage(f"--summary {summary}: no such folder {summary.absolute().parent}; nothing was changed", "--summary")
    with _http(offline, refresh) as http, _progress() as progress:
        report = _run(lambda: update_list(root, http, only, venues, authors, apply, progress=progress, code=code))
    typer.echo(f"updated citation data of {report.updated} paper{'s' if report.updated != 1 else ''}")
    if report.starred:
        typer.echo(f"updated stars of {report.starred} code repositor{'ies' if report.starred != 1 else 'y'}")
    for pid, old, new in report.gains[:5]:
        typer.echo(f"  {pid}: {old} → {new} (+{new - old})")
    for line in report.proposals:
        typer.echo(f"proposed: {line}")
    if report.diff:
        typer.echo(report.diff, nl=False)
        typer.echo("applied to papers.yaml" if report.applied else "run again with --apply to write these changes", err=True)
    for line in report.failures:
        typer.echo(f"not updated: {line}", err=True)
    for line in report.warnings:
        typer.echo(f"warning: {line}", err=True)
    if summary is not None:
        from dnnpapers.storage.files import atomic_write

        _run(lambda: atomic_write(summary, _summary_markdown(report).encode("utf-8"), make_folders=False))


def _summary_markdown(report) -> str:
    """The refresh pull request's body: every line from the services goes in inert (no mention, link or HTML)."""
    from dnnpapers.outputs.markdown import inert

    lines = ["## dnnpapers update", "", f"Citation data refreshed for {report.updated} papers."]
    lines += [f"Stars refreshed for {report.starred} code repositories.", ""] if report.starred else [""]
    if report.gains:
        lines += ["### Biggest citation gains", "", "| paper | before | now |", "| --- | ---: | ---: |"]
        lines += [f"| {inert(pid)} | {old} | {new} |" for pid, old, new in report.gains[:10]] + [""]
    if report.proposals:
        lines += ["### Venues, authors and code links", ""] + [f"- {inert(p)}" for p in report.proposals] + [""]
    if report.failures:
        lines += ["### Not updated", ""] + [f"- {inert(f)}" for f in report.failures] + [""]
    if report.warnings:
        lines += ["### Warnings", ""] + [f"- {inert(w)}" for w in report.warnings] + [""]
    return "\n".join(lines)


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

    from dnnpapers.curation.discover import discover as run_discover, json_report, markdown_report

    last = _date("--until", until, dt.date.today())
    first = _date("--since", since, last - dt.timedelta(days=6))
    if first > last:
        _usage(f"--since {first} is after --until {last}", "--since")
    with _http(offline, refresh) as http, _progress() as progress:
        report = _run(lambda: run_discover(root, http, first, last, limit, progress))
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    sys.stdout.write(markdown_report(report, explain) if format is ReportFormat.markdown else json_report(report))
