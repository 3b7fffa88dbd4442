"""An end of employment recorded before the audit log kept it has no time it was recorded, only its last day. The
14-day undo window then counts from the end of that last day on the organisation's calendar (not from midnight UTC
of it, which in California is 16:00 or 17:00 the day before): a manager may undo it through the 14th day after the
last day, to the midnight that ends that day where the organisation is, across a change of daylight saving time too.
An end with its audit row still counts from the moment it was recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, update

from lms import db
from lms.audit import AuditEvent
from lms.orgs import employment
from tests.conftest import html_text
from tests.timezone_clock import freeze, utc

#: A Sunday in Los Angeles' daylight saving time; its 14th day after (Sunday 8 November) is in standard time.
LAST_DAY = date(2026, 10, 25)


def _at(day: date, hour: int, minute: int, zone: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.fixture
def ended(app, make_user, make_org, add_member, monkeypatch):
    """``ended(zone)``: Lupe's employment at Acme (in ``zone``) ended on :data:`LAST_DAY`, recorded that evening,
    with no ``membership.ended`` audit row (as before the audit log kept one). Returns the clock, the manager and
    the membership."""
    monkeypatch.setitem(app.config, "LMS_SESSION_IDLE_DAYS", 100 * 366)  # sign-ins outlive the frozen days

    def build(zone: str = "America/Los_Angeles"):
        clock = freeze(monkeypatch, _at(LAST_DAY, 18, 0, zone))
        boss = make_user("boss@example.org", name="Bea Boss")
        org = make_org("acme", manager=boss, name="Acme Clinic", timezone=zone)
        lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"), employment_start=date(2020, 3, 1))
        employment.remove_member(lupe, boss, LAST_DAY)
        db.session.execute(delete(AuditEvent).where(AuditEvent.action == "membership.ended"))
        db.session.commit()
        return clock, boss, lupe

    return build


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Asia/Manila", "Pacific/Honolulu"])
def test_open_through_the_fourteenth_day_after_the_last_day_where_the_organisation_is(ended, zone):
    clock, boss, lupe = ended(zone)
    last_open_day = LAST_DAY + timedelta(days=14)
    assert employment.undo_closes_at(lupe) == _at(last_open_day + timedelta(days=1), 0, 0, zone)
    for instant, can in [(_at(last_open_day, 0, 10, zone), True), (_at(last_open_day, 23, 30, zone), True),
                         (_at(last_open_day, 23, 59, zone) + timedelta(seconds=59), True),
                         (_at(last_open_day + timedelta(days=1), 0, 0, zone), False),
                         (_at(last_open_day + timedelta(days=1), 0, 10, zone), False)]:
        clock.set(instant)
        assert employment.can_undo_end(lupe, boss) is can, instant


def test_the_daylight_saving_change_moves_no_day(ended):
    """8 November 2026 is in Pacific standard time (UTC-8), the last day in daylight time (UTC-7): the window
    closes at midnight PST, 08:00 UTC, not an hour off."""
    clock, boss, lupe = ended()
    assert employment.undo_closes_at(lupe) == utc(2026, 11, 9, 8, 0)
    clock.set(utc(2026, 11, 9, 7, 30))  # 23:30 PST on Sunday 8 November
    assert employment.can_undo_end(lupe, boss)
    clock.set(utc(2026, 11, 9, 8, 0))
    assert not employment.can_undo_end(lupe, boss)


def test_a_manager_undoes_at_2330_on_the_last_open_day(ended, client, u, login, mailbox):
    clock, boss, lupe = ended()
    clock.set(utc(2026, 11, 9, 7, 30))  # 23:30 PST on 8 November; midnight UTC of the last day was long past
    login(boss)
    page = html_text(client.get(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)).text)
    assert "Undo: they still work here" in page
    response = client.submit(u("lms.orgs.reinstate_member", org_slug="acme", membership_id=lupe.id))
    assert response.status_code == 302
    db.session.refresh(lupe)
    assert lupe.employment_end is None and len(mailbox) == 1
    reinstated = db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.reinstated")).scalar_one()
    assert reinstated.actor_id == boss.id


def test_the_next_morning_the_page_says_to_invite_again(ended, client, u, login, mailbox):
    clock, boss, lupe = ended()
    clock.set(utc(2026, 11, 9, 16, 0))  # 08:00 PST on 9 November
    login(boss)
    page = html_text(client.get(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)).text)
    assert "Undo: they still work here" not in page and "can no longer be undone here" in page


def test_an_end_with_its_audit_row_counts_from_when_it_was_recorded(app, make_user, make_org, add_member,
                                                                     monkeypatch):
    clock = freeze(monkeypatch, utc(2026, 10, 26, 1, 0))  # 18:00 PDT on the last day
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, name="Acme Clinic", timezone="America/Los_Angeles")
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz"))
    employment.remove_member(lupe, boss, LAST_DAY)
    # (the audit row's time is a column default, which the frozen clock does not reach)
    db.session.execute(update(AuditEvent).where(AuditEvent.action == "membership.ended").values(at=clock.now))
    db.session.commit()
    assert employment.undo_closes_at(lupe) == utc(2026, 11, 9, 1, 0)
    clock.set(utc(2026, 11, 9, 0, 59))
    assert employment.can_undo_end(lupe, boss)
    clock.set(utc(2026, 11, 9, 1, 0))
    assert not employment.can_undo_end(lupe, boss)
