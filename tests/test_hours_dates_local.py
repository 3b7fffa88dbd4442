"""A date entered for training hours is "in the future" on the calendar of whoever it belongs to: the person's time
zone for their own entries, the organisation's for a manager's adjustment. Never the server's (UTC runs a day ahead
of California every evening, so a date two days ahead used to be accepted)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lms import db
from lms.errors import DomainError
from lms.hours import adjustments
from tests.test_hours_ledger import entries_of, external, form_token, staff  # noqa: F401 (fixture)

BEHIND = "Pacific/Pago_Pago"  # UTC-11: its today is never after the server's
AHEAD = "Pacific/Kiritimati"  # UTC+14: its today is often the server's tomorrow


def today_in(zone: str):
    return datetime.now(ZoneInfo(zone)).date()


def test_the_persons_tomorrow_is_refused_and_their_today_accepted(staff):  # noqa: F811
    staff.trainee.timezone = BEHIND
    staff.colleague.timezone = AHEAD
    db.session.commit()
    with pytest.raises(DomainError, match="cannot be in the future"):
        external(staff.trainee, day=today_in(BEHIND) + timedelta(days=1))
    assert external(staff.trainee, day=today_in(BEHIND)).activity_date == today_in(BEHIND)
    assert external(staff.colleague, key="k2", day=today_in(AHEAD)).activity_date == today_in(AHEAD)


def test_the_web_form_uses_the_persons_calendar_too(client, u, login, staff):  # noqa: F811
    staff.trainee.timezone = BEHIND
    db.session.commit()
    login(staff.trainee)
    path = u("lms.hours.submit_external")
    token, key = form_token(client, path)
    fields = {"csrf_token": token, "idempotency_key": key, "title": "Workshop", "hours": "1", "minutes": "0"}
    tomorrow = client.post(path, data={**fields, "activity_date": (today_in(BEHIND) + timedelta(days=1)).isoformat()})
    assert tomorrow.status_code == 400 and "The date cannot be in the future." in tomorrow.get_data(as_text=True)
    assert entries_of(staff.trainee) == []
    today = client.post(path, data={**fields, "activity_date": today_in(BEHIND).isoformat()})
    assert today.status_code == 302 and len(entries_of(staff.trainee)) == 1


def test_a_managers_adjustment_follows_the_organisations_calendar(staff):  # noqa: F811
    staff.org.timezone = BEHIND
    db.session.commit()
    data = adjustments.Adjustment(minutes=30, description="Missed sign-in sheet",
                                  activity_date=today_in(BEHIND) + timedelta(days=1))
    with pytest.raises(DomainError, match="cannot be in the future"):
        adjustments.add_adjustment(staff.org, staff.trainee, data, staff.manager, "adj-1")
