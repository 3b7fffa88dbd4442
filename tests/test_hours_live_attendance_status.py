"""The attendance status behind live hours, for the approver: a person marked absent still has the minutes they were
connected credited (whether to pay them is the organisation's decision), so the approval queue and the entry's page
show the status the trainer recorded, flag an entry that credits time to someone absent or excused in words, and
load it without a query per entry."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms import db
from lms.hours.live_attendance import attendance_of
from lms.hours.models import EntrySource, HoursEntry
from lms.live import attendance
from lms.live.models import AttendanceStatus
from tests.live_support import live_entry, seat, soon, stayed
from tests.test_hours_ledger import Staff, make_staff

FLAG = "Credited, though marked “Absent”"


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def local(value) -> str:
    """A time as the attendance forms take it: wall clock in the session's zone (UTC for :func:`soon`)."""
    return value.strftime("%Y-%m-%dT%H:%M")


def row_of(page: str, name: str) -> str:
    """The queue table's row of one person."""
    rows = [row for row in re.findall(r"<tr role=\"row\">.*?</tr>", page, re.S) if name in row]
    assert len(rows) == 1, rows
    return rows[0]


def absent_for_eight_minutes(client, u, login, staff, module, trainer):
    """The QA run through the trainer's pages: Tina was connected 8 minutes and marked absent, Carl was there."""
    session = soon(module, trainer, -150, minutes=120)  # ended half an hour ago
    seat(session, staff.trainee, staff.colleague)
    stayed(session, staff.colleague, 120)
    login(trainer)
    person = u("lms.sessions.attendance_person", session_id=session.id, user_id=staff.trainee.id)
    response = client.submit(person, {"action": "time", "time-joined_at": local(session.starts_at),
                                      "time-left_at": local(session.starts_at + timedelta(minutes=8))})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    roster = u("lms.sessions.attendance", session_id=session.id)
    assert client.submit(roster, {f"status-{staff.trainee.id}": "absent",
                                  f"status-{staff.colleague.id}": "present"}).status_code == 302
    assert client.submit(u("lms.sessions.finalize_attendance", session_id=session.id), {"confirm": "yes"}).status_code == 302
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    return session


def test_the_queue_and_the_entry_show_an_absent_person_credited_for_their_minutes(client, u, login, staff, module,
                                                                                   trainer):
    session = absent_for_eight_minutes(client, u, login, staff, module, trainer)
    tina, carl = live_entry(staff.trainee, session), live_entry(staff.colleague, session)
    assert (tina.minutes, carl.minutes) == (8, 120)  # the amounts are not changed: that is the owner's decision

    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    absent, present = row_of(page, "Tina Trainee"), row_of(page, "Carl Colleague")
    assert "Attendance: Absent" in absent and FLAG in absent and 'aria-hidden="true">⚠' in absent
    assert "Attendance: Present" in present and "Credited, though" not in present
    assert "The trainer marked these people absent or excused" in page  # the legend says what the flag means

    review = client.get(u("lms.hours.review", org_slug="acme", entry_id=tina.id)).get_data(as_text=True)
    assert re.search(r"<dt>Attendance in the session</dt><dd[^>]*>Absent</dd>", review)
    assert FLAG in review
    assert "attendance status for Tina Trainee in this session is “Absent”, yet this entry credits 8 minutes" in review
    other = client.get(u("lms.hours.review", org_slug="acme", entry_id=carl.id)).get_data(as_text=True)
    assert re.search(r"<dt>Attendance in the session</dt><dd[^>]*>Present</dd>", other)
    assert "Credited, though" not in other

    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    login(staff.trainee)  # the person sees their status on their own entry, without the approver's warning
    own = client.get(u("lms.hours.entry", entry_id=tina.id)).get_data(as_text=True)
    assert re.search(r"<dt>Attendance in the session</dt><dd[^>]*>Absent</dd>", own)
    assert "Credited, though" not in own


def test_a_corrected_status_shows_at_once_and_other_entries_show_none(client, u, login, staff, module, trainer):
    session = absent_for_eight_minutes(client, u, login, staff, module, trainer)
    login(trainer)
    response = client.submit(u("lms.sessions.attendance", session_id=session.id),
                             {f"status-{staff.trainee.id}": "late", "reason": "She came in late, not absent"})
    assert response.status_code == 302
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    login(staff.manager)
    page = client.get(u("lms.hours.queue", org_slug="acme")).get_data(as_text=True)
    assert "Attendance: Late" in row_of(page, "Tina Trainee") and "Credited, though" not in page
    assert "The trainer marked these people" not in page


def test_excused_counts_as_not_attending_and_a_deduction_is_not_flagged(staff, module, trainer):
    session = soon(module, trainer, -150, minutes=120)
    seat(session, staff.trainee)
    stayed(session, staff.trainee, 30)
    attendance.change_attendance(session, staff.trainee, attendance.Change(status=AttendanceStatus.EXCUSED), trainer,
                                 session.ends_at, 75)
    attendance.finalize(session, trainer, session.ends_at + timedelta(minutes=5), 75)
    db.session.commit()
    entry = live_entry(staff.trainee, session)
    found = attendance_of([entry, None])
    assert (found[entry.id].title, found[entry.id].is_attending, found[entry.id].is_credited_without_attending) == (
        "Excused", False, True)
    deduction = HoursEntry(user_id=staff.trainee.id, org_id=staff.org.id, source=EntrySource.ADJUSTMENT,
                           activity_date=entry.activity_date, minutes=-30, title=entry.title, session_id=session.id,
                           corrects_id=entry.id)
    db.session.add(deduction)
    db.session.commit()
    assert not attendance_of([deduction])[deduction.id].is_credited_without_attending  # it takes the time away
    assert attendance_of([]) == {}


def test_the_queue_loads_statuses_in_one_query_whatever_the_number_of_live_entries(client, u, login, staff, module,
                                                                                    trainer, count_queries):
    absent_for_eight_minutes(client, u, login, staff, module, trainer)
    login(staff.manager)
    queue = u("lms.hours.queue", org_slug="acme")
    client.get(queue)
    with count_queries() as few:
        assert client.get(queue).status_code == 200
    for days in range(1, 5):  # four more finalised sessions, each with a live entry of Carl's
        earlier = soon(module, trainer, -150 - days * 24 * 60, minutes=120)
        seat(earlier, staff.colleague)
        stayed(earlier, staff.colleague, 10)
        attendance.change_attendance(earlier, staff.colleague, attendance.Change(status=AttendanceStatus.ABSENT),
                                     trainer, earlier.ends_at, 75)
        attendance.finalize(earlier, trainer, earlier.ends_at + timedelta(minutes=5), 75)
        db.session.commit()
    with count_queries() as many:
        page = client.get(queue).get_data(as_text=True)
    assert page.count("Attendance: Absent") == 5 and page.count(FLAG) == 5
    assert many.count == few.count
