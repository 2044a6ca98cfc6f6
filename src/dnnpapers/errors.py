"""The one error type users see, and the located problems it carries.

Problems found in data are values, collected and reported together, so a
curator fixes a whole file in one pass instead of one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DnnpapersError", "UsageError", "Problem", "ProblemsFound"]


class DnnpapersError(Exception):
    """Any failure meant for the user: ``str()`` is the one-line message."""


class UsageError(DnnpapersError):
    """The command was called wrongly (an option missing, or one that cannot be read): exit 2, like click's own.

    ``option`` names the option or argument (``--sort``, ``ID...``) for the usage message.
    """

    def __init__(self, message: str, option: str):
        super().__init__(message)
        self.option = option

    def __reduce__(self):  # (pickled as made: a build's forked child hands its error back so)
        return (type(self), (str(self), self.option))


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"

    def github(self, level: str = "error") -> str:
        """A GitHub Actions workflow command, so the error (or a ``warning``) lands on the PR's line."""
        return (
            f"::{level} file={_escape_property(self.path)},line={self.line},"
            f"col={self.col}::{_escape_data(self.message)}"
        )


class ProblemsFound(DnnpapersError):
    """The data has problems; ``problems`` holds every one, sorted by place."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # (pickled as made: a build's forked child hands its error back so)
        return (type(self), (self.problems,))


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
