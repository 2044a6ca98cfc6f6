"""A year of a list's life through the real CLI, against local fakes of arXiv, Semantic Scholar, DBLP and Crossref.

Each feature has its own tests; this one makes them meet as a curator's year does (commands
in this process through typer's CliRunner, as the CLI's own tests do where the process is not
the point; the first `init`, a first `add` and a pipe run as processes):
`init` with each taxonomy choice, weekly `discover` then `add` and `dismiss`,
`update` with citation data, talks in the past and the future, `tag`, `remove`
(also of a paper a talk names), `import-bib`, hand edits and a hostile pull
request, `render`. After every step the list passes `check`, `render --check`
agrees with what `render` then writes, and the web page loads in Chromium with no
console error and a search that shows what ``dnnpapers.outputs.site.shown`` says. Every
body the bots post on GitHub (the discover issue, the refresh pull request) is
held to having no live mention, issue reference or raw HTML.

Problems are collected, not raised at the first: the failure names every step that
broke, with the day it happened.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import importlib.util
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from browser import console_errors, open_page, require_browser, visible_ids as visible
from conftest import invoke, invoke_dnnpapers, run_dnnpapers
from dnnpapers.cli import app
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.site import SITE, SITE_ZH, SiteQuery, shown
from fakes import ArxivPaper, FakeServices, serve
from github_schemas import ISSUE_FORM_SCHEMA, rejected

require_browser()
if importlib.util.find_spec("sklearn") is None:  # found, not imported: importing it costs each test worker a second at collection
    pytest.skip("discover needs the [discover] extra (the test extra installs it)", allow_module_level=True)
from selenium.webdriver.common.by import By  # noqa: E402 - after the skip

TOOL = "dnnpapers @ git+https://example.org/dnnpapers@v0.1.0"
FIRST_DAY = dt.date(2026, 1, 5)


def _paper(arxiv_id: str, title: str, authors: list[str], published: dt.date, abstract: str) -> ArxivPaper:
    return ArxivPaper(arxiv_id, title, authors, published, abstract=abstract)


# Synthetic papers (ids YYMM.9NNNN, invented names and abstracts), as the other tests' fakes.
SEED_EXIT = _paper("2401.90001", "Early exits for adaptive inference in deep networks", ["Ada Testperson", "Ben Sampleton"], dt.date(2024, 1, 3),
                   "Internal classifiers let easy inputs exit early from the network.")
SEED_EXIT2 = _paper("2401.90002", "Confidence based early exiting for language models", ["Cleo Fakename"], dt.date(2024, 1, 4),
                    "Exit when the internal classifier is confident; an adaptive inference scheme.")
SEED_SKIP = _paper("2401.90003", "Learning to skip layers per input", ["Dan Placeholder"], dt.date(2024, 1, 5),
                   "A gate decides per input which residual blocks to skip.")
SEED_SKIP2 = _paper("2401.90004", "Residual gates that skip blocks for each image", ["Eve Mockwell"], dt.date(2024, 1, 8),
                    "Learned gates skip residual layers per input image.")
# The weeks' arXiv: candidates that belong, one that does not, and background the ranking learns against.
WEEK1_EXIT = _paper("2601.90011", "Early exiting vision transformers with internal classifiers", ["Finn Examplar"], dt.date(2026, 1, 6),
                    "We attach internal classifiers so that easy images exit early, an adaptive inference scheme.")
WEEK1_QUANT = _paper("2601.90012", "Post-training quantization of convolutional networks", ["Gus Sampleby"], dt.date(2026, 1, 7),
                     "We quantize weights and activations of a fixed network after training.")
HOSTILE = _paper("2602.90013", "Layer skipping for @octocat and #12 GH-34 <img src=x onerror=alert(1)> readers", ["@evil-org/team", "Hal Testwright"],
                 dt.date(2026, 2, 24), "A gate per residual block decides for each input whether to skip the layer.")
LATE_EXIT = _paper("2609.90014", "Early exit networks for speech", ["Ivy Fixture"], dt.date(2026, 9, 1),
                   "Internal classifiers exit early for easy utterances.")
BIB_EXIT = _paper("2605.90015", "Anytime prediction with early exits", ["Jo Testfield"], dt.date(2026, 4, 20),
                  "Exits at every block give an answer at any time.")
BIB_SKIP = _paper("2605.90016", "Skipping layers in transformers per token", ["Kai Dummyson"], dt.date(2026, 4, 21),
                  "A router skips layers per token.")
TOPICS = ["protein folding with diffusion models", "federated optimisation under client drift", "graph neural networks for molecules",
          "reinforcement learning for robot grasping", "speech recognition with self-supervised audio", "causal discovery from observational data",
          "time series forecasting with state space models", "tabular data benchmarks for boosting"]


def _background(week: dt.date, base: int) -> list[ArxivPaper]:
    return [_paper(f"{week:%y%m}.9{base + i:04d}", f"Studies in {topic}", ["Lee Background"], week + dt.timedelta(days=i % 7),
                   f"We study {topic} on standard benchmarks.") for i, topic in enumerate(TOPICS)]


OWN_TAXONOMY = """\
taxonomy:
  - slug: token-merging
    en: Token merging
    zh: 词元合并
    description: Merging similar tokens as the input passes through the network.
    keywords: [token merging, merge tokens]
  - slug: sparse-attention
    en: Sparse attention
    zh: 稀疏注意力
    description: Attention over a data-dependent subset of tokens.
    keywords: [sparse attention]
"""

#: What GitHub turns into a notification or a link in an issue or pull request body, in text that is not code.
LIVE = re.compile(r"(?<![\w/`])@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9][\w-]*)?|(?<![\w&/])#\d+\b|\bGH-\d+\b")


class _Text(html.parser.HTMLParser):
    """The text GitHub would show of rendered Markdown outside code, and every raw HTML tag it would keep."""

    def __init__(self, markdown_html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[str] = []
        self._code = 0
        self.feed(markdown_html)

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre"):
            self._code += 1
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in ("code", "pre"):
            self._code -= 1

    def handle_data(self, data):
        if not self._code:
            self.text.append(data)


def _live_parts(body: str) -> list[str]:
    """Live mentions and references, and raw HTML tags, in a Markdown body as GitHub renders it."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("gfm-like", {"html": True, "linkify": False})
    tokens = md.parse(body)
    raw = [t.content for t in tokens if t.type == "html_block"]
    raw += [c.content for t in tokens for c in (t.children or []) if c.type == "html_inline"]
    text = _Text(md.render(body))
    zero_width = "\u200b\u200c\u200d\u2060\ufeff"
    words = "".join(text.text)
    live = [m.group(0) for m in LIVE.finditer(words) if not any(z in m.group(0) for z in zero_width)]
    return live + [f"raw HTML {r.strip()!r}" for r in raw]


class Year:
    """The list's days, its commands and the problems seen; one browser for the whole year."""

    def __init__(self, tmp_path: Path, services: FakeServices, base: str, browser):
        self.tmp = tmp_path
        self.services, self.base, self.browser = services, base, browser
        self.today = FIRST_DAY
        self.problems: list[str] = []
        self.runner = CliRunner()
        self.good: dict[Path, dict[str, bytes]] = {}
        self.seen: set[tuple[str, str]] = set()  # problems that would repeat after every step, reported once
        self.loaded: set[tuple[Path, bytes]] = set()  # pages loaded so far

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.today}: {text}")

    def env(self, root: Path) -> dict[str, str]:
        return {**self.services.environment(self.base), "DNNPAPERS_CACHE_DIR": str(self.tmp / "cache"), "NO_COLOR": "1",
                "DNNPAPERS_TODAY": self.today.isoformat(), "COLUMNS": "120"}

    def cli(self, root: Path, *args: str, expect: int | None = 0, process: bool = False) -> subprocess.CompletedProcess:
        """``dnnpapers ARGS --root ROOT``, in this process unless ``process``; a wrong exit code or a traceback is a problem."""
        run = run_dnnpapers if process else invoke_dnnpapers
        done = run(list(args), root, self.base, self.services, **self.env(root))
        if "Traceback" in done.stderr:
            self.problem(f"dnnpapers {' '.join(args)}: a traceback: {done.stderr.strip().splitlines()[-1]}")
        elif expect is not None and done.returncode != expect:
            self.problem(f"dnnpapers {' '.join(args)} exited {done.returncode}, not {expect}: {(done.stderr or done.stdout).strip()[-300:]}")
        return done

    def init(self, folder: Path, *args: str, process: bool = False) -> None:
        """``dnnpapers init FOLDER``: a real process if ``process``, else in this process."""
        if process:
            done = subprocess.run([sys.executable, "-m", "dnnpapers", "init", str(folder), "--tool", TOOL, *args], capture_output=True, text=True,
                                  env={**os.environ, **self.env(folder)}, stdin=subprocess.DEVNULL, timeout=60)
        else:
            done = invoke(["init", str(folder), "--tool", TOOL, *args], **self.env(folder))
        if done.returncode != 0 or "Traceback" in done.stderr:
            self.problem(f"init {folder.relative_to(self.tmp)} {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
            folder.parent.mkdir(parents=True, exist_ok=True)  # as a user would, to go on with the year
            again = invoke(["init", str(folder), "--tool", TOOL, *args], **self.env(folder))
            assert again.returncode == 0, again.stderr

    def in_process(self, root: Path, *args: str):
        return self.runner.invoke(app, [*args, "--root", str(root)], env=self.env(root))

    def holds(self, root: Path, step: str, query: str | None = None) -> None:
        """After ``step``: check passes, render --check agrees with render, the page loads clean and its search works."""
        checked = self.in_process(root, "check")
        if checked.exit_code != 0:
            self.problem(f"after {step}: check exited {checked.exit_code}: {_said(checked)}")
            self.put_back(root)
            return
        stale = self.in_process(root, "render", "--check")
        rendered = self.in_process(root, "render")
        if rendered.exit_code != 0:
            self.problem(f"after {step}: check passed but render exited {rendered.exit_code}: {_said(rendered)}")
            self.put_back(root)
            return
        self.good[root] = _files(root)
        wrote = "up to date" not in rendered.stderr
        if (stale.exit_code != 0) != wrote:
            self.problem(f"after {step}: render --check said {stale.exit_code} ({stale.output.strip()[:200]}) but render then said {rendered.stderr.strip()[:200]}")
        again = self.in_process(root, "render", "--check")
        if again.exit_code != 0:
            self.problem(f"after {step}: render --check right after render exited {again.exit_code}: {again.output.strip()[:300]}")
        self.page(root, step, query)

    def put_back(self, root: Path) -> None:
        """The list's data as it last passed check and rendered (as ``git checkout data`` would), so that the year goes on."""
        for path in (root / "data").iterdir():
            if path.is_file() and not path.name.startswith(".") and str(path.relative_to(root)) not in self.good.get(root, {}):
                path.unlink()
        for name, data in self.good.get(root, {}).items():
            (root / name).write_bytes(data)

    def ids(self, root: Path) -> dict[str, str]:
        """arXiv id -> paper id of the listed papers."""
        return {p.arxiv: p.id for p in load_list(root).papers}

    def page(self, root: Path, step: str, query: str | None, name: str = SITE) -> None:
        page = root / name
        if query is None and (page, page.read_bytes()) in self.loaded:
            return  # these very bytes, at this very path, loaded clean after an earlier step: Chromium would do the same again
        self.loaded.add((page, page.read_bytes()))
        try:
            open_page(self.browser, (root / name).as_uri())
        except AssertionError as exc:
            self.problem(f"after {step}: {name}: {exc}; console: {console_errors(self.browser)}")
            return
        cards, box = self.browser.execute_script(  # one round trip for both
            "return [Array.from(document.querySelectorAll('[data-id]')).map(e => e.textContent), document.querySelector('input[type=search]')]"
        )
        raw = [text for text in cards if "<span" in text or "</" in text]
        if raw and (name, "markup") not in self.seen:
            self.seen.add((name, "markup"))
            self.problem(f"after {step}: {name}: a card shows markup as text: {raw[0][:160]!r}")
        if query is not None:
            if box is None:
                self.problem(f"after {step}: {name}: no search box")
            else:
                # The query arrives as one trusted text insertion (as a paste or an input method commits it): one input
                # event, where typing it key by key (tests/outputs/test_site_browser.py does) filtered and rewrote the
                # address once a character, ~0.2 CPU-s of Chromium a query (15 queries a year).
                self.browser.execute_script("arguments[0].focus()", box)
                self.browser.execute_cdp_cmd("Input.insertText", {"text": query})
                try:
                    expected = shown(load_list(root), SiteQuery(query=query))
                except Exception as exc:  # the list broke: check has said so already
                    self.problem(f"after {step}: the list does not load: {exc}")
                    return
                if not expected:
                    self.problem(f"after {step}: the test's query {query!r} matches nothing")
                seen = visible(self.browser)
                if seen != expected:
                    self.problem(f"after {step}: {name}: searching {query!r} shows {seen}, not {expected}")
        errors = console_errors(self.browser)
        if errors:
            self.problem(f"after {step}: {name}: console errors {[e['message'][:200] for e in errors]}")

    def body(self, what: str, text: str) -> None:
        """A bot-written body: nothing in it may notify anyone, link an issue or carry raw HTML."""
        live = _live_parts(text)
        if live:
            self.problem(f"{what}: live on GitHub: {live}")


def _said(result) -> str:
    """What an in-process command printed, or the exception it died of."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"{type(result.exception).__name__}: {result.exception}"
    return result.output.strip()[-400:]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "data").iterdir()) if p.is_file() and not p.name.startswith(".")}


def _tags_suggested(root: Path) -> set[str]:
    text = "".join((root / name).read_text(encoding="utf-8") for name in ("README.md", "CONTRIBUTING.md"))
    return set(re.findall(r"--tag[ =]([\w-]+)", text)) - {"SLUG"}


def test_a_year_of_a_list_keeps_it_valid_rendered_and_searchable_after_every_step(tmp_path, browser):
    services = FakeServices()
    for paper in (SEED_EXIT, SEED_EXIT2, SEED_SKIP, SEED_SKIP2, WEEK1_EXIT, WEEK1_QUANT, HOSTILE, LATE_EXIT, BIB_EXIT, BIB_SKIP):
        services.add(paper, citations=7, year=paper.published.year)
    for week, base in ((dt.date(2026, 1, 5), 100), (dt.date(2026, 2, 23), 200), (dt.date(2026, 8, 31), 300)):
        for paper in _background(week, base):
            services.add(paper)
    httpd, base_url = serve(services)
    year = Year(tmp_path, services, base_url, browser)  # the worker's one Chromium (conftest), for the whole year
    try:
        _live(year, tmp_path)
    finally:
        httpd.shutdown()
    assert year.problems == [], "\n".join(year.problems)


def _live(year: Year, tmp: Path) -> None:
    dnn, empty, own = tmp / "lists" / "new" / "dnn", tmp / "empty", tmp / "own"
    (tmp / "own-taxonomy.yaml").write_text(OWN_TAXONOMY, encoding="utf-8")

    # January: three lists begin, one with this list's tree (in a folder whose parents are new), one empty, one from a file.
    year.init(dnn, "--title", "Dynamic NN reading group", process=True)
    year.init(empty, "--taxonomy", "empty", "--title", "Efficient Transformers")
    year.init(own, "--taxonomy", str(tmp / "own-taxonomy.yaml"), "--title", "Token reduction")
    subprocess.run(["git", "init", "-q", str(dnn)], check=True)
    for root in (dnn, empty, own):
        year.holds(root, f"init {root.name}")
        slugs = {node.slug for node in load_list(root).taxonomy.walk()}
        if _tags_suggested(root) - slugs:
            year.problem(f"init {root.name}: README/CONTRIBUTING suggest --tag {sorted(_tags_suggested(root) - slugs)}, not in its taxonomy")
    forms = [str(root / ".github" / "ISSUE_TEMPLATE" / "add-paper.yml") for root in (dnn, empty, own)]
    report = rejected(ISSUE_FORM_SCHEMA, forms)
    if report is not None:
        year.problem(f"init: an issue form GitHub rejects: {report.strip()[-300:]}")
    first_week = year.cli(empty, "discover", "--since", "2026-01-05", "--until", "2026-01-11", expect=None)  # the new list's weekly workflow
    if first_week.returncode not in (0, 1) or (first_week.returncode == 1 and len(first_week.stderr.strip().splitlines()) != 1):
        year.problem(f"discover on a new, empty list: exit {first_week.returncode}: {first_week.stderr.strip()[-300:]}")

    year.today = dt.date(2026, 1, 6)
    year.cli(dnn, "add", SEED_EXIT.arxiv_id, SEED_EXIT2.arxiv_id, "--tag", "early-exit", process=True)
    year.holds(dnn, "add the first papers", query="exit")
    year.cli(dnn, "add", SEED_SKIP.arxiv_id, f"https://arxiv.org/abs/{SEED_SKIP2.arxiv_id}v2", "--tag", "layer-skip")
    year.holds(dnn, "add two more", query="Placeholder")
    year.cli(own, "add", SEED_EXIT.arxiv_id, "--tag", "token-merging", "--focus", "exits as merging's baseline")
    year.holds(own, "add to the list with its own taxonomy", query="Testperson")
    (empty / "data" / "taxonomy.yaml").write_text(OWN_TAXONOMY, encoding="utf-8")  # the empty list gets its first topics by hand
    year.holds(empty, "write the empty list's first topics")
    year.cli(empty, "add", SEED_SKIP.arxiv_id, "--tag", "sparse-attention")
    year.holds(empty, "add to the once-empty list", query="skip")

    # Every Monday the discover workflow posts its issue; the curators add what belongs and dismiss the rest.
    year.today = dt.date(2026, 1, 12)
    week = year.cli(dnn, "discover", "--since", "2026-01-05", "--until", "2026-01-11")
    year.body("discover's issue for 2026-01-05", week.stdout)
    if WEEK1_EXIT.arxiv_id not in week.stdout:
        year.problem(f"discover did not offer {WEEK1_EXIT.arxiv_id}: {week.stdout[:300]!r}")
    year.services.arxiv[WEEK1_EXIT.arxiv_id].comment = "12 pages. Code is available at https://github.com/example-org/examplar-exits."
    year.cli(dnn, "add", WEEK1_EXIT.arxiv_id, "--tag", "early-exit")
    year.holds(dnn, "add the week's candidate", query="Examplar")
    if "code: https://github.com/example-org/examplar-exits\n" not in (dnn / "data" / "papers.yaml").read_text(encoding="utf-8"):
        year.problem("add did not take the code link the arXiv comment names")
    year.cli(dnn, "dismiss", WEEK1_QUANT.arxiv_id, "--reason", "static quantization")
    year.holds(dnn, "dismiss a candidate")

    # February: the weekly refresh brings citation counts; a talk about a paper took place last Wednesday.
    year.today = dt.date(2026, 2, 9)
    year.services.add_repo("example-org/examplar-exits", 4321)  # the code link's stars come with the refresh
    refresh = year.cli(dnn, "update", "--summary", str(tmp / "refresh-1.md"))
    if refresh.returncode == 0:
        year.body("update's pull request body", (tmp / "refresh-1.md").read_text(encoding="utf-8"))
    if not (dnn / "data" / "metrics.yaml").exists():
        year.problem("update wrote no data/metrics.yaml")
    year.holds(dnn, "update (citation data)", query="Testperson")  # a paper with citation data, found by its author
    if "★ 4,321" not in (dnn / "generated" / "materials.md").read_text(encoding="utf-8"):
        year.problem("the refresh's GitHub stars are not on the materials page")
    year.holds(dnn, "update (found by venue)", query="arXiv")
    year.cli(dnn, "talk", "add", "2026-02-04", "--presenter", "Ann Reader", "--paper", SEED_EXIT.arxiv_id, "--start", "19:00", "--end", "20:30")
    year.holds(dnn, "a past talk")
    discussed = year.ids(dnn)[SEED_EXIT.arxiv_id]
    presented = year.cli(dnn, "list", "--presented", "--format", "json")
    if discussed not in presented.stdout:
        year.problem(f"list --presented leaves out the paper discussed on 2026-02-04: {presented.stdout[:300]!r}")

    # March: a week whose candidates carry mentions, references and markup in their titles and authors.
    year.today = dt.date(2026, 3, 2)
    week = year.cli(dnn, "discover", "--since", "2026-02-23", "--until", "2026-03-01")
    year.body("discover's issue for 2026-02-23", week.stdout)
    if HOSTILE.arxiv_id not in week.stdout:
        year.problem(f"discover did not offer {HOSTILE.arxiv_id}")
    year.cli(dnn, "add", HOSTILE.arxiv_id, "--tag", "layer-skip")
    year.holds(dnn, "add a paper with a hostile title", query="octocat")

    # April: a retag, and the usage mistakes a person makes on the way (exit 2, nothing changed).
    year.today = dt.date(2026, 4, 6)
    ids = year.ids(dnn)
    year.cli(dnn, "tag", ids[SEED_SKIP2.arxiv_id], "--add", "mixture-of-experts", "--remove", "layer-skip")
    year.holds(dnn, "tag", query="Mockwell")
    before = _files(dnn)
    year.cli(dnn, "tag", ids[SEED_SKIP2.arxiv_id], expect=2)
    year.cli(dnn, "list", "--sort", "foo", expect=2)
    year.cli(dnn, "add", expect=2)
    if _files(dnn) != before:
        year.problem("a usage error changed the list's files")
    piped = subprocess.run(f"set -o pipefail; {sys.executable} -m dnnpapers list --root {dnn} | head -1", shell=True, executable="/bin/bash",
                           capture_output=True, text=True, env={**os.environ, **year.env(dnn)}, timeout=60)
    if piped.returncode != 0:
        year.problem(f"dnnpapers list | head -1 exited {piped.returncode}: {piped.stderr.strip()[-200:]}")

    # May: a colleague's Zotero export, then one whose entries arXiv does not know.
    year.today = dt.date(2026, 5, 4)
    (tmp / "zotero.bib").write_text(textwrap.dedent(f"""\
        @misc{{anytime, title={{{BIB_EXIT.title}}}, author={{Testfield, Jo}}, eprint={{{BIB_EXIT.arxiv_id}}}, archivePrefix={{arXiv}}, keywords={{early-exit}}}}
        @article{{skipping, title={{{BIB_SKIP.title}}}, author={{Dummyson, Kai}}, url={{https://arxiv.org/abs/{BIB_SKIP.arxiv_id}}}, keywords={{layer-skip}}}}
        """), encoding="utf-8")
    year.cli(dnn, "import-bib", str(tmp / "zotero.bib"))
    year.holds(dnn, "import-bib", query="Anytime")
    (tmp / "unknown.bib").write_text("@misc{nowhere, title={A paper arXiv has never seen at all}, author={Nobody, Nemo}}\n", encoding="utf-8")
    before = _files(dnn)
    year.cli(dnn, "import-bib", str(tmp / "unknown.bib"), "--tag", "early-exit", expect=1)  # 0 added, 1 unresolved: a problem
    if _files(dnn) != before:
        year.problem("import-bib that added nothing changed the list's files")
    year.holds(dnn, "import-bib of unknown papers")

    # June: the refresh also proposes venues; Semantic Scholar's venue text for one paper is hostile.
    year.today = dt.date(2026, 6, 1)
    services = year.services
    hostile_venue = "<img src=x onerror=alert(1)> @octocat #7 GH-8 [x](https://evil.example/)"
    item = services.s2[f"arxiv:{WEEK1_EXIT.arxiv_id}"]
    item.update(venue=hostile_venue, citationCount=40)
    refresh = year.cli(dnn, "update", "--venues", "--authors", "--apply", "--refresh", "--summary", str(tmp / "refresh-2.md"))
    if refresh.returncode == 0:
        summary = (tmp / "refresh-2.md").read_text(encoding="utf-8")
        year.body("update --venues's pull request body", summary)
        if "octocat" not in summary:
            year.problem(f"the refresh body does not show the venue proposed at all: {summary!r}")
    year.holds(dnn, "update --venues --apply", query="Examplar")

    # July: a plain remove.
    year.today = dt.date(2026, 7, 6)
    year.cli(dnn, "remove", ids[SEED_SKIP.arxiv_id])
    year.holds(dnn, "remove", query="skip")

    # September: an editor ended papers.yaml with YAML's document-end marker; the next add must not break the file.
    year.today = dt.date(2026, 9, 7)
    papers = dnn / "data" / "papers.yaml"
    papers.write_text(papers.read_text(encoding="utf-8") + "...\n", encoding="utf-8")
    year.holds(dnn, "a hand edit ending papers.yaml with '...'")
    before = _files(dnn)
    added = year.cli(dnn, "add", LATE_EXIT.arxiv_id, "--tag", "early-exit", expect=None)
    if added.returncode not in (0, 1) or (added.returncode == 1 and _files(dnn) != before):
        year.problem(f"add after '...': exit {added.returncode}, files {'unchanged' if _files(dnn) == before else 'changed'}")
    year.holds(dnn, "add after a document-end marker", query="speech" if added.returncode == 0 else "exit")

    # October: a pull request carries a link out of the list in place of a generated page, and a crash left a temp file.
    year.today = dt.date(2026, 10, 5)
    outside = tmp / "outside"
    outside.mkdir()
    keys = outside / "authorized_keys"
    keys.write_text("ssh-ed25519 AAAA the owner's key\n", encoding="utf-8")
    page = dnn / SITE
    page.unlink()
    page.symlink_to(keys)
    year.cli(dnn, "render", expect=None)
    if keys.read_text(encoding="utf-8") != "ssh-ed25519 AAAA the owner's key\n":
        year.problem("render wrote through generated/site/index.html, a link out of the list")
    if page.is_symlink():
        page.unlink()  # the maintainer deletes the link the tool refused to follow
    year.cli(dnn, "render", expect=None)
    stale = dnn / "generated" / ".materials.md.k9x2abcd.tmp"
    stale.write_text("half a page", encoding="utf-8")  # as kill -9 during render leaves it, an hour ago
    os.utime(stale, (stale.stat().st_mtime - 3600,) * 2)
    ignored = subprocess.run(["git", "-C", str(dnn), "check-ignore", "-q", str(stale.relative_to(dnn))])
    if ignored.returncode != 0:
        year.problem(f"{stale.relative_to(dnn)}, a temp file left by a killed render, is not ignored by the list's .gitignore")
    year.holds(dnn, "a pull request's symlink and a killed render")
    if stale.exists():
        year.problem(f"render did not sweep {stale.relative_to(dnn)}")

    # November: the group publishes the list into its Jekyll site (its own pages stay its own), posts of talk notes on.
    year.today = dt.date(2026, 11, 2)
    site = tmp / "site"
    (site / "_posts").mkdir(parents=True)
    own_post = site / "_posts" / "2026-02-04-our-notes.md"
    own_post.write_text("---\nlayout: post\ncategories: [LectureNotes]\n---\nwritten by hand\n", encoding="utf-8")
    with (dnn / "data" / "page.yaml").open("a", encoding="utf-8") as page_yaml:
        page_yaml.write("jekyll:\n  dir: ../../../site\n  posts: true\n")
    year.holds(dnn, "publishing into a Jekyll site")

    # December: talks announced ahead; a typo'd year; the paper talked about in February leaves the list.
    year.today = dt.date(2026, 12, 5)
    year.cli(dnn, "talk", "add", "2026-12-09", "--presenter", "Ben Reader", "--paper", WEEK1_EXIT.arxiv_id, "--start", "19:00",
             "--notes", "https://example.org/notes/2026-12-09")
    year.holds(dnn, "an upcoming talk")
    upcoming = ids[WEEK1_EXIT.arxiv_id]
    presented = year.cli(dnn, "list", "--presented", "--format", "json")
    if upcoming in presented.stdout:
        year.problem(f"list --presented counts {upcoming}, whose talk is on 2026-12-09, as discussed")
    for name, past in (("materials.md", "discussed 2026-12-09"), ("materials.zh.md", "研讨于 2026-12-09")):
        if any(upcoming in line and past in line for line in (dnn / "generated" / name).read_text(encoding="utf-8").splitlines()):
            year.problem(f"generated/{name}: {upcoming}'s row says '{past}', a talk still to come")
    open_page(year.browser, (dnn / SITE).as_uri())
    year.browser.find_element(By.ID, "page_discussed").click()
    if upcoming in visible(year.browser):
        year.problem(f"the page's 'discussed' filter shows {upcoming}, whose talk is still to come")
    year.cli(dnn, "talk", "add", "9999-12-31", "--presenter", "Typo Person", "--paper", upcoming, "--start", "10:00", expect=None)
    year.holds(dnn, "a talk dated 9999-12-31")

    year.today = dt.date(2026, 12, 7)
    talked = ids[SEED_EXIT.arxiv_id]
    before = _files(dnn)
    removed = year.cli(dnn, "remove", talked, expect=None)
    if removed.returncode == 0:
        if talked in (dnn / "data" / "talks.yaml").read_text(encoding="utf-8"):
            year.problem(f"remove {talked} left the talk of 2026-02-04 naming it")
    else:
        if "2026-02-04" not in removed.stderr + removed.stdout:
            year.problem(f"remove {talked} refused without naming the talk of 2026-02-04: {removed.stderr.strip()!r}")
        if _files(dnn) != before:
            year.problem(f"a refused remove {talked} changed the list's files")
        year.holds(dnn, "a refused remove of a paper a talk names")
        year.cli(dnn, "remove", talked, "--force")
        if talked in (dnn / "data" / "talks.yaml").read_text(encoding="utf-8"):
            year.problem(f"remove --force {talked} left the talk of 2026-02-04 naming it")
    year.holds(dnn, "remove a paper a talk names", query="exit")

    # The year's end: the Chinese page and the other lists still load clean; the site holds the list as it is, and its own post.
    year.page(dnn, "the year's end", "exit", name=SITE_ZH)
    import json

    in_site = [paper["id"] for paper in json.loads((site / "_data" / "papers.json").read_text(encoding="utf-8"))]
    if in_site != [paper.id for paper in load_list(dnn).papers]:
        year.problem(f"the Jekyll site's _data/papers.json lists {in_site}, not the list's papers")
    posts = sorted(path.name for path in (site / "_posts").iterdir())
    if own_post.read_text(encoding="utf-8") != "---\nlayout: post\ncategories: [LectureNotes]\n---\nwritten by hand\n" or len(posts) != 2 or "2026-12-09-" not in posts[1]:
        year.problem(f"the Jekyll site's posts: {posts} (its own post kept, one for the talk with notes expected)")
    for root in (empty, own):
        year.holds(root, "the year's end")
