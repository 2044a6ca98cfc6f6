"""Rendering: a PaperList → every generated file, as bytes, the same bytes for the same data.

Python decides *what* the pages say (rows, counts, milestones, anchors);
the Jinja templates in ``templates/`` decide *how* it is laid out, and a list
may override any of them with a file of the same name in its ``templates/``.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from markupsafe import Markup

from dnnpapers.outputs import chart, export, incremental
from dnnpapers.outputs.csl import csl_json
from dnnpapers.errors import DnnpapersError
from dnnpapers.storage.files import TooLarge, confine, locked, read_bounded, remove_leftovers, write_files
from dnnpapers.outputs.github import ISSUE_FORM, issue_form
from dnnpapers.storage.layout import PAPERS_FILE, TALKS_FILE, TOPIC_PAGES, leftover_temps
from dnnpapers.outputs.markdown import Md, Slugger, link, text
from dnnpapers.outputs.materials import PAGE_BUDGET, ROW_FIELDS, ROW_TEMPLATE, STRINGS, PaperViews, Rows, count_line, materials_pages, paper_views, topic_views, walk
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.readme import README_FILE, splice
from dnnpapers.model.schema import SCHEMA_FILE, TALKS_SCHEMA_FILE, papers_schema, talks_schema
from dnnpapers.outputs.site import PAPER_FIELDS, PAPER_TEMPLATE, SITE, SITE_ZH, site_pages
from dnnpapers.access.verdicts import Outcome, digest, file_digest, remember

if TYPE_CHECKING:  # (a render after an edit needs neither Jinja nor pydantic: see incremental)
    import jinja2

    from dnnpapers.access.paperlist import PaperList

__all__ = ["build", "render", "render_root", "README_BUDGET", "OUTPUTS", "TALK_OUTPUTS"]

#: GitHub stops rendering a README past 512 KB; past this the README gets the compact form.
README_BUDGET = PAGE_BUDGET

MATERIALS = "generated/materials.md"
MATERIALS_ZH = "generated/materials.zh.md"
CHART = "generated/papers-per-year.svg"
CHART_ZH = "generated/papers-per-year.zh.svg"
BIB = "generated/papers.bib"
JSON = "generated/papers.json"
CSL = "generated/papers.csl.json"
TALKS = "generated/talks.md"
TALKS_ZH = "generated/talks.zh.md"
TALKS_ICS = "generated/talks.ics"
OUTPUTS = (MATERIALS, MATERIALS_ZH, CHART, CHART_ZH, BIB, JSON, CSL, SCHEMA_FILE, SITE, SITE_ZH, README_FILE)
#: Written too for a list that keeps data/talks.yaml.
TALK_OUTPUTS = (TALKS, TALKS_ZH, TALKS_ICS, TALKS_SCHEMA_FILE)

#: A cold build of FORK_FROM to FORK_UP_TO papers makes the web pages and the BibTeX in a forked child on a second
#: core (``forked``), while this process makes the rest. Measured with the second core free: a quarter off the
#: build at 1,000 papers (0.105 -> 0.080 s), a third from 2,000 on (10,000: 0.88 -> 0.57 s), for some 15% more
#: processor time; at the shipped list's size a few milliseconds, not worth a second process. Above FORK_UP_TO
#: the pages the child copies as it reads the list (the two hold 16 kB a paper at once, one process 11 kB) would
#: take a render past its 600 MB budget before 40,000 papers.
FORK_FROM = 1_000
FORK_UP_TO = 30_000


def forks(papers: int) -> bool:
    """Whether a cold build of ``papers`` papers makes part of its outputs in a forked child (where forking is safe)."""
    return FORK_FROM <= papers <= FORK_UP_TO


def build(paper_list: PaperList, templates: Path | None = None, parallel: bool = True) -> dict[str, bytes]:
    """Every output file's path (relative to the list's root) and bytes; the README as it should be.

    ``parallel``: part of it made in a forked child where that is safe and worth it (the same bytes either way).
    """
    return _build(paper_list, templates, parallel=parallel)[0]


def _build(
    paper_list: PaperList, templates: Path | None = None, patterns: dict | None = None, parallel: bool = True
) -> tuple[dict[str, bytes], dict[str, dict[str, str]]]:
    """The outputs, and per language each paper's row relative to generated/ (for a Jekyll site's copies).

    ``patterns``: filled with the row and card patterns of the list's templates, whether the README took its
    compact form and the day the pages show talks as of (what a render after an edit needs to know: incremental.record).
    ``parallel``: the web pages and the BibTeX (half the time, measured at 10,000 papers) made in a forked child
    while this process makes the Markdown pages, charts, JSON, CSL-JSON, schema, README and talks pages.
    """
    root = paper_list.root
    today = paper_list.today() if paper_list.talks.talks else None  # one day for every page: which talks are held, which to come
    overrides, inside = (root / "templates", root) if templates is None else (templates, templates)
    from dnnpapers import forked  # (a render after an edit builds nothing: not imported by it)
    from dnnpapers.outputs.templating import format_template

    def web_and_bibtex() -> dict:
        # (first in the serial build, while little else is held: the web pages' cards are the most a render holds at once)
        with _collector_paused():
            bibs = export.bib_entries(paper_list.papers)
            html = _html_environment(overrides, inside, len(paper_list.papers))
            made: dict = site_pages(paper_list, html, bibs, today)
            made[BIB] = export.bibtex(paper_list, entries=bibs).encode("utf-8")
        made[_CARD] = format_template(html, PAPER_TEMPLATE, PAPER_FIELDS) if patterns is not None else ""
        return made

    # (forked before the views and the Markdown templates, which the web pages do not need: made meanwhile)
    with forked.aside(web_and_bibtex, fork=parallel and forks(len(paper_list.papers))) as web:
        with _collector_paused():
            views = paper_views(paper_list, today)
        env = _environment(overrides, inside, len(paper_list.papers))
        row_pattern = format_template(env, ROW_TEMPLATE, ROW_FIELDS)
        mine: dict[str, bytes] = {}
        placed = {}
        for lang, chart_name, talks_page in (("en", CHART, TALKS), ("zh", CHART_ZH, TALKS_ZH)):
            pages = materials_pages(paper_list, views, lang, chart_name, talks_page.removeprefix("generated/"), lambda name, context: _render(env, name, context), row_pattern)
            placed[lang] = pages
            mine.update({f"generated/{name}": text.encode("utf-8") for name, text in pages.pages.items()})
            mine[chart_name] = chart.papers_per_year(paper_list, lang).encode("utf-8")
        with _collector_paused():  # (trees of dicts and lists, no cycle: each is freed as it is encoded)
            mine[JSON] = export.json_export(paper_list).encode("utf-8")
            mine[CSL] = csl_json(paper_list.papers).encode("utf-8")
            mine[SCHEMA_FILE] = papers_schema(paper_list.taxonomy).encode("utf-8")
        too_big = len(placed["en"].pages) > 1 or len(mine[MATERIALS]) > README_BUDGET  # the full region would be nearly as large
        readme = _readme(paper_list, views, env, placed["en"].topic_href, Rows(row_pattern, STRINGS["en"], TALKS), compact_only=too_big, today=today, notes=patterns)
        if (root / TALKS_FILE).exists():
            mine.update(_talks_outputs(paper_list, env, {lang: pages.paper_href for lang, pages in placed.items()}, today))
        made = web.result()
    if patterns is not None:
        patterns.update(row=row_pattern, card=made.pop(_CARD), today=today and today.isoformat())
    made.pop(_CARD, None)
    # (the order of the serial build before the fork: the render state's manifest keeps it)
    outputs = {name: data for name, data in mine.items() if name not in _AFTER_PAGES}
    outputs[BIB] = made.pop(BIB)
    outputs.update((name, mine[name]) for name in (JSON, CSL, SCHEMA_FILE))
    outputs.update(made)
    outputs[README_FILE] = readme
    outputs.update((name, data) for name, data in mine.items() if name in TALK_OUTPUTS)
    if (root / ISSUE_FORM).exists():  # a list that uses the form keeps its tag choices in step
        outputs[ISSUE_FORM] = issue_form(paper_list.taxonomy).encode("utf-8")
    return outputs, {lang: pages.paper_href for lang, pages in placed.items()}


_CARD = ":card"  # (the child's card pattern, beside its files)
_AFTER_PAGES = (JSON, CSL, SCHEMA_FILE, *TALK_OUTPUTS)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic collector off while tens of thousands of objects are made that live on (the views, the web pages'
    entries): each of its passes would trace them all again, 0.4-0.9 s at 50,000 papers. These hold no cycle of
    any size, so its pass after them finds what it would have found meanwhile (unlike while the Markdown pages
    render: Jinja's cycles there hold each page's rows until a pass)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _talks_outputs(paper_list: PaperList, env: jinja2.Environment, paper_href: dict[str, dict[str, str]], today: dt.date | None) -> dict[str, bytes]:
    from dnnpapers.outputs.talkpage import talks_context
    from dnnpapers.outputs.talks_calendar import calendar

    page = paper_list.page
    papers = {p.id: p for p in paper_list.papers}
    today = today or paper_list.today()
    outputs = {}
    for lang, name in (("en", TALKS), ("zh", TALKS_ZH)):
        context = talks_context(paper_list.talks, papers, lang, today, page.timezone, paper_href[lang])
        outputs[name] = _render(env, "talks.md.j2", context).encode("utf-8")
    outputs[TALKS_ICS] = calendar(paper_list.talks, papers, page.timezone, page.title)
    outputs[TALKS_SCHEMA_FILE] = talks_schema(list(papers)).encode("utf-8")
    return outputs


def render(paper_list: PaperList, check: bool = False, templates: Path | None = None, jekyll: Path | None = None) -> list[str]:
    """Write the outputs that differ from what is on disk, all or none; return their paths. ``check`` writes nothing.

    ``jekyll``: a Jekyll site's folder to write into as well (else data/page.yaml's ``jekyll.dir``, if any).
    """
    outputs, rows = _build(paper_list, templates)
    outcome = _render_outputs(paper_list, outputs, check, leftovers=False, site=_site_plan(paper_list, outputs, rows, jekyll))
    return [*outcome.written, *outcome.removed]


def _site_plan(paper_list: PaperList, outputs: dict[str, bytes], rows: dict[str, dict[str, str]], folder: Path | None):
    """What the Jekyll site (``render --jekyll`` or data/page.yaml's) needs changed; None for a list that publishes to none."""
    from dnnpapers.outputs import jekyll

    target = jekyll.target_of(paper_list, folder)
    if target is None:
        return None
    return jekyll.plan(jekyll.site_files(paper_list, outputs, rows, target), target)


def _render_outputs(paper_list: PaperList, outputs: dict[str, bytes], check: bool, leftovers: bool, site=None) -> Outcome:
    """Write (unless ``check``) the outputs that differ, remove the topic pages no longer made and, with
    ``leftovers``, the staged writes a killed process left (a caller that writes holds the list's lock,
    so no write of ours is live; with ``check`` they are only named).

    Every path is confined to the list first, before anything is read or changed: a clone can
    carry a symlink out of it (``generated -> ~``), and render would write or sweep through it.
    ``site``: the Jekyll site's ``jekyll.Plan`` (confined to the site's folder already), written in the same all-or-none step.
    """
    root = paper_list.root
    confine(root, [root / name for name in outputs] + [root / TOPIC_PAGES])
    changed = {}
    for name, data in outputs.items():
        path = root / name
        try:
            same = read_bounded(path) == data
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, TooLarge):
            same = False
        except OSError as exc:
            raise DnnpapersError(f"{path}: cannot read ({exc.strerror})") from None
        if not same:
            changed[path] = data
    pages = root / TOPIC_PAGES
    left = sorted(p for p in pages.glob("*.md") if str(p.relative_to(root)) not in outputs) if pages.is_dir() else []
    swept = []
    if leftovers:
        swept = leftover_temps(root, outputs, TOPIC_PAGES) if check else remove_leftovers(root, outputs, TOPIC_PAGES)
    site_swept = []
    if site is not None and leftovers:
        site_swept = site.leftovers if check else remove_leftovers(site.target.folder, site.outputs)
    if not check:
        if changed or (site is not None and site.changed):
            write_files({**changed, **(site.changed if site is not None else {})})  # each part confined above (the site's to its folder)
        for path in left + (site.gone if site is not None else []):  # topic pages of an earlier split, the site's files no longer made
            try:
                path.unlink()
            except OSError as exc:
                raise DnnpapersError(f"{path}: cannot remove ({exc.strerror})") from None
    outcome = Outcome([str(path.relative_to(root)) for path in changed], [str(path.relative_to(root)) for path in left], swept)
    if site is not None:
        outcome.written.extend(site.names(site.changed))
        outcome.removed.extend(site.names(site.gone))
        outcome.leftovers.extend(site.target.name(name) for name in site_swept)
    return outcome


def render_root(root: Path, check: bool = False, jekyll: Path | None = None) -> Outcome:
    """Load the list at ``root`` and render it, holding the list's lock so no command writes between.

    The outputs then always show the data of one moment (papers and metrics alike).
    ``check`` reads without the lock, so a read-only checkout can be checked.
    ``jekyll``: a Jekyll site's folder to write into as well (else data/page.yaml's ``jekyll.dir``, if any).
    After an edit of a few papers only their pieces are made again (``incremental``).
    """
    if check:
        return _render_root(root, True, jekyll)
    with locked(root / PAPERS_FILE, inside=root):
        return _render_root(root, False, jekyll)


def _render_root(root: Path, check: bool, jekyll: Path | None) -> Outcome:
    if jekyll is None:  # (a Jekyll site's folder is someone else's: read whole each time, by the full render)
        done = incremental.after_edit(root, check)
        if done is not None:
            return done
    return render_and_remember(root, check, jekyll)


def _piece_group(name: str) -> str | None:
    """Which of a paper's pieces the output ``name`` holds (incremental.record)."""
    if name == MATERIALS or (name.startswith(f"{TOPIC_PAGES}/") and not name.endswith(".zh.md")):
        return "rows-en"
    if name == MATERIALS_ZH or name.startswith(f"{TOPIC_PAGES}/"):
        return "rows-zh"
    return {README_FILE: "readme", BIB: "bib", JSON: "json", CSL: "csl", SITE: "site-en", SITE_ZH: "site-zh"}.get(name)


def render_and_remember(root: Path, check: bool, jekyll: Path | None = None) -> Outcome:
    """Render from nothing, and keep the outputs' digests as the verdict on these inputs (when they did not change
    meanwhile) and the render's state, from which a render after an edit makes only what changed.

    A list whose data/page.yaml names a Jekyll site keeps no verdict: the site's folder is
    someone else's, and `render --check` reads it each time (any file may have come or gone).
    """
    before = digest(root, "render")
    key = incremental.state_key(root)
    paper_list = load_list(root, plain=True)  # (read only: no pydantic to import)
    patterns: dict = {}
    outputs, rows = _build(paper_list, patterns=patterns)  # (the collector is paused in it only while it makes what lives on: the Markdown pages' Jinja cycles hold their rows until a pass)
    digests = _digests_meanwhile(outputs)
    changed = _render_outputs(paper_list, outputs, check, leftovers=True, site=_site_plan(paper_list, outputs, rows, jekyll))
    try:  # (read again rather than kept through the render: at 50,000 papers, 15 MB more at its peak)
        raw = read_bounded(root / PAPERS_FILE)
    except (OSError, TooLarge):
        raw = None
    if paper_list.page.jekyll is None and digest(root, "render") == before:
        found = digests()
        manifest = [[name, found[name]] for name in outputs]
        del outputs, rows  # (the state is made after: it does not add to the render's peak memory)
        remember(before, {"outputs": manifest})
        if jekyll is None:
            groups = {name: group for name, _ in manifest if (group := _piece_group(name))}
            with _collector_paused():  # (its facts are lists of strings: no cycle)
                incremental.record(root, key, raw, paper_list, manifest, groups, patterns)
    return changed


def _digests_meanwhile(outputs: dict[str, bytes]) -> Callable[[], dict[str, str]]:
    """Each output's digest, worked out in a thread while the outputs are compared and written (SHA-256 lets go of
    the interpreter's lock, as do reads and writes: 0.2 s less at 50,000 papers); what waits for them."""
    import hashlib  # noqa: F401 - (imported here, not by the thread while this one may import too)
    import threading

    found: dict[str, str] = {}
    worker = threading.Thread(target=lambda: found.update((name, file_digest(data)) for name, data in list(outputs.items())), daemon=True)
    worker.start()

    def wait() -> dict[str, str]:
        worker.join()
        return found

    return wait


def _readme(
    paper_list: PaperList, views: PaperViews, env: jinja2.Environment, topic_href: dict[str, str], rows: Rows, compact_only: bool = False, today: dt.date | None = None,
    notes: dict | None = None,
) -> bytes:
    path = paper_list.root / README_FILE
    confine(paper_list.root, [path])  # before reading it: a link out may lead anywhere, /dev/zero too
    try:
        current = read_bounded(path).decode("utf-8")
    except FileNotFoundError:
        raise DnnpapersError(f"{path}: not found; it needs a region between <!-- dnnpapers:begin --> and <!-- dnnpapers:end -->") from None
    except UnicodeDecodeError:
        raise DnnpapersError(f"{path}: is not UTF-8") from None

    next_talk = None
    if paper_list.talks.talks:
        from dnnpapers.outputs.talkpage import next_talk_line

        page = paper_list.page
        next_talk = next_talk_line(paper_list.talks, {p.id: p for p in paper_list.papers}, today or paper_list.today(), page.timezone, TALKS)

    def region(compact: bool) -> str:
        slugger = Slugger()
        for heading in _headings_before_region(current):
            slugger.slug(heading)
        t = STRINGS["en"]
        slugger.slug(t["classification"])
        topics = topic_views(paper_list, views, "en", slugger)
        context = {
            "t": t,
            "topics": topics,
            "all_topics": list(walk(topics)),
            "compact": compact,
            "materials": MATERIALS,
            "materials_zh": MATERIALS_ZH,
            "chart": CHART,
            "talks_page": TALKS,
            "next_talk": next_talk,
            "site": paper_list.page.site_url or SITE,
            "papers_count": len(paper_list.papers),
            "topic_link": (lambda topic: link(topic.heading, f"generated/{topic_href[topic.node.slug]}"))
            if compact
            else (lambda topic: link(topic.heading, f"#{topic.anchor}")),
            "href": lambda topic: f"#{topic.anchor}",
            "rows": rows,
            "count_line": lambda topic: count_line(topic, t),
            "label": lambda node: node.en,
        }
        return _render(env, "readme.md.j2", context)

    text_region = region(compact=True) if compact_only else region(compact=False)
    compact = compact_only or len(text_region.encode("utf-8")) > README_BUDGET
    if compact and not compact_only:
        text_region = region(compact=True)
    if notes is not None:  # (a render after an edit looks for no rows in the compact form)
        notes["readme_compact"] = compact
    return splice(current, text_region, str(path)).encode("utf-8")


_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _headings_before_region(readme: str) -> list[str]:
    """Headings above the region, whose anchors come first on GitHub (code fences skipped)."""
    headings, fenced = [], False
    for line in readme.split("<!-- dnnpapers:begin -->")[0].splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and (match := _HEADING.match(line)):
            headings.append(match[1])
    return headings


def _finalize(value: object) -> Markup:
    """Every ``{{ value }}`` in a template is literal text unless a helper or macro made it markup."""
    if value is None:
        return Md("")
    if isinstance(value, Markup):
        return value
    return text(value)


def _html_environment(overrides: Path, inside: Path, papers: int) -> jinja2.Environment:
    """The web page's templates: HTML autoescaping, no Markdown helpers."""
    from dnnpapers.outputs.templating import environment

    return environment(overrides, inside, lambda value: "" if value is None else value, {}, papers)


def _environment(overrides: Path, inside: Path, papers: int) -> jinja2.Environment:
    from dnnpapers.outputs.templating import environment

    helpers = dict(link=link, text=text, Md=Md, indent=lambda n: Md("  " * n), hashes=lambda n: Md("#" * min(n, 6)))
    return environment(overrides, inside, _finalize, helpers, papers)


def _render(env: jinja2.Environment, name: str, context: dict) -> str:
    from dnnpapers.outputs.templating import render_template

    return render_template(env, name, context)
