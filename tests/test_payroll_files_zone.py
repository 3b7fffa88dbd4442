"""The list of payroll files (and the timesheet's "Exported …") show when a period was exported on the organisation's
clock with its zone, as the periods' dates are: a Pacific/Kiritimati organisation's export read by a manager in
California once looked as if it was made before its period began."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lms import db
from lms.hours import export
from lms.hours.pay_calendar import pay_calendar
from lms.hours.periods import org_today
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry

#: 13:41 UTC on 5 December 2026: 3:41 AM on 6 December in Kiritimati (UTC+14), 5:41 AM on 5 December in California.
EXPORTED_AT = datetime(2026, 12, 5, 13, 41, tzinfo=UTC)


def _text(response) -> str:
    """The page with Babel's narrow and no-break spaces ("3:41\u202fAM") as plain ones."""
    return response.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def kiritimati(make_org, make_user, add_member):
    manager = make_user("boss@example.org", name="Boss Person", timezone="America/Los_Angeles")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, timezone="Pacific/Kiritimati")
    ana = make_user("ana@example.org", name="Ana")
    add_member(org, ana, employee_id="E-1")
    period = pay_calendar(org).previous(pay_calendar(org).period(org_today(org)))
    add_entry(ana, org, period[0], 60, paid=period[0])
    done = export.export_period(org, period[0], manager)
    done.exported_at = EXPORTED_AT  # a fixed moment, whatever day the test runs
    db.session.commit()
    return org, manager, period


def test_the_list_shows_export_times_on_the_organisations_clock(client, u, login, kiritimati):
    _org, manager, _period = kiritimati
    login(manager)
    page = _text(client.get(u("lms.hours.payroll_files", org_slug="acme")))
    assert "Dec 6, 2026, 3:41 AM +1400" in page
    assert "Dec 5, 2026" not in page  # the viewer's day, without a zone, is gone
    assert "Dates and times on this page are in the organisation's time zone: Kiribati (Kiritimati)." in page


def test_the_timesheet_says_the_same(client, u, login, kiritimati):
    _org, manager, period = kiritimati
    login(manager)
    page = _text(client.get(u("lms.hours.org_timesheet", org_slug="acme", start=period[0].isoformat())))
    assert "Exported Dec 6, 2026, 3:41 AM +1400." in page


def test_in_spanish_and_in_a_common_zone(client, u, login, kiritimati):
    org, manager, _period = kiritimati
    manager.locale = "es"
    org.timezone = "America/Los_Angeles"
    db.session.commit()
    login(manager)
    page = _text(client.get(u("lms.hours.payroll_files", org_slug="acme")))
    assert "5 dic 2026, 5:41 a.m. PST" in page  # Babel's Spanish for the US names Pacific time PST
    assert "Hora del Pacífico (Los Ángeles)" in page  # the label of the time-zone list, in the reader's language
