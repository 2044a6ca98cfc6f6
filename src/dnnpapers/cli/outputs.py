"""The commands that write outputs: render and schema."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from dnnpapers.cli.common import RootOption, _load_or_report, _run

def render(
    root: Path = RootOption,
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 naming every file that would change."),
    jekyll: Path = typer.Option(None, "--jekyll", metavar="DIR", file_okay=False, help="Also write the pages, data and posts into this Jekyll site (else data/page.yaml's jekyll.dir, if set)."),
) -> None:
    """Regenerate the pages under generated/, the exports and the README's list region.

    Writes only files whose content changes. Invalid data is refused with check's
    messages and nothing is written, as is an output reached through a symlink that
    leads outside the list. A list may override any template with a file of the same
    name in its templates/ folder. With a Jekyll site (--jekyll or jekyll: in
    data/page.yaml) it writes there too, only files it wrote before (its manifest).

    Example:

    \b
        dnnpapers render --check
        dnnpapers render --jekyll ../group-site
    """
    changed = None
    if check and jekyll is None:  # an unchanged list answers from the verdict on its inputs, without loading anything
        from dnnpapers.access.verdicts import fresh_render_check

        changed = fresh_render_check(root)
    if changed is None:
        from dnnpapers.outputs.render import render_root

        changed = _run(lambda: render_root(root, check=check, jekyll=jekyll))
    if check and changed:
        for names, why in ((changed.written, "stale"), (changed.removed, "no longer made"), (changed.leftovers, "left by an interrupted write")):
            for name in names:
                typer.echo(f"{name}: {why}; run dnnpapers render")
        raise typer.Exit(1)
    done = [f"{verb} {', '.join(names)}" for verb, names in (("wrote", changed.written), ("removed", [*changed.removed, *changed.leftovers])) if names]
    typer.echo(f"{'ok: ' if check else ''}{'; '.join(done) or 'up to date'}", err=True)


def schema(root: Path = RootOption) -> None:
    """Print the JSON Schema of data/papers.yaml, generated from the models, its tags from the taxonomy.

    Editors use it through the first line of papers.yaml; render writes it to
    generated/papers.schema.json.

    Example:

    \b
        dnnpapers schema > generated/papers.schema.json
    """
    from dnnpapers.model.schema import papers_schema

    sys.stdout.write(papers_schema(_load_or_report(root).taxonomy))
