"""Ctrl-C, SIGTERM and SIGHUP: stop cleanly with exit 130, never in the middle of a commit.

click turns Ctrl-C into "Aborted!" and exit 1; a CI runner's SIGTERM would kill
the process between two renames. The CLI installs handlers that raise
``Interrupted`` (a BaseException, so no library ``except Exception`` swallows it
and click lets it through), and ``held()`` defers a signal that arrives while a
set of files is being renamed into place until the set is whole.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["Interrupted", "install", "held"]

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

_holding = 0
_pending: list[int] = []


class Interrupted(BaseException):
    """The user or the system asked the process to stop."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _handle(signum: int, frame: object) -> None:
    if _holding:
        _pending.append(signum)
        return
    raise Interrupted(signum)


def install() -> None:
    """Route the stop signals to ``Interrupted``; a file-size limit becomes an error, not a kill."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in SIGNALS:
        signal.signal(signum, _handle)
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG, which we report


@contextmanager
def held() -> Iterator[None]:
    """Defer stop signals for the duration; one that came meanwhile is raised at the end."""
    global _holding
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
    if not _holding and _pending:
        signum = _pending[0]
        _pending.clear()
        raise Interrupted(signum)
