"""Benchmark: a cold render alone (issue 26's cold targets), quicker than ``incremental``.

10,000 papers: a cold render (no cache, no outputs; best of 3) against the yaml-rs parse of papers.yaml
(target 10×); 50,000 papers: one cold render's time and peak memory (targets 8 s, 600 MB).
``python bench/cold.py [10000|50000]`` measures one size only.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale import PY, generate, measure  # noqa: E402


def _line(name: str, figure: str, target: str, ok: bool) -> str:
    return f"  {name:<34} {figure:>22}   {target:<12} {'ok' if ok else 'NOT'}"


def report(sizes: tuple[int, ...] = (10_000, 50_000)) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "cache"
        env = {**os.environ, "DNNPAPERS_CACHE_DIR": str(cache)}
        for size in sizes:
            root = generate(tmp / f"list{size}", size)
            papers = root / "data" / "papers.yaml"

            def cold() -> None:
                shutil.rmtree(cache, ignore_errors=True)
                shutil.rmtree(root / "generated", ignore_errors=True)

            argv = ["dnnpapers", "render", "--root", str(root)]
            if size <= 10_000:
                floor, _ = measure([PY, "-c", f"import yaml_rs; yaml_rs.loads(open({str(papers)!r}, encoding='utf-8').read())"], 5)
                wall, mb = measure(argv, 3, env, before=cold)
                print(_line(f"yaml-rs parse, {size:,} papers", f"{floor:.3f} s", "the floor", True))
                print(_line(f"render, cold, {size:,} papers", f"{wall:.3f} s {wall / floor:5.2f}×", "≤ 10×", wall <= 10 * floor))
                print(_line("  its peak memory", f"{mb:.0f} MB", "", True))
            else:
                wall, mb = measure(argv, 1, env, before=cold)
                print(_line(f"render, cold, {size:,} papers", f"{wall:.3f} s", "< 8 s", wall < 8))
                print(_line("  its peak memory (getrusage)", f"{mb:.0f} MB", "< 600 MB", mb < 600))
            shutil.rmtree(root)


if __name__ == "__main__":
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as run.py: measured with bytecode cached
    report(tuple(int(n) for n in sys.argv[1:]) or (10_000, 50_000))
