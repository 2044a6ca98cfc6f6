"""The quick path reads talks.yaml and dismissed.yaml too: it says "valid" only when the exact path agrees, with the same values."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import REPO, write_list
from dnnpapers.access.loading import check_list, load_list
from dnnpapers.access.paperlist import load_exact
from dnnpapers.access.quick import accept_list
from dnnpapers.errors import ProblemsFound

MSD = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}
SKIP = {"id": "wang2018skipnet", "title": "SkipNet: Learning Dynamic Routing in Convolutional Networks", "authors": ["Xin Wang", "et al."], "year": 2017, "venue": "ECCV 2018", "arxiv": "1711.09485", "tags": ["early-exit"]}

# Values whose YAML 1.1 (PyYAML, the exact path) and YAML 1.2 (yaml-rs) readings differ, dates and times in every
# spelling, quoted and not, and values the models refuse: any of them may land in any field.
DATES = ["2020-08-05", "'2020-08-05'", '"2020-08-06"', "2020-8-5", "2020-08-32", "2020-08-05 10:00:00", "2020-08-05T10:00:00Z", "9999-12-31", "0001-01-01", "20200805"]
TIMES = ["10:00", "'10:00'", '"09:40"', "'9:00'", "'24:00'", "'10:00 '", "1:20", "'10:00:00'", "'23:59'", "09:00", "'00:00'"]
ODD = ["yes", "No", "on", "OFF", "'yes'", "true", "~", "null", "''", "", "010", "0o17", "0x_1F", "1_000", "1e3", "2404.90001", "'2404.90001'", ".inf",
       "+1", "=", "'='", "Gao Huang", "'quoted text'", '"a\\x07b"', "x # comment", "'  padded '", "|-\n      10:00", ">\n      folded", "[a, b]", "{name: X}",
       "10:00 sharp", "at 10:00", "'on'"]
PER_KEY = {
    "date": DATES, "start": TIMES, "end": TIMES,
    "kind": ["paper-talk", "qa", "Qa", "'lecture-notes'", "talk"],
    "presenters": ["[Gao Huang]", "[{name: Gao Huang, affiliation: Tsinghua University}]", "[]", "[yes]", "['10:00']", "[{name: X, role: y}]", "[{affiliation: Z}]", "Gao Huang"],
    "papers": ["[huang2017multiscale]", "['1703.09844']", "[huang2017multiscale, huang2017multiscale]", "[nosuch2020paper]", "[wang2018skipnet, huang2017multiscale]", "[]"],
    "title": ["Multi-Scale Dense Networks", "'Early exits: yes or no'", "no", "'10:00'", "'yes'", "Talk at 10:00", "'0x_1F'"],
    "event": ["VALSE 2020", "'on'", '"1:20"', "on"], "place": ["Room 1:20", "'1:20'", "1:20", "'2020-08-05'"], "notes": ["Notes, yes.", "'=', '='", "'No'", "No"],
    "links": ["{slides: 'https://example.org/slides.pdf'}", "{slides: ftp://example.org/x}", "{}", "null", "{video: yes}", "{notes: https://example.org/n, extra: 1}"],
}
TALK_KEYS = [*PER_KEY, "event", "place", "notes", "speaker"]
LEADER_LINES = ["    from: 2020-08-01", "    to: 2020-09-30", "    names: [Gao Huang]"]


def _value(key: str):
    own = st.sampled_from(PER_KEY.get(key, ODD))
    return st.one_of(own, own, own, st.sampled_from(ODD + DATES + TIMES))


#: Each key's values, built once: a strategy built in a draw is built and validated again at each draw (~1 ms).
VALUES = {key: _value(key) for key in TALK_KEYS}
TERM_VALUES = st.sampled_from(DATES + ODD)
REPLACED = st.sampled_from([0, 1, 1, 1, 2, 3])  # how many fields of a talk
REPLACED_KEYS = st.sampled_from(TALK_KEYS)


@st.composite
def talks_files(draw) -> str:
    """A talks.yaml: one to three talks, each a valid one with some fields replaced, and perhaps the leaders' terms."""
    lines = ["talks:"]
    for n in range(draw(st.integers(1, 3))):
        fields = [f"date: 2020-08-0{n + 5}", 'start: "09:00"', 'end: "09:40"', "presenters: [Gao Huang]", "papers: [huang2017multiscale]"]  # valid, not the same talk twice
        for _ in range(draw(REPLACED)):
            key = draw(REPLACED_KEYS)
            fields = [f for f in fields if not f.startswith(f"{key}:")] + [f"{key}: {draw(VALUES[key])}"]
        lines += [("  - " if i == 0 else "    ") + f for i, f in enumerate(fields)]
    if draw(st.booleans()):
        terms = list(LEADER_LINES)
        if draw(st.booleans()):
            i = draw(st.integers(0, 2))
            key = terms[i].split(":")[0].strip()
            terms[i] = f"    {key}: {draw(TERM_VALUES)}"
        lines += ["leaders:", "  - " + terms[0][4:], *terms[1:]]
    return "\n".join(lines) + "\n"


def _exact(root):
    try:
        return load_exact(root)
    except ProblemsFound:
        return None


def _same_log(quick, exact) -> bool:
    """The same talks and leaders' terms, field by field: the quick path's (models or plain records) and the exact one's."""
    return ([_values(t) for t in quick.talks] == [t.model_dump() for t in exact.talks]
            and [_values(t) for t in quick.leaders] == [t.model_dump() for t in exact.leaders])


def _values(record):
    """A record's values, nested ones too: a model's model_dump, a plain record's as its model's would be."""
    if hasattr(record, "model_dump"):
        return record.model_dump()
    if isinstance(record, list):
        return [_values(item) for item in record]
    return {name: _values(value) for name, value in vars(record).items()} if hasattr(record, "__dict__") else record


@pytest.fixture(scope="module")
def a_list(tmp_path_factory):
    return write_list(tmp_path_factory.mktemp("talks"), [MSD, SKIP])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=talks_files())
def test_a_talks_file_the_quick_path_accepts_the_exact_path_accepts_with_the_same_values(a_list, text):
    (a_list / "data" / "talks.yaml").write_text(text, encoding="utf-8")
    if accept_list(a_list) is None:
        return  # "not sure": the exact path decides, with its messages
    exact = _exact(a_list)
    assert exact is not None, text
    assert exact.warnings == [], text  # advice is located, so only the exact path may give it
    assert _same_log(load_list(a_list).talks, exact.talks), text
    assert _same_log(load_list(a_list, plain=True).talks, exact.talks), text  # (as a render or a listing reads it)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=talks_files())
def test_a_list_with_talks_renders_the_same_bytes_from_plain_records_as_from_the_models(a_list, text):
    """A render or a listing reads the talks as plain records, a command that changes the list as the models: the same
    pages either way, and the same talk data for a Jekyll site."""
    from dnnpapers.model.models import Talk
    from dnnpapers.outputs.jekyll import _talk_entry
    from dnnpapers.outputs.render import build

    (a_list / "data" / "talks.yaml").write_text(text, encoding="utf-8")
    assume(accept_list(a_list) is not None)
    plain, models = load_list(a_list, plain=True), load_list(a_list)
    assert type(plain.talks.talks[0]) is not Talk and type(models.talks.talks[0]) is Talk
    assert build(plain, parallel=False) == build(models, parallel=False), text
    papers = {p.id: p for p in models.papers}
    entries = lambda log: [_talk_entry(talk, anchor, papers, "talks/", None) for talk, anchor in log.in_order()]  # noqa: E731
    assert entries(plain.talks) == entries(models.talks), text


@pytest.mark.parametrize("text", [
    'talks:\n  - date: 2020-08-05\n    start: 10:00\n    presenters: [Gao Huang]\n    title: A talk\n',  # YAML 1.1: 600, which the model refuses
    'talks:\n  - date: 2020-08-05\n    presenters: [Gao Huang]\n    title: no\n',  # YAML 1.1: false
    "talks:\n  - date: 2020-08-05\n    presenters: [Gao Huang]\n    papers: ['1703.09844']\n",  # valid, with advice to write the list id
    'talks:\n  - date: 2020-08-05\n    presenters: [Gao Huang]\n    title: 2020-08-32\n',  # PyYAML refuses the day
    'talks: ""\n',
])
def test_talks_files_the_quick_path_leaves_to_the_exact_path(a_list, text):
    (a_list / "data" / "talks.yaml").write_text(text, encoding="utf-8")
    assert accept_list(a_list) is None


def test_quoted_times_and_a_dismissal_take_the_quick_path_and_load_as_the_exact_one(a_list):
    (a_list / "data" / "talks.yaml").write_text(
        'talks:\n  - date: 2020-08-05\n    start: "09:00"\n    end: \'10:00\'\n    kind: qa\n    presenters:\n      - name: Gao Huang\n'
        '        affiliation: Tsinghua University\n    papers: [huang2017multiscale]\n    links: {slides: "https://example.org/s.pdf"}\n'
        'leaders:\n  - from: 2020-08-01\n    to: 2020-09-30\n    names: [Gao Huang]\n', encoding="utf-8")
    (a_list / "data" / "dismissed.yaml").write_text("dismissed:\n  - arxiv: '2404.90001'\n    date: 2024-05-01\n    reason: off-topic\n", encoding="utf-8")
    try:
        assert accept_list(a_list) is not None
        quick, exact = load_list(a_list), load_exact(a_list)
        assert _same_log(quick.talks, exact.talks) and len(quick.talks.leaders) == 1
        assert [d.model_dump() for d in quick.dismissed] == [d.model_dump() for d in exact.dismissed] != []
        assert check_list(a_list) == (2, len(exact.taxonomy.by_slug), 1, [])
    finally:
        (a_list / "data" / "dismissed.yaml").unlink()


@pytest.mark.parametrize("text", ["dismissed:\n  - arxiv: '1703.09844'\n    date: 2024-05-01\n",  # listed too
                                  "dismissed:\n  - arxiv: '2404.90001'\n    date: 2024-05-01\n  - arxiv: '2404.90001'\n    date: 2024-05-02\n",
                                  "dismissed:\n  - arxiv: 2404.90001\n    date: 2024-05-01\n"])  # a number to PyYAML
def test_a_dismissal_the_exact_path_refuses_is_left_to_it(a_list, text):
    (a_list / "data" / "talks.yaml").unlink(missing_ok=True)
    (a_list / "data" / "dismissed.yaml").write_text(text, encoding="utf-8")
    try:
        assert accept_list(a_list) is None and _exact(a_list) is None
    finally:
        (a_list / "data" / "dismissed.yaml").unlink()


def test_a_jekyll_target_takes_the_quick_path_and_loads_as_the_exact_one(tmp_path):
    root = tmp_path / "list"
    shutil.copytree(REPO / "data", root / "data")
    with open(root / "data" / "page.yaml", "a", encoding="utf-8") as page:
        page.write("jekyll:\n  dir: ../site\n  posts: true\n")
    assert accept_list(root) is not None
    assert load_list(root).page.model_dump() == load_exact(root).page.model_dump()


# Characters where YAML 1.1 and 1.2, or quoting and escaping, could part ways: quotes, escapes, comments, flow
# indicators, 1.1 words, white space of every kind and the line breaks only YAML 1.1 has (U+0085, U+2028).
TEXT_CHARS = list("ab 1:0-.'\"\\#,[]{}yesnoON\t_xé!&*|>%@`") + ["\u3000", "\x85", "\u2028", "\n"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(value=st.text(alphabet=st.sampled_from(TEXT_CHARS), max_size=12), form=st.sampled_from(["{}", "'{}'", '"{}"']),
       key=st.sampled_from(["title", "notes", "place", "start"]))
def test_any_short_text_in_a_talk_is_read_as_the_exact_path_reads_it_or_left_to_it(a_list, value, form, key):
    continued = form.format(value).replace("\n", "\n      ")  # a line break goes on at a deeper indent
    text = f"talks:\n  - date: 2020-08-05\n    presenters: [Gao Huang]\n    papers: [huang2017multiscale]\n    {key}: {continued}\n"
    (a_list / "data" / "talks.yaml").write_text(text, encoding="utf-8")
    if accept_list(a_list) is None:
        return
    exact = _exact(a_list)
    assert exact is not None and exact.warnings == [], text
    assert _same_log(load_list(a_list).talks, exact.talks), text
    assert _same_log(load_list(a_list, plain=True).talks, exact.talks), text  # (as a render or a listing reads it)
