"""Benchmark: what dnnpapers shares with its peers, pubs and papis (list, search, BibTeX of all), on 10,000 papers.

The same papers for each: the generated bench list (bench/scale.py), its BibTeX
export as a pubs repository (one .bib and one meta .yaml per paper, as `pubs add`
writes them) and as a papis library (one folder with an info.yaml per paper).
Each tool is timed as a whole process, best of three, after one warm-up run (papis
builds its cache then, as it would in daily use). The peers are not dependencies:
install them where the benchmark can find them, e.g.
``python -m venv /tmp/peers && /tmp/peers/bin/pip install pubs pyparsing 'bibtexparser<2' papis``
and ``PEERS_BIN=/tmp/peers/bin python bench/run.py peers``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from scale import generate, measure

from dnnpapers.access.loading import load_list

COUNT = 10_000
LIMIT = 900  # seconds a peer's first run may take (papis builds its cache then) before it is stopped and reported as over
_META = "added: 2026-12-01 00:00:00\ndocfile: null\ntags: !!set {}\n"  # what `pubs add` writes beside each .bib


def _tool(name: str) -> str | None:
    folder = os.environ.get("PEERS_BIN")
    found = Path(folder) / name if folder else None
    return str(found) if found and found.exists() else shutil.which(name)


def _pubs_repository(folder: Path, bibtex: str, env: dict) -> Path:
    folder.mkdir(parents=True)
    rc = folder / "pubsrc"
    subprocess.run([_tool("pubs"), "-c", str(rc), "init", "-p", str(folder / "repo")], check=True, capture_output=True, env=env)
    for entry in re.split(r"\n(?=@)", bibtex.split("\n", 2)[2].strip()):
        key = entry[entry.index("{") + 1 : entry.index(",")]
        (folder / "repo" / "bib" / f"{key}.bib").write_text(entry + "\n", encoding="utf-8")
        (folder / "repo" / "meta" / f"{key}.yaml").write_text(_META, encoding="utf-8")
    return rc


def _papis_library(folder: Path, root: Path, env: dict) -> None:
    import yaml

    library = folder / "library"
    for paper in load_list(root).papers:
        (library / paper.id).mkdir(parents=True)
        info = {"ref": paper.id, "title": paper.title, "author": " and ".join(paper.authors), "year": paper.year, "tags": list(paper.tags)}
        (library / paper.id / "info.yaml").write_text(yaml.safe_dump(info, allow_unicode=True), encoding="utf-8")
    config = Path(env["XDG_CONFIG_HOME"]) / "papis"
    config.mkdir(parents=True)
    (config / "config").write_text(f"[settings]\ndefault-library = bench\n\n[bench]\ndir = {library}\n", encoding="utf-8")


#: What each tool shares with the others: (operation, {tool: its arguments}); "ROOT" and "RC" are filled in.
#: Search is a word of the titles (dnnpapers also looks in authors, focus and notes; the peers in titles only).
#: papis needs --all: without a terminal it would pick one document, and print none.
OPERATIONS = [
    ("list", {"dnnpapers": ["list", "--root", "ROOT"], "pubs": ["-c", "RC", "list"], "papis": ["list", "--all"]}),
    ("search a word", {"dnnpapers": ["list", "--search", "early", "--root", "ROOT"], "pubs": ["-c", "RC", "list", "title:early"], "papis": ["list", "--all", "title:early"]}),
    ("BibTeX of all", {"dnnpapers": ["list", "--format", "bib", "--root", "ROOT"], "pubs": ["-c", "RC", "export"], "papis": ["export", "--all", "--format", "bibtex"]}),
]


def report() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "HOME": str(tmp / "home"), "XDG_CONFIG_HOME": str(tmp / "config"), "XDG_CACHE_HOME": str(tmp / "cache"), "DNNPAPERS_CACHE_DIR": str(tmp / "dnnpapers-cache")}
        root = generate(tmp / "list", COUNT)
        subprocess.run(["dnnpapers", "render", "--root", str(root)], check=True, capture_output=True, env=env)
        fill = {"ROOT": str(root)}
        tools = {"dnnpapers": "dnnpapers"}
        if _tool("pubs"):
            fill["RC"] = str(_pubs_repository(tmp / "pubs", (root / "generated" / "papers.bib").read_text(encoding="utf-8"), env))
            tools["pubs"] = _tool("pubs")
        if _tool("papis"):
            _papis_library(tmp / "papis", root, env)
            tools["papis"] = _tool("papis")
        print(f"{COUNT:,} papers (whole processes, best of 3 after a warm-up)")
        stopped = set()  # a tool whose first run passed LIMIT: its cache was never built, so it is not timed again
        for operation, arguments in OPERATIONS:
            ours = None
            for tool, program in tools.items():
                name = f"{operation}: {tool}"
                if tool in stopped:
                    print(f"  {name:<28} not timed (its first run was stopped)")
                    continue
                argv = [program, *(fill.get(a, a) for a in arguments[tool])]
                try:
                    subprocess.run(argv, capture_output=True, env=env, timeout=LIMIT)  # warm-up: caches as in daily use
                except subprocess.TimeoutExpired:
                    stopped.add(tool)
                    print(f"  {name:<28} over {LIMIT} s on its first run (stopped)")
                    continue
                wall, mb = measure(argv, 3, env)
                ours = ours or wall
                print(f"  {name:<28} {wall:7.3f} s {mb:7.0f} MB   {wall / ours:5.1f}× dnnpapers")
        for peer in ("pubs", "papis"):
            if not _tool(peer):
                print(f"  {peer}: not installed (see bench/peers.py)")


if __name__ == "__main__":
    from run import main

    main(["peers"])
