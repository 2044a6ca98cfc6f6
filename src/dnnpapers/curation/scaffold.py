"""``dnnpapers init``: a new list that passes ``check`` and ``render --check`` at once."""

from __future__ import annotations

import os
import shlex
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from dnnpapers.errors import DnnpapersError
from dnnpapers.storage.files import atomic_write, describe_os_error, read_bounded
from dnnpapers.outputs.github import ISSUE_FORM
from dnnpapers.storage.store import format_scalar

__all__ = ["init_list", "FILES", "JEKYLL_FILES", "PAGES"]

#: scaffold file → where it goes in the new list
FILES = {
    "README.md": "README.md",
    "taxonomy.yaml": "data/taxonomy.yaml",
    "papers.yaml": "data/papers.yaml",
    "page.yaml": "data/page.yaml",
    "gitignore": ".gitignore",
    "CONTRIBUTING.md": "CONTRIBUTING.md",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "workflows/list.yml": ".github/workflows/list.yml",
    "workflows/refresh.yml": ".github/workflows/refresh.yml",
    "workflows/discover.yml": ".github/workflows/discover.yml",
    "workflows/pages.yml": ".github/workflows/pages.yml",
}
#: With ``pages="jekyll"``: GitHub Pages builds a Jekyll site in site/, which render writes the pages into.
JEKYLL_FILES = {
    "workflows/pages-jekyll.yml": ".github/workflows/pages.yml",
    "jekyll/_config.yml": "site/_config.yml",
    "jekyll/index.md": "site/index.md",
}
#: What ``init --pages`` may publish on GitHub Pages: the self-contained searchable page, or a Jekyll site.
PAGES = ("site", "jekyll")
_JEKYLL_SETTING = "# render also writes the pages into this Jekyll site (GitHub Pages builds it: .github/workflows/pages.yml)\njekyll:\n  dir: site\n"


#: What a fresh repository may already hold: .git always; these only when the user says yes (--yes).
_ALWAYS_FINE = {".git"}
_WITH_YES = {"README.md", "README", "LICENSE", "LICENSE.md", "LICENSE.txt", ".gitignore"}


def default_tool() -> str | None:
    """What a list's CI should `pip install` to get this very dnnpapers; None when CI cannot reach it.

    From an index (PyPI): that version. From a git URL or an archive URL: that URL,
    pinned to the commit. From a local folder or file: nothing a CI runner can reach.
    """
    import json
    from importlib import metadata

    from dnnpapers import __version__

    try:
        direct = metadata.distribution("dnnpapers").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not direct:
        return f"dnnpapers=={__version__}"
    info = json.loads(direct)
    url = info.get("url", "")
    if url.startswith("file:"):
        return None
    vcs = info.get("vcs_info")
    if vcs:
        return f"dnnpapers @ {vcs.get('vcs', 'git')}+{url}@{vcs.get('commit_id', '')}".rstrip("@")
    return f"dnnpapers @ {url}"


def init_list(
    target: Path,
    title: str = "Paper list",
    title_zh: str = "论文列表",
    tool: str | None = None,
    taxonomy: str = "dynamic-nn",
    yes: bool = False,
    pages: str = "site",
) -> list[str]:
    """Write a new list into ``target`` and render it; return the files written.

    ``target`` may be new, empty, or a fresh clone (.git; with ``yes`` also a
    README, LICENSE or .gitignore: the README is replaced, the LICENSE kept, the
    .gitignore extended). ``taxonomy``: 'dynamic-nn' (this list's tree),
    'empty', or a taxonomy file. ``pages``: what the Pages workflow publishes,
    'site' (generated/site/, self-contained) or 'jekyll' (a Jekyll site in site/). The list is built in a temporary folder beside
    ``target`` and moved into place, so a failure leaves nothing half-made.
    """
    target = Path(target)
    present = set(os.listdir(target)) if target.is_dir() else set()
    if target.exists() and not target.is_dir():
        raise DnnpapersError(f"{target}: exists and is not a folder")
    others = present - _ALWAYS_FINE - _WITH_YES
    if others:
        shown = ", ".join(sorted(others)[:5])
        raise DnnpapersError(f"{target}: holds {shown}; init writes only into a new folder, an empty one or a fresh clone")
    confirm = present & _WITH_YES
    if confirm and not yes:
        raise DnnpapersError(f"{target}: holds {', '.join(sorted(confirm))}; give --yes to init into it (README.md is replaced, LICENSE kept, .gitignore extended)")
    tool = tool if tool is not None else default_tool()
    if tool is None:
        raise DnnpapersError(
            "--tool: this dnnpapers was installed from a local folder, which the new list's CI cannot reach; "
            "say what CI should install, e.g. --tool 'dnnpapers @ git+https://github.com/OWNER/dnnpapers@v0.1.0'"
        )
    for option, value in (("--title", title), ("--title-zh", title_zh), ("--tool", tool)):
        if not value.strip() or not value.isprintable():
            raise DnnpapersError(f"{option}: give one line of text, with no line breaks or control characters")
    if pages not in PAGES:
        raise DnnpapersError(f"--pages {pages}: give site (the searchable page) or jekyll (a Jekyll site in site/)")
    tree = _taxonomy_text(taxonomy)
    tag_option = _example_tag_option(tree)
    command = "pip install " + shlex.quote(tool)
    values = {
        "page.yaml": {"{title}": format_scalar(title), "{title_zh}": format_scalar(title_zh)},
        "README.md": {"{title}": title, "pip install {tool}": command, "{tag_option}": tag_option},
        "CONTRIBUTING.md": {"{title}": title, "{tag_option}": tag_option},
        "workflows/list.yml": {"pip install {tool}": format_scalar(command)},
        "workflows/refresh.yml": {"pip install {tool}": format_scalar(command)},
        "workflows/pages.yml": {"pip install {tool}": format_scalar(command)},
        "workflows/pages-jekyll.yml": {"pip install {tool}": format_scalar(command)},
        "jekyll/_config.yml": {"{title}": format_scalar(title)},
        "jekyll/index.md": {"{title}": format_scalar(title)},
        "workflows/discover.yml": {"pip install {tool_discover}": format_scalar("pip install " + shlex.quote(_with_extra(tool, "discover")))},
    }
    parent = target.absolute().parent
    made = _make_parents(target, parent)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=parent))
    except OSError as exc:
        _remove(made)
        raise DnnpapersError(f"{target}: cannot create it in {parent} ({describe_os_error(exc)})") from None
    done = False
    try:
        written = _write(staging, values, tree, (target / ".gitignore") if ".gitignore" in present else None, pages)
        if not present:
            if target.exists():
                target.rmdir()  # empty, as checked above; rename cannot replace it on every system
            os.rename(staging, target)
        else:
            for name in os.listdir(staging):  # into the clone, next to its .git (and LICENSE)
                destination = target / name
                if destination.is_dir() and not destination.is_symlink():
                    shutil.rmtree(destination)
                os.replace(staging / name, destination)
        done = True
    except OSError as exc:
        raise DnnpapersError(f"{target}: cannot create the list ({describe_os_error(exc)}); nothing was made") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        if not done:
            _remove(made)
    return written


def _make_parents(target: Path, parent: Path) -> list[Path]:
    """The folders above ``target`` that are missing, made (as ``git init`` and ``cargo new`` do); the ones made, deepest last."""
    missing = []
    folder = parent
    while not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            raise DnnpapersError(f"{target}: {folder} is not a folder")
        missing.append(folder)
        folder = folder.parent
    made = []
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except OSError as exc:
            _remove(made)
            raise DnnpapersError(f"{target}: cannot create the folder {folder} ({describe_os_error(exc)}); nothing was made") from None
        made.append(folder)
    return made


def _remove(made: list[Path]) -> None:
    """Take back the folders ``_make_parents`` made, so a failed init leaves nothing behind."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            pass


def _with_extra(tool: str, extra: str) -> str:
    """'dnnpapers==0.1' → 'dnnpapers[discover]==0.1'; 'dnnpapers @ git+…' → 'dnnpapers[discover] @ git+…'."""
    name_end = next((i for i, c in enumerate(tool) if not (c.isalnum() or c in "-_.")), len(tool))
    if tool[name_end : name_end + 1] == "[":
        return tool  # extras given already
    return f"{tool[:name_end]}[{extra}]{tool[name_end:]}"


def _taxonomy_text(choice: str) -> str:
    """The new list's data/taxonomy.yaml: this list's tree, an empty one, or a file that check accepts."""
    if choice == "dynamic-nn":
        return (resources.files("dnnpapers.curation") / "scaffold" / "taxonomy.yaml").read_text(encoding="utf-8")
    if choice == "empty":
        return "# The topics of this list: each node has slug, en, zh and optional description, keywords, children.\ntaxonomy: []\n"
    path = Path(choice)
    try:
        text = read_bounded(path, f"--taxonomy {choice}").decode("utf-8")
    except OSError as exc:
        raise DnnpapersError(f"--taxonomy {choice}: cannot read it ({describe_os_error(exc)}); give a file, 'empty' or 'dynamic-nn'") from None
    except UnicodeDecodeError:
        raise DnnpapersError(f"--taxonomy {choice}: not UTF-8 text") from None
    from dnnpapers.access.paperlist import taxonomy_from_text

    taxonomy_from_text(text.encode("utf-8"), str(path))  # ProblemsFound, located in the user's file
    return text


def _example_tag_option(tree: str) -> str:
    """' --tag SLUG' for the examples in README and CONTRIBUTING: a topic the new list has (early-exit when
    it does, else its first topic without children), or '' for a list with no topics yet."""
    from dnnpapers.access.paperlist import taxonomy_from_text

    nodes = list(taxonomy_from_text(tree.encode("utf-8"), "data/taxonomy.yaml").walk())
    slugs = [node.slug for node in nodes]
    leaves = [node.slug for node in nodes if not node.children]
    slug = "early-exit" if "early-exit" in slugs else next(iter(leaves or slugs), None)
    return f" --tag {slug}" if slug else ""


def _write(folder: Path, values: dict[str, dict[str, str]], taxonomy: str, gitignore: Path | None, pages: str = "site") -> list[str]:
    scaffold = resources.files("dnnpapers.curation") / "scaffold"
    written = []
    files = FILES if pages == "site" else {**{k: v for k, v in FILES.items() if k != "workflows/pages.yml"}, **JEKYLL_FILES}
    for source, dest in files.items():
        text = taxonomy if source == "taxonomy.yaml" else (scaffold / source).read_text(encoding="utf-8")
        for placeholder, value in values.get(source, {}).items():
            text = text.replace(placeholder, value)
        if source == "page.yaml" and pages == "jekyll":
            text += _JEKYLL_SETTING
        if source == "gitignore" and gitignore is not None:  # the clone's own rules first, ours after
            own = read_bounded(gitignore).decode("utf-8")
            text = own + ("" if own.endswith("\n") or not own else "\n") + "# dnnpapers\n" + text
        atomic_write(folder / dest, text.encode("utf-8"))
        written.append(dest)
    (folder / ISSUE_FORM).parent.mkdir(parents=True, exist_ok=True)
    (folder / ISSUE_FORM).touch()  # render fills it from the taxonomy
    from dnnpapers.access.loading import load_list
    from dnnpapers.outputs.render import render

    written += [name for name in render(load_list(folder)) if name not in written]
    return sorted(written)
