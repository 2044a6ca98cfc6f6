"""Verdicts on inputs seen before: `check` and `render --check` answer at once for a list that has not changed.

A verdict is kept under a digest of everything the answer depends on: every
input file's bytes (data/, templates/, the README), this tool's own files and
the Python running it, and the day where talks make the pages depend on it.
Any changed byte is a new digest, so a verdict can only ever be reused for
exactly the inputs it was made from. Only passing checks are kept; for
`render`, the digest of every output, which `render --check` compares with the
files on disk (reading only those whose status changed: see stale_outputs).
Verdicts are written whole and renamed into place, so two processes at once can
only ever read a complete one; an unreadable verdict is a miss. Imports are
kept to the standard library: that is the point.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import stat
import time
from pathlib import Path
from typing import BinaryIO, NamedTuple

from dnnpapers.storage.cache import cache_file, input_hasher, keep_atomically, tool_digest
from dnnpapers.storage.layout import TOPIC_PAGES, leftover_temps, link_out
from dnnpapers.limits import MAX_INPUT_BYTES

__all__ = [
    "checked", "digest", "recall", "remember", "file_digest", "stale_outputs", "fresh_render_check", "readme_input",
    "VERDICTS", "TOPIC_PAGES", "SETTLED_NS", "file_status",
    "Outcome",
]

VERDICTS = "verdicts"
_DATA = Path("data")
#: As dnnpapers.model.talks.group_today reads it (set and not blank: the day). Not imported from there: a check
#: answered from its verdict does not load the talks rules (26 ms).
_TODAY_VARIABLE = "DNNPAPERS_TODAY"
_BEGIN, _END = b"<!-- dnnpapers:begin -->", b"<!-- dnnpapers:end -->"


def readme_input(data: bytes) -> bytes:
    """What of the README render reads: all of it but the generated region (which render writes).

    A README that render would refuse (not UTF-8, markers missing or repeated) counts whole,
    so no verdict made from a good one can answer for it.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    begin, end = data.find(_BEGIN), data.find(_END)
    if begin < 0 or end < begin or data.count(_BEGIN) != 1 or data.count(_END) != 1:
        return data
    return data[: begin + len(_BEGIN)] + data[end:]


def _files(root: Path, kind: str) -> list[Path]:
    found = [p for p in sorted((root / _DATA).glob("*.yaml")) if p.is_file()]
    if kind == "render":
        templates = root / "templates"
        if templates.is_dir():
            found += sorted(p for p in templates.rglob("*") if p.is_file())
        found += [root / "README.md", root / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml"]
    return found


def digest(root: Path, kind: str, but: Path | None = None, day: bool = True) -> str:
    """The digest of everything ``kind`` ('check' or 'render') depends on at ``root``; ``but``: a file (relative to
    ``root``) left out, whose bytes the caller compares itself (render after an edit: papers.yaml); ``day``: False
    leaves out the day where the group meets, which a render depends on too, for a caller that keeps it itself."""
    h = input_hasher()
    h.update(f"{kind}\0{tool_digest()}\0".encode() + (f"but {but}\0".encode() if but is not None else b""))
    for path in _files(root, kind):
        if but is not None and path == root / but:
            continue
        h.update(str(path.relative_to(root)).encode("utf-8", "surrogateescape") + b"\0")
        _hash_file(h, path, whole=path.name == "README.md" and path.parent == root)
    now = dt.datetime.now(dt.timezone.utc)
    h.update(f"year {now.year}".encode())  # check refuses years after next year's
    if kind == "render" and day and (root / _DATA / "talks.yaml").exists():
        h.update(_day_mark(now).encode())
    return h.hexdigest()


def _day_mark(now: dt.datetime) -> str:
    """What stands for the day where the group meets (which talks are held, which to come) in a render verdict.

    The day DNNPAPERS_TODAY names, when set: the clock then plays no part, so a verdict made at 10:14 still
    answers at 10:16. Else the quarter hour of UTC it is: every time zone is offset from UTC by a whole number
    of quarter hours, so the group's day is the same all through one, and a verdict lasts until it ends."""
    pinned = os.environ.get(_TODAY_VARIABLE, "").strip()
    return f"day {pinned}" if pinned else f"{now:%Y-%m-%d %H}:{now.minute // 15}"


def _hash_file(h, path: Path, whole: bool) -> None:
    """The file's bytes into ``h`` (a megabyte at a time: a large list is never held twice), or a mark for none.

    ``whole``: the README, of which only what render reads counts.
    """
    try:
        with _open(path) as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                h.update(b"?")  # a device or FIFO: loading reads it within its bound, or refuses it
                return
            if whole:
                data = readme_input(file.read(MAX_INPUT_BYTES + 1))
                h.update(f"{len(data)}:".encode() + data)
                return
            size = os.fstat(file.fileno()).st_size
            h.update(f"{size}:".encode())
            if size > MAX_INPUT_BYTES:  # refused by its size alone, whatever it holds: nothing to read
                return
            seen = 0
            while seen <= MAX_INPUT_BYTES and (chunk := file.read(1 << 20)):  # past the bound, loading refuses it
                h.update(chunk)
                seen += len(chunk)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        h.update(b"-")


def _open(path: Path) -> BinaryIO:
    """``open(path, 'rb')`` that neither waits for a FIFO's writer nor takes a folder for a file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if stat.S_ISDIR(os.fstat(fd).st_mode):
        os.close(fd)
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def recall(key: str) -> dict | None:
    """The verdict kept under ``key``, or None (none kept, or unreadable)."""
    path = cache_file(VERDICTS, f"{key}.json")
    try:
        value = json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def remember(key: str, verdict: dict) -> None:
    """Keep ``verdict`` under ``key``: written to a temporary file and renamed, or not at all."""
    path = cache_file(VERDICTS, f"{key}.json")
    if path is not None:
        keep_atomically(path, json.dumps(verdict, sort_keys=True).encode("utf-8"))


def file_digest(data: bytes) -> str:
    """An output's digest. Outputs run to tens of megabytes, where OpenSSL's SHA-256 (hardware-assisted) is
    several times faster than the built-in one, so hashlib here; checking a list never comes this way."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


#: How long a file must have been left alone before its status (size, times, inode) may stand for its bytes.
SETTLED_NS = 2_000_000_000


def file_status(st: os.stat_result) -> str:
    """What of a file's status stands for its bytes once they are known: size, times, inode, device."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"


class Outcome(NamedTuple):
    """What render changes (with --check: would change), each relative to the list's root."""

    written: list[str]  # outputs whose bytes differ
    removed: list[str]  # topic pages of an earlier split, no longer made
    leftovers: list[str]  # staged writes a killed process left (layout.leftover_temps)

    def __bool__(self) -> bool:
        return bool(self.written or self.removed or self.leftovers)


def stale_outputs(root: Path, manifest: list[list[str]]) -> tuple[Outcome, bool] | None:
    """(what render would change: the outputs whose bytes on disk differ from the ``manifest``, the topic pages no
    longer made, the leftovers of killed writes; whether the manifest learnt a status); None when a file cannot be read
    or a path leads outside the list (the full render says why).

    Each item is [path, digest] or [path, digest, status]. A file whose status is the one noted beside its
    digest is not read: any write since changes its ctime, which no one can set back (as git's index
    trusts it). A status is noted only for a file that matched its digest and had been left alone for
    SETTLED_NS by then, so a write in the same tick of the file system's clock cannot go unseen.
    """
    stale, learnt = [], False
    names = [item[0] for item in manifest]
    if any(link_out(root, root / name) for name in [*names, TOPIC_PAGES]):
        return None
    now = time.time_ns()
    for item in manifest:
        name, expected = item[0], item[1]
        try:
            with _open(root / name) as file:
                st = os.fstat(file.fileno())
                if item[2:] == [file_status(st)]:
                    continue
                data = file.read(st.st_size + 1) if stat.S_ISREG(st.st_mode) else b""  # a device or FIFO is never an output
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            stale.append(name)
            continue
        except OSError:
            return None
        if file_digest(data) != expected:
            stale.append(name)
        elif now - max(st.st_ctime_ns, st.st_mtime_ns) > SETTLED_NS:
            item[2:] = [file_status(st)]
            learnt = True
    pages = root / TOPIC_PAGES
    gone = []
    if pages.is_dir():
        made = set(names)
        gone = sorted(str(p.relative_to(root)) for p in pages.glob("*.md") if str(p.relative_to(root)) not in made)
    return Outcome(stale, gone, leftover_temps(root, names, TOPIC_PAGES)), learnt


def fresh_render_check(root: Path) -> Outcome | None:
    """What `render --check` would report, from a verdict on these very inputs; None when there is none."""
    key = digest(root, "render")
    verdict = recall(key)
    manifest = verdict.get("outputs") if verdict else None
    if not isinstance(manifest, list) or not all(isinstance(item, list) and len(item) in (2, 3) and all(isinstance(v, str) for v in item) for item in manifest):
        return None
    found = stale_outputs(root, manifest)
    if found is None:
        return None
    outcome, learnt = found
    if learnt:  # the next check reads only what changed since (true whatever the inputs are by now)
        remember(key, verdict)
    return outcome


def checked(root: Path) -> tuple[int, int, int, list]:
    """What ``loading.check_list`` says of the list (papers, topics, talks, warnings), from the verdict on these
    inputs when there is one; else checked, and a passing result kept (unless a file changed meanwhile)."""
    from dnnpapers.errors import Problem

    key = digest(root, "check")
    verdict = recall(key)
    try:
        return verdict["papers"], verdict["topics"], verdict["talks"], [Problem(*w) for w in verdict["warnings"]]
    except (TypeError, KeyError, ValueError):  # none kept for these inputs, or an unreadable one
        pass
    from dnnpapers.access.loading import check_list  # the list itself: only now

    papers, topics, talks, warnings = check_list(root)
    if digest(root, "check") == key:
        remember(key, {"papers": papers, "topics": topics, "talks": talks, "warnings": [[w.path, w.line, w.col, w.message] for w in warnings]})
    return papers, topics, talks, warnings
