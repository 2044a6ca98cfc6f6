"""generated/talks.ics, read back by three parsers: icalendar (which writes it), ical and vobject (which do not)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest

from conftest import REPO, write_list
from dnnpapers.access.loading import load_list
from dnnpapers.outputs.render import TALKS_ICS, build

MSD = {"id": "huang2017multiscale", "title": "Multi-Scale Dense Networks for Resource Efficient Image Classification", "authors": ["Gao Huang", "et al."], "year": 2017, "venue": "ICLR 2018", "arxiv": "1703.09844", "tags": ["early-exit"]}


def _calendar(root) -> bytes:
    return build(load_list(root))[TALKS_ICS]


def _parsers(raw: bytes):
    """{parser: [(uid, start, end, summary, description, url)]} in file order."""
    # Imported where used, as vobject below: ical builds its pydantic models on import (~0.3 s), which each test worker
    # would pay when it collects this file, and only one runs it.
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    text = raw.decode("utf-8")
    found = {}
    cal = IcsCalendarStream.calendar_from_ics(text)
    found["ical"] = [(e.uid, e.dtstart, e.dtend, e.summary, e.description, e.url) for e in cal.events]
    card = vobject.readOne(text)
    found["vobject"] = [
        (e.uid.value, e.dtstart.value, e.dtend.value if hasattr(e, "dtend") else None, e.summary.value, e.description.value, e.url.value if hasattr(e, "url") else None)
        for e in card.vevent_list
    ]
    own = icalendar.Calendar.from_ical(raw)
    found["icalendar"] = [
        (str(e["UID"]), e.decoded("DTSTART"), e.decoded("DTEND") if "DTEND" in e else None, str(e["SUMMARY"]), str(e["DESCRIPTION"]), str(e["URL"]) if "URL" in e else None)
        for e in own.walk("VEVENT")
    ]
    return found


def test_the_shipped_calendar_reads_the_same_in_three_parsers_at_china_time():
    raw = (REPO / TALKS_ICS).read_bytes()
    assert raw == _calendar(REPO), "the committed calendar is what render makes"
    events = _parsers(raw)
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    for name, found in events.items():
        assert len(found) == 5, name
        uid, start, end, summary, description, _ = found[1]
        assert uid == "talk-2020-08-05-0940@dynamic-neural-network-materials.dnnpapers", name
        assert start == dt.datetime(2020, 8, 5, 9, 40, tzinfo=shanghai), name
        assert start.utcoffset() == dt.timedelta(hours=8), name
        assert start.astimezone(dt.timezone.utc) == dt.datetime(2020, 8, 5, 1, 40, tzinfo=dt.timezone.utc), name
        assert end - start == dt.timedelta(minutes=40), name
        assert summary == "Lecture notes: AutoML for TinyML with Once-for-All Network (韩松)", name
        assert "Presenters: 韩松 (MIT)" in description and "https://arxiv.org/abs/1908.09791" in description, name
    assert len({e[0] for e in events["ical"]}) == 5


def test_the_file_is_rfc_5545_shaped_crlf_lines_of_at_most_75_octets_and_a_vtimezone():
    raw = (REPO / TALKS_ICS).read_bytes()
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    text = raw.decode("utf-8")
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert "TZID:Asia/Shanghai" in text and "DTSTART;TZID=Asia/Shanghai:20200805T090000" in text


def _group(tmp_path, talks: str, page: str = ""):
    root = write_list(tmp_path, [MSD])
    (root / "data" / "talks.yaml").write_text(talks, encoding="utf-8")
    if page:
        (root / "data" / "page.yaml").write_text(page, encoding="utf-8")
    return root


def test_the_vtimezone_carries_daylight_saving_so_summer_and_winter_talks_keep_their_local_times(tmp_path):
    root = _group(
        tmp_path,
        'talks:\n  - date: 2026-01-15\n    start: "18:00"\n    presenters: [Ann]\n    title: Winter\n'
        '  - date: 2026-07-15\n    start: "18:00"\n    end: "19:00"\n    presenters: [Ben]\n    title: Summer\n',
        "timezone: Europe/Berlin\n",
    )
    import vobject

    raw = _calendar(root)
    # vobject builds its zone from the file's VTIMEZONE, not from the machine's zone database
    card = vobject.readOne(raw.decode("utf-8"))
    winter, summer = (e.dtstart.value for e in card.vevent_list)
    assert winter.utcoffset() == dt.timedelta(hours=1) and summer.utcoffset() == dt.timedelta(hours=2)
    assert (winter.hour, summer.hour) == (18, 18)
    assert not hasattr(card.vevent_list[0], "dtend")  # no end given: none invented
    assert "BEGIN:DAYLIGHT" in raw.decode()


def test_a_talk_without_a_time_is_an_all_day_event(tmp_path):
    root = _group(tmp_path, "talks:\n  - date: 2026-03-04\n    presenters: [Ann]\n    papers: [huang2017multiscale]\n")
    raw = _calendar(root)
    for name, found in _parsers(raw).items():
        (_, start, end, summary, _, _), = found
        assert start == dt.date(2026, 3, 4) and not isinstance(start, dt.datetime), name
        assert end == dt.date(2026, 3, 5), name
        assert summary == "Paper talk: Multi-Scale Dense Networks for Resource Efficient Image Classification (Ann)", name
    assert "VTIMEZONE" not in raw.decode()


def test_uids_stay_when_a_talk_is_edited_and_the_bytes_stay_for_the_same_data(tmp_path):
    talks = 'talks:\n  - date: 2026-03-04\n    start: "19:00"\n    presenters: [Ann]\n    title: First\n    links:\n      slides: https://example.org/a.pdf\n'
    root = _group(tmp_path, talks)
    first = _calendar(root)
    assert first == _calendar(root)
    (root / "data" / "talks.yaml").write_text(talks.replace("First", "First, retitled").replace("[Ann]", "[Ann, Ben]"), encoding="utf-8")
    second = _calendar(root)
    uid = lambda raw: [e[0] for e in _parsers(raw)["ical"]]  # noqa: E731
    assert uid(first) == uid(second) == ["talk-2026-03-04-1900@dynamic-neural-network-materials.dnnpapers"]
    assert first != second
    assert _parsers(second)["vobject"][0][5] == "https://example.org/a.pdf"


@pytest.mark.parametrize("title", ["Commas, semicolons; and colons: all", "A backslash \\ and a quote \"", "Line\\nbreak written out", "<script>alert(1)</script>", ("Ünïcödé 中文标题 🎉 and a very long title " * 3).strip()])
def test_text_that_ical_escapes_reads_back_exactly(title, tmp_path):
    from dnnpapers.storage.store import format_scalar

    root = _group(tmp_path, "talks: []\n")
    (root / "data" / "talks.yaml").write_text(f"talks:\n  - date: 2026-03-04\n    presenters: [{format_scalar('Ann; Ben, Cai', flow=True)}]\n    title: {format_scalar(title)}\n    notes: {format_scalar(title)}\n", encoding="utf-8")
    raw = _calendar(root)
    for name, found in _parsers(raw).items():
        summary, description = found[0][3], found[0][4]
        assert summary == f"Paper talk: {title} (Ann; Ben, Cai)", name
        assert title in description, name
