"""Writing the list's files: atomic, all or none, through symlinks, one-line errors; the lock; bounded reads.

Every file dnnpapers writes goes through ``write_files``: each new text is
staged in a temporary file beside its target and fsynced (several side by side,
so the disk takes their fsyncs together), and only when all are staged are they
renamed into place, with stop signals held, so a full disk, a read-only folder
or Ctrl-C leaves every file as it was, and a finished run leaves them all new.
A symlinked file is written through to its target and the link stays a link, as
long as the target lies in the list: a list's writes are confined to it
(``inside``), since a clone or a pull request can carry a link to any file of
the person who runs the tool. A write killed outright (kill -9, power loss)
leaves its staged ``.NAME.XXXXXXXX.tmp``; the next writer, under the lock,
removes it (``remove_leftovers``).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from dnnpapers import limits
from dnnpapers.errors import DnnpapersError
from dnnpapers.interrupts import held
from dnnpapers.storage.layout import TEMP_SUFFIX, leftover_temps, link_out, temp_prefix

__all__ = [
    "WriteError", "TooLarge", "write_files", "atomic_write", "locked", "lock_file", "clock_now", "describe_os_error", "confine", "remove_leftovers", "read_bounded",
]


class WriteError(DnnpapersError):
    """A file could not be written; nothing was changed."""


def describe_os_error(exc: OSError) -> str:
    """The reason in a person's words: the system's own for most, plainer for the common ones."""
    if exc.errno == errno.ENOSPC:
        return "no space left on the disk"
    if exc.errno == errno.EFBIG:
        return "file too large (a file-size limit is set)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    return (exc.strerror or type(exc).__name__).lower()


def _target(path: Path) -> Path:
    """Where the bytes of ``path`` really live: a symlink's final target."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def confine(root: Path, paths: Iterable[Path], where: str = "the list") -> None:
    """Refuse (WriteError naming the link) if any of ``paths``, links followed, lies outside the list at ``root``
    (or the folder ``where`` names: a Jekyll site's, which render writes into too)."""
    for path in paths:
        link = link_out(root, path)
        if link is not None:
            raise WriteError(
                f"{link}: a symlink to {os.path.realpath(link)}, outside {where}; dnnpapers writes only inside {where} "
                f"(make it a file or folder of {where}, or remove it); nothing was changed"
            )


def write_files(files: Mapping[Path, bytes | Sequence[bytes | memoryview]], make_folders: bool = True, inside: Path | None = None) -> None:
    """Write every file or none of them (WriteError naming the path and the reason).

    A file's bytes may come in parts, written one after the other (a large file spliced need not be joined first).

    ``inside``: the list's root; a file whose path leads outside it is refused before any is written.
    """
    if inside is not None:
        confine(inside, files)
    staged: list[tuple[str, Path, Path]] = []
    try:
        _stage_all(files, make_folders, staged)
        with held():
            for tmp, target, _ in staged:
                os.replace(tmp, target)
    except OSError as exc:
        shown = next((shown for tmp, target, shown in staged if exc.filename in (tmp, str(target))), None)
        raise WriteError(f"{shown or exc.filename or 'a file'}: cannot write ({describe_os_error(exc)}); nothing was changed") from None
    finally:
        for tmp, _, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


#: From this many files, they are staged side by side, each in a thread (a write and an fsync let go of the
#: interpreter's lock), so the disk takes their fsyncs together: a cold render's 51 files of a 10,000-paper list
#: (40 MB) were staged in 0.23-0.31 s one after the other, each waiting for its own fsync, and in 0.10-0.16 s so.
_SIDE_BY_SIDE_FROM = 4
_STAGING_THREADS = 8


def _stage_all(files: Mapping[Path, bytes | Sequence[bytes | memoryview]], make_folders: bool, staged: list[tuple[str, Path, Path]]) -> None:
    """Stage every file, appending (staged name, target, path) to ``staged`` for each file staged.

    An error, or a stop signal, waits until no staging runs any more (so that ``staged`` names every staged file
    for the caller to remove), then is raised: of several errors, the first file's, as when they were staged in turn.
    A system that gives no more threads has the rest staged here, in turn.
    """
    items = list(files.items())
    futures: list = []
    if len(items) >= _SIDE_BY_SIDE_FROM:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(min(_STAGING_THREADS, len(items)), thread_name_prefix="dnnpapers-stage")
        try:
            with held():  # (a signal between a file's handing over and its future's keeping would lose its staged name)
                try:
                    for path, data in items:
                        futures.append(pool.submit(_stage, path, data, make_folders))
                except RuntimeError:  # (no thread to be had)
                    pass
            for future in futures:
                future.exception()  # (waits; a stop signal raised meanwhile comes out here)
        finally:
            with held():  # (a stop signal waits until no staging runs: every staged file is then known, and removed)
                pool.shutdown(wait=True, cancel_futures=True)  # (no thread left behind: a later fork copies none)
                staged.extend((f.result(), _target(path), path) for f, (path, _) in zip(futures, items) if not f.cancelled() and f.exception() is None)
        for future in futures:
            if future.exception() is not None:
                raise future.exception()
    for path, data in items[len(futures):]:
        staged.append((_stage(path, data, make_folders), _target(path), path))


def _stage(path: Path, data: bytes | Sequence[bytes | memoryview], make_folders: bool) -> str:
    target = _target(path)
    if target.is_dir():
        raise WriteError(f"{path}: is a folder, not a file; nothing was changed")
    folder = target.parent
    if not folder.is_dir():
        if not make_folders:
            if folder.exists():
                raise WriteError(f"{path}: {folder} is not a folder; nothing was changed")
            raise WriteError(f"{path}: no such folder {folder}; nothing was changed")
        try:
            folder.mkdir(parents=True, exist_ok=True)  # (files staged side by side may make the same folder at once: fine)
        except FileExistsError:
            raise WriteError(f"{path}: {folder} is not a folder; nothing was changed") from None
        except OSError as exc:
            raise WriteError(f"{path}: cannot create the folder {folder} ({describe_os_error(exc)}); nothing was changed") from None
    try:
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write in {folder} ({describe_os_error(exc)}); nothing was changed") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in (data,) if isinstance(data, (bytes, bytearray, memoryview)) else data:
                handle.write(part)
            handle.flush()
            os.fsync(handle.fileno())
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(tmp, mode)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(f"{path}: cannot write ({describe_os_error(exc)}); nothing was changed") from None
        raise
    return tmp


def atomic_write(path: Path, data: bytes, make_folders: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    write_files({path: data}, make_folders)


def remove_leftovers(root: Path, outputs: Iterable[str], pages: str | None = None) -> list[str]:
    """Remove the staged writes a killed process left beside these files of the list (see layout.leftover_temps); their names.

    Call it holding the list's lock: every writer of the list holds it while its own are staged.
    """
    found = leftover_temps(root, outputs, pages)
    for name in found:
        try:
            os.unlink(Path(root) / name)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise WriteError(f"{Path(root) / name}: cannot remove this file an interrupted write left ({describe_os_error(exc)})") from None
    return found


def lock_file(path: Path) -> Path:
    """The lock file beside ``path`` that ``locked`` holds."""
    target = _target(path)
    return target.with_name(f".{target.name}.lock")


@contextmanager
def locked(path: Path, timeout: float = 60.0, inside: Path | None = None) -> Iterator[None]:
    """Hold an exclusive lock beside ``path`` so that concurrent writers take turns, none lost.

    The lock file is the tool's own: a symlink in its place is refused (opening it could truncate
    the file it leads to), as is, with ``inside``, a ``path`` that leads outside the list (its lock would too).
    Where the system has flock (not Windows, not some network file systems) the lock is taken with it
    directly, as filelock takes it (the same file, so the two take turns), without filelock's import (13 ms).
    """
    lock_path = lock_file(path)
    if inside is not None:
        confine(inside, [path])
    if lock_path.is_symlink():
        raise DnnpapersError(f"{lock_path}: is a symlink, but this lock file is dnnpapers' own; remove the link and try again")
    fd = _flock(lock_path, path, timeout)
    if fd is None:
        with _filelock(lock_path, path, timeout):
            yield
        return
    try:
        yield
    finally:
        os.close(fd)  # (closing the last descriptor releases the flock)


def _flock(lock_path: Path, path: Path, timeout: float) -> int | None:
    """The open lock file, flocked; None where flock cannot be had here (filelock then finds its own way)."""
    try:
        import fcntl
    except ImportError:  # Windows
        return None
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError:
        return None  # (a read-only folder, say: filelock's own ways, and its words)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise DnnpapersError(f"{path}: another dnnpapers process has been writing it for {timeout:g} s; try again") from None
            time.sleep(0.05)
        except OSError:
            os.close(fd)
            return None  # no flock on this file system


@contextmanager
def _filelock(lock_path: Path, path: Path, timeout: float) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise DnnpapersError(f"{path}: another dnnpapers process has been writing it for {timeout:g} s; try again") from None
    except OSError as exc:
        raise DnnpapersError(f"{path}: cannot take the lock beside it ({describe_os_error(exc)})") from None
    try:
        yield
    finally:
        lock.release()


def clock_now(path: Path) -> int | None:
    """The file system's clock now, as the ctime it gives ``path`` when touched (a file the caller owns: the lock
    file it holds); None when it cannot be touched. A file whose ctime is earlier than this reading and is the same
    at a later look has not been written between (any write sets ctime to that clock's time, which no one can set
    back); a ctime equal to the reading may share its tick of a coarse clock, so proves nothing."""
    try:
        # Touched twice, looked at between: a kernel with multigrain timestamps (Linux 6.13 on) gives the second touch
        # a fine-grained time, later than any file's written before (the first, like any write, may get the tick's).
        os.utime(path)
        os.stat(path)
        os.utime(path)
        return os.stat(path).st_ctime_ns
    except OSError:
        return None


class TooLarge(DnnpapersError):
    """A file to read is larger than MAX_INPUT_BYTES; it was not read past the bound."""


def read_bounded(path: Path | str, display: str | None = None) -> bytes:
    """The bytes of ``path``, reading at most one byte past ``limits.MAX_INPUT_BYTES`` (else TooLarge).

    Every file dnnpapers reads whole goes through here, so ``/dev/zero``, a FIFO
    or a huge sparse file given by mistake (or planted by a clone) is refused
    with one line instead of filling memory; a FIFO no one writes to reads as
    empty instead of waiting forever. OSError passes through: callers word a
    missing file their own way.
    """
    limit = limits.MAX_INPUT_BYTES
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # opening a FIFO waits for a writer; this does not
    if stat.S_ISDIR(os.fstat(fd).st_mode):
        os.close(fd)
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb", buffering=0) as file:
        st = os.fstat(file.fileno())
        regular = stat.S_ISREG(st.st_mode)
        chunks, total = [], 0
        if not (regular and st.st_size > limit):
            while total <= limit:
                want = limit + 1 - total
                chunk = file.read(min(want, st.st_size + 1) if regular and not chunks else min(want, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        if (regular and st.st_size > limit) or total > limit:
            raise TooLarge(f"{display or path}: larger than {limits.size_text(limit)}, the most dnnpapers reads; refused (is it the right file?)")
    return b"".join(chunks)

