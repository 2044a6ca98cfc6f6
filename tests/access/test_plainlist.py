"""A render reads a list of plain records (plainlist.from_quick_plain) and makes the bytes the models make (that it
imports no pydantic: tests/cli/test_startup.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import REPO, write_list
from dnnpapers.access.loading import load_list
from dnnpapers.access.quick import accept_list
from dnnpapers.model.models import Paper
from dnnpapers.outputs.render import build
from strategies import paper_lists

_METRICS = st.fixed_dictionaries(
    {"fetched": st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 1))},
    optional={"citations": st.integers(0, 500), "influential": st.integers(0, 50), "venue_source": st.sampled_from(["dblp:conf/iclr/X", "Semantic Scholar"]),
              "repository": st.just("owner/repo"), "stars": st.integers(0, 9000), "pushed": st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 1)), "archived": st.booleans()},
)
_PAGE = """title: A list of its own
milestone_citations: 50
categories: [cs.LG, cs.CV]
related:
  - name: Another list
    url: https://example.org/list
    zh: 另一个列表
books:
  - name: A book
    url: https://example.org/book
    note: chapter 3
"""


def _metrics_file(metrics: dict[str, dict]) -> str:
    import yaml

    return yaml.safe_dump({"metrics": metrics}, allow_unicode=True, sort_keys=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(entries=paper_lists(), metrics=st.lists(_METRICS, max_size=12), page=st.booleans())
def test_a_list_of_plain_records_renders_the_bytes_of_the_models(new_folder, entries, metrics, page):
    root = write_list(new_folder(), entries)
    if metrics:
        (root / "data" / "metrics.yaml").write_text(_metrics_file({e["id"]: m for e, m in zip(entries, metrics)}), encoding="utf-8")
    if page:
        (root / "data" / "page.yaml").write_text(_PAGE, encoding="utf-8")
    assume(accept_list(root) is not None)  # (a list only the exact path reads is the models' either way)
    plain, models = load_list(root, plain=True), load_list(root)
    assert type(plain.papers[0]) is not Paper and type(models.papers[0]) is Paper
    assert build(plain, parallel=False) == build(models, parallel=False)


def test_the_shipped_list_with_its_talks_renders_the_same_from_plain_records(tmp_path):
    import shutil

    from dnnpapers.model.models import Talk

    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copy(REPO / "README.md", tmp_path / "README.md")
    plain = load_list(tmp_path, plain=True)
    assert type(plain.papers[0]) is not Paper and plain.talks.talks and type(plain.talks.talks[0]) is not Talk
    assert build(plain, parallel=False) == build(load_list(tmp_path), parallel=False)


def test_a_page_with_arxiv_categories_loads_either_way_its_links_as_links_and_its_categories_as_text(tmp_path):
    """Categories are the page's one list of text: the models' quick path once made each a Link (a traceback in every
    command but check)."""
    root = write_list(tmp_path, [])
    (root / "data" / "page.yaml").write_text(_PAGE, encoding="utf-8")
    for paper_list in (load_list(root), load_list(root, plain=True)):
        assert paper_list.page.categories == ["cs.LG", "cs.CV"]
        assert [(link.name, link.zh) for link in paper_list.page.related] == [("Another list", "另一个列表")]
        assert [(link.name, link.note) for link in paper_list.page.books] == [("A book", "chapter 3")]
