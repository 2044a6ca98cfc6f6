"""Benchmark: a cold render alone (issue 26's cold targets), quicker than ``incremental``.

10,000 papers: a cold render (no cache, no outputs) against the yaml-rs parse of papers.yaml, each the best of 5 run in turn
(target 10×); 50,000 papers: one cold render's time and peak memory (targets 8 s, 600 MB).
``python bench/cold.py [10000|50000]`` measures one size only.

A cold render of a big list makes part of its outputs in a forked child (forked.py), and getrusage
reports only the larger of the two peaks: the memory lines sample /proc (Linux) every 20 ms for each process's
own peak (VmHWM), their sum (an upper bound: it counts twice the pages they share, and two peaks that came at
different times), and the most the two held at once: the parent's resident pages plus the child's own
(Private_*, the pages it copied or made), sampled together.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scale import PY, generate, measure  # noqa: E402


def _line(name: str, figure: str, target: str, ok: bool) -> str:
    return f"  {name:<34} {figure:>22}   {target:<12} {'ok' if ok else 'NOT'}"


def _kb(path: str, *keys: str) -> int:
    """The sum of the ``keys`` lines (in kB) of a /proc file; 0 once the process is gone."""
    try:
        with open(path, encoding="ascii") as lines:
            return sum(int(line.split()[1]) for line in lines if line.split(":")[0] in keys)
    except (OSError, ValueError, IndexError):
        return 0


def measure_tree(argv: list[str], env: dict, runs: int = 1, before=None) -> tuple[float, dict[str, float]]:
    """(best wall seconds, peaks in MB) of a render whose process may fork: the parent's and the child's own peak
    (VmHWM, sampled every 20 ms), the most both held at once (the parent's resident pages and the child's own),
    and getrusage's (the larger process's)."""
    best, peaks = float("inf"), {"parent": 0.0, "child": 0.0, "together": 0.0, "rusage": 0.0}
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
        seen = {"parent": 0, "child": 0, "together": 0}
        pid = process.pid
        while process.poll() is None:
            seen["parent"] = max(seen["parent"], _kb(f"/proc/{pid}/status", "VmHWM"))
            together = _kb(f"/proc/{pid}/status", "VmRSS")
            try:
                children = open(f"/proc/{pid}/task/{pid}/children", encoding="ascii").read().split()
            except OSError:
                children = []
            for child in children:
                seen["child"] = max(seen["child"], _kb(f"/proc/{child}/status", "VmHWM"))
                together += _kb(f"/proc/{child}/smaps_rollup", "Private_Clean", "Private_Dirty")
            seen["together"] = max(seen["together"], together)
            time.sleep(0.02)  # (a light look: the render wants both cores)
        wall = time.perf_counter() - start
        if process.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv[:3])}: {process.stderr.read().decode()[-300:]}")
        best = min(best, wall)
        rusage = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # (this process's children so far: the larger of parent and child, of every run)
        for name, kb in (*seen.items(), ("rusage", rusage)):
            peaks[name] = max(peaks[name], kb / 1024)
    return best, peaks


def memory_lines(peaks: dict[str, float], target: float | None, line=_line) -> list[str]:
    """The memory lines of a render measured by ``measure_tree`` (``line`` lays one out, as the caller's table does)."""
    total = peaks["parent"] + peaks["child"]
    lines = [line("  its peak memory (getrusage)", f"{peaks['rusage']:.0f} MB", "", True)]
    if peaks["child"]:
        lines += [
            line("    parent's peak (VmHWM)", f"{peaks['parent']:.0f} MB", "", True),
            line("    forked child's peak (VmHWM)", f"{peaks['child']:.0f} MB", "", True),
            line("    their sum (an upper bound)", f"{total:.0f} MB", "", True),
            line("    the most both held at once", f"{max(peaks['together'], peaks['rusage']):.0f} MB", f"< {target:.0f} MB" if target else "", target is None or max(peaks["together"], peaks["rusage"]) < target),
        ]
    return lines


def cold_against_floor(root: Path, cache: Path, env: dict, pairs: int = 5) -> tuple[float, float, dict[str, float]]:
    """(the yaml-rs parse's best wall seconds, a cold render's best, the render's peaks) from ``pairs`` of the two
    run in turn: on a shared host both drift together (the parse alone measured 0.108-0.154 s within minutes), and a
    floor measured before a render's runs set the two bests in different moments of the host's load."""
    papers = root / "data" / "papers.yaml"
    parse = [PY, "-c", f"import yaml_rs; yaml_rs.loads(open({str(papers)!r}, encoding='utf-8').read())"]
    floor, wall, peaks = float("inf"), float("inf"), {}
    for _ in range(pairs):
        floor = min(floor, measure(parse, 1)[0])
        once, seen = measure_tree(["dnnpapers", "render", "--root", str(root)], env, 1, before=lambda: start_cold(root, cache))
        wall = min(wall, once)
        peaks = {name: max(mb, peaks.get(name, 0.0)) for name, mb in seen.items()}
    return floor, wall, peaks


def start_cold(root: Path, cache: Path) -> None:
    """No cache, no outputs, and the benchmark's own writes (the generated list, the last run's outputs, now
    removed) flushed: the render's first fsync would otherwise wait for the file system's journal to take them
    too (measured: 0.2 s of writing at 50,000 papers became 1.5-2 s right after the list was made)."""
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(root / "generated", ignore_errors=True)
    os.sync()


def report(sizes: tuple[int, ...] = (10_000, 50_000)) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "cache"
        env = {**os.environ, "DNNPAPERS_CACHE_DIR": str(cache)}
        for size in sizes:
            root = generate(tmp / f"list{size}", size)

            def cold() -> None:
                start_cold(root, cache)

            argv = ["dnnpapers", "render", "--root", str(root)]
            if size <= 10_000:
                floor, wall, peaks = cold_against_floor(root, cache, env)
                print(_line(f"yaml-rs parse, {size:,} papers", f"{floor:.3f} s", "the floor", True))
                print(_line(f"render, cold, {size:,} papers", f"{wall:.3f} s {wall / floor:5.2f}×", "≤ 10×", wall <= 10 * floor))
                print("\n".join(memory_lines(peaks, None)))
            else:
                wall, peaks = measure_tree(argv, env, 1, before=cold)
                print(_line(f"render, cold, {size:,} papers", f"{wall:.3f} s", "< 8 s", wall < 8))
                print("\n".join(memory_lines(peaks, 600)))
                if not peaks["child"]:
                    print(_line("  (one process)", f"{peaks['rusage']:.0f} MB", "< 600 MB", peaks["rusage"] < 600))
            shutil.rmtree(root)


if __name__ == "__main__":
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # as run.py: measured with bytecode cached
    report(tuple(int(n) for n in sys.argv[1:]) or (10_000, 50_000))
