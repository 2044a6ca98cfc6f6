"""Benchmark: render after an edit (issue 26): only what changed, the same bytes as a cold render.

One run prints each figure beside its floor or target and ok/NOT:
  10,000 papers: `render` and `render --check` after one paper's title is edited (caches warm) against
  the yaml-rs parse of papers.yaml (target 3×), a cold render (no cache, no outputs; target 10×), and
  whether the edited render's bytes are a cold render's;
  the shipped list (with its talks): `render` after an edit against `import typer` + the yaml-rs parse
  in one process (target 2.5×, median of paired runs), and what it imports (python -X importtime);
  a first `check` of the shipped list (nothing cached): whether it imports pydantic;
  50,000 papers: a cold render's time and peak memory (targets 8 s, 600 MB).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from cold import cold_against_floor, measure_tree, memory_lines, start_cold  # noqa: E402
from scale import PY, generate, measure  # noqa: E402


def _editor(papers: Path, at: int):
    """One paper edited by hand: the title of the entry ``at`` entries in gets a new word each run."""
    counter = iter(range(10**9))

    def edit() -> None:
        lines = papers.read_text(encoding="utf-8").split("\n")
        seen = -1
        for i, line in enumerate(lines):
            if line.startswith("  - id: "):
                seen += 1
            if seen == at and line.startswith("    title: "):
                n = next(counter)
                lines[i] = line[:-1] + f" e{n}'" if line.endswith("'") else (line[:-1] + f' e{n}"' if line.endswith('"') else line + f" e{n}")
                break
        papers.write_text("\n".join(lines), encoding="utf-8")

    return edit


def _same_outputs(a: Path, b: Path) -> bool:
    """Every generated file and the README the same bytes in both lists."""
    names = sorted(str(p.relative_to(a)) for p in (a / "generated").rglob("*") if p.is_file())
    other = sorted(str(p.relative_to(b)) for p in (b / "generated").rglob("*") if p.is_file())
    return names == other and all(filecmp.cmp(a / n, b / n, shallow=False) for n in names + ["README.md"])


def _line(name: str, figure: str, target: str, ok: bool) -> str:
    return f"  {name:<46} {figure:>22}   {target:<28} {'ok' if ok else 'NOT'}"


def _cold_copy(root: Path, tmp: Path, name: str) -> Path:
    """The list's inputs in a fresh folder, rendered cold (its own empty cache): the bytes to compare with."""
    fresh = tmp / name
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(root / "data", fresh / "data")
    if (root / "templates").is_dir():
        shutil.copytree(root / "templates", fresh / "templates")
    readme = (root / "README.md").read_text(encoding="utf-8")
    (fresh / "README.md").write_text(readme, encoding="utf-8")
    env = {**os.environ, "DNNPAPERS_CACHE_DIR": str(tmp / f"{name}-cache")}
    subprocess.run(["dnnpapers", "render", "--root", str(fresh)], check=True, capture_output=True, env=env)
    return fresh


def _imports(argv: list[str], env: dict) -> set[str]:
    done = subprocess.run([PY, "-X", "importtime", "-m", "dnnpapers", *argv], capture_output=True, text=True, env=env)
    return {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def _paired(argv: list[str], floor_argv: list[str], before, pairs: int = 7) -> tuple[float, float]:
    """(median wall, median ratio) of the command and its floor run in turn (start-up sized figures drift)."""
    ratios, walls = [], []
    for _ in range(pairs):
        wall, _ = measure(argv, 1, before=before)
        floor, _ = measure(floor_argv, 1)
        ratios.append(wall / floor)
        walls.append(wall)
    return sorted(walls)[pairs // 2], sorted(ratios)[pairs // 2]


def report() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "cache"
        env = {**os.environ, "DNNPAPERS_CACHE_DIR": str(cache)}
        os.environ["DNNPAPERS_CACHE_DIR"] = str(cache)
        print(f"  {'measure':<46} {'figure':>22}   {'floor / target':<28} verdict")

        # 10,000 papers
        root = generate(tmp / "list10k", 10_000)
        papers = root / "data" / "papers.yaml"
        floor, wall, peaks = cold_against_floor(root, cache, env)  # (the floor measured in turn with the cold render)
        print(_line("(b) yaml-rs parse, 10,000 papers", f"{floor:.3f} s", "the floor", True))

        print(_line("render, cold (no cache, no outputs)", f"{wall:.3f} s {wall / floor:5.2f}×", "≤ 10× (b)", wall <= 10 * floor))
        print("\n".join(memory_lines(peaks, None, _line)))
        edit = _editor(papers, 5_000)
        subprocess.run(["dnnpapers", "render", "--root", str(root)], capture_output=True)
        wall, _ = measure(["dnnpapers", "render", "--root", str(root)], 5, before=edit)
        print(_line("render, one title edited", f"{wall:.3f} s {wall / floor:5.2f}×", "≤ 3× (b)", wall <= 3 * floor))
        same = _same_outputs(root, _cold_copy(root, tmp, "cold10k"))
        print(_line("  its bytes are a cold render's", "same" if same else "DIFFERENT", "identical", same))
        wall, _ = measure(["dnnpapers", "render", "--check", "--root", str(root)], 5, before=edit)
        print(_line("render --check, one title edited", f"{wall:.3f} s {wall / floor:5.2f}×", "≤ 3× (b)", wall <= 3 * floor))
        shutil.rmtree(root)

        # the shipped list, with its talks
        shipped = tmp / "shipped"
        for name in ("data", "generated"):
            shutil.copytree(REPO / name, shipped / name)
        shutil.copy(REPO / "README.md", shipped / "README.md")
        first = _imports(["check", "--root", str(shipped)], {**env, "DNNPAPERS_CACHE_DIR": str(tmp / "first-check-cache")})
        print(_line("first check of the shipped list (with talks)", f"{'pydantic' if 'pydantic' in first else 'no pydantic'}, {len(first)} modules", "no pydantic", "pydantic" not in first))
        spapers = shipped / "data" / "papers.yaml"
        sfloor = [PY, "-c", f"import typer, yaml_rs; yaml_rs.loads(open({str(spapers)!r}, encoding='utf-8').read())"]
        sedit = _editor(spapers, 40)
        subprocess.run(["dnnpapers", "render", "--root", str(shipped)], capture_output=True)
        wall, ratio = _paired(["dnnpapers", "render", "--root", str(shipped)], sfloor, sedit)
        print(_line("render after an edit, shipped list", f"{wall:.3f} s {ratio:5.2f}×", "≤ 2.5× (import typer + parse)", ratio <= 2.5))
        sedit()
        modules = _imports(["render", "--root", str(shipped)], env)
        heavy = sorted(m for m in ("pydantic", "jinja2", "icalendar", "yaml", "rich", "httpx") if m in modules)
        print(_line("  it imports", f"{len(modules)} modules", "no pydantic/icalendar/yaml", not {"pydantic", "icalendar", "yaml"} & set(heavy)))
        print(f"    (of the heavy ones: {', '.join(heavy) or 'none'})")
        same = _same_outputs(shipped, _cold_copy(shipped, tmp, "coldshipped"))
        print(_line("  its bytes are a cold render's", "same" if same else "DIFFERENT", "identical", same))

        # 50,000 papers
        big = generate(tmp / "list50k", 50_000)
        wall, peaks = measure_tree(["dnnpapers", "render", "--root", str(big)], env, 1, before=lambda: start_cold(big, cache))
        print(_line("render, cold, 50,000 papers", f"{wall:.3f} s", "< 8 s", wall < 8))
        print("\n".join(memory_lines(peaks, 600, _line)))
        if not peaks["child"]:
            print(_line("  its peak memory (one process)", f"{peaks['rusage']:.0f} MB", "< 600 MB", peaks["rusage"] < 600))


if __name__ == "__main__":
    from run import main

    main(["incremental"])
