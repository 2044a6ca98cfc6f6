"""The reading group's talks: talk add, talk list."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from dnnpapers.cli.common import RootOption, _HELP_MARKUP, _load_or_report, _run, _table, _usage

talk_app = typer.Typer(
    help="The reading group's talks (data/talks.yaml): add one, list them.\n\nExample:\n\n\b\n    dnnpapers talk list --upcoming",
    no_args_is_help=True,
    rich_markup_mode=_HELP_MARKUP,
)


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

    from dnnpapers.curation.curate import add_talk

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
    from dnnpapers.access.query import select_talks
    from dnnpapers.model.talks import presenter_label, talk_title

    if upcoming and past:
        _usage("they exclude each other; give one", "--upcoming / --past")
    paper_list = _load_or_report(root, plain=True)
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
