"""Work made in a forked child on the machine's second core while this process makes the rest: part of a cold
build (outputs/render.py), the first half of a big list's first read (access/quick.py).

Why a fork: the child has what this process has loaded and made, with no
pickling of it; threads would share one interpreter lock. What makes it safe:

- stop signals are blocked across ``fork()``; the child takes the default
  dispositions back, so a Ctrl-C or SIGTERM simply ends it, and whatever
  happens in it ends in ``os._exit``: it never unwinds the parent's stack (no
  ``finally``, lock release, temp-file cleanup or ``atexit`` of the parent runs
  twice), nor flushes the parent's buffered output;
- the parent kills and reaps the child on any exception of its own,
  ``Interrupted`` and ``KeyboardInterrupt`` included;
- the child's result comes back through a nameless file, in memory where the
  system allows (nothing to leave behind if either is killed), written without waiting for the parent,
  read after the parent's own part: neither side stalls on the other;
- an error in the child comes out in the parent as the serial work raises it
  (its pickled self when that round-trips to the same type and message, else
  the child's part is made again here and raises itself); the child's part is
  the one the serial work makes first, so its error wins over the parent's;
- no fork where it is wrong: no ``os.fork`` (Windows), or other threads
  running (a fork copies only the calling thread, and any lock another holds),
  or a single core to run on.
"""

from __future__ import annotations

import gc
import marshal
import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from dnnpapers.interrupts import SIGNALS, Interrupted

__all__ = ["Aside", "aside", "can_fork"]

_HEAD = 8  # (the head's length, in as many bytes, little-endian)
_OK, _RAISED, _AGAIN = "ok", "raised", "again"


def can_fork() -> bool:
    """Whether a fork is safe and of use here: the system has one, this process runs no other thread, and it may
    run on a second core (one pinned to a single core would only pay for the fork)."""
    return hasattr(os, "fork") and threading.active_count() == 1 and _cores() > 1


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Aside:
    """``work()`` made aside (``start``): in a forked child when ``fork``, else at once, here (the serial work).

    ``work`` returns a dict of str keys; bytes values travel raw, the rest must be marshal-able. A fork the
    system refuses (no temporary file, no process to spare) leaves the work to be made here, as without ``fork``.
    ``pid``: the child's, once forked (0 if not). Figures for the benchmarks: ``forked``, ``child_seconds`` and
    ``child_cpu_seconds`` (its work's wall and processor time), ``child_peak_kb`` (its own peak resident memory),
    ``handback_seconds`` (the parent's read of the result).
    """

    def __init__(self, work: Callable[[], dict]):
        self._work = work
        self._result: dict | None = None
        self._error: BaseException | None = None
        self._pid = self.pid = 0
        self._file = None
        self._frozen = False
        self.forked = False
        self.child_seconds = self.child_cpu_seconds = 0.0
        self.child_peak_kb = 0
        self.handback_seconds = 0.0

    def start(self, fork: bool) -> None:
        """Fork the child to make the work (``fork``, where that is safe), else make it here at once, raising its error."""
        if fork and can_fork():
            try:
                self._start()
                return
            except OSError:
                pass
        try:
            self._result = self._work()  # (its error raised here, before the rest: the serial order)
        except Exception as exc:
            self._error = exc
            raise

    def _start(self) -> None:
        import pickle  # noqa: F401 - (here, not at the top: a render after an edit imports this module and forks nothing;
        import resource  # noqa: F401 -  and before the fork, so that the child imports nothing)
        self._file = _handback_file()
        gc.freeze()  # the loaded list out of both sides' collector passes: neither copies its pages by tracing them
        self._frozen = True
        old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            pid = os.fork()
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
            self.cancel()
            raise
        if pid == 0:
            _child(self._work, self._file.fileno(), old)  # never returns
        self._pid = self.pid = pid
        self.forked = True
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # (a stop signal that came meanwhile is raised here: the caller cancels)

    def result(self) -> dict:
        """The work's result; its error, raised as the serial work raises it."""
        if self._result is None and self._error is None:
            try:
                self._result = self._collect()
            except Exception as exc:
                self._error = exc
        if self._error is not None:
            raise self._error
        return self._result

    def _collect(self) -> dict:
        if not self._pid:
            raise RuntimeError("the work aside was cancelled")
        try:
            _, status = os.waitpid(self._pid, 0)  # (a stop signal raised while waiting: the caller cancels)
        except ChildProcessError:  # reaped by the system (SIGCHLD ignored by whoever started us): its file tells
            status = 0
        self._pid = 0
        self._thaw()
        try:
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) in SIGNALS:
                raise Interrupted(os.WTERMSIG(status))  # the child was stopped on its own: so is the run
            started = time.perf_counter()
            got = _read(self._file) if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else None
            self.handback_seconds = time.perf_counter() - started
        finally:
            self._file.close()
            self._file = None
        if got is None:  # (killed otherwise, or could not write: made here instead)
            return self._work()
        kind, value, (self.child_seconds, self.child_cpu_seconds), self.child_peak_kb = got
        if kind == _RAISED:
            import pickle

            raise pickle.loads(value) from None
        if kind == _AGAIN:  # an error that does not pickle as itself: made here, it raises itself
            return self._work()
        return value

    def cancel(self) -> None:
        """Kill the child, if one runs, and reap it. A stop signal that comes meanwhile is raised once it is reaped."""
        pending: BaseException | None = None
        while self._pid:
            try:
                try:
                    os.kill(self._pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(self._pid, 0)
                self._pid = 0
            except ChildProcessError:
                self._pid = 0
            except BaseException as exc:  # (a second Ctrl-C, say: the child first)
                pending = pending or exc
        self._thaw()
        if self._file is not None:
            self._file.close()
            self._file = None
        if pending is not None:
            raise pending

    def _thaw(self) -> None:
        if self._frozen:
            self._frozen = False
            gc.unfreeze()


@contextmanager
def aside(work: Callable[[], dict], fork: bool) -> Iterator[Aside]:
    """``work()`` made aside while the body makes the rest; the body calls ``.result()`` when it needs it.

    An ``Exception`` in the body waits for the child: the child's own error, which the serial work
    (``work`` first) would have raised first, is raised instead. Anything else (``Interrupted``,
    ``KeyboardInterrupt``, ``SystemExit``) kills and reaps the child at once.
    """
    side = Aside(work)
    try:
        side.start(fork)  # (inside: a stop signal raised the moment the child is forked still has it killed)
        yield side
    except Exception:
        side.result()  # raises the child's error, if it had one
        raise
    finally:
        side.cancel()


def _child(work: Callable[[], dict], fd: int, mask: set) -> None:
    """The child's whole life: restore the default stop signals, work, write, ``os._exit``."""
    code = 1
    try:
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        started, cpu = time.perf_counter(), time.process_time()
        try:
            value, kind = work(), _OK
        except BaseException as exc:
            value, kind = _pickled(exc), _RAISED
            if value is None:
                kind = _AGAIN
        seconds = (time.perf_counter() - started, time.process_time() - cpu)
        import resource

        _write(fd, kind, value, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        code = 0
    finally:
        os._exit(code)


def _handback_file():
    """A nameless file for the child's result: in memory where the system has memfd (Linux), else a temporary file
    (nameless on Linux, unlinked at once elsewhere). In memory, the child's tens of megabytes are never written
    back to a disk, whose dirty-page throttling stalled the child (and so the parent's wait: up to 0.2 s at
    10,000 papers after a few renders in a row)."""
    if hasattr(os, "memfd_create"):
        try:
            return open(os.memfd_create("dnnpapers-aside", os.MFD_CLOEXEC), "w+b")
        except OSError:
            pass
    import tempfile

    return tempfile.TemporaryFile()


def _pickled(exc: BaseException) -> bytes | None:
    """The error pickled, if it comes back as the same type with the same message (what the CLI prints)."""
    import pickle

    try:
        data = pickle.dumps(exc)
        back = pickle.loads(data)
    except Exception:
        return None
    return data if type(back) is type(exc) and str(back) == str(exc) and back.args == exc.args else None


def _write(fd: int, kind: str, value, seconds: tuple[float, float], peak_kb: int) -> None:
    """A marshal-ed head (the kind, the small values, the bytes values' keys and lengths), then those bytes raw."""
    raw: list[tuple[str, bytes]] = []
    small = value
    if kind == _OK:
        raw = [(key, data) for key, data in value.items() if isinstance(data, bytes)]
        small = {key: (None if isinstance(data, bytes) else data) for key, data in value.items()}
    head = marshal.dumps((kind, small, [(key, len(data)) for key, data in raw], seconds, peak_kb))
    _write_all(fd, len(head).to_bytes(_HEAD, "little") + head)
    for _, data in raw:
        _write_all(fd, data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read(file) -> tuple:
    """(kind, value, the child's seconds, its peak kB) as ``_write`` wrote them; None if the file is not whole."""
    fd = file.fileno()
    size = os.fstat(fd).st_size
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        length = int.from_bytes(_read_exactly(fd, _HEAD), "little")
        kind, small, lengths, seconds, peak_kb = marshal.loads(_read_exactly(fd, length))
        if _HEAD + length + sum(n for _, n in lengths) != size:
            return None
    except (EOFError, ValueError, TypeError):
        return None
    if kind == _OK:
        small.update((key, _read_exactly(fd, n)) for key, n in lengths)
    return kind, small, seconds, peak_kb


def _read_exactly(fd: int, n: int) -> bytes:
    data = os.read(fd, n)  # (one read: one bytes object, no copy, for all but the rarest short read)
    if len(data) == n:
        return data
    parts = [data]
    got = len(data)
    while got < n:
        part = os.read(fd, n - got)
        if not part:
            raise EOFError
        parts.append(part)
        got += len(part)
    return b"".join(parts)
