"""model.records: the models' field names and defaults, written out without pydantic, are the models' own."""

from __future__ import annotations

import datetime as dt

from dnnpapers.model import models
from conftest import REPO, write_list
from dnnpapers.access.loading import load_list
from dnnpapers.model.records import DEFAULTS, LINK_SECTIONS, METRICS_FIELDS, PAPER_DEFAULTS, PAPER_FIELDS, given_fields, plain, plain_paper


def _defaults(model) -> dict:
    return {name: field.get_default(call_default_factory=True) for name, field in model.model_fields.items() if not field.is_required()}


def test_the_fields_and_defaults_written_out_are_the_models():
    assert PAPER_FIELDS == tuple(models.Paper.model_fields)
    assert PAPER_DEFAULTS == _defaults(models.Paper)
    assert METRICS_FIELDS == tuple(models.PaperMetrics.model_fields)
    talk = _defaults(models.Talk)
    assert talk.pop("links") == models.TalkLinks(**DEFAULTS["TalkLinks"])  # (each talk gets its own: plainlist.talk_log)
    assert DEFAULTS == {name: talk if name == "Talk" else _defaults(getattr(models, name)) for name in DEFAULTS}
    assert set(LINK_SECTIONS) == {name for name, field in models.PageFile.model_fields.items() if field.annotation == list[models.Link]}


def test_a_plain_record_has_every_field_the_model_gives_and_lists_of_its_own():
    page = plain("PageFile", {"title": "Mine"})
    assert vars(page) == {**vars(models.PageFile.model_construct(title="Mine"))}
    other = plain("PageFile", {})
    page.books.append("x")
    assert other.books == []
    paper = plain_paper({"id": "a2020x", "title": "A", "authors": ["A. B."], "year": 2020, "tags": ["x"]})
    model = models.Paper.model_construct(id="a2020x", title="A", authors=["A. B."], year=2020, tags=["x"])
    assert {name: getattr(paper, name) for name in PAPER_FIELDS} == {name: getattr(model, name) for name in PAPER_FIELDS}
    assert (paper.link, paper.reading_key, paper.published) == (model.link, model.reading_key, model.published)
    paper.awards.append("best paper")
    assert PAPER_DEFAULTS["awards"] == []


def test_a_plain_talk_has_the_models_fields_and_properties():
    values = {"date": dt.date(2026, 3, 4), "start": "14:00", "end": "15:30", "presenters": [plain("Presenter", {"name": "Ann"})], "links": plain("TalkLinks", {})}
    talk = plain("Talk", values)
    model = models.Talk.model_construct(**{**values, "presenters": [models.Presenter.model_construct(name="Ann")], "links": models.TalkLinks()})
    assert {name: getattr(talk, name) for name in models.Talk.model_fields if name not in ("presenters", "links")} == {
        name: getattr(model, name) for name in models.Talk.model_fields if name not in ("presenters", "links")
    }
    assert (talk.presenter_names, talk.span) == (model.presenter_names, model.span) == (["Ann"], "14:00–15:30")
    assert vars(talk.links) == vars(model.links) and vars(talk.presenters[0]) == vars(model.presenters[0])
    talk.papers.append("a2020x")
    assert plain("Talk", values).papers == []


EVERY_FIELD = {"id": "every2020field", "title": "A paper with every field", "authors": ["A. B.", "et al."], "year": 2020, "venue": "ICLR 2021",
               "venue_checked": True, "arxiv": "2001.00001", "doi": "10.1000/x", "url": "https://example.org/p", "code": "https://github.com/o/r",
               "code_checked": False, "tags": ["early-exit"], "focus": "exits", "notes": "read it", "awards": ["Oral"], "added": dt.date(2026, 1, 5)}


def test_a_papers_given_fields_are_model_dumps_without_none_and_defaults_in_its_order(tmp_path):
    """What `show` prints of a paper, from the plain records it reads: the fields model_dump keeps, in its order."""
    for root in (REPO, write_list(tmp_path, [EVERY_FIELD])):
        plain_papers, models_papers = load_list(root, plain=True).papers, load_list(root).papers
        assert type(plain_papers[0]) is not models.Paper
        for plain_paper_, model in zip(plain_papers, models_papers, strict=True):
            expected = model.model_dump(exclude_none=True, exclude_defaults=True)
            assert list(given_fields(plain_paper_).items()) == list(given_fields(model).items()) == list(expected.items())
    assert set(expected) == set(EVERY_FIELD) - {"code_checked"}  # (written at its default: nothing to say)
