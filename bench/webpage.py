"""Benchmark: the searchable page in headless Chromium for the shipped list and 10,000 papers.

Figures beside the issue's bounds: the file's size; the time from navigation to
the page's script having filtered the list once (performance mark
'dnnpapers-ready') and to first paint; and, for a run of typed queries, how long
one keystroke takes to refilter (the input handler alone, and until the next
frame is painted). The floor for loading is the same page with its script
removed: what parsing and laying out the HTML costs anyway.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "src"))

from scale import generate  # noqa: E402

from dnnpapers.access.loading import load_list  # noqa: E402
from dnnpapers.outputs.render import build  # noqa: E402
from dnnpapers.outputs.site import SITE, SITE_ZH  # noqa: E402

QUERIES = ["e", "ea", "ear", "earl", "early", "early ", "early e", "early ex", "early exi", "early exit", "", "m", "mo", "moe", "mixture", "早退", ""]

_KEYSTROKE = """
const done = arguments[arguments.length - 1];
const box = document.querySelector('input[type=search]');
const queries = arguments[0];
const handler = [], frame = [];
let i = 0;
function next() {
  if (i === queries.length) { done([handler, frame]); return; }
  const t0 = performance.now();
  box.value = queries[i++];
  box.dispatchEvent(new Event('input', {bubbles: true}));
  const t1 = performance.now();
  handler.push(t1 - t0);
  requestAnimationFrame(() => requestAnimationFrame(() => { frame.push(performance.now() - t0); setTimeout(next, 0); }));
}
next();
"""


def _driver():
    """The tests' headless Chromium (tests/browser.py); RuntimeError saying why when there is none."""
    import pytest

    try:
        from browser import chromium
    except pytest.skip.Exception as missing:  # (browser.py skips its importer without Chromium, chromedriver or selenium)
        raise RuntimeError(missing.msg) from None
    return chromium()


def _load(driver, page: Path) -> tuple[float, float]:
    """(ms to the script's ready mark, ms to first contentful paint), best of three loads."""
    ready, paint = [], []
    for _ in range(3):
        driver.get("about:blank")
        driver.get(page.as_uri())
        driver.execute_script("return 1")
        marks = driver.execute_script(
            "const r = performance.getEntriesByName('dnnpapers-ready')[0];"
            "const p = performance.getEntriesByName('first-contentful-paint')[0];"
            "const n = performance.getEntriesByType('navigation')[0];"
            "return [r ? r.startTime : n.domComplete, p ? p.startTime : -1]"
        )
        ready.append(marks[0])
        paint.append(marks[1])
    return min(ready), min(paint)


def report() -> None:
    try:
        driver = _driver()
    except Exception as exc:  # noqa: BLE001 - the benchmark says why it cannot run
        print(f"  skipped: no headless Chromium ({exc.__class__.__name__}: {exc})")
        return
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for generated in (None, 10_000):  # the shipped list, then a generated one
                root = REPO if generated is None else generate(Path(tmp) / f"list{generated}", generated)
                paper_list = load_list(root)
                count = len(paper_list.papers)
                outputs = build(paper_list)
                page = Path(tmp) / f"index{count}.html"
                page.write_bytes(outputs[SITE])
                bare = Path(tmp) / f"bare{count}.html"
                bare.write_bytes(re.sub(rb"<script>.*?</script>", b"", outputs[SITE], flags=re.S))
                print(f"{count:,} papers: index.html {len(outputs[SITE]) / 1e6:.2f} MB, index.zh.html {len(outputs[SITE_ZH]) / 1e6:.2f} MB (GitHub Pages: 100 MB a file)")
                ready, paint = _load(driver, page)
                floor, floor_paint = _load(driver, bare)
                verdict = "ok" if ready <= 1000 else "over"
                print(f"  interactive (script ran)      {ready:7.0f} ms   floor (no script) {floor:6.0f} ms   bound 1000 ms  {verdict}")
                print(f"  first contentful paint        {paint:7.0f} ms   floor {floor_paint:6.0f} ms")
                driver.get(page.as_uri())
                handler, frame = driver.execute_async_script(_KEYSTROKE, QUERIES)
                worst, median = max(handler), statistics.median(handler)
                verdict = "ok" if worst <= 50 else "over"
                print(f"  keystroke, handler            median {median:5.1f} ms   worst {worst:5.1f} ms   bound 50 ms  {verdict}")
                print(f"  keystroke, to next paint      median {statistics.median(frame):5.1f} ms   worst {max(frame):5.1f} ms")
    finally:
        driver.quit()


if __name__ == "__main__":
    report()
