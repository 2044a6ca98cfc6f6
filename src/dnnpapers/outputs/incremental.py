"""Render after an edit: the last full render's outputs, with only the changed papers' pieces made again.

Every full render keeps a *render state* in the cache, one file per list beside the
verdicts: a key over every input but papers.yaml (the tool, the other data files,
templates, the README outside its region, the quarter hour when talks make the pages
depend on the day), the papers file it read, each entry's facts that show outside its
own pieces (id, sort key, tags, home topic, the keys no two papers share), each
output's digest (and, once proven, its status: see _proven), and the row and card
patterns of the list's templates.

A render whose key matches and whose papers file differs only inside a few entries
reads those entries alone, makes each one's pieces as they were and as they are (its
table rows, BibTeX entry, JSON and CSL-JSON lines, web card and the card's BibTeX),
and replaces the old pieces by the new in the outputs on disk, but only where every
old piece is found exactly as often as the full render put it there. Anything else
(a changed id, year, venue, tag or order; a milestone or talked-about paper; an
output not as it was written; a size near a split; an entry the quick path is not
sure of) is the full render: this path only ever skips work, so deleting or
corrupting the state changes no byte.
"""

from __future__ import annotations

import json
import marshal
import os
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from dnnpapers.access.verdicts import Outcome, digest, file_digest, file_status
from dnnpapers.errors import DnnpapersError
from dnnpapers.limits import MAX_INPUT_BYTES
from dnnpapers.model.records import METRICS_FIELDS, PAPER_DEFAULTS, PAPER_FIELDS
from dnnpapers.model.rules import normalise_title  # (imported by every load already: access.quick)
from dnnpapers.model.talks import group_today
from dnnpapers.storage.cache import cache_file, keep_atomically, text_digest
from dnnpapers.storage.fastyaml import UNSURE, outline, parse, split_entries
from dnnpapers.storage.files import TooLarge, clock_now, lock_file, read_bounded, write_files
from dnnpapers.storage.layout import DISMISSED_FILE, METRICS_FILE, PAPERS_FILE, TAXONOMY_FILE, TOPIC_PAGES, leftover_temps, link_out

if TYPE_CHECKING:
    from dnnpapers.access.paperlist import PaperList

__all__ = ["record", "after_edit", "state_key", "STATE"]

STATE = "render-state"
_FORMAT = 2
#: Past this many changed entries the full render is about as fast (and certainly right).
MAX_CHANGED = 64
_TOPIC_FOLDER = str(TOPIC_PAGES) + "/"
_README_MARGIN = 1024  # the README's region is measured between its markers, a few newlines off what render weighs


def _state_path(root: Path) -> Path | None:
    return cache_file(STATE, f"{text_digest(str(root.resolve()))}.state")


def state_key(root: Path) -> str:
    """The digest of every input but papers.yaml (which the state keeps whole, to compare entry by entry), the day
    left out: the state keeps the day its outputs show talks as of, for as long as it is that day (see _same_day)."""
    return digest(root, "render", but=PAPERS_FILE, day=False)


def _facts(paper, home: str) -> list:
    """What of a paper shows outside its own pieces, or must stay unique across papers."""
    return [paper.id, paper.venue_year or paper.year, paper.year, paper.title.casefold(), list(paper.tags), home,
            paper.arxiv or "", (paper.doi or "").lower(), normalise_title(paper.title)]


def _order(facts: list) -> tuple:
    """``Paper.reading_key`` from a paper's facts: the order of every table and of the web page."""
    return (facts[1], facts[2], facts[3], facts[0])


def record(root: Path, key: str, raw: bytes | None, paper_list: PaperList, manifest: list[list[str]], groups: dict[str, str], notes: dict) -> None:
    """Keep the state of a full render of ``raw`` (papers.yaml as read) whose outputs have the digests of ``manifest``;
    ``groups``: which of a paper's pieces each output holds ('rows-en', 'rows-zh', 'readme', 'bib', 'json', 'csl',
    'site-en', 'site-zh'; the others hold none); ``notes``: the row and card patterns of the list's templates ('row',
    'card'), whether the README's region took its compact form ('readme_compact') and the day the pages show talks
    as of ('today'; None for a list without talks), as the render found them."""
    path = _state_path(root)
    if path is None or raw is None or paper_list.page.jekyll is not None or (root / DISMISSED_FILE).exists() or _own_pages(root):
        return
    try:
        split = outline(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return
    if split is None or split[2] != len(paper_list.papers):
        return
    taxonomy = paper_list.taxonomy
    homes: dict[tuple[str, ...], str] = {}  # each set of tags' home topic, worked out once (papers share a few hundred)
    state = {
        "paper_fields": list(PAPER_FIELDS),  # (the model's, so that a changed paper is made without pydantic)
        "paper_defaults": PAPER_DEFAULTS,
        "metrics_fields": list(METRICS_FIELDS),
        "format": _FORMAT,
        "key": key,
        "header": split[0],
        "prefix": split[1],
        "entries": [_facts(p, homes[tags] if (tags := tuple(p.tags)) in homes else homes.setdefault(tags, taxonomy.home(tags))) for p in paper_list.papers],
        "outputs": manifest,
        "groups": groups,
        "row": notes["row"],
        "card": notes["card"],
        "readme_compact": notes["readme_compact"],
        "today": notes["today"],
        "timezone": paper_list.page.timezone,
        "milestone": paper_list.page.milestone_citations,
        "talked": sorted({pid for talk in paper_list.talks.talks for pid in talk.papers}),
    }
    _keep(path, state, raw)


#: A list's own templates that show a paper only as its pieces: the row and the card (kept in the state), and the
#: page's style and script. A list's own page, README or talks template may show a paper anywhere: it renders whole.
PIECE_TEMPLATES = frozenset({"paper_row.md", "site_paper.html", "site.css", "site.js"})


def _own_pages(root: Path) -> bool:
    """Whether the list has templates of its own that may show papers outside their pieces."""
    folder = root / "templates"
    return folder.is_dir() and any(p.relative_to(folder).as_posix() not in PIECE_TEMPLATES for p in folder.rglob("*") if not p.is_dir())


def _keep(path: Path, state: dict, raw: bytes) -> None:
    """The state and the papers file it was made from, in one file (marshal: ten times faster than JSON both ways)."""
    keep_atomically(path, marshal.dumps({**state, "papers": raw}))


def after_edit(root: Path, check: bool) -> Outcome | None:
    """What render changes (with ``check``: would change) when only pieces of papers changed since the last full
    render, having written it (unless ``check``); None when the full render must answer."""
    path = _state_path(root)
    if path is None:
        return None
    try:
        state = marshal.loads(path.read_bytes())  # (marshal.load on a file reads it piece by piece: 5× slower)
    except Exception:  # noqa: BLE001 - missing, unreadable, from another Python, or not ours: no help, never an error
        return None
    if type(state) is not dict or state.get("format") != _FORMAT or type(state.get("papers")) is not bytes:
        return None
    try:
        return _after_edit(root, check, state, state.pop("papers"), path)
    except (OSError, TooLarge, ValueError, KeyError, TypeError, IndexError, AttributeError):  # a state not as written: the full render
        return None


def _after_edit(root: Path, check: bool, state: dict, old_raw: bytes, path: Path) -> Outcome | None:
    if state["key"] != state_key(root) or not _same_day(state) or (root / DISMISSED_FILE).exists():
        return None
    raw = read_bounded(root / PAPERS_FILE)
    facts = state["entries"]
    found = _changed_entries(state["header"], state["prefix"], old_raw, raw)
    if found is None:
        return None
    changed, old_entries, new_entries = found
    if len(changed) > MAX_CHANGED or any(i >= len(facts) for i in changed):
        return None
    manifest: list[list[str]] = state["outputs"]
    names = [item[0] for item in manifest]
    lock = lock_file(root / PAPERS_FILE)  # (held when not ``check``: its times are the list's clock)
    before = None if check else clock_now(lock)
    found_outputs = _outputs_as_written(root, manifest, state["groups"] if changed else {})
    if found_outputs is None:
        return None
    current, seen = found_outputs
    new = {}
    if changed:
        pairs = _papers(root, state, state["prefix"], changed, old_entries, new_entries)
        if pairs is None:
            return None
        new = _spliced(state, pairs, current)
        if new is None:
            return None
    written = [name for name in names if name in new]
    if not check:
        if new:
            write_files({root / name: new[name] for name in written}, inside=root)
        for i, (_, paper, home) in (pairs["pairs"].items() if changed else []):
            facts[i] = _facts(paper, home)
        after = clock_now(lock) if written else before
        outputs = [_proven(root, item, new, seen, before, after) for item in manifest]
        if changed or outputs != manifest:
            state["outputs"] = outputs
            _keep(path, state, raw)
    return Outcome(written, [], [])


def _same_day(state: dict) -> bool:
    """Whether it is still the day where the group meets that the state's outputs show talks as of (which are held,
    which to come): all day long, an edit is spliced in, where a render verdict lasts a quarter hour of the clock."""
    if state["today"] is None:
        return True  # no talks: nothing shown changes with the day
    try:
        return group_today(state["timezone"]).isoformat() == state["today"]
    except DnnpapersError:  # DNNPAPERS_TODAY is no date: the full render says so
        return False


def _proven(root: Path, item: list[str], new: dict[str, bytes], seen: dict[str, os.stat_result], before: int | None, after: int | None) -> list[str]:
    """The output's manifest item after this render: [name, digest] or [name, digest, status], the status noted
    only when it stands for the bytes (see files.clock_now): for a file just written, the status it has now, if
    earlier than the clock read after the writes (its digest then is not worked out: "", and a file whose status
    changes takes the full render); for a file read whole, the status it had, if earlier than the clock read before.
    (A program that writes an output, its size kept, between our write and our look at its status, in the same tick
    of the clock, goes unseen: as in git's index, a window of microseconds, and only for a writer that ignores the lock.)"""
    name = item[0]
    if name in new:
        st = os.stat(root / name)
        if after is not None and max(st.st_ctime_ns, st.st_mtime_ns) < after:
            return [name, "", file_status(st)]
        return [name, file_digest(b"".join(new[name]))]
    st = seen.get(name)
    if st is None or item[2:] == [file_status(st)]:
        return item  # not read (as noted), or as noted
    if before is not None and max(st.st_ctime_ns, st.st_mtime_ns) < before:
        return [name, item[1], file_status(st)]
    return item[:2]


def _changed_entries(header: str, prefix: str, old: bytes, new: bytes) -> tuple[list[int], dict[int, str], dict[int, str]] | None:
    """(the indices of the entries that differ, {index: old text}, {index: new text}) when ``new`` is ``old`` (a
    papers file of the plain shape with this header and entry prefix) with only whole entries' texts changed and as
    many entries as before; else None. Only the stretch between the common start and end is decoded and split into
    entries: the plain shape is a rule on each line, so the lines outside it keep theirs (and stay UTF-8)."""
    head = header.encode("utf-8")
    if not (old.startswith(head) and new.startswith(head)):
        return None
    same = _common_start(old, new)
    if same < len(head):
        return None
    tail = min(_common_end(old, new), len(old) - same, len(new) - same)
    boundary = ("\n" + prefix).encode("utf-8")
    at = old.rfind(boundary, len(head) - 1, same)  # the entry the first difference is in (or one before)
    start = len(head) if at < len(head) else at + 1
    ends = [data.find(boundary, len(data) - tail) for data in (old, new)]
    # a stretch that ends before an entry gets the newline that entry's boundary starts with (split_entries drops it)
    parts = [split_entries(header + (data[start:end] + b"\n" if end >= 0 else data[start:]).decode("utf-8")) for data, end in zip((old, new), ends)]
    if parts[0] is None or parts[1] is None or len(parts[0][2]) != len(parts[1][2]) or parts[0][1] != prefix or parts[1][1] != prefix:
        return None
    first = old.count(boundary, 0, start - 1 + len(boundary)) - 1  # the index of the entry at ``start``
    changed = [first + k for k, (a, b) in enumerate(zip(parts[0][2], parts[1][2])) if a != b]
    return changed, {first + k: a for k, a in enumerate(parts[0][2])}, {first + k: b for k, b in enumerate(parts[1][2])}


_CHUNK = 1 << 16


def _common_start(a: bytes, b: bytes) -> int:
    """How many bytes ``a`` and ``b`` share from their start (compared a chunk at a time)."""
    at, limit = 0, min(len(a), len(b))
    while at < limit and a[at:at + _CHUNK] == b[at:at + _CHUNK]:
        at += _CHUNK
    end = min(at + _CHUNK, limit)
    while at < end and a[at] == b[at]:
        at += 1
    return min(at, limit)


def _common_end(a: bytes, b: bytes) -> int:
    """How many bytes ``a`` and ``b`` share at their end."""
    n, limit = 0, min(len(a), len(b))
    while n + _CHUNK <= limit and a[len(a) - n - _CHUNK:len(a) - n] == b[len(b) - n - _CHUNK:len(b) - n]:
        n += _CHUNK
    while n < limit and a[len(a) - n - 1] == b[len(b) - n - 1]:
        n += 1
    return n


def _outputs_as_written(root: Path, manifest: list[list[str]], groups: dict[str, str]) -> tuple[dict[str, bytes], dict[str, os.stat_result]] | None:
    """({name: bytes} of each output that holds papers' pieces (``groups``), {name: its status} of each output read), when every
    output is on disk as the render that noted it wrote it and nothing else is there that render would remove (a topic
    page of an earlier split, a killed write's leftovers); else None. An output whose status is the one noted beside
    its digest is as written (see _proven): its digest is not worked out, nor, when it holds no pieces, its bytes read."""
    names = [item[0] for item in manifest]
    if any(link_out(root, root / name) for name in [*names, str(TOPIC_PAGES)]) or leftover_temps(root, names, TOPIC_PAGES):
        return None
    pages = root / TOPIC_PAGES
    made = set(names)
    if pages.is_dir() and any(str(p.relative_to(root)) not in made for p in pages.glob("*.md")):
        return None
    current, seen = {}, {}
    for name, expected, *status in manifest:
        if name not in groups and status:
            if [file_status(os.stat(root / name))] == status:
                continue
        fd = os.open(root / name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # (a FIFO in an output's place: not waited on)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_INPUT_BYTES:
                return None  # (the full render says why)
            os.set_blocking(fd, True)
            data = _read(fd, st.st_size)
        finally:
            os.close(fd)
        if len(data) != st.st_size:
            return None  # written meanwhile
        if [file_status(st)] != status and (not expected or file_digest(data) != expected):
            return None
        if name in groups:
            current[name] = data
        seen[name] = st
    return current, seen


def _read(fd: int, size: int) -> bytes:
    """At most ``size`` + 1 bytes of the file (its status is what says it is as written, so no more is wanted)."""
    chunks, total = [], 0
    while total <= size and (chunk := os.read(fd, size + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _papers(root: Path, state: dict, prefix: str, changed: list[int], old_entries: list[str], new_entries: list[str]) -> dict | None:
    """{index: (old paper, new paper, home topic)} of the changed entries, when each is valid alone and
    changes nothing outside its own pieces (see _facts); else None."""
    from dnnpapers.access.quick import _node, accept_paper
    from dnnpapers.model.fields import FIRST_YEAR, last_year
    from dnnpapers.model.paperfacts import PlainPaper
    from dnnpapers.model.taxonomy import Taxonomy

    last = last_year()
    facts = state["entries"]
    taxonomy_data = parse(read_bounded(root / TAXONOMY_FILE))
    taxonomy = Taxonomy([_node(n) for n in taxonomy_data["taxonomy"]])

    def paper(text: str):
        data = parse(("papers:\n" + prefix + text + "\n").encode("utf-8"))
        if data is UNSURE or type(data) is not dict or data.keys() != {"papers"} or type(data["papers"]) is not list or len(data["papers"]) != 1:
            return None
        entry = data["papers"][0]
        return PlainPaper(entry, state["paper_defaults"]) if accept_paper(entry, FIRST_YEAR, last) else None

    pairs, new_facts = {}, {}
    for i in changed:
        old, new = paper(old_entries[i]), paper(new_entries[i])
        if old is None or new is None:
            return None
        home = facts[i][5]
        if _facts(old, home) != facts[i]:
            return None  # the state does not describe this text
        new_facts[i] = _facts(new, home)
        pairs[i] = (old, new, home)
    talked = set(state["talked"])
    metrics = _metrics(root, {old.id for old, _, _ in pairs.values()}, state["metrics_fields"])
    if metrics is None:
        return None
    from dnnpapers.outputs.materials import is_milestone

    threshold = state["milestone"]
    for old, new, _ in pairs.values():
        m = metrics.get(old.id)
        if not _same_outside(old, new) or old.id in talked or is_milestone(old, m, threshold) or is_milestone(new, m, threshold):
            return None
    if not _order_kept(facts, new_facts) or not _unique(facts, new_facts):
        return None
    return {"pairs": pairs, "taxonomy": taxonomy, "metrics": metrics}


def _same_outside(old, new) -> bool:
    """The two versions of a paper show the same outside their own pieces (its counts, venues, chart, filters)."""
    from dnnpapers.model.fields import venue_name

    def venue(p):
        return venue_name(p.venue) if p.published else None

    return (old.id == new.id and old.year == new.year and old.venue_year == new.venue_year and old.published == new.published
            and venue(old) == venue(new) and list(old.tags) == list(new.tags) and bool(old.code) == bool(new.code))


def _order_kept(facts: list[list], new_facts: dict[int, list]) -> bool:
    """Every changed paper sits where it sat among the papers it shares a topic with."""
    for i, changed in new_facts.items():
        tags = set(changed[4])
        old_i, new_i = _order(facts[i]), _order(changed)
        for j, other in enumerate(facts):
            if j != i and not tags.isdisjoint(other[4]):
                if (old_i < _order(other)) != (new_i < _order(new_facts.get(j, other))):
                    return False
    return True


def _unique(facts: list[list], new_facts: dict[int, list]) -> bool:
    """No changed paper now shares an arXiv id, DOI or title with another paper (check's duplicate rules)."""
    for k in (6, 7, 8):
        mine = [f[k] for f in new_facts.values() if f[k]]
        if len(set(mine)) != len(mine):
            return False
        column = [f[k] for f in facts] if mine else []
        for value in mine:  # (counted in C: a set of the others' would cost 3 ms a column at 10,000 papers)
            if column.count(value) != sum(1 for j in new_facts if facts[j][k] == value):
                return False
    return True


def _metrics(root: Path, ids: set[str], fields: list[str]) -> dict | None:
    """The metrics of these papers as the full render read them (each field given, as PaperMetrics has them);
    None when only the exact path can read the file."""
    path = root / METRICS_FILE
    if not path.exists():
        return {}
    data = parse(read_bounded(path))
    if data is UNSURE or type(data) is not dict:
        return None
    kept = data.get("metrics") or {}
    return {pid: SimpleNamespace(**{**dict.fromkeys(fields), **kept[pid]}) for pid in ids if pid in kept}


def _pieces(state: dict, taxonomy, metrics: dict, paper, home: str) -> dict[str, list[tuple[str, int]]]:
    """The paper's pieces in each group of outputs: [(text, how often the full render puts it there)]."""
    from dnnpapers.outputs import export, site
    from dnnpapers.outputs.csl import csl_item
    from dnnpapers.outputs.materials import STRINGS, Rows, paper_views

    m = metrics.get(paper.id)
    one = SimpleNamespace(papers=[paper], taxonomy=taxonomy, metrics={paper.id: m} if m else {},
                          page=SimpleNamespace(milestone_citations=state["milestone"]), talks=SimpleNamespace(talks=[]))
    view = paper_views(one)[paper.id]
    tags = list(dict.fromkeys(paper.tags))
    pieces: dict[str, list[tuple[str, int]]] = {}
    for lang in ("en", "zh"):
        rows = Rows(state["row"], STRINGS[lang], "talks.md")  # a new one each time: it keeps cells by paper id
        pieces[f"rows-{lang}"] = [(f"\n{rows.row(view, True)}\n", 1), (f"\n{rows.row(view, False)}\n", len(tags) - 1)]
    bib = export.bib_entry(paper)
    pieces["bib"] = [(bib, 1)]
    labels = {tag: {"slug": tag, "en": taxonomy[tag].en, "zh": taxonomy[tag].zh} for tag in paper.tags}
    entry = export.paper_entry(paper, labels, m, state["paper_fields"], state["paper_defaults"], state["metrics_fields"])
    pieces["json"] = [("\n    " + json.dumps(entry, ensure_ascii=False), 1)]
    pieces["csl"] = [("\n  " + json.dumps(csl_item(paper), ensure_ascii=False, sort_keys=True), 1)]
    for lang in ("en", "zh"):
        label = (lambda node: node.en) if lang == "en" else (lambda node: node.zh)
        card = site.SitePaper(  # as site._page makes it, for a paper that is no milestone and never talked about
            paper=paper, authors=site.author_line(paper), date=f"{paper.year}", venue=paper.venue or "arXiv",
            cited=m.citations if m and m.citations is not None else None, milestone=False, discussed=[], upcoming=[],
            tags=[(tag, label(taxonomy[tag])) for tag in tags], bib=bib, stars=site.code_stars(paper, m),
        )
        pieces[f"site-{lang}"] = [(site._card(card, site.STRINGS[lang], state["card"] + "\n"), 1), (site.embedded_json({paper.id: bib})[1:-1], 1)]
    return pieces


def _spliced(state: dict, papers: dict, current: dict[str, bytes]) -> dict[str, list] | None:
    """The outputs whose bytes change, each as its parts (views of the old bytes between the new pieces); None unless
    every old piece is found exactly as often as the full render puts it, nowhere overlapping, and no size decision
    could flip."""
    from dnnpapers.outputs.materials import PAGE_BUDGET

    taxonomy, metrics, groups = papers["taxonomy"], papers["metrics"], state["groups"]
    swaps: dict[str, list[tuple[bytes, bytes, int]]] = {}  # group → (old piece, new piece, times)
    grows = True
    for old, new, home in papers["pairs"].values():
        before, after = _pieces(state, taxonomy, metrics, old, home), _pieces(state, taxonomy, metrics, new, home)
        # the README's rows are the English page's; its compact form has none (a list's own template may yet show some)
        before["readme"], after["readme"] = [(was, 0 if state["readme_compact"] else times) for was, times in before["rows-en"]], after["rows-en"]
        for group, pieces in before.items():
            for (was, times), (now, _) in zip(pieces, after[group]):
                if group in ("rows-en", "rows-zh"):  # (what the size decisions weigh: rows, in characters and in bytes)
                    grows = grows and len(now) >= len(was) and len(now.encode("utf-8")) >= len(was.encode("utf-8"))
                swaps.setdefault(group, []).append((was.encode("utf-8"), now.encode("utf-8"), times))  # (times 0: found nowhere)
    found: dict[str, list[tuple[int, bytes, bytes]]] = {}
    counts: dict[tuple[str, bytes], int] = {}
    for name, data in current.items():
        group = groups.get(name)
        for was, now, _ in swaps.get(group, []):
            at = data.find(was)
            while at >= 0:
                found.setdefault(name, []).append((at, was, now))
                counts[group, was] = counts.get((group, was), 0) + 1
                at = data.find(was, at + len(was))
    split = any(name.startswith(_TOPIC_FOLDER) for name in current)
    if any(counts.get((group, was), 0) != times for group, items in swaps.items() for was, _, times in items):
        return None
    if split and not grows:
        return None  # a shorter row could let a topic page hold its subtopics again
    if state["readme_compact"] and not grows:
        return None  # a shorter row could let the README's full region fit again
    changed = {}
    for name, spots in found.items():
        spots.sort()
        data, parts, at = current[name], [], 0
        view = memoryview(data)  # (slices of it are not copies: the outputs run to megabytes)
        for start, was, now in spots:
            if start < at:
                return None  # two pieces overlap: not pieces of their own
            parts += [view[at:start], now]
            at = start + len(was)
        parts.append(view[at:])
        size = sum(map(len, parts))
        group = groups.get(name)
        if group in ("rows-en", "rows-zh") and size > PAGE_BUDGET:
            return None  # past the budget a page splits (or splits further)
        if group == "readme" and _region_size(b"".join(parts)) + _README_MARGIN > PAGE_BUDGET:
            return None  # past the budget the README takes its compact form
        if size != len(data) or _differs(spots, parts, data):
            changed[name] = parts
    return changed


def _differs(spots: list[tuple[int, bytes, bytes]], parts: list, data: bytes) -> bool:
    """Whether the spliced ``parts`` differ from ``data`` (of the same size): where each new piece is as long as the
    old, they differ where the pieces do; else (pieces that grew and shrank by as much) byte for byte."""
    if all(len(was) == len(now) for _, was, now in spots):
        return any(was != now for _, was, now in spots)
    return b"".join(parts) != data


def _region_size(readme: bytes) -> int:
    from dnnpapers.outputs.readme import BEGIN, END

    begin, end = readme.find(BEGIN.encode()), readme.find(END.encode())
    return end - begin if 0 <= begin < end else 1 << 62
