"""The payroll export refused because the sheet changed since the manager opened it (SheetChanged, 409): the page
shows what changed and keeps "Yes, export it before it ends" and "Yes, export this period without them" as sent, but
not "I have checked this timesheet": the manager checked another sheet, so the page says that box was cleared and is
to be ticked again once the new sheet is checked. It used to clear every tick."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import User
from lms.hours import export, unexported
from lms.hours.models import PayrollExport
from lms.hours.periods import org_today
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import MAR1, semimonthly_clinic, shown_on_page

RECHECK = ("The timesheet changed, so this box is no longer ticked: tick it again once you have checked the timesheet "
           "as it is now.")
CHANGED = "Nothing was exported: the timesheet is not the one you checked."


@pytest.fixture
def clinic(make_org, make_user, add_member):
    return semimonthly_clinic(make_org, make_user, add_member)


def _ana() -> User:
    return db.session.scalar(select(User).where(User.email == "ana@example.org"))


def _box(page: str, name: str) -> str:
    return re.search(rf'<input type="checkbox"[^>]*name="{name}"[^>]*>', page).group(0)


def _exports() -> int:
    return db.session.scalar(select(func.count(PayrollExport.id)))


def _send_after_a_change(client, u, org, start: date, **ticks: str):
    """The export form of ``start``'s page, sent with ``confirm`` and ``ticks`` after another approval changed it."""
    shown = shown_on_page(client, u, "clinica", start.isoformat())
    add_entry(_ana(), org, start, 30, paid=start)  # approved in another tab
    db.session.commit()
    data = {"start": start.isoformat(), "shown": shown, "confirm": "yes", **ticks}
    return client.submit(u("lms.hours.export_payroll", org_slug="clinica"), data)


def test_a_changed_sheet_keeps_skip_earlier_and_clears_i_have_checked(client, u, login, clinic):
    org, manager = clinic
    login(manager)
    refused = _send_after_a_change(client, u, org, MAR1, skip_earlier="yes")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and CHANGED in page and _exports() == 0
    assert "checked" in _box(page, "skip_earlier")
    confirm = _box(page, "confirm")
    assert "checked" not in confirm.replace('name="confirm"', "")
    assert f'<p class="notice" id="confirm-recheck">{RECHECK}</p>' in page
    assert re.search(r'aria-describedby="[^"]*confirm-recheck', confirm)
    # ticked again once checked, with the kept tick as the page now sends it, it exports
    shown = re.search(r'name="shown" value="([^"]+)"', page).group(1)
    done = client.submit(u("lms.hours.export_payroll", org_slug="clinica"),
                         {"start": MAR1.isoformat(), "shown": shown, "confirm": "yes", "skip_earlier": "yes"})
    assert done.status_code == 302 and export.get_export(org, MAR1) is not None


def test_a_changed_running_period_keeps_the_early_tick(client, u, login, clinic):
    org, manager = clinic
    today = org_today(org)
    start, _end = export.period_of(org, today)
    add_entry(_ana(), org, today, 45, paid=start)
    for earlier in unexported.list_unexported_periods(org, today, before=start):
        export.export_period(org, earlier.start, None)
    db.session.commit()
    before = _exports()
    login(manager)
    refused = _send_after_a_change(client, u, org, start, early="yes")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and CHANGED in page and _exports() == before
    assert "checked" in _box(page, "early") and 'aria-invalid' not in _box(page, "early")
    assert "checked" not in _box(page, "confirm").replace('name="confirm"', "")
    assert RECHECK in page


def test_other_refusals_and_the_plain_page_do_not_say_the_box_was_cleared(client, u, login, clinic):
    login(clinic[1])
    assert RECHECK not in client.get(u("lms.hours.org_timesheet", org_slug="clinica", start=MAR1.isoformat())).get_data(
        as_text=True)
    shown = shown_on_page(client, u, "clinica", MAR1.isoformat())
    refused = client.submit(u("lms.hours.export_payroll", org_slug="clinica"),
                            {"start": MAR1.isoformat(), "shown": shown, "confirm": "yes"})  # earlier periods: 400
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and RECHECK not in page and "checked" in _box(page, "confirm")


def test_the_note_is_in_spanish_too(client, u, login, clinic):
    org, manager = clinic
    login(manager)
    shown = shown_on_page(client, u, "clinica", MAR1.isoformat())
    add_entry(_ana(), org, MAR1, 30, paid=MAR1)
    db.session.commit()
    refused = client.submit(u("lms.hours.export_payroll", org_slug="clinica", lang="es"),
                            {"start": MAR1.isoformat(), "shown": shown, "confirm": "yes", "skip_earlier": "yes"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409 and '<html lang="es' in page
    assert 'id="confirm-recheck"' in page and "checked" in _box(page, "skip_earlier")
