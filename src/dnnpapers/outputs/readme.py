"""The README's generated region: only the text between the markers is ours."""

from __future__ import annotations

from dnnpapers.errors import DnnpapersError

__all__ = ["README_FILE", "BEGIN", "END", "splice"]

README_FILE = "README.md"
BEGIN = "<!-- dnnpapers:begin -->"
END = "<!-- dnnpapers:end -->"


def splice(readme: str, region: str, where: str = README_FILE) -> str:
    """``readme`` with the text between the markers replaced by ``region``; every other byte kept."""
    begins, ends = readme.count(BEGIN), readme.count(END)
    if begins != 1 or ends != 1:
        found = f"found {begins} begin and {ends} end marker{'s' if ends != 1 else ''}"
        raise DnnpapersError(f"{where}: needs exactly one {BEGIN} and one {END} ({found}); nothing written")
    head, rest = readme.split(BEGIN)
    if END not in rest:
        raise DnnpapersError(f"{where}: {END} comes before {BEGIN}; nothing written")
    _, tail = rest.split(END)
    newline = "\r\n" if "\r\n" in readme else "\n"
    body = region.strip("\n").replace("\n", newline)
    return f"{head}{BEGIN}{newline}{body}{newline}{END}{tail}"
