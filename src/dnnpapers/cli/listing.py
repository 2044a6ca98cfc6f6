"""The commands on the list itself: check, list, show, stats, remove, tag, dismiss."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from dnnpapers.cli.common import ProblemFormat, RootOption, _load_or_report, _run, _table

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
    from dnnpapers.access.verdicts import checked

    papers, topics, talks, warnings = _run(lambda: checked(root), format)
    for warning in warnings:
        typer.echo(warning.github("warning") if format is ProblemFormat.github else f"warning: {warning}", err=format is not ProblemFormat.github)
    said = f"{papers} paper{'s' if papers != 1 else ''} in {topics} topic{'s' if topics != 1 else ''}"
    if talks:
        said += f", {talks} talk{'s' if talks != 1 else ''}"
    typer.echo(f"ok: {said}, no problems", err=True)


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
        from dnnpapers.outputs.export import bibtex

        return bibtex(paper_list, papers)
    if format.value == "csl":
        from dnnpapers.outputs.csl import csl_json

        return csl_json(papers)
    if format.value == "ris":
        from dnnpapers.outputs.ris import ris

        return ris(papers)
    from dnnpapers.outputs.export import json_export

    return json_export(paper_list, papers)


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
    from dnnpapers.access.query import parse_years, select

    paper_list = _load_or_report(root, plain=True)
    papers = _run(lambda: select(paper_list, tag, parse_years(year) if year else None, venue, search, sort, presented))
    if format is not ListFormat.table:
        sys.stdout.write(_export(format, paper_list, papers))
    else:
        rows = [(str(p.year), p.venue or "", p.id, p.title, _cited(paper_list, p.id)) for p in papers]
        _table(["year", "venue", "id", "title", "cited"], rows)


def _cited(paper_list, paper_id: str) -> str:
    metrics = paper_list.metrics.get(paper_id)
    return str(metrics.citations) if metrics and metrics.citations is not None else ""


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
    from dnnpapers.access.query import find
    from dnnpapers.model.records import given_fields

    paper_list = _load_or_report(root, plain=True)
    _, paper = _run(lambda: find(paper_list, paper_id))
    if format is not ShowFormat.text:
        sys.stdout.write(_export(format, paper_list, [paper]))
        return
    taxonomy = paper_list.taxonomy
    fields = given_fields(paper)
    fields["authors"] = ", ".join(paper.authors)
    fields["tags"] = "; ".join(f"{t} ({taxonomy[t].en} · {taxonomy[t].zh})" for t in paper.tags)
    if paper.awards:
        fields["awards"] = ", ".join(paper.awards)
    if paper.link and paper.link != paper.url:  # a url is shown as itself above
        fields["link"] = paper.link
    metrics = paper_list.metrics.get(paper.id)
    if metrics and metrics.citations is not None:
        fields["citations"] = f"{metrics.citations} ({metrics.influential} influential), fetched {metrics.fetched}"
    from dnnpapers.model.metrics import describes_code

    if describes_code(paper, metrics):
        known = f"{metrics.stars:,} stars, last push {metrics.pushed or 'unknown'}" if metrics.stars is not None else "unknown to GitHub"
        fields["repository"] = f"{metrics.repository}: {known}{', archived' if metrics.archived else ''}, fetched {metrics.fetched}"
    if paper.published:
        fields["venue source"] = (metrics.venue_source if metrics and metrics.venue_source else "not recorded (written by hand or before sources were kept)")
        if paper.venue_checked:
            fields["venue source"] += "; checked by a curator"
    talks = paper_list.talks.on_papers().get(paper.id)
    if talks:
        from dnnpapers.model.talks import is_upcoming

        today = paper_list.today()
        fields["talks"] = "; ".join(f"{talk.date} ({anchor}{', upcoming' if is_upcoming(talk, today) else ''})" for talk, anchor in talks)
    width = max(map(len, fields))
    for key, value in fields.items():
        typer.echo(f"{key:>{width}}: {value}")


def stats(root: Path = RootOption) -> None:
    """Papers per topic and per year, top venues, most cited, and what is missing.

    Example:

    \b
        dnnpapers stats
    """
    from dnnpapers.access.query import stats as compute

    paper_list = _load_or_report(root, plain=True)
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
    from dnnpapers.curation.curate import remove_paper

    removed = _run(lambda: remove_paper(root, paper_id, force))
    typer.echo(f"removed {paper_id}: {removed.title}")
    for anchor, title in removed.unlinked:
        typer.echo(f"unlinked it from {anchor}" + (f", now titled {title!r}" if title else ""))


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
    from dnnpapers.curation.curate import retag_paper

    tags = _run(lambda: retag_paper(root, paper_id, add, remove))
    typer.echo(f"{paper_id}: {', '.join(tags)}")


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
    from dnnpapers.curation.curate import dismiss_papers

    done, skipped = _run(lambda: dismiss_papers(root, ids, reason))
    for arxiv_id in done:
        typer.echo(f"dismissed {arxiv_id}")
    for line in skipped:
        typer.echo(f"skipped: {line}")
