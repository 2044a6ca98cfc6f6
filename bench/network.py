"""Benchmark: `add` 200 papers and `update` 1,000 against a local server answering with 50 ms latency.

Prints the requests made and the wall time next to what one request per paper
would cost (the same latency, and arXiv's 3 s between requests for `add`).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from conftest import write_list  # noqa: E402
from fakes import ArxivPaper, FakeServices, serve  # noqa: E402

LATENCY = 0.05
ARXIV_DELAY = 3.0


def synthetic(n: int) -> ArxivPaper:
    return ArxivPaper(f"2101.9{n:04d}", f"Synthetic benchmark paper {n:05d}", [f"Bench Author{n % 97}"], dt.date(2021, 1, 1))


def entry(paper: ArxivPaper) -> dict:
    return {"id": f"bench{paper.arxiv_id.replace('.', '')}", "title": paper.title, "authors": paper.authors, "year": 2021, "venue": "arXiv", "arxiv": paper.arxiv_id, "tags": ["early-exit"]}


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dnnpapers", *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed: {done.stderr.strip()}")
    return time.perf_counter() - start


def main() -> list[tuple[str, str, str]]:
    services = FakeServices(latency=LATENCY)
    server, base = serve(services)
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            listed = [synthetic(n) for n in range(1000)]
            new = [synthetic(n) for n in range(1000, 1200)]
            for paper in listed + new:
                services.add(paper, citations=paper.arxiv_id.__hash__() % 500 + 1)
            root = write_list(Path(tmp) / "list", [entry(p) for p in listed])
            env = {**os.environ, **services.environment(base), "DNNPAPERS_ARXIV_DELAY": str(ARXIV_DELAY), "DNNPAPERS_CACHE_DIR": str(Path(tmp) / "cache")}

            services.requests.clear()
            wall = timed(["update", "--root", str(root)], env)
            rows.append(("update 1,000 papers", f"{len(services.requests)} requests, {wall:.2f} s", f"1000 requests, ≥ {1000 * LATENCY:.0f} s"))

            services.requests.clear()
            wall = timed(["update", "--root", str(root)], env)
            rows.append(("update again (cached)", f"{len(services.requests)} requests, {wall:.2f} s", "—"))

            services.requests.clear()
            wall = timed(["add", *[p.arxiv_id for p in new], "--tag", "early-exit", "--root", str(root)], env)
            naive = len(new) * (LATENCY + ARXIV_DELAY) + len(new) * LATENCY
            rows.append(("add 200 papers", f"{len(services.requests)} requests, {wall:.2f} s", f"400 requests, ≥ {naive:.0f} s (arXiv asks 3 s apart)"))
    finally:
        server.shutdown()
    return rows


def report() -> None:
    rows = main()
    print(f"{'network (50 ms latency)':<26} {'dnnpapers':<28} {'one request per paper'}")
    for name, ours, naive in rows:
        print(f"{name:<26} {ours:<28} {naive}")


if __name__ == "__main__":
    report()
