"""The command line: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 ok, 1 problem found, 2 usage error, 130 interrupted. One module per group of
commands (``listing``, ``outputs``, ``network``, ``setup``, ``talks``), the shared parts in
``common``; each command's library modules are imported inside it so that ``--help`` and
``--version`` start fast. The commands are registered here, in the order ``--help`` lists them.
"""

from __future__ import annotations

import errno
import io
import os
import sys

import typer

from dnnpapers.cli.common import app
from dnnpapers.cli import listing, network, outputs, setup, talks

__all__ = ["app", "main", "run"]

app.command()(listing.check)
app.command()(outputs.render)
app.command()(network.add)
app.command("import-md")(setup.import_md)
app.command("import-bib")(setup.import_bib)
app.command()(network.update)
app.command("list")(listing.list_papers)
app.command()(listing.show)
app.command()(listing.stats)
app.command()(listing.remove)
app.command()(listing.tag)
app.command()(setup.init)
app.command()(network.discover)
app.command()(listing.dismiss)
app.add_typer(talks.talk_app, name="talk")
app.command()(outputs.schema)


class _StdoutError(OSError):
    """Writing to standard output failed (a full disk, a closed descriptor)."""


class _ReaderGone(BaseException):
    """Standard output's reader closed the pipe (``dnnpapers list | head -1``): it has what it wanted.

    A BaseException, so that click's own EPIPE handling (exit 1) and no library
    ``except Exception`` sees it; ``main`` ends the run quietly with 0, as
    most tools written in Python do. (C tools die of SIGPIPE, which a shell
    reports as 141 and ``set -o pipefail`` as a failure; a reader stopping
    early is not one.)
    """


class _Stdout:
    """Standard output whose write errors say that they are standard output's."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is None:
            raise _StdoutError(errno.EBADF, "standard output is closed")
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise _ReaderGone() from None
        except OSError as exc:
            raise _StdoutError(exc.errno, exc.strerror) from None

    def flush(self) -> None:
        if self._stream is not None:
            try:
                self._stream.flush()
            except BrokenPipeError:
                raise _ReaderGone() from None
            except OSError as exc:
                raise _StdoutError(exc.errno, exc.strerror) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main() -> None:
    """Console entry point: every way a run can end is an exit code and at most one line."""
    from dnnpapers.interrupts import Interrupted, install

    install()
    real_stdout = sys.stdout
    if isinstance(real_stdout, io.TextIOWrapper):
        # a character the terminal's encoding lacks (latin-1, cp1252 and the list's Chinese or emoji)
        # is written as \uXXXX, as Python writes stderr, instead of ending the run with a traceback
        real_stdout.reconfigure(errors="backslashreplace")
    sys.stdout = _Stdout(real_stdout)
    reader_gone = False
    try:
        app()
        code = 0
    except _ReaderGone:
        code, reader_gone = 0, True
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except (Interrupted, KeyboardInterrupt):
        code = _say("interrupted", 130)
    except OSError as exc:
        code = _say(_os_problem(exc), 1)
    except RecursionError:
        code = _say("input nested too deeply to process", 1)
    try:
        sys.stdout.flush()
    except _ReaderGone:
        reader_gone = True
    except OSError as exc:
        code = _say(_os_problem(exc), 1)
    except Interrupted:
        code = _say("interrupted", 130)
    if (code or reader_gone) and real_stdout is not None:
        try:  # what is still buffered for a broken output must not fail again at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), real_stdout.fileno())
        except (OSError, ValueError):
            pass
    sys.stdout = real_stdout
    sys.exit(code)


def run() -> None:
    """The console script: ``main``, and at the interpreter's exit no collector pass over what the run leaves.

    A cold render of 10,000 papers leaves its loaded list for the exit, and the collector's last pass over it
    costs ~0.06 s of CPU for nothing (the objects are freed either way). Not in ``main``, which tests call in
    their own process: freezing theirs would keep its garbage cycles for good.
    """
    import gc

    try:
        main()
    finally:
        gc.freeze()


def _say(message: str, code: int) -> int:
    try:
        typer.echo(f"dnnpapers: {message}", err=True)
    except (OSError, ValueError):
        pass
    return code


def _os_problem(exc: OSError) -> str:
    from dnnpapers.storage.files import describe_os_error

    if isinstance(exc, _StdoutError):
        return f"cannot write to standard output ({describe_os_error(exc)})"
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{describe_os_error(exc)}"
