"""Live-session hours are dated on the person's calendar, like self-paced hours: the day the session started in their
time zone (their profile's, else LMS_DEFAULT_TIMEZONE), not in the session's. An online session from 00:30 to 02:00
in New York is worked from 21:30 to 23:00 the evening before by an employee in Los Angeles, and dated that evening.

Only new entries follow the rule: an entry made before it keeps the session's date (the ledger is never rewritten),
and so do the entries that corrections of it append. The session page names the date a person's hours carry when it
is not the day it says the session took place. The overlap flag compares instants, whatever the dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from html import unescape

import pytest

from lms import db
from lms.db import utcnow
from lms.hours import approvals, overlaps
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.live import attendance
from lms.live.models import (
    Attendance,
    AttendanceStatus,
    IntervalSource,
    SessionMode,
)
from lms.live.times import to_zone
from lms.signals import attendance_finalized
from tests.live_support import LA, add_time, attendance_row, live_course, schedule, seat
from tests.test_hours_ledger import entries_of

NEW_YORK = "America/New_York"


@dataclass
class World:
    session: object  # the online class, 00:30-02:00 in New York on `day`
    day: date  # its date in New York; the evening before in Los Angeles
    trainer: object
    manager: object
    org: object
    people: dict


@pytest.fixture
def world(trainer, make_user, make_org, add_member) -> World:
    manager = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=manager)
    people = {
        "lena": make_user("lena@example.org", name="Lena Los Angeles", timezone=LA),
        "nate": make_user("nate@example.org", name="Nate New York", timezone=NEW_YORK),
        "dee": make_user("dee@example.org", name="Dee Default"),  # no zone of her own: the site's, Los Angeles
    }
    for person in people.values():
        add_member(org, person, employment_start=date(2020, 1, 1))
    _course, module = live_course(trainer)
    module.credited_minutes = 90  # a 90-minute class
    db.session.commit()
    day = to_zone(utcnow(), NEW_YORK).date() - timedelta(days=10)
    (session,) = schedule(module, trainer, allow_past=True, day=day, at=time(0, 30), timezone=NEW_YORK, minutes=90,
                          mode=SessionMode.ONLINE, address=None, join_url="https://meet.example.org/room")
    for person in people.values():
        _attend(session, person, 90)
    return World(session, day, trainer, manager, org, people)


def _attend(session, person, minutes: int) -> None:
    """``person`` had a seat and was there from the start for ``minutes``, having clicked Join."""
    seat(session, person)
    add_time(session, person, 0, minutes, IntervalSource.JOIN_BUTTON)


def _finalize(session, trainer) -> None:
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()


def _long(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _page(client, u, session) -> str:
    response = client.get(u("lms.sessions.detail", session_id=session.id))
    assert response.status_code == 200
    return unescape(re.sub(r"[ \t\r\n]+", " ", response.get_data(as_text=True)))


def test_each_persons_hours_carry_the_day_on_their_own_calendar(world):
    _finalize(world.session, world.trainer)
    evening_before = world.day - timedelta(days=1)
    dates = {name: [(e.source, e.minutes, e.activity_date) for e in entries_of(person)]
             for name, person in world.people.items()}
    assert dates == {
        "lena": [(EntrySource.LIVE, 90, evening_before)],  # 21:30-23:00 in Los Angeles
        "nate": [(EntrySource.LIVE, 90, world.day)],  # 00:30-02:00 in New York
        "dee": [(EntrySource.LIVE, 90, evening_before)],  # the site's zone, Los Angeles
    }
    assert all(e.org_id == world.org.id for p in world.people.values() for e in entries_of(p))


def test_the_page_says_nothing_more_when_the_hours_carry_the_day_it_names(client, u, login, world):
    _finalize(world.session, world.trainer)
    login(world.people["lena"])
    page = _page(client, u, world.session)
    assert f"This session took place on {_long(world.day - timedelta(days=1))}." in page
    assert "Your training hours for it are dated" not in page and "the date its training hours carry" not in page
    login(world.people["nate"])
    page = _page(client, u, world.session)
    assert f"This session took place on {_long(world.day)}." in page and "are dated" not in page


@pytest.fixture
def old_style(world) -> HoursEntry:
    """Lena's entry as one made before the rule: dated on the session's calendar (New York). Her attendance row and its
    entry exist when attendance is finalised, so the ledger keeps that entry (one per attendance row)."""
    lena = world.people["lena"]
    row = Attendance(session_id=world.session.id, user_id=lena.id, minutes=90)
    db.session.add(row)
    db.session.flush()
    entry = HoursEntry(user_id=lena.id, org_id=world.org.id, source=EntrySource.LIVE, status=EntryStatus.PENDING,
                       activity_date=world.day, minutes=90, measured_minutes=90, title="Role-play practice",
                       competency_areas=[], course_id=world.session.course_id, module_id=world.session.module_id,
                       session_id=world.session.id, source_ref=f"attendance:{row.id}")
    db.session.add(entry)
    db.session.commit()
    _finalize(world.session, world.trainer)
    assert [e.id for e in entries_of(lena)] == [entry.id]
    return entry


def test_an_older_entry_keeps_its_date_and_the_page_names_it(client, u, login, world, old_style):
    login(world.people["lena"])
    page = _page(client, u, world.session)
    assert f"This session took place on {_long(world.day - timedelta(days=1))}." in page
    assert f"Your training hours for it are dated {_long(world.day)}." in page
    attendance_finalized.send(_row(world, "lena"), session=world.session, correction=False)  # sent again
    db.session.commit()
    assert [(e.id, e.activity_date) for e in entries_of(world.people["lena"])] == [(old_style.id, world.day)]


def _row(world, name: str) -> Attendance:
    return attendance_row(world.session, world.people[name])


def _correct(world, name: str, minutes: int) -> None:
    row = _row(world, name)
    row.minutes = minutes
    attendance_finalized.send(row, session=world.session, correction=True, actor=world.trainer)
    db.session.commit()


def test_corrections_follow_the_date_of_the_entry_they_correct(world, old_style):
    _correct(world, "lena", 60)  # her old-style entry is pending: replaced, with its date
    assert [(e.source, e.minutes, e.status, e.activity_date) for e in entries_of(world.people["lena"])] == [
        (EntrySource.LIVE, 90, EntryStatus.WITHDRAWN, world.day), (EntrySource.LIVE, 60, EntryStatus.PENDING, world.day)]
    db.session.refresh(old_style)
    assert (old_style.minutes, old_style.activity_date) == (90, world.day)  # never edited

    nate = world.people["nate"]
    (entry,) = entries_of(nate)
    approvals.approve(entry, world.manager)
    db.session.commit()
    _correct(world, "nate", 80)  # approved: an adjustment for the difference, on the same day
    assert [(e.source, e.minutes, e.activity_date) for e in entries_of(nate)] == [
        (EntrySource.LIVE, 90, world.day), (EntrySource.ADJUSTMENT, -10, world.day)]
    dee = world.people["dee"]
    _correct(world, "dee", 45)
    assert [(e.minutes, e.status, e.activity_date) for e in entries_of(dee)] == [
        (90, EntryStatus.WITHDRAWN, world.day - timedelta(days=1)), (45, EntryStatus.PENDING, world.day - timedelta(days=1))]


def test_a_late_attendance_is_dated_on_the_persons_calendar_too(world, make_user, add_member):
    """Someone absent when attendance was finalised and credited later by a correction gets a new entry: the rule."""
    lupe = make_user("lupe@example.org", name="Lupe Late", timezone=LA)
    add_member(world.org, lupe, employment_start=date(2020, 1, 1))
    seat(world.session, lupe)
    _finalize(world.session, world.trainer)
    assert entries_of(lupe) == []  # no minutes, no entry
    world.people["lupe"] = lupe
    row = _row(world, "lupe")
    row.status = AttendanceStatus.PRESENT
    _correct(world, "lupe", 70)
    assert [(e.source, e.minutes, e.activity_date) for e in entries_of(lupe)] == [
        (EntrySource.LIVE, 70, world.day - timedelta(days=1))]


def _evening_class_in_los_angeles(world):
    """Another class Lena attended, from 22:00 to 23:30 in Los Angeles the evening before the New York class's date:
    it shares an hour with the New York class (21:30-23:00 her time)."""
    _course, other_module = live_course(world.trainer, slug="other")
    other_module.credited_minutes = 90
    db.session.commit()
    (late,) = schedule(other_module, world.trainer, allow_past=True, day=world.day - timedelta(days=1), at=time(22, 0),
                       timezone=LA, minutes=90)
    _attend(late, world.people["lena"], 90)
    _finalize(late, world.trainer)
    return late


def _flags(first: HoursEntry, second: HoursEntry) -> tuple[list, list]:
    flagged = overlaps.overlaps_of([first, second])
    return ([(o.other.id, o.minutes) for o in flagged.get(first.id, [])],
            [(o.other.id, o.minutes) for o in flagged.get(second.id, [])])


def test_the_overlap_flag_compares_times_not_dates(world):
    """Both entries are now dated that evening, and flagged by the hour they share."""
    _finalize(world.session, world.trainer)
    _evening_class_in_los_angeles(world)
    first, second = entries_of(world.people["lena"])
    assert first.activity_date == second.activity_date == world.day - timedelta(days=1)
    assert _flags(first, second) == ([(second.id, 60)], [(first.id, 60)])


def test_an_older_entry_dated_another_day_is_flagged_all_the_same(world, old_style):
    _evening_class_in_los_angeles(world)
    first, second = entries_of(world.people["lena"])
    assert (first.id, first.activity_date, second.activity_date) == (old_style.id, world.day,
                                                                     world.day - timedelta(days=1))
    assert _flags(first, second) == ([(second.id, 60)], [(first.id, 60)])
