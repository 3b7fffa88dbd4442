"""Live hours of one person that credit the same time twice are flagged to the approver. The QA case: José checked in
with the code at Teresa's in-person session and clicked Join on Tanya's online one, both 9:00-12:00; both trainers
finalised, and two "Live session, 3 hours" entries waited for approval with no warning. Now the queue and each
entry's page say "Overlaps “<module>”, <time>: only one can be paid for the same time." The amounts are not changed
(what to pay is the approver's decision), and like the other flags it does not stop approval."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lms import db
from lms.db import utcnow
from lms.hours import approvals
from lms.hours.models import EntryStatus, HoursEntry
from lms.hours.overlaps import overlaps_of
from lms.live import attendance
from lms.live.models import IntervalSource
from lms.live.times import when_text
from tests import bulk_forms
from tests.live_support import ONLINE, attended, held_at, live_course, live_entry, page_text
from tests.test_hours_ledger import Staff, make_staff

FLAG = "Overlaps “Role-play practice”, {when}: only one can be paid for the same time."


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def module(teresa):
    return live_course(teresa)[1]


def nine_am() -> datetime:
    """Today's (UTC) nine o'clock a day ago: sessions from there are over whatever the time of day."""
    return (utcnow() - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)


def finalise(session, trainer) -> None:
    attendance.finalize(session, trainer, session.ends_at + timedelta(minutes=5), 75)
    db.session.commit()


def row_of(page: str, entry: HoursEntry) -> str:
    """The queue's row of one entry (by the link to its page)."""
    rows = [row for row in re.findall(r"<tr role=\"row\">.*?</tr>", page, re.S) if f"/entries/{entry.id}\"" in row]
    assert len(rows) == 1, rows
    return rows[0]


def both_attended(staff, module, teresa, tanya, start: datetime | None = None):
    """The QA case: Teresa's in-person session and Tanya's online one, both 9:00-12:00; José (here Tina) checked in
    at one and used the Join button at the other; both finalised."""
    start = start or nine_am()
    in_person = held_at(module, teresa, start, 180)
    online = held_at(module, tanya, start, 180, **ONLINE)
    attended(in_person, staff.trainee, start - timedelta(minutes=3), start + timedelta(minutes=181))
    attended(online, staff.trainee, start, start + timedelta(minutes=180), IntervalSource.JOIN_BUTTON)
    finalise(in_person, teresa)
    finalise(online, tanya)
    return in_person, online


def flag(session) -> str:
    return FLAG.format(when=when_text(session.starts_at, session.counted_end, "America/Los_Angeles", "en"))


# ---------------------------------------------------------------- the queue and the entry page


def test_the_qa_case_is_flagged_in_the_queue_and_on_both_entries(client, u, login, staff, module, teresa, tanya):
    in_person, online = both_attended(staff, module, teresa, tanya)
    first, second = live_entry(staff.trainee, in_person), live_entry(staff.trainee, online)
    assert (first.minutes, second.minutes) == (180, 180)  # the amounts are the approver's decision: unchanged
    assert first.activity_date == second.activity_date

    login(staff.manager)
    page = page_text(client.get(u("lms.hours.queue", org_slug="acme")))
    assert flag(online) in row_of(page, first) and flag(in_person) in row_of(page, second)
    assert 'hours-overlap"><span aria-hidden="true">⚠</span>' in row_of(page, first)  # words and a sign, not colour
    assert "These people are credited for two live sessions at the same time." in page  # the legend

    review = page_text(client.get(u("lms.hours.review", org_slug="acme", entry_id=first.id)))
    assert flag(online) in review
    assert ("3 hours of the time this entry credits is also credited to Tina Trainee by the entry of that session "
            "(pending).") in review
    assert f'<a href="{u("lms.hours.review", org_slug="acme", entry_id=second.id)}">See the other entry</a>' in review

    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    login(staff.trainee)  # the person's own entry page has no approver's flag
    assert "Overlaps" not in page_text(client.get(u("lms.hours.entry", entry_id=first.id)))


def test_rejecting_one_clears_the_flag_and_an_approved_one_still_counts(staff, module, teresa, tanya):
    in_person, online = both_attended(staff, module, teresa, tanya)
    first, second = live_entry(staff.trainee, in_person), live_entry(staff.trainee, online)
    approvals.approve(first, staff.manager)
    db.session.commit()
    found = overlaps_of([first, second])
    assert [o.other.id for o in found[second.id]] == [first.id]  # paid already: the second would pay it again
    assert [o.other.id for o in found[first.id]] == [second.id]  # and the approved one says so too
    approvals.reject(second, staff.manager, "Same hours as the in-person session")
    db.session.commit()
    assert overlaps_of([first, second]) == {}


def test_only_time_credited_in_both_is_flagged(staff, module, teresa, tanya, make_user):
    start = nine_am()
    first = held_at(module, teresa, start, 180)  # 9:00-12:00
    later = held_at(module, tanya, start + timedelta(hours=1), 180, **ONLINE)  # 10:00-13:00
    attended(first, staff.trainee, start, start + timedelta(hours=3))
    attended(later, staff.trainee, start + timedelta(hours=1), start + timedelta(hours=4))
    # Carl left the first at 10:30 for the second: the sessions overlap, his credited time does not
    attended(first, staff.colleague, start, start + timedelta(minutes=90))
    attended(later, staff.colleague, start + timedelta(minutes=90), start + timedelta(hours=4))
    finalise(first, teresa)
    finalise(later, tanya)
    tina = overlaps_of([live_entry(staff.trainee, first), live_entry(staff.trainee, later)])
    assert sorted(o.minutes for found in tina.values() for o in found) == [120, 120]  # 10:00-12:00
    carl = [live_entry(staff.colleague, first), live_entry(staff.colleague, later)]
    assert [e.minutes for e in carl] == [90, 150] and overlaps_of(carl) == {}


def test_sessions_in_different_zones_compare_as_instants(staff, module, teresa, tanya):
    """9:00 UTC is 22:00 the day before in Pago Pago (UTC-11): the sessions fall on different days there and here,
    their time is the same. (Both entries carry the day on the person's calendar; entries dated on each session's
    calendar, as before that rule, are flagged too: tests/test_live_hours_person_date.py.)"""
    start = nine_am()
    here = held_at(module, teresa, start, 120)
    far = held_at(module, tanya, start, 120, tz="Pacific/Pago_Pago", **ONLINE)
    attended(here, staff.trainee, start, start + timedelta(hours=2))
    attended(far, staff.trainee, start, start + timedelta(hours=2), IntervalSource.JOIN_BUTTON)
    finalise(here, teresa)
    finalise(far, tanya)
    first, second = live_entry(staff.trainee, here), live_entry(staff.trainee, far)
    assert here.starts_at.astimezone(ZoneInfo("Pacific/Pago_Pago")).date() != first.activity_date
    assert first.activity_date == second.activity_date
    assert [o.minutes for o in overlaps_of([first])[first.id]] == [120]


def test_other_people_and_other_entries_are_not_flagged(staff, module, teresa, tanya):
    start = nine_am()
    in_person = held_at(module, teresa, start, 180)
    online = held_at(module, tanya, start, 180, **ONLINE)
    attended(in_person, staff.trainee, start, start + timedelta(hours=3))
    attended(online, staff.colleague, start, start + timedelta(hours=3))
    finalise(in_person, teresa)
    finalise(online, tanya)
    entries = [live_entry(staff.trainee, in_person), live_entry(staff.colleague, online)]
    assert overlaps_of([*entries, None]) == {} and overlaps_of([]) == {}


# ---------------------------------------------------------------- bulk approval; queries


def test_bulk_approval_of_flagged_entries_goes_through_like_the_other_flags(client, u, login, staff, module, teresa,
                                                                           tanya):
    in_person, online = both_attended(staff, module, teresa, tanya)
    ids = [live_entry(staff.trainee, s).id for s in (in_person, online)]
    login(staff.manager)
    response = client.post(u("lms.hours.bulk_decide", org_slug="acme"),
                           data={"csrf_token": client.csrf_token(), "action": "approve", **bulk_forms.entries(*ids)})
    assert response.status_code == 302
    assert [db.session.get(HoursEntry, i).status for i in ids] == [EntryStatus.APPROVED] * 2


def test_the_queue_finds_overlaps_without_a_query_per_entry(client, u, login, staff, module, teresa, tanya,
                                                            count_queries):
    both_attended(staff, module, teresa, tanya)
    login(staff.manager)
    queue = u("lms.hours.queue", org_slug="acme")
    client.get(queue)
    with count_queries() as few:
        assert client.get(queue).status_code == 200
    for days in range(1, 5):  # four more days of double-credited mornings, for both people
        start = nine_am() - timedelta(days=days)
        in_person = held_at(module, teresa, start, 180)
        online = held_at(module, tanya, start, 180, **ONLINE)
        for person in (staff.trainee, staff.colleague):
            attended(in_person, person, start, start + timedelta(hours=3))
            attended(online, person, start, start + timedelta(hours=3), IntervalSource.JOIN_BUTTON)
        finalise(in_person, teresa)
        finalise(online, tanya)
    with count_queries() as many:
        page = client.get(queue).get_data(as_text=True)
    assert page.count('class="badge wrong hours-overlap"') == 2 + 4 * 4
    assert many.count == few.count
