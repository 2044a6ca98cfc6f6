"""The one way the list's files change: under the lock, made from the files as they are now.

A command that spent a minute on the network must not write the copy it read
before: another command may have landed meanwhile, and writing the old copy
would undo it. So every writer (add, update, remove, tag, the imports) hands
``edit_list`` a function that makes its change from the list as it is under the
lock — edits matched by paper id, never by a position read earlier — and this
module validates the new papers.yaml as ``check`` would and writes it together
with the merged metrics file, both or neither, and only inside the list (a data
file linked outside it is refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from dnnpapers.errors import DnnpapersError
from dnnpapers.storage.files import locked, read_bounded, remove_leftovers, write_files
from dnnpapers.storage.layout import INPUTS, METRICS_FILE, PAPERS_FILE, TALKS_FILE
from dnnpapers.model.metrics import metrics_text
from dnnpapers.model.models import PaperMetrics
from dnnpapers.access.paperlist import PaperList, papers_problems
from dnnpapers.access.loading import load_list
from dnnpapers.access.quick import accept_appended, accept_papers_text
from dnnpapers.model.taxonomy import Taxonomy

__all__ = ["Change", "Current", "Snapshot", "edit_list", "snapshot", "check_papers_text"]

T = TypeVar("T")


@dataclass(frozen=True)
class Snapshot:
    """The bytes of the list's input files at one moment (None for an absent file)."""

    files: tuple[bytes | None, ...]

    @property
    def papers(self) -> bytes:
        return self.files[0] or b""


def snapshot(root: Path) -> Snapshot:
    def read(path: Path) -> bytes | None:
        try:
            return read_bounded(path)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        except OSError as exc:
            raise DnnpapersError(f"{path}: cannot read ({exc.strerror})") from None

    return Snapshot(tuple(read(root / name) for name in INPUTS))


@dataclass
class Current:
    """The list as it is under the lock, and the bytes it was loaded from."""

    list: PaperList
    raw: bytes
    path: Path


@dataclass
class Change:
    """What a writer wants done to the list as it is now."""

    papers: bytes | None = None  # the new papers.yaml text; None leaves it
    metrics: dict[str, PaperMetrics] = field(default_factory=dict)  # merged into the metrics on disk
    added: set[str] = field(default_factory=set)  # ids the new text adds (their metrics are kept)
    removed: set[str] = field(default_factory=set)  # ids it removes (their metrics are dropped)
    trusted: int = 0  # leading entries of the new text known valid (an append to a valid list)
    others: dict[Path, bytes] = field(default_factory=dict)  # other files of the list, already validated by the writer


def edit_list(root: Path, make: Callable[[Current], tuple[Change, T]], preloaded: tuple[Snapshot, PaperList] | None = None) -> T:
    """Lock the list, load it as it is now, apply ``make``'s change, validate it, write both files or neither.

    ``preloaded``: the list loaded earlier and the snapshot it came from,
    reused when no input file has changed since (it saves a second parse).
    """
    root = Path(root)
    path = root / PAPERS_FILE
    with locked(path, inside=root):
        now = snapshot(root)
        current = preloaded[1] if preloaded and preloaded[0] == now else load_list(root)
        change, result = make(Current(current, now.papers, path))
        orphaned = sorted(change.removed & {pid for talk in current.talks.talks for pid in talk.papers})
        if orphaned and root / TALKS_FILE not in change.others:  # a guard against our own mistakes, as below
            raise DnnpapersError(f"{root / TALKS_FILE}: talks would name {', '.join(orphaned)}, which the change removes; nothing written")
        files: dict[Path, bytes] = {}
        if change.papers is not None and change.papers != now.papers:
            if not (change.trusted and accept_appended(now.papers, change.papers, current.papers, current.taxonomy)):
                check_papers_text(path, change.papers, current.taxonomy, change.trusted)
            files[path] = change.papers
        if change.metrics or change.removed:
            keep = ({p.id for p in current.papers} | change.added) - change.removed
            merged = dict(current.metrics)
            for pid, new in change.metrics.items():  # field by field: a citation refresh keeps the venue's source
                old = merged.get(pid)
                merged[pid] = old.model_copy(update=new.model_dump(exclude_unset=True)) if old else new
            merged = {pid: m for pid, m in merged.items() if pid in keep}
            text = metrics_text(merged).encode("utf-8")
            if text != now.files[3]:
                files[root / METRICS_FILE] = text
        files.update(change.others)
        if files:
            remove_leftovers(root, [str(name) for name in INPUTS])  # what a killed writer left (none is live: we hold the lock)
            write_files(files, inside=root)
    return result


def check_papers_text(path: Path, new_text: bytes, taxonomy: Taxonomy, trusted: int = 0) -> None:
    """Refuse text that ``check`` would reject (a guard against our own mistakes).

    ``trusted`` leading entries are known valid (text appended to a valid list).
    """
    if trusted and accept_papers_text(new_text, taxonomy, trusted) is not None:
        return
    problems = papers_problems(new_text, str(path), taxonomy)
    if problems:
        raise DnnpapersError(f"{path}: the change would not pass check ({problems[0]}); nothing written")
