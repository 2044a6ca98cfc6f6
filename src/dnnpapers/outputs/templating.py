"""The templates a list may override, run so that a template from a pull request can do no harm.

A list's own ``templates/`` folder is code from whoever opened the pull
request, and the list's CI renders it. So templates run in Jinja's immutable
sandbox (no ``__globals__``, no attribute tricks, no changing the data), are
read only from inside the list (a symlink that leads out is refused), and are
stopped with a one-line error when they recurse too deep, write too much or run
too long.
"""

from __future__ import annotations

import os
import re
import signal
import string
import threading
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

import jinja2
from jinja2 import meta
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from dnnpapers import limits
from dnnpapers.environment import env_float
from dnnpapers.errors import DnnpapersError
from dnnpapers.storage.files import describe_os_error, read_bounded

__all__ = ["environment", "render_template", "render_bytes", "format_template", "output_cap", "MAX_SECONDS"]

#: How long one template may run (DNNPAPERS_TEMPLATE_SECONDS).
MAX_SECONDS = 60.0

T = TypeVar("T")


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Templates from one folder, refusing any whose real path (links followed) lies outside ``inside``."""

    def __init__(self, folder: Path, inside: Path):
        super().__init__(str(folder))
        self.inside = os.path.realpath(inside)

    def get_source(self, environment, template):
        """Checked before a byte is read: confined to the list, a regular file, bounded in size."""
        filename = os.path.join(self.searchpath[0], *split_template_path(template))
        real = os.path.realpath(filename)
        if not os.path.lexists(filename):
            raise jinja2.TemplateNotFound(template)
        if os.path.commonpath([real, self.inside]) != self.inside:
            raise DnnpapersError(f"templates/{template}: leads outside the list (to {real}); refused")
        if not os.path.isfile(real):
            raise DnnpapersError(f"templates/{template}: not a regular file; refused")
        try:
            source = read_bounded(real, f"templates/{template}").decode("utf-8")
        except OSError as exc:
            raise DnnpapersError(f"templates/{template}: cannot read ({describe_os_error(exc)})") from None
        except UnicodeDecodeError:
            raise DnnpapersError(f"templates/{template}: not UTF-8 text") from None
        mtime = os.path.getmtime(real)
        return source, filename, lambda: os.path.exists(real) and os.path.getmtime(real) == mtime


class _CompiledInMemory(jinja2.BytecodeCache):
    """Compiled templates kept for the process, keyed by name, file and a digest of the source (Jinja's own key).

    Compiling costs more than rendering a small list; a process that renders more
    than once (`render` after `update`, the tests) compiles each template once.
    One cache per kind of environment: the sandbox compiles calls differently, so
    code compiled outside it must never run inside it (every other setting that
    shapes the code is the same for each environment made here).
    """

    def __init__(self) -> None:
        self.code: dict[tuple[str, str], object] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.code.get((bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code  # type: ignore[assignment]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if len(self.code) > 256:  # templates a long-lived process has seen change; start over
            self.code.clear()
        self.code[(bucket.key, bucket.checksum)] = bucket.code


_COMPILED = {ImmutableSandboxedEnvironment: _CompiledInMemory(), jinja2.Environment: _CompiledInMemory()}


def environment(overrides: Path, inside: Path, finalize: Callable, globals: dict, papers: int = 0) -> jinja2.Environment:
    """The list's ``overrides`` folder first (confined to ``inside``), then the built-in templates.

    A list with templates of its own gets the sandbox; one with only the built-in
    templates (ours, trusted) skips its cost, a quarter of a 10,000-paper render.
    ``papers``: how many the list holds, which scales the output cap of its own templates.
    """
    loaders: list[jinja2.BaseLoader] = []
    own = overrides.is_dir()
    if own:
        loaders.append(_ConfinedLoader(overrides, inside))
    loaders.append(jinja2.PackageLoader("dnnpapers.outputs", "templates"))
    kind = ImmutableSandboxedEnvironment if own else jinja2.Environment
    env = kind(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=_COMPILED[kind],
        finalize=finalize,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(globals)
    env.dnnpapers_papers = papers  # type: ignore[attr-defined]
    return env


def output_cap(env: jinja2.Environment, name: str) -> int | None:
    """The most template ``name`` may write: None when it and all it imports are built in (ours write in
    step with the data, so any list check accepts renders); else the list's cap, scaled by its papers."""
    if not any(isinstance(loader, _ConfinedLoader) and _uses_any(env, name, set(loader.list_templates())) for loader in _loaders(env)):
        return None
    return max(limits.MAX_TEMPLATE_OUTPUT, limits.MAX_TEMPLATE_OUTPUT_PER_PAPER * getattr(env, "dnnpapers_papers", 0))


def _loaders(env: jinja2.Environment) -> list[jinja2.BaseLoader]:
    return list(env.loader.loaders) if isinstance(env.loader, jinja2.ChoiceLoader) else [env.loader]


def _uses_any(env: jinja2.Environment, name: str, own: set[str]) -> bool:
    """Whether ``name``, or a template it includes, imports or extends, comes from the list's folder."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in own:
            return True
        if current in seen:
            continue
        seen.add(current)
        try:
            source, _, _ = _built_in().get_source(env, current)
        except jinja2.TemplateNotFound:
            continue
        todo += _references(current, source)
    return False


@lru_cache(maxsize=None)
def _built_in() -> jinja2.PackageLoader:
    return jinja2.PackageLoader("dnnpapers.outputs", "templates")


@lru_cache(maxsize=64)
def _references(name: str, source: str) -> tuple[str, ...]:
    """The templates a built-in template includes, imports or extends: parsed once a process, not for each output
    of each render of a list with templates of its own (a process rendering many lists parsed them hundreds of times).
    Keyed by the source too, so an edited package template is parsed again; the syntax is Jinja's default, as ours."""
    return tuple(t for t in meta.find_referenced_templates(jinja2.Environment().parse(source)) if t is not None)


def render_template(env: jinja2.Environment, name: str, context: dict) -> str:
    """The template's output with runs of blank lines folded to one (data never holds a newline)."""
    seconds = env_float("DNNPAPERS_TEMPLATE_SECONDS", MAX_SECONDS)
    try:
        parts = _limited(seconds, name, lambda: _generate(env, name, context))
        text = "".join(parts)
        while "\n\n\n" in text:  # runs of blank lines folded to one: str.replace, a tenth of the regular expression's time on a page of megabytes
            text = text.replace("\n\n\n", "\n\n")  # (each pass shortens every run; runs are a few lines long)
        if text.endswith("\n") and not text.endswith("\n\n"):
            return text  # already as it should end: no copy (a large page's text is tens of megabytes)
        return text.rstrip("\n") + "\n"
    except jinja2.TemplateSyntaxError as exc:
        raise DnnpapersError(f"{exc.filename or name}:{exc.lineno}: template error: {exc.message}") from None
    except SecurityError as exc:
        raise DnnpapersError(f"{name}: template refused by the sandbox: {exc}") from None
    except jinja2.TemplateError as exc:
        raise DnnpapersError(f"{name}: template error: {exc}") from None
    except RecursionError:
        raise DnnpapersError(f"{name}: the template recursed too deep (a macro calling itself?); stopped") from None


def render_bytes(env: jinja2.Environment, name: str, context: Callable[[Callable[[int], Markup]], dict], pieces: list[bytes]) -> bytes:
    """``render_template``'s output as UTF-8, with its large values (``pieces``: markup, UTF-8) spliced in as bytes.

    ``context(piece)`` makes the template's context, showing ``pieces[i]`` as ``piece(i)``. A 50,000-paper
    web page would be hundreds of megabytes as one Python string, twice over while Jinja joins it; so
    our own templates (which show each piece as it is) render around a marker for each piece, and the
    pieces are spliced into the encoded page. Whenever splicing could differ from rendering the pieces
    themselves (folded blank lines at a piece's edge, a marker in the data), and for a list's own
    templates, the pieces are rendered as they are.
    """
    issued: list[str] = []

    def marker(i: int) -> Markup:
        if not pieces[i].strip(b"\n"):  # nothing but newlines: the blank lines on its two sides would merge; shown as is
            return Markup(pieces[i].decode("utf-8"))
        issued.append(str(i))
        return Markup(f"\x00{i}\x00")

    if output_cap(env, name) is None:
        spliced = _splice(render_template(env, name, context(marker)), pieces, issued)
        if spliced is not None:
            return spliced
    return render_template(env, name, context(lambda i: Markup(pieces[i].decode("utf-8")))).encode("utf-8")


_MARKER = re.compile(r"\x00(\d+)\x00")


def _newlines(text: str | bytes, at_end: bool) -> int:
    newline = "\n" if isinstance(text, str) else b"\n"
    return len(text) - len(text.rstrip(newline) if at_end else text.lstrip(newline))


def _splice(text: str, pieces: list[bytes], issued: list[str]) -> bytes | None:
    """``text`` with each marker replaced by its piece; None where that could differ from rendering the piece in
    place (``render_template`` folds runs of blank lines and trims the end) or a marker is not one of ``issued``."""
    parts = _MARKER.split(text)
    texts, found = parts[0::2], parts[1::2]
    if sorted(found) != sorted(issued) or any("\x00" in part for part in texts):
        return None
    if any(not part.strip("\n") for part in texts[1:]):  # between two pieces, or after the last: runs could merge, or be trimmed
        return None
    for k, i in enumerate(found):
        piece = pieces[int(i)]
        if b"\n\n\n" in piece:
            return None
        # newlines at a piece's edge join the run beside them, which (folded already) shows at most 2 of its length
        lead, trail = _newlines(piece, False), _newlines(piece, True)
        if (lead and _newlines(texts[k], True) + lead > 2) or (trail and _newlines(texts[k + 1], False) + trail > 2):
            return None
    out = [texts[0].encode("utf-8")]
    for k, i in enumerate(found):
        out += [pieces[int(i)], texts[k + 1].encode("utf-8")]
    return b"".join(out)


def _generate(env: jinja2.Environment, name: str, context: dict) -> list[str]:
    cap = output_cap(env, name)
    parts, size = [], 0
    for part in env.get_template(name).generate(context):
        size += len(part)
        if cap is not None and size > cap:
            raise DnnpapersError(
                f"{name} (with the list's own templates): the output passed {limits.size_text(cap)} "
                f"(its cap: {limits.size_text(limits.MAX_TEMPLATE_OUTPUT)}, or {limits.size_text(limits.MAX_TEMPLATE_OUTPUT_PER_PAPER)} a paper); stopped (a runaway loop?)"
            )
        parts.append(part)
    return parts


class _TooLong(BaseException):
    """The time limit fired. A BaseException, so no ``except Exception`` in Jinja or a filter turns it into another error."""


def _limited(seconds: float, name: str, work: Callable[[], T]) -> T:
    """``work()`` within a wall-clock bound through SIGALRM where there is one (the main thread on Unix); else unbounded.

    The alarm raises only while armed, so it can neither fire before the guard
    is entered nor after it is left (a signal delivered late, between two
    bytecodes of the cleanup, is ignored); wherever in this frame it lands, it
    ends as the one message. Once due it fires again every 50 ms until the guard
    is left: Python swallows an exception raised in a garbage-collector callback
    or a ``__del__`` ("Exception ignored in"), and a limit that fired there once
    would otherwise never stop the template.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return work()
    armed = [False]

    def expire(signum, frame):
        if armed[0]:
            raise _TooLong()

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        try:
            armed[0] = True
            signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
            return work()
        finally:
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TooLong:
        raise DnnpapersError(f"{name}: the template ran longer than {seconds:g} s; stopped (a runaway loop?)") from None
    finally:
        signal.signal(signal.SIGALRM, previous)


def format_template(env: jinja2.Environment, name: str, fields: tuple[str, ...]) -> str:
    """A one-item layout (a table row, a paper's card) as a ``str.format`` pattern, from the list's templates/ or ours.

    Rendered once per paper, so it is a format string, not Jinja: ``{field}``
    only, from ``fields``, whose values are already escaped; no attribute,
    index, conversion or format spec, so it can reach nothing else.
    """
    try:
        source, _, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        raise DnnpapersError(f"templates/{name}: not found") from None
    source = source.rstrip("\n")
    try:
        parts = list(string.Formatter().parse(source))
    except ValueError as exc:
        raise DnnpapersError(f"templates/{name}: {exc} (write a literal brace as {{{{ or }}}})") from None
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in fields or spec or conversion:
            raise DnnpapersError(f"templates/{name}: {{{field}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}} is not one of its fields: {', '.join('{' + f + '}' for f in fields)}")
    return source
