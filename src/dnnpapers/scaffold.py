"""``dnnpapers init``: a new list that passes ``check`` and ``render --check`` at once."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from dnnpapers.errors import DnnpapersError
from dnnpapers.github import ISSUE_FORM
from dnnpapers.files import atomic_write

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
    """Write a new list into ``target`` (new or empty) and render it; return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise DnnpapersError(f"{target}: exists and is not an empty folder; init writes only into a new one")
    values = {"{title}": title, "{title_zh}": title_zh, "{tool}": tool}
    scaffold = resources.files("dnnpapers") / "scaffold"
    written = []
    for source, dest in FILES.items():
        text = (scaffold / source).read_text(encoding="utf-8")
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        atomic_write(target / dest, text.encode("utf-8"))
        written.append(dest)
    (target / ISSUE_FORM).parent.mkdir(parents=True, exist_ok=True)
    (target / ISSUE_FORM).touch()  # render fills it from the taxonomy
    from dnnpapers.paperlist import load_list
    from dnnpapers.render import render

    written += [name for name in render(load_list(target)) if name not in written]
    return sorted(written)
