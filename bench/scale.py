"""Benchmark: check, render, add and start-up on lists of 1,000, 10,000 and 50,000 papers.

Every figure is a whole process (best of a few runs) with its peak memory, printed
beside the floors measured in the same run:
  (a) PyYAML's C loader parsing the papers file, (b) the fastest YAML parser on PyPI
  (yaml-rs) parsing it, (c) ``python -c "import typer"``, and (c') a one-option typer
  command, which is what any typer command costs before doing anything.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "src"))

from fakes import ArxivPaper, FakeServices, serve  # noqa: E402

from dnnpapers.access.loading import load_list  # noqa: E402
from dnnpapers.storage.store import format_entry  # noqa: E402
from dnnpapers.access.verdicts import SETTLED_NS  # noqa: E402

SIZES = [1_000, 10_000, 50_000]
PY = sys.executable

_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
wall = time.perf_counter() - start
if done.returncode not in (0, 1):
    sys.exit(done.stderr.decode()[-300:])
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure(argv: list[str], runs: int = 3, env: dict | None = None, before=None) -> tuple[float, float]:
    """(best wall seconds, peak MB) of a whole process."""
    best, peak = float("inf"), 0.0
    for _ in range(runs):
        if before:
            before()
        out = subprocess.run([PY, "-c", _MEASURE, *argv], capture_output=True, text=True, env=env or os.environ.copy())
        if out.returncode != 0:
            raise SystemExit(f"{' '.join(argv[:3])}: {out.stderr.strip()}")
        wall, kb = out.stdout.split()
        best, peak = min(best, float(wall)), max(peak, int(kb) / 1024)
    return best, peak


def generate(root: Path, count: int) -> Path:
    """A list of ``count`` papers: varied copies of the shipped entries, valid and unique."""
    shipped = load_list(REPO)
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / "data" / "taxonomy.yaml", root / "data" / "taxonomy.yaml")
    head = (REPO / "data" / "papers.yaml").read_text(encoding="utf-8").split("papers:")[0]
    parts = [head, "papers:\n"]
    for i in range(count):
        paper = shipped.papers[i % len(shipped.papers)]
        copy, entry = i // len(shipped.papers), paper.model_dump(exclude_none=True, exclude_defaults=True)
        if copy:
            entry["id"] = f"{paper.id}-{copy}"
            entry["title"] = f"{paper.title} (variant {copy})"
            entry["arxiv"] = f"{1501 + i // 10_000}.9{i % 10_000:04d}"  # YYMM.9NNNN: unique, and no real paper's
            if entry.get("doi"):
                entry["doi"] = f"{entry['doi']}.{copy}"
        parts.append(format_entry({k: v for k, v in entry.items() if v is not None}))
    (root / "data" / "papers.yaml").write_text("".join(parts), encoding="utf-8")
    (root / "README.md").write_text("# Bench list\n\n<!-- dnnpapers:begin -->\n<!-- dnnpapers:end -->\n", encoding="utf-8")
    return root


def floors(papers_file: Path) -> dict[str, tuple[float, float]]:
    typer_command = "import typer\napp = typer.Typer()\n@app.command()\ndef a(root: str = typer.Option('.')): pass\n@app.command()\ndef b(): pass\napp()"
    return {
        "(a) PyYAML C loader": measure([PY, "-c", f"import yaml; yaml.load(open({str(papers_file)!r}, 'rb'), Loader=yaml.CSafeLoader)"]),
        "(b) yaml-rs": measure([PY, "-c", f"import yaml_rs; yaml_rs.loads(open({str(papers_file)!r}, encoding='utf-8').read())"]),
        "(c) import typer": measure([PY, "-c", "import typer"]),
        "(c') a typer command": measure([PY, "-c", typer_command, "a"]),
    }


def paired_row(name: str, argv: list[str], floor_argv: list[str], target: float, pairs: int = 9) -> str:
    """A start-up row: tens of milliseconds, where the machine's drift between two separate measurements
    outweighs the difference; so the command and its floor run in turn, and the median ratio of the pairs counts."""
    ratios, walls = [], []
    for _ in range(pairs):
        wall, _ = measure(argv, 1)
        floor, _ = measure(floor_argv, 1)
        ratios.append(wall / floor)
        walls.append(wall)
    ratio, wall = sorted(ratios)[pairs // 2], sorted(walls)[pairs // 2]
    verdict = f"  ok (≤ {target:g}×)" if ratio <= target else f"  over ({target:g}× floor)"
    return f"  {name:<34} {wall:7.3f} s {ratio:5.2f}×  (median of {pairs} pairs with import typer){verdict}"


def row(name: str, figure: tuple[float, float], floor: float | None = None, target: float | None = None, size: int = 0) -> str:
    wall, mb = figure
    ratio = f"{wall / floor:5.2f}×" if floor else "      "
    verdict = "" if target is None else (f"  ok (≤ {target:g}×)" if wall <= target * floor else f"  over ({target:g}× floor)")
    memory = f"{mb:7.0f} MB" + (f" ({mb * 2**20 / size:4.1f}× file)" if size else "")
    return f"  {name:<34} {wall:7.3f} s {ratio} {memory}{verdict}"


def _touch(papers: Path):
    """A changed list: one entry edited (its id, new each run), as after fixing a paper by hand, so no verdict applies."""
    counter = iter(range(10**9))

    def change() -> None:
        text = papers.read_text(encoding="utf-8")
        at = text.index("\n  - id: ") + len("\n  - id: ")
        end = text.index("\n", at)
        papers.write_text(text[:at] + f"edited-{next(counter)}" + text[end:], encoding="utf-8")

    return change


def report() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DNNPAPERS_CACHE_DIR"] = str(Path(tmp) / "cache")  # verdicts of this run only
        results = {}
        for count in SIZES:
            root = generate(Path(tmp) / f"list{count}", count)
            papers = root / "data" / "papers.yaml"
            size = papers.stat().st_size
            valid = subprocess.run(["dnnpapers", "check", "--root", str(root)], capture_output=True, text=True)
            if valid.returncode != 0:
                raise SystemExit(f"the generated {count:,}-paper list is not valid: {valid.stdout[:300]}")
            base = floors(papers)
            floor = base["(b) yaml-rs"][0]
            runs = 1 if count >= 50_000 else 3
            changed = _touch(papers)
            subprocess.run(["dnnpapers", "check", "--root", str(root)], capture_output=True)  # its entries now known
            check = measure(["dnnpapers", "check", "--root", str(root)], runs, before=changed)
            nothing_known = measure(["dnnpapers", "check", "--root", str(root)], runs, env={**os.environ, "DNNPAPERS_NO_VERDICTS": "1"}, before=changed)
            render = measure(["dnnpapers", "render", "--root", str(root)], runs, before=lambda r=root, c=changed: (shutil.rmtree(r / "generated", ignore_errors=True), c()))
            fresh = measure(["dnnpapers", "render", "--check", "--root", str(root)], runs, before=changed)
            subprocess.run(["dnnpapers", "render", "--root", str(root)], capture_output=True)
            subprocess.run(["dnnpapers", "check", "--root", str(root)], capture_output=True)
            unchanged = measure(["dnnpapers", "check", "--root", str(root)], 3)
            time.sleep(SETTLED_NS / 1e9 + 0.1)  # outputs rendered a while ago (as for a hook run after an edit): their status stands for their bytes
            unchanged_render = measure(["dnnpapers", "render", "--check", "--root", str(root)], 3)
            results[count] = (nothing_known, render, base["(b) yaml-rs"])
            print(f"{count:,} papers ({size / 1e6:.1f} MB papers.yaml)")
            for name, figure in base.items():
                print(row(name, figure))
            goal = count >= 10_000  # the targets are for 10,000 papers and more
            print(row("check, unchanged (verdict)", unchanged, floor, 1.5 if goal else None, size))
            print(row("render --check, unchanged (verdict)", unchanged_render, floor, 1.5 if goal else None, size))
            print(row("check, one entry edited", check, floor, 2 if goal else None, size))
            print(row("check, one edited, nothing kept", nothing_known, floor, None, size))
            print(row("render, cold and changed", render, floor, 5 if goal else None, size))
            print(row("render --check, changed", fresh, floor, None, size))
            if count == 10_000:
                add = measure_add(root)
                print(row("add (1 paper, 0 s network)", add, 1.0, 1, size))
                import_typer = [PY, "-c", "import typer"]
                for flag in ("--version", "--help"):
                    print(paired_row(flag, ["dnnpapers", flag], import_typer, 1.5))
            memory_bound = 25 if count == 10_000 else 15 if count == 50_000 else None
            if memory_bound:
                for label, figure in (("one entry edited", check), ("nothing kept", nothing_known)):
                    ratio = figure[1] * 2**20 / size
                    print(f"  peak memory of check, {label}: {ratio:.1f}× the file (bound {memory_bound}×)  {'ok' if ratio <= memory_bound else 'over'}")
            print()
        print("cost per 1,000 papers (slope; linear growth keeps it level), and each size's time over the floor's (b):")
        for label, index in (("(b) yaml-rs, the floor", 2), ("check (nothing kept)", 0), ("render", 1)):
            times = [results[c][index][0] for c in SIZES]
            slopes = [(times[i + 1] - times[i]) / ((SIZES[i + 1] - SIZES[i]) / 1000) for i in range(len(SIZES) - 1)]
            ratios = "" if index == 2 else "   ratios " + " ".join(f"{times[i] / results[c][2][0]:.2f}×" for i, c in enumerate(SIZES))
            print(f"  {label:<23} " + "   ".join(f"{SIZES[i]:,}→{SIZES[i + 1]:,}: {s * 1000:.0f} ms" for i, s in enumerate(slopes)) + ratios)


def measure_add(root: Path) -> tuple[float, float]:
    services = FakeServices()
    server, base = serve(services)
    counter = iter(range(10_000))

    def fresh_paper() -> None:
        n = next(counter)
        services.add(ArxivPaper(f"2612.9{n:04d}", f"Synthetic benchmark paper {n}", ["Bench Author"], dt.date(2026, 12, 1)), citations=n)

    try:
        env = {**os.environ, **services.environment(base), "DNNPAPERS_CACHE_DIR": str(root / ".cache")}
        best, peak = float("inf"), 0.0
        for n in range(3):
            fresh_paper()
            wall, mb = measure(["dnnpapers", "add", f"2612.9{n:04d}", "--tag", "early-exit", "--root", str(root)], 1, env)
            best, peak = min(best, wall), max(peak, mb)
        return best, peak
    finally:
        server.shutdown()


if __name__ == "__main__":
    from run import main

    main(["scale"])
