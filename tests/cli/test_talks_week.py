"""Where talks meet the rest of the list (issue 22), through the real CLI.

`remove` of a paper a talk names; a talk still to come is announced, not
"discussed"; talk dates the calendar cannot hold; timezone names that are not
zones. After each command the list still passes `check`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zoneinfo
from pathlib import Path
from types import SimpleNamespace

import icalendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import write_list
from dnnpapers.cli import app
from dnnpapers.model.fields import timezone_problem
from dnnpapers.storage.store import format_scalar

MSD = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks for Resource Efficient Image Classification", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}
FASTBERT = {"id": "liu2020fastbert", "title": "FastBERT: a Self-distilling BERT with Adaptive Inference Time", "authors": ["Weijie Liu", "et al."], "year": 2020, "venue": "ACL 2020", "arxiv": "2004.02178", "tags": ["early-exit"]}
METRICS = "metrics:\n  huang2017multiscale: {citations: 900, fetched: 2026-11-01}\n  liu2020fastbert: {citations: 400, fetched: 2026-11-01}\n"

#: Four talks on MSD: alone and untitled, with another paper, alone but titled, and by its arXiv id.
TALKS = """\
# Our talks. A comment that must survive.
talks:
  - date: 2026-03-04   # first meeting
    start: "19:00"
    presenters: [Ann]
    papers: [huang2017multiscale]

  - date: 2026-03-11
    presenters: [Ben]
    papers: [huang2017multiscale, liu2020fastbert]
    title: Exits and budgets
  - date: 2026-03-18
    presenters: [Cai]
    papers:
      - huang2017multiscale   # the one paper
    title: Dense exits
    notes: A titled talk keeps its title.
  - date: 2026-03-25
    presenters: [Dee]
    papers: ['2004.02178', '1703.09844']

# the leaders
leaders:
  - from: 2026-03-01
    to: 2026-04-30
    names: [Ann, Ben]
"""

UNLINKED = """\
# Our talks. A comment that must survive.
talks:
  - date: 2026-03-04   # first meeting
    start: "19:00"
    presenters: [Ann]
    title: Multi-Scale Dense Networks for Resource Efficient Image Classification

  - date: 2026-03-11
    presenters: [Ben]
    papers: [liu2020fastbert]
    title: Exits and budgets
  - date: 2026-03-18
    presenters: [Cai]
    title: Dense exits
    notes: A titled talk keeps its title.
  - date: 2026-03-25
    presenters: [Dee]
    papers: ['2004.02178']

# the leaders
leaders:
  - from: 2026-03-01
    to: 2026-04-30
    names: [Ann, Ben]
"""


def dnnpapers(root: Path, *args: str, today: str = "2026-12-05", **more: str) -> subprocess.CompletedProcess:
    """``dnnpapers ARGS --root ROOT`` on the day ``today``, run in this process (conftest's ``invoke``): none of these tests is about the process."""
    from conftest import invoke

    return invoke([*args, "--root", str(root)], DNNPAPERS_TODAY=today, **more)


def cli(root: Path, *args: str, today: str = "2026-12-05") -> SimpleNamespace:
    """The same command run in this process (typer's runner), where the process boundary is not what is tested."""
    result = CliRunner().invoke(app, [*args, "--root", str(root)], env={"DNNPAPERS_TODAY": today, "NO_COLOR": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and ".cache" not in p.parts and not p.name.endswith(".lock")}


def one_line_problem(result: subprocess.CompletedProcess) -> str:
    """What a refused command said: exit 1, one line in all, no traceback."""
    assert result.returncode == 1, result
    said = result.stderr + result.stdout
    assert said.endswith("\n") and said.count("\n") == 1 and "Traceback" not in said, said
    return said.rstrip("\n")


@pytest.fixture
def group(tmp_path):
    root = write_list(tmp_path, [MSD, FASTBERT])
    (root / "data" / "talks.yaml").write_text(TALKS, encoding="utf-8")
    (root / "data" / "metrics.yaml").write_text(METRICS, encoding="utf-8")
    return root


# --- remove of a paper that talks name --------------------------------------------------------------


def test_remove_refuses_a_paper_talks_name_naming_each_talk_on_one_line_and_changes_nothing(group):
    before = files(group)
    result = dnnpapers(group, "remove", "huang2017multiscale")
    said = one_line_problem(result)
    talks = group / "data" / "talks.yaml"
    assert said == (
        f"dnnpapers: huang2017multiscale is named by 4 talks ({talks}:3: 2026-03-04 'Multi-Scale Dense Networks for Resource Efficient Image Classification'; "
        f"{talks}:8: 2026-03-11 'Exits and budgets'; {talks}:12: 2026-03-18 'Dense exits'; {talks}:18: 2026-03-25 "
        "'FastBERT: a Self-distilling BERT with Adaptive Inference Time'); nothing changed (--force removes it and unlinks it from those talks)"
    )
    assert files(group) == before
    assert dnnpapers(group, "check").returncode == 0


def test_remove_force_unlinks_the_paper_from_every_talk_keeping_every_other_byte(group):
    result = dnnpapers(group, "remove", "1703.09844", "--force")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "removed 1703.09844: Multi-Scale Dense Networks for Resource Efficient Image Classification\n"
        "unlinked it from talk-2026-03-04-1900, now titled 'Multi-Scale Dense Networks for Resource Efficient Image Classification'\n"
        "unlinked it from talk-2026-03-11\nunlinked it from talk-2026-03-18\nunlinked it from talk-2026-03-25\n"
    )
    assert (group / "data" / "talks.yaml").read_text(encoding="utf-8") == UNLINKED
    assert "huang2017multiscale" not in (group / "data" / "papers.yaml").read_text(encoding="utf-8")
    assert "huang2017multiscale" not in (group / "data" / "metrics.yaml").read_text(encoding="utf-8")
    for command in (["check"], ["render"], ["talk", "list"], ["render", "--check"]):
        assert dnnpapers(group, *command).returncode == 0, command


def test_remove_force_keeps_crlf_and_a_bom_of_the_talks_file(group):
    path = group / "data" / "talks.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TALKS.replace("\n", "\r\n").encode())
    assert cli(group, "remove", "huang2017multiscale", "--force").returncode == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + UNLINKED.replace("\n", "\r\n").encode()
    assert cli(group, "check").returncode == 0


def test_remove_force_whose_talks_file_cannot_be_written_changes_no_file_at_all(group):
    from conftest import read_only

    kept = group / "kept"  # the log lives in a read-only folder of the list, data/talks.yaml links to it
    kept.mkdir()
    (group / "data" / "talks.yaml").rename(kept / "talks.yaml")
    (group / "data" / "talks.yaml").symlink_to("../kept/talks.yaml")
    before = files(group)
    with read_only(kept):
        said = one_line_problem(dnnpapers(group, "remove", "huang2017multiscale", "--force"))
    assert "talks.yaml" in said
    assert files(group) == before  # papers.yaml and metrics.yaml too: all or none
    assert (group / "data" / "talks.yaml").is_symlink()


def test_remove_force_that_cannot_unlink_a_layout_refuses_and_changes_no_file(group):
    path = group / "data" / "talks.yaml"
    path.write_text("talks:\n  - {date: 2026-03-04, presenters: [Ann], papers: [huang2017multiscale], title: T}\n", encoding="utf-8")
    before = files(group)
    said = one_line_problem(cli(group, "remove", "huang2017multiscale", "--force"))
    assert said.startswith("dnnpapers: cannot unlink huang2017multiscale from its talks by itself (") and said.endswith("nothing changed")
    assert files(group) == before


def test_remove_force_takes_only_the_paper_s_item_from_a_flow_list_in_a_flow_talk(group):
    path = group / "data" / "talks.yaml"
    path.write_text("talks:\n  - {date: 2026-03-04, presenters: [Ann], papers: ['1703.09844', liu2020fastbert], title: T}  # kept\n", encoding="utf-8")
    assert cli(group, "remove", "huang2017multiscale", "--force").returncode == 0
    assert path.read_text(encoding="utf-8") == "talks:\n  - {date: 2026-03-04, presenters: [Ann], papers: [liu2020fastbert], title: T}  # kept\n"
    assert cli(group, "check").returncode == 0


def test_the_one_writer_refuses_any_change_that_would_leave_a_talk_naming_a_removed_paper(group):
    from dnnpapers.errors import DnnpapersError
    from dnnpapers.access.listedit import Change, edit_list
    from dnnpapers.storage.store import parse_document, remove_entry

    def careless(now):  # a writer that forgets the talks
        return Change(remove_entry(parse_document(now.raw, str(now.path)), 0), removed={"huang2017multiscale"}), None

    before = files(group)
    with pytest.raises(DnnpapersError, match="talks would name huang2017multiscale, which the change removes; nothing written"):
        edit_list(group, careless)
    assert files(group) == before


def test_remove_of_a_paper_no_talk_names_needs_no_force(group):
    (group / "data" / "talks.yaml").write_text(TALKS.replace("[huang2017multiscale, liu2020fastbert]", "[huang2017multiscale]").replace("'2004.02178', ", ""), encoding="utf-8")
    result = cli(group, "remove", "liu2020fastbert")
    assert result.returncode == 0 and result.stdout == "removed liu2020fastbert: FastBERT: a Self-distilling BERT with Adaptive Inference Time\n"
    assert cli(group, "check").returncode == 0


# --- a talk still to come ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _upcoming(tmp_path_factory):
    root = write_list(tmp_path_factory.mktemp("upcoming"), [MSD, FASTBERT])
    cache = str(tmp_path_factory.mktemp("cache"))  # made before the per-test cache is set: its own, never the user's
    added = dnnpapers(root, "talk", "add", "2026-12-09", "--presenter", "Li Lei", "--paper", "huang2017multiscale", "--start", "19:00", "--end", "20:30", DNNPAPERS_CACHE_DIR=cache)
    assert added.returncode == 0, added.stderr
    assert dnnpapers(root, "render", DNNPAPERS_CACHE_DIR=cache).returncode == 0
    return root


@pytest.fixture
def upcoming(_upcoming, tmp_path):
    """A list whose one talk, added through the CLI on 2026-12-05, is on 2026-12-09 at 19:00; rendered that day (a copy of one made once)."""
    return Path(shutil.copytree(_upcoming, tmp_path / "list", ignore=shutil.ignore_patterns(".cache", "*.lock")))


def test_a_talk_still_to_come_is_announced_on_every_page_not_discussed(upcoming):
    read = lambda name: (upcoming / name).read_text(encoding="utf-8")  # noqa: E731
    materials, materials_zh = read("generated/materials.md"), read("generated/materials.zh.md")
    assert "[🗓 talk on 2026-12-09](talks.md#talk-2026-12-09-1900)" in materials
    assert "[🗓 将于 2026-12-09 研讨](talks.zh.md#talk-2026-12-09-1900)" in materials_zh
    assert "discussed" not in materials and "研讨于" not in materials_zh
    site = read("generated/site/index.html")
    assert "🗓 talk on 2026-12-09" in site and "discussed 2026-12-09" not in site
    assert '"discussed":true' not in site  # the page's data: nothing discussed yet, so its filter finds nothing
    assert 'id="page_discussed"' not in site  # and the filter is not offered
    assert "🗓 将于 2026-12-09 研讨" in read("generated/site/index.zh.html")
    assert "**Next talk:** 2026-12-09 19:00–20:30 (Asia/Shanghai)" in read("README.md")


def test_list_presented_counts_talks_held_before_today_and_today_s_talk_is_still_to_come(upcoming):
    def ids(flag: str, today: str) -> list[str]:
        result = cli(upcoming, "list", flag, today=today)
        assert result.returncode == 0, result.stderr
        return [line.split("\t")[2] for line in result.stdout.splitlines()[1:]]

    for today in ("2026-12-05", "2026-12-09"):  # before the day, and on it: the talk is still to come
        assert ids("--presented", today) == []
        assert ids("--not-presented", today) == ["huang2017multiscale", "liu2020fastbert"]
    assert ids("--presented", "2026-12-10") == ["huang2017multiscale"]
    assert ids("--not-presented", "2026-12-10") == ["liu2020fastbert"]
    on_the_day = cli(upcoming, "talk", "list", "--upcoming", today="2026-12-09")
    assert on_the_day.stdout.splitlines()[1].endswith("talk-2026-12-09-1900")


def test_show_and_stats_tell_a_talk_to_come_from_one_held(upcoming):
    assert "talks: 2026-12-09 (talk-2026-12-09-1900, upcoming)" in cli(upcoming, "show", "huang2017multiscale").stdout
    assert "talks: 2026-12-09 (talk-2026-12-09-1900)\n" in cli(upcoming, "show", "huang2017multiscale", today="2026-12-10").stdout
    before = cli(upcoming, "stats").stdout
    assert "1 talk; per presenter: Li Lei (1)\n1 of them still to come, not counted below\n" in before
    assert any(line.split() == ["early-exit", "0", "·", "0/2", "(0%)"] for line in before.splitlines())
    after = cli(upcoming, "stats", today="2026-12-10").stdout
    assert "still to come" not in after
    assert any(line.split() == ["early-exit", "1", "·", "1/2", "(50%)"] for line in after.splitlines())


def test_render_check_reports_materials_and_site_stale_once_the_talk_is_held(upcoming):
    assert cli(upcoming, "render", "--check", today="2026-12-09").returncode == 0  # still to come on its day
    later = cli(upcoming, "render", "--check", today="2026-12-10")
    assert later.returncode == 1
    stale = {line.removesuffix(": stale; run dnnpapers render") for line in later.stdout.splitlines()}
    assert stale == {
        "README.md", "generated/talks.md", "generated/talks.zh.md", "generated/materials.md", "generated/materials.zh.md",
        "generated/site/index.html", "generated/site/index.zh.html",
    }
    assert cli(upcoming, "render", today="2026-12-10").returncode == 0
    materials = (upcoming / "generated" / "materials.md").read_text(encoding="utf-8")
    assert "[🗣 discussed 2026-12-09](talks.md#talk-2026-12-09-1900)" in materials and "🗓" not in materials
    site = (upcoming / "generated" / "site" / "index.html").read_text(encoding="utf-8")
    assert "🗣 discussed 2026-12-09" in site and 'id="page_discussed"' in site
    assert cli(upcoming, "render", "--check", today="2026-12-10").returncode == 0


def test_the_web_page_s_discussed_filter_in_chromium_leaves_out_a_paper_whose_talk_is_to_come(tmp_path, browser):
    import datetime as dt

    from browser import console_errors, open_page, visible_ids  # the fixture skipped this test already without Chromium

    from dnnpapers.access.loading import load_list
    from dnnpapers.outputs.site import SiteQuery, shown

    root = write_list(tmp_path, [MSD, FASTBERT])
    for day, paper in (("2026-12-01", "liu2020fastbert"), ("2026-12-09", "huang2017multiscale")):
        assert cli(root, "talk", "add", day, "--presenter", "Li Lei", "--paper", paper).returncode == 0
    assert cli(root, "render").returncode == 0
    open_page(browser, (root / "generated" / "site" / "index.html").as_uri())
    card = browser.execute_script("return document.querySelector('[data-id=huang2017multiscale]').textContent")
    assert "🗓 talk on 2026-12-09" in card and "discussed" not in card
    browser.find_element("id", "page_discussed").click()
    assert visible_ids(browser) == shown(load_list(root), SiteQuery(discussed=True), today=dt.date(2026, 12, 5)) == ["liu2020fastbert"]
    assert console_errors(browser) == []


# --- talk dates the calendar cannot hold ----------------------------------------------------------------


@pytest.mark.parametrize("when", [["9999-12-31", "--start", "10:00"], ["9999-12-31"], ["9999-01-01", "--start", "23:00"]])
def test_talk_add_refuses_a_day_the_calendar_cannot_hold(when, group):
    before = files(group)
    said = one_line_problem(dnnpapers(group, "talk", "add", *when, "--presenter", "X", "--title", "Far ahead"))
    assert said == f"dnnpapers: the talk would not pass check: {when[0]} is too far ahead for the calendar (talks.ics): a talk's date must be 9998-12-31 or earlier; nothing written"
    assert files(group) == before


@pytest.mark.parametrize("start", ['    start: "10:00"\n', ""])
def test_check_and_render_locate_a_talk_day_the_calendar_cannot_hold(start, group):
    path = group / "data" / "talks.yaml"
    path.write_text(f"talks:\n  - date: 9999-12-31\n{start}    presenters: [X]\n    title: Far ahead\n", encoding="utf-8")
    for command in (["check"], ["render"]):
        result = dnnpapers(group, *command)
        assert result.returncode == 1 and result.stderr == "1 problem found\n", result.stderr
        assert result.stdout == f"{path}:2:5: 9999-12-31 is too far ahead for the calendar (talks.ics): a talk's date must be 9998-12-31 or earlier\n"
    assert not (group / "generated").exists()


def test_the_last_day_a_talk_may_have_renders_into_the_calendar(group):
    for when in (["--start", "23:30", "--end", "23:59"], []):
        assert cli(group, "talk", "add", "9998-12-31", *when, "--presenter", "X", "--title", f"Last {len(when)}").returncode == 0
    assert cli(group, "render").returncode == 0
    events = icalendar.Calendar.from_ical((group / "generated" / "talks.ics").read_bytes()).walk("VEVENT")
    assert {str(e["uid"]).split("@")[0] for e in events} >= {"talk-9998-12-31", "talk-9998-12-31-2330"}
    assert cli(group, "check").returncode == 0


# --- timezone names ---------------------------------------------------------------------------------------


def _page(root: Path, zone_yaml: str) -> Path:
    path = root / "data" / "page.yaml"
    path.write_text(f"title: Week list\ntimezone: {zone_yaml}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("zone", "said"),
    [
        ("Asia", "'Asia' is a region of the tz database, not a timezone: name one of its zones, such as 'Asia/Shanghai'"),
        ("'America/Argentina/'", "'America/Argentina' is a region of the tz database, not a timezone: name one of its zones, such as 'America/Argentina/Buenos_Aires'"),
        ("Asia/Shanghia", "'Asia/Shanghia' is not a timezone name such as 'Asia/Shanghai' or 'Europe/Berlin' (did you mean 'Asia/Shanghai'?)"),
        ("asia/shanghai", "'asia/shanghai' is not a timezone name such as 'Asia/Shanghai' or 'Europe/Berlin' (did you mean 'Asia/Shanghai'?)"),
        ("../../etc/passwd", "'../../etc/passwd' is not a timezone name such as 'Asia/Shanghai' or 'Europe/Berlin'"),
        ("/etc/localtime", "'/etc/localtime' is not a timezone name such as 'Asia/Shanghai' or 'Europe/Berlin'"),
        ("localtime", "'localtime' is not a timezone name such as 'Asia/Shanghai' or 'Europe/Berlin'"),
        ("zone.tab", "'zone.tab' is not a timezone name such as 'Asia/Shanghai' or 'Europe/Berlin'"),
        ("''", "must not be empty"),
        ("X" * 300, f"'{'X' * 300}' is not a timezone name such as 'Asia/Shanghai' or 'Europe/Berlin'"),
    ],
)
def test_a_timezone_that_is_no_zone_is_a_located_problem_for_every_command(zone, said, group):
    path = _page(group, zone)
    before = files(group)
    run = dnnpapers if zone == "Asia" else cli  # the case in its own process (its error escaped every handler), the rest in this one
    for command in (["check"], ["list"], ["render"]):
        result = run(group, *command)
        assert result.returncode == 1 and "Traceback" not in result.stderr, (command, result.stderr)
        assert result.stdout.splitlines()[0] == f"{path}:2:1: 'timezone': {said}", command
    assert files(group) == before


def test_spaces_around_a_zone_are_ignored_as_around_every_text_field(group):
    _page(group, "' UTC '")
    assert cli(group, "render").returncode == 0
    assert b"X-WR-TIMEZONE:UTC\r\n" in (group / "generated" / "talks.ics").read_bytes()


_ZONE_DIRS = [os.path.realpath(d) for d in zoneinfo.TZPATH] + [os.path.realpath(os.path.dirname(__import__("tzdata").__file__))]
_opened: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.path.realpath(os.fsdecode(args[0])))


sys.addaudithook(_audit)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(["..", ".", "", "Asia", "Shanghai", "etc", "passwd", "zone.tab", "UTC", "~", " "]), max_size=6).map("/".join),
))
def test_any_zone_text_is_a_verdict_and_no_file_outside_the_tz_database_is_opened(value):
    global _opened
    _opened = []
    try:
        reason = timezone_problem(value)
    finally:
        opened, _opened = _opened, None
    assert reason is None or isinstance(reason, str)
    outside = [path for path in opened if not any(path == d or path.startswith(d + os.sep) for d in _ZONE_DIRS) and not path.endswith((".py", ".pyc"))]
    assert outside == [], value


def test_the_hostile_names_of_the_property_test_are_refused():
    for value in ("../../etc/passwd", "Asia/../../../etc/passwd", "/etc/passwd", "Asia", "Asia//Shanghai", " ", format_scalar("~")):
        assert timezone_problem(value) is not None, value
    assert timezone_problem("Asia/Shanghai") is None and timezone_problem("Etc/GMT+8") is None


# --- remove --force over generated layouts of the talks file ----------------------------------------------


#: The layout's choices, built once: a strategy built in a draw is built and validated again at each draw.
NEWLINES = st.sampled_from(["\n", "\r\n"])
TALK_COUNTS = st.integers(1, 4)
NAMED = st.lists(st.sampled_from(["huang2017multiscale", "liu2020fastbert"]), unique=True, max_size=2)
TITLES = [st.sampled_from([None, f"Talk {i}", "Dense: exits"]) for i in range(4)]  # the i-th talk's
WRITTEN = {pid: st.sampled_from([pid, arxiv]) for pid, arxiv in {"huang2017multiscale": "'1703.09844'", "liu2020fastbert": "'2004.02178'"}.items()}
DATE_COMMENTS = st.sampled_from(["", "   # a meeting"])
FLOW_COMMENTS = st.sampled_from(["", "  # why"])
ITEM_COMMENTS = st.sampled_from(["", "  # note"])
ORDERS = [st.permutations(range(n)) for n in range(4)]  # of a talk's n fields after its date and presenters


@st.composite
def talk_files(draw):
    """A valid talks.yaml in a drawn layout (flow or block paper lists, comments, blank lines, quotes, CRLF, BOM, leaders
    before or after), and what each talk names: [(paper ids, title)]."""
    newline = draw(NEWLINES)
    talks, lines = [], ["# talks" if draw(st.booleans()) else None, "talks:"]
    for i in range(draw(TALK_COUNTS)):
        named = draw(NAMED)
        title = draw(TITLES[i]) if named else f"Talk {i}"
        written = [draw(WRITTEN[pid]) for pid in named]
        lines.append(f"  - date: 2026-0{i + 1}-1{i}" + draw(DATE_COMMENTS))
        lines.append("    presenters: [Ann]")
        fields = []
        if named:
            if draw(st.booleans()):
                fields.append([f"    papers: [{', '.join(written)}]" + draw(FLOW_COMMENTS)])
            else:
                fields.append(["    papers:"] + [f"      - {w}" + draw(ITEM_COMMENTS) for w in written])
        if title:
            fields.append([f"    title: {format_scalar(title)}"])
        if draw(st.booleans()):
            fields.append(["    notes: kept as it is"])
        for j in draw(ORDERS[len(fields)]):
            lines += fields[j]
        if draw(st.booleans()):
            lines.append("")
        talks.append((named, title))
    leaders = ["leaders:", "  - {from: 2026-01-01, to: 2026-06-30, names: [Ann]}"]
    lines = (leaders + lines) if draw(st.booleans()) else (lines + leaders)
    text = newline.join(line for line in lines if line is not None) + newline
    return ("\ufeff" if draw(st.booleans()) else "") + text, talks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(talk_files())
def test_remove_force_over_layouts_unlinks_exactly_the_paper_or_refuses_and_changes_nothing(new_folder, drawn):
    from dnnpapers.curation.curate import remove_paper
    from dnnpapers.errors import DnnpapersError
    from dnnpapers.access.loading import load_list

    text, talks = drawn
    root = write_list(new_folder(), [MSD, FASTBERT])
    path = root / "data" / "talks.yaml"
    path.write_bytes(text.encode("utf-8"))
    assert [(t.papers, t.title) for t in load_list(root).talks.talks] == [(named, title) for named, title in talks]
    before = files(root)
    try:
        removed = remove_paper(root, "huang2017multiscale", force=True)
    except DnnpapersError:
        assert files(root) == before  # refused: nothing changed
        return
    after = load_list(root)  # the list still passes check
    assert [p.id for p in after.papers] == ["liu2020fastbert"]
    expected = [([pid for pid in named if pid != "huang2017multiscale"], title or (MSD["title"] if named == ["huang2017multiscale"] else None)) for named, title in talks]
    assert [(t.papers, t.title) for t in after.talks.talks] == expected
    assert len(removed.unlinked) == sum("huang2017multiscale" in named for named, _ in talks)
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf") is text.startswith("\ufeff")
    assert (b"\r\n" in new) is ("\r\n" in text) and (b"\n" in new.replace(b"\r\n", b"")) is ("\n" in text.replace("\r\n", ""))
    untouched = [line for line in text.lstrip("\ufeff").splitlines() if "huang2017multiscale" not in line and "1703.09844" not in line and "papers:" not in line]
    assert all(line in new.decode("utf-8") for line in untouched)  # every other line is kept as it was


GONE = {n: st.sets(st.integers(0, n - 1)) for n in range(1, 7)}  # which of n items, built once as above
SPACES = st.sampled_from(["", " "])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b-2", "'1703.09844'", '"q: r"', "中文", "x y"]), min_size=1, max_size=6),
    st.data(),
    st.booleans(),
    st.sampled_from(["\n", "\r\n"]),
)
def test_remove_items_takes_exactly_the_items_named_in_flow_and_block_lists(items, data, flow, newline):
    import yaml

    from dnnpapers.storage.store import parse_document, remove_items

    gone = data.draw(GONE[len(items)])
    spaces = data.draw(SPACES)
    if flow:
        body = f"key: [{spaces}{', '.join(items)}{spaces}]  # c{newline}"
    else:
        body = f"key:{newline}" + "".join(f"  - {item}" + ("  # n" if i % 2 else "") + newline for i, item in enumerate(items))
    text = f"# head{newline}{body}next: 1{newline}"
    new = remove_items(parse_document(text.encode(), "t.yaml"), ("key",), gone).decode()
    values = yaml.safe_load(text)["key"]
    assert yaml.safe_load(new) == {"key": [v for i, v in enumerate(values) if i not in gone] if (flow or len(gone) < len(items)) else None, "next": 1}
    if not flow:  # a block list loses exactly the lines of its items (after "# head" and "key:")
        assert new.split(newline) == [line for j, line in enumerate(text.split(newline)) if j - 2 not in gone]
