"""``dnnpapers init``: a new list that passes ``check`` and ``render --check`` at once."""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from dnnpapers.errors import DnnpapersError
from dnnpapers.files import atomic_write, describe_os_error
from dnnpapers.github import ISSUE_FORM
from dnnpapers.store import format_scalar

__all__ = ["init_list", "FILES"]

#: scaffold file → where it goes in the new list
FILES = {
    "README.md": "README.md",
    "taxonomy.yaml": "data/taxonomy.yaml",
    "papers.yaml": "data/papers.yaml",
    "page.yaml": "data/page.yaml",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "workflows/list.yml": ".github/workflows/list.yml",
    "workflows/refresh.yml": ".github/workflows/refresh.yml",
}


def init_list(target: Path, title: str = "Paper list", title_zh: str = "论文列表", tool: str = "dnnpapers") -> list[str]:
    """Write a new list into ``target`` (new or empty) and render it; return the files written.

    The list is built in a temporary folder beside ``target`` and moved into
    place whole, so a failure or Ctrl-C leaves nothing half-made.
    """
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DnnpapersError(f"{target}: exists and is not an empty folder; init writes only into a new one")
    for option, value in (("--title", title), ("--title-zh", title_zh), ("--tool", tool)):
        if not value.strip() or not value.isprintable():
            raise DnnpapersError(f"{option}: give one line of text, with no line breaks or control characters")
    command = "pip install " + shlex.quote(tool)
    values = {
        "page.yaml": {"{title}": format_scalar(title), "{title_zh}": format_scalar(title_zh)},
        "README.md": {"{title}": title, "pip install {tool}": command},
        "workflows/list.yml": {"pip install {tool}": format_scalar(command)},
        "workflows/refresh.yml": {"pip install {tool}": format_scalar(command)},
    }
    parent = target.absolute().parent
    if not parent.is_dir():
        raise DnnpapersError(f"{target}: its folder {parent} does not exist")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=parent))
    except OSError as exc:
        raise DnnpapersError(f"{target}: cannot create it in {parent} ({describe_os_error(exc)})") from None
    try:
        written = _write(staging, values)
        if target.exists():
            target.rmdir()  # empty, as checked above; rename cannot replace it on every system
        os.rename(staging, target)
    except OSError as exc:
        raise DnnpapersError(f"{target}: cannot create the list ({describe_os_error(exc)}); nothing was made") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return written


def _write(folder: Path, values: dict[str, dict[str, str]]) -> list[str]:
    scaffold = resources.files("dnnpapers") / "scaffold"
    written = []
    for source, dest in FILES.items():
        text = (scaffold / source).read_text(encoding="utf-8")
        for placeholder, value in values.get(source, {}).items():
            text = text.replace(placeholder, value)
        atomic_write(folder / dest, text.encode("utf-8"))
        written.append(dest)
    (folder / ISSUE_FORM).parent.mkdir(parents=True, exist_ok=True)
    (folder / ISSUE_FORM).touch()  # render fills it from the taxonomy
    from dnnpapers.paperlist import load_list
    from dnnpapers.render import render

    written += [name for name in render(load_list(folder)) if name not in written]
    return sorted(written)
