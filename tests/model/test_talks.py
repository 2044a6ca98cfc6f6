"""The reading group's log: loading, `talk add` (byte-preserving), `talk list`, and what list/stats/check say of talks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import jsonschema
import pytest
import yaml

from conftest import REPO, write_list
from dnnpapers.cli import app
from dnnpapers.errors import ProblemsFound
from dnnpapers.access.loading import load_list
from dnnpapers.model.schema import talks_schema
from dnnpapers.model.talks import talk_anchors

MSD = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks for Resource Efficient Image Classification", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}
FASTBERT = {"id": "liu2020fastbert", "title": "FastBERT: a Self-distilling BERT with Adaptive Inference Time", "authors": ["Weijie Liu", "et al."], "year": 2020, "venue": "ACL 2020", "arxiv": "2004.02178", "tags": ["early-exit"]}

TALKS = """\
# Our talks. A comment that must survive.
talks:
  - date: 2026-03-04   # first meeting
    start: "19:00"
    end: "20:30"
    presenters: [Ann]
    papers: [huang2017multiscale]

  - date: 2026-03-11
    presenters: [Ben]
    title: Open questions in early exiting

# the leaders
leaders:
  - from: 2026-03-01
    to: 2026-04-30
    names: [Ann, Ben]
"""


@pytest.fixture
def group(tmp_path):
    root = write_list(tmp_path, [MSD, FASTBERT])
    (root / "data" / "talks.yaml").write_text(TALKS, encoding="utf-8")
    return root


def _invoke(runner, root, *args, today="2026-03-08"):
    return runner.invoke(app, [*args, "--root", str(root)], env={"DNNPAPERS_TODAY": today, "NO_COLOR": "1"})


def test_a_valid_log_loads_with_arxiv_ids_resolved_to_list_ids(group):
    text = TALKS.replace("papers: [huang2017multiscale]", "papers: ['1703.09844']")
    (group / "data" / "talks.yaml").write_text(text, encoding="utf-8")
    log = load_list(group).talks
    assert [t.papers for t in log.talks] == [["huang2017multiscale"], []]
    assert [str(w) for w in log.warnings] == [f"{group / 'data/talks.yaml'}:7:14: '1703.09844' is the arXiv id of 'huang2017multiscale'; write the list id"]
    assert log.leaders[0].names == ["Ann", "Ben"]
    assert log.on_papers() == {"huang2017multiscale": [(log.talks[0], "talk-2026-03-04-1900")]}


def test_check_prints_the_arxiv_id_advice_as_a_warning_and_passes(group, runner):
    (group / "data" / "talks.yaml").write_text(TALKS.replace("[huang2017multiscale]", "['1703.09844']"), encoding="utf-8")
    result = _invoke(runner, group, "check")
    assert result.exit_code == 0
    assert "warning: " in result.stderr and "write the list id" in result.stderr
    assert "2 papers in 5 topics, 2 talks, no problems" in result.stderr
    github = _invoke(runner, group, "check", "--format", "github")
    assert github.exit_code == 0
    assert github.stdout.startswith("::warning file=") and ",line=7,col=14::" in github.stdout


def test_talk_problems_and_paper_problems_are_reported_together(group, runner):
    (group / "data" / "talks.yaml").write_text(TALKS.replace("kind", "x").replace("presenters: [Ben]", "presenters: [Ben]\n    kind: semniar"), encoding="utf-8")
    papers = (group / "data" / "papers.yaml").read_text().replace("venue: ACL 2020", "venue: ACL")
    (group / "data" / "papers.yaml").write_text(papers, encoding="utf-8")
    result = _invoke(runner, group, "check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(("data/papers.yaml", str(group / "data/papers.yaml"))) and "venue" in line for line in lines)
    assert any("talks.yaml:11:" in line and "unknown kind 'semniar'" in line for line in lines)


def test_anchors_come_from_date_and_start_so_edits_keep_them(group):
    before = load_list(group).talks
    edited = TALKS.replace("presenters: [Ann]", "presenters: [Ann, Cai]").replace("Open questions", "Open problems")
    (group / "data" / "talks.yaml").write_text(edited, encoding="utf-8")
    after = load_list(group).talks
    assert before.anchors() == after.anchors() == ["talk-2026-03-04-1900", "talk-2026-03-11"]


def test_talks_sharing_a_day_and_start_are_numbered_in_file_order():
    from dnnpapers.model.models import Talk

    talks = [Talk.model_validate({"date": "2026-03-04", "presenters": [name], "title": name}) for name in "ABC"]
    assert talk_anchors(talks) == ["talk-2026-03-04", "talk-2026-03-04-2", "talk-2026-03-04-3"]


def test_talk_add_keeps_every_byte_outside_the_new_entry(group, runner):
    path = group / "data" / "talks.yaml"
    result = _invoke(runner, group, "talk", "add", "2026-03-18", "--presenter", "Cai", "--presenter", "Dee", "--paper", "2004.02178", "--start", "19:00", "--end", "20:30", "--slides", "https://example.org/fastbert.pdf")
    assert result.exit_code == 0, result.output
    assert result.stdout == "added talk-2026-03-18-1900: FastBERT: a Self-distilling BERT with Adaptive Inference Time\n"
    text = path.read_text(encoding="utf-8")
    head, tail = TALKS.split("# the leaders\n")
    assert text.startswith(head) and text.endswith("# the leaders\n" + tail)
    added = text[len(head) : -len("# the leaders\n" + tail)]
    assert yaml.safe_load(added.replace("  - ", "- ", 1).replace("\n    ", "\n  ")) == [
        {"date": __import__("datetime").date(2026, 3, 18), "start": "19:00", "end": "20:30", "kind": "paper-talk", "presenters": ["Cai", "Dee"], "papers": ["liu2020fastbert"], "links": {"slides": "https://example.org/fastbert.pdf"}}
    ]
    assert '"19:00"' in added  # times are quoted, so no YAML 1.1 reader takes them for numbers
    assert _invoke(runner, group, "check").exit_code == 0


@pytest.mark.parametrize(
    "before",
    [
        None,  # no file yet: one is made, with its header
        "talks: []\nleaders: []\n",
        "talks:\nleaders: []\n",
        "leaders: []\ntalks:\n  - date: 2026-03-04\n    presenters: [Ann]\n    title: Last in the file\n",
        "\ufefftalks:\r\n  - date: 2026-03-04\r\n    presenters: [Ann]\r\n    title: CRLF and a BOM\r\nleaders: []\r\n",
    ],
)
def test_talk_add_works_on_every_layout_of_the_file(before, group, runner):
    path = group / "data" / "talks.yaml"
    if before is None:
        path.unlink()
    else:
        path.write_bytes(before.encode("utf-8"))
    result = _invoke(runner, group, "talk", "add", "2026-03-25", "--presenter", "Eve", "--title", "Budgets")
    assert result.exit_code == 0, result.output
    log = load_list(group).talks
    assert [t.title for t in log.talks][-1] == "Budgets"
    raw = path.read_bytes()
    if before and "\r\n" in before:
        assert raw.startswith("\ufeff".encode()) and raw.count(b"\n") == raw.count(b"\r\n")
    if before and before.startswith("leaders"):
        assert raw.startswith(before.encode())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2026-03-18", "--presenter", "Cai"], "missing 'title': a talk that names no listed paper needs one"),
        (["2026-03-18", "--presenter", "Cai", "--title", "T", "--start", "25:00"], "'25:00' is not a time of day"),
        (["2026-03-18", "--presenter", "Cai", "--title", "T", "--start", "10:00", "--end", "09:00"], "'end' 09:00 is not after 'start' 10:00"),
        (["2026-03-18", "--presenter", "Cai", "--title", "T", "--end", "09:00"], "'end' needs a 'start'"),
        (["2026-03-18", "--presenter", "Cai", "--paper", "hunag2017multiscale"], "(did you mean 'huang2017multiscale'?)"),
        (["2026-03-18", "--presenter", "Cai", "--title", "T", "--video", "ftp://x.org/v"], "is not an http(s) link"),
        (["2026-03-04", "--presenter", "Ann", "--paper", "huang2017multiscale", "--start", "19:00"], "the same talk as line 3"),
        (["2026-03-18", "--presenter", "", "--title", "T"], "must not be empty"),
    ],
)
def test_talk_add_refuses_what_check_would_and_writes_nothing(args, message, group, runner):
    before = (group / "data" / "talks.yaml").read_bytes()
    result = _invoke(runner, group, "talk", "add", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (group / "data" / "talks.yaml").read_bytes() == before


@pytest.mark.parametrize("args", [["2026-02-30", "--presenter", "A", "--title", "T"], ["tomorrow", "--presenter", "A", "--title", "T"], ["2026-03-18", "--title", "T"], ["2026-03-18", "--presenter", "A", "--kind", "seminar"]])
def test_talk_add_usage_errors_exit_2_and_write_nothing(args, group, runner):
    before = (group / "data" / "talks.yaml").read_bytes()
    result = _invoke(runner, group, "talk", "add", *args)
    assert result.exit_code == 2
    assert (group / "data" / "talks.yaml").read_bytes() == before


def test_talk_list_filters_by_time_presenter_and_paper(group, runner):
    def listed(*args, today="2026-03-08"):
        result = _invoke(runner, group, "talk", "list", *args, today=today)
        assert result.exit_code == 0, result.output
        return [line.split("\t")[-1] for line in result.stdout.splitlines()[1:]]

    assert listed() == ["talk-2026-03-04-1900", "talk-2026-03-11"]
    assert listed("--upcoming") == ["talk-2026-03-11"]
    assert listed("--past") == ["talk-2026-03-04-1900"]
    assert listed("--upcoming", today="2026-03-11") == ["talk-2026-03-11"]  # today's talk is still to come
    assert listed("--presenter", "ben") == ["talk-2026-03-11"]
    assert listed("--paper", "1703.09844") == ["talk-2026-03-04-1900"]
    header = _invoke(runner, group, "talk", "list").stdout.splitlines()[0]
    assert header == "date\ttime\tkind\ttitle\tpresenters\tpapers\tanchor"
    assert _invoke(runner, group, "talk", "list", "--upcoming", "--past").exit_code == 2
    missing = _invoke(runner, group, "talk", "list", "--paper", "nosuch2020paper")
    assert missing.exit_code == 1 and "no paper 'nosuch2020paper'" in missing.stderr


def test_list_filters_papers_by_whether_the_group_presented_them(group, runner):
    ids = lambda flag: [line.split("\t")[2] for line in _invoke(runner, group, "list", flag).stdout.splitlines()[1:]]  # noqa: E731
    assert ids("--presented") == ["huang2017multiscale"]
    assert ids("--not-presented") == ["liu2020fastbert"]


def test_stats_counts_talks_per_presenter_and_topic_coverage(group, runner):
    out = _invoke(runner, group, "stats").stdout
    assert "2 talks; per presenter: Ann (1), Ben (1)" in out
    coverage = {line.split()[0]: line.split(None, 1)[1] for line in out.split("per topic (talks")[1].splitlines()[1:] if line.strip()}
    assert coverage["early-exit"] == "1 · 1/2 (50%)"
    assert coverage["survey"] == "0 · 0/0"


def test_the_talks_schema_accepts_the_shipped_log_and_rejects_what_check_rejects():
    schema = json.loads(talks_schema(["cai2019onceforall", "huang2017multiscale"]))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    shipped = yaml.safe_load((REPO / "data" / "talks.yaml").read_text(encoding="utf-8"))
    shipped = json.loads(json.dumps(shipped, default=str))
    assert list(validator.iter_errors(shipped)) == []
    for bad in ({"kind": "seminar"}, {"start": "25:00"}, {"papers": ["nosuch"]}, {"presenter": ["x"]}, {"links": {"slides": "ftp://x"}}):
        talk = {"date": "2026-03-04", "presenters": ["A"], "title": "T", **bad}
        assert list(validator.iter_errors({"talks": [talk]})), bad


def test_the_shipped_log_seeds_the_valse_2020_session_from_the_groups_notes():
    paper_list = load_list(REPO)
    talks = paper_list.talks.talks
    assert [(t.date.isoformat(), t.start, t.end, t.presenter_names[0]) for t in talks] == [
        ("2020-08-05", "09:00", "09:40", "王井东"),
        ("2020-08-05", "09:40", "10:20", "韩松"),
        ("2020-08-05", "10:20", "10:50", "冯佳时"),
        ("2020-08-05", "10:50", "11:20", "谢凌曦"),
        ("2020-08-05", "11:20", "11:50", "李国齐"),
    ]
    assert talks[1].papers == ["cai2019onceforall"] and all(t.kind == "lecture-notes" for t in talks)
    assert paper_list.page.timezone == "Asia/Shanghai"


def test_two_talk_adds_at_once_both_land(group):
    env = {**os.environ, "NO_COLOR": "1"}
    procs = [
        subprocess.Popen([sys.executable, "-m", "dnnpapers", "talk", "add", day, "--presenter", name, "--title", f"Talk by {name}", "--root", str(group)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for day, name in (("2026-04-01", "Fay"), ("2026-04-08", "Gus"))
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    titles = [t.title for t in load_list(group).talks.talks]
    assert "Talk by Fay" in titles and "Talk by Gus" in titles


def test_a_broken_log_blocks_the_commands_that_read_the_list(group, runner):
    (group / "data" / "talks.yaml").write_text("talks:\n  - date: 2026-03-04\n    presenters: [Ann]\n", encoding="utf-8")
    with pytest.raises(ProblemsFound):
        load_list(group)
    result = _invoke(runner, group, "render")
    assert result.exit_code == 1 and "missing 'title'" in result.stdout


def test_show_names_the_talks_on_a_paper(group, runner):
    out = _invoke(runner, group, "show", "1703.09844").stdout
    assert "talks: 2026-03-04 (talk-2026-03-04-1900)" in out
    assert "talks:" not in _invoke(runner, group, "show", "liu2020fastbert").stdout
