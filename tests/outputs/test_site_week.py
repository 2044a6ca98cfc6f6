"""The web page after a week of real use: citation data present, paper ids that look like the page's own, an HTML validator.

The browser half of these checks is in test_site_browser_week.py. The
validator is the Nu Html Checker (vnu.jar, from npm's vnu-jar, run by Java):
found through DNNPAPERS_VNU_JAR or a ``vnu`` command; without it the test is
skipped, unless DNNPAPERS_REQUIRE_VNU=1 (CI sets it), when that is a failure.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, invoke, write_list
from dnnpapers.model.fields import SLUG, SLUG_RE
from dnnpapers.model.metrics import metrics_text
from dnnpapers.model.models import PaperMetrics
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.render import build
from dnnpapers.outputs.site import SITE, SITE_ZH
from outputs.test_site import MSD, _parse

#: A second paper, clearly fake (the id style of the other tests' fixtures), with no citation data.
FAKE = {"id": "doe2024fake", "title": "A Clearly Fake Paper About Layer Skipping", "authors": ["Jane Doe", "Richard Roe"], "year": 2024, "venue": "arXiv", "arxiv": "2404.90001", "tags": ["layer-skip"]}

#: Ids `check` accepts that the page at e9de09b also gave its own elements.
PAGE_LIKE_IDS = ["dnnpapers-data", "dnnpapers-bibtex", "q", "topic-early-exit", "h-early-exit", "filters", "results", "count", "from", "from-out", "venue", "sort", "flat", "nothing"]


def _paper(paper_id: str, n: int) -> dict:
    return {"id": paper_id, "title": f"Fake Paper Number {n} on Early Exits", "authors": ["Jane Doe"], "year": 2020 + n % 5, "venue": "arXiv", "arxiv": f"2404.{90001 + n}", "tags": ["early-exit"]}


def _render(root: Path) -> None:
    """``dnnpapers check`` (the list is one it accepts), then ``render``, as a user runs them (in this process: the
    pages are the point, not the process; the CLI's own tests run it as one)."""
    for command in ("check", "render"):
        done = invoke([command, "--root", str(root)])
        assert done.returncode == 0, done.stdout + done.stderr


def cited_list(root: Path) -> Path:
    """A list with citation data in data/metrics.yaml exactly as `update` writes it, rendered by the CLI."""
    write_list(root, [MSD, FAKE])
    metrics = {MSD["id"]: PaperMetrics(citations=2500, influential=300, fetched=dt.date(2026, 11, 30), venue_source="Semantic Scholar")}
    (root / "data" / "metrics.yaml").write_text(metrics_text(metrics), encoding="utf-8")
    _render(root)
    return root


def page_like_list(root: Path) -> Path:
    """A list whose paper ids are the page's own ids of old, plus one ordinary paper; rendered by the CLI."""
    write_list(root, [MSD] + [_paper(paper_id, n) for n, paper_id in enumerate(PAGE_LIKE_IDS)])
    _render(root)
    return root


@pytest.fixture(scope="module")
def cited(tmp_path_factory) -> Path:
    """``cited_list`` rendered once for the module's tests, which only read it (import it into a module to share it)."""
    return cited_list(tmp_path_factory.mktemp("cited"))


@pytest.fixture(scope="module")
def page_like(tmp_path_factory) -> Path:
    """``page_like_list`` rendered once for the module's tests, which only read it."""
    return page_like_list(tmp_path_factory.mktemp("odd"))


def test_a_card_with_citation_data_keeps_its_authors_year_and_venue_as_elements(cited):
    root = cited
    text = (root / SITE).read_text(encoding="utf-8")
    card = re.search(r'<article class="paper" id="huang2017multiscale".*?</article>', text, re.S).group(0)
    assert "&lt;span" not in card, "markup printed as text"
    assert '<span class="authors">Gao Huang, et al.</span> · <span class="year">2017</span> · <span class="venue">ICLR 2018</span>' in card
    assert "cited 2,500" in card and '<a href="https://github.com/gaohuang/MSDNet">code</a>' in card


def _element_ids(text: str) -> list[str]:
    return [attrs["id"] for _, attrs in _parse(text).elements if "id" in attrs]


@pytest.mark.parametrize("name", [SITE, SITE_ZH])
def test_no_paper_id_can_name_one_of_the_pages_own_elements(page_like, name):
    root = page_like
    paper_list = load_list(root)
    text = (root / name).read_text(encoding="utf-8")
    ids = _element_ids(text)
    papers = {p.id for p in paper_list.papers}
    assert len(ids) == len(set(ids)), "an id is used twice"
    assert papers <= set(ids), "every paper keeps its bare id as its anchor (#huang2017multiscale)"
    own = [i for i in ids if i not in papers]
    assert own and not [i for i in own if SLUG_RE.match(i)], "the page's own ids are ones no paper id can take"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PAGE_LIKE_IDS) | st.from_regex(SLUG, fullmatch=True).filter(lambda s: len(s) <= 40), min_size=1, max_size=4, unique=True))
def test_whatever_ids_check_accepts_each_paper_is_its_own_one_element(new_folder, ids):
    root = write_list(new_folder(), [_paper(paper_id, n) for n, paper_id in enumerate(ids)])
    paper_list = load_list(root)
    text = build(paper_list)[SITE].decode()
    found = _element_ids(text)
    for paper_id in ids:
        assert found.count(paper_id) == 1
    assert len(found) == len(set(found))


@pytest.mark.parametrize("name", [SITE, SITE_ZH])
def test_the_page_describes_itself_and_puts_no_output_inside_a_label(name):
    text = (REPO / name).read_text(encoding="utf-8")
    page = _parse(text)
    description = [a["content"] for t, a in page.elements if t == "meta" and a.get("name") == "description"]
    assert len(description) == 1 and "289" in description[0] and len(description[0]) > 30
    assert not re.search(r"<label[^>]*>(?:(?!</label>).)*<output", text, re.S)


def _vnu() -> list[str] | None:
    jar = os.environ.get("DNNPAPERS_VNU_JAR")
    if jar and Path(jar).is_file() and shutil.which("java"):
        # The client compiler and the serial collector: a short run's start-up halved, the same checks made.
        return ["java", "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar]
    command = shutil.which("vnu")
    return [command] if command else None


def test_the_nu_html_checker_finds_no_error_in_the_pages_shipped_cited_or_with_page_like_ids(cited, page_like):
    vnu = _vnu()
    if vnu is None:
        if os.environ.get("DNNPAPERS_REQUIRE_VNU") == "1":
            pytest.fail("DNNPAPERS_REQUIRE_VNU=1 but neither DNNPAPERS_VNU_JAR (with java) nor a vnu command is there")
        pytest.skip("needs the Nu Html Checker: npm install vnu-jar, a Java runtime, DNNPAPERS_VNU_JAR=.../vnu.jar")
    odd = page_like
    pages = [REPO / SITE, REPO / SITE_ZH, cited / SITE, odd / SITE, odd / SITE_ZH]
    done = subprocess.run([*vnu, "--errors-only", "--format", "json", *map(str, pages)], capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    assert [f'{m.get("url", "").rsplit("/", 3)[-3:]}:{m.get("lastLine")}: {m["message"]}' for m in messages] == []
    assert done.returncode == 0


def test_cards_are_laid_out_lazily_only_in_a_list_of_thousands(tmp_path, monkeypatch):
    from dnnpapers.outputs import site

    root = write_list(tmp_path, [MSD, FAKE])
    assert '<main id="page_results">' in build(load_list(root))[SITE].decode()
    monkeypatch.setattr(site, "LAZY_CARDS", 2)
    assert '<main id="page_results" class="many">' in build(load_list(root))[SITE].decode()
    assert ".many .paper { content-visibility: auto;" in (REPO / SITE).read_text(encoding="utf-8")
