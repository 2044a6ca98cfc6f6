"""generated/talks.ics: the reading group's talks as an iCalendar file (RFC 5545) to subscribe to.

Written with the icalendar library. Every value is a function of the data, so
the same talks give the same bytes: a talk's UID is its anchor (date, start and
a number when two share them) at the list's name, and DTSTAMP is the talk's
own day, not the time of rendering, which would change the file on every run.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import TYPE_CHECKING

import icalendar

from dnnpapers.outputs.markdown import anchor as slug_of
from dnnpapers.model.fields import TALK_KINDS
from dnnpapers.model.talks import TalkLog, presenter_label, talk_title

if TYPE_CHECKING:  # a render reads plain records (plainlist): no pydantic to import
    from dnnpapers.model.models import Paper

__all__ = ["calendar", "PRODID"]

PRODID = "-//dnnpapers//reading group talks//EN"


@functools.lru_cache(maxsize=16)
def _zone_rules(timezone: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """The zone's VTIMEZONE for those years, worked out once a process (~30 ms each); only ever serialised, never changed."""
    return icalendar.Timezone.from_tzid(timezone, first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year + 1, 1, 1))


def calendar(log: TalkLog, papers: dict[str, Paper], timezone: str, title: str, talks_page: str = "") -> bytes:
    """The calendar's bytes; ``talks_page``, when given, is linked from each event (a URL ending in talks.md)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    name = f"{title} · talks"
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", timezone)
    cal.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
    pairs = log.in_order()
    timed = [talk.date for talk, _ in pairs if talk.start]
    if timed:  # the zone's rules for the years the talks span, so the file stays the same as years pass
        first, last = min(timed), max(timed)
        cal.add_component(_zone_rules(timezone, first.year, last.year))
    zone = zoneinfo.ZoneInfo(timezone)
    host = (slug_of(title) or "list") + ".dnnpapers"
    for talk, key in pairs:
        event = icalendar.Event()
        event.add("uid", f"{key}@{host}")
        event.add("dtstamp", dt.datetime.combine(talk.date, dt.time(), dt.timezone.utc))
        if talk.start:
            event.add("dtstart", _at(talk.date, talk.start, zone))
            if talk.end:
                event.add("dtend", _at(talk.date, talk.end, zone))
        else:
            event.add("dtstart", talk.date)
            event.add("dtend", talk.date + dt.timedelta(days=1))
        kind_en, kind_zh = TALK_KINDS[talk.kind]
        presenters = ", ".join(presenter_label(p) for p in talk.presenters)
        event.add("summary", f"{kind_en}: {talk_title(talk, papers)} ({', '.join(talk.presenter_names)})")
        lines = [f"{kind_en} · {kind_zh}", f"Presenters: {presenters}"]
        if talk.event:
            lines.append(talk.event)
        lines += [f"Paper: {papers[pid].title}" + (f" {papers[pid].link}" if papers[pid].link else "") for pid in talk.papers]
        if talk.notes:
            lines.append(talk.notes)
        lines += [f"{name.capitalize()}: {getattr(talk.links, name)}" for name in ("slides", "video", "notes", "recording") if getattr(talk.links, name)]
        if talks_page:
            lines.append(f"{talks_page}#{key}")
        event.add("description", "\n".join(lines))
        where = talk.place or talk.event
        if where:
            event.add("location", where)
        page = talk.links.slides or talk.links.notes or talk.links.video or talk.links.recording
        if page:
            event.add("url", page)
        event.add("categories", [kind_en])
        cal.add_component(event)
    return cal.to_ical()


def _at(day: dt.date, clock: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    hours, minutes = clock.split(":")
    return dt.datetime.combine(day, dt.time(int(hours), int(minutes)), zone)
