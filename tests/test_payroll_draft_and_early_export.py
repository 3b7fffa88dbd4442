"""Exporting a pay period that has not ended asks first (what happens to the rest of the period is said), and any
period not exported yet has a draft of its payroll file: marked DRAFT, neutralised like the real file, locking nothing."""

from __future__ import annotations

import csv
import io
from codecs import BOM_UTF8
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.hours import approvals, export
from lms.hours.export import PeriodNotOver
from lms.hours.models import EntrySource, EntryStatus, PayrollExport
from lms.hours.periods import org_today
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import export_on_page

#: A semimonthly period of the past, and a day in the middle of it.
MAR1, MAR15, MAR16, MID = date(2026, 3, 1), date(2026, 3, 15), date(2026, 3, 16), date(2026, 3, 9)


@pytest.fixture
def acme(make_org, make_user, add_member):
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=1950)
    ana = make_user("ana@example.org", name="Ana Núñez")
    add_member(org, ana, employee_id="E-7", employment_start=date(2025, 1, 1))
    return org, manager, ana


def _lines(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def _exports() -> int:
    return db.session.scalar(select(func.count(PayrollExport.id)))


def test_the_service_asks_before_exporting_a_period_that_has_not_ended(app, acme):
    org, manager, ana = acme
    add_entry(ana, org, MAR1 + timedelta(days=1), 60, paid=MAR1)
    db.session.commit()
    for today in (MID, MAR15):  # the last day too: training may still be done that day
        with pytest.raises(PeriodNotOver, match="runs until"):
            export.export_period(org, MAR1, manager, today=today)
        db.session.rollback()
    assert _exports() == 0
    done = export.export_period(org, MAR1, manager, today=MID, before_end=True)
    db.session.commit()
    assert done.period_end == MAR15
    assert export.export_period(org, MAR1, manager, today=MID) == done  # exported already: the same file, no question
    over = export.export_period(org, MAR16, manager, today=date(2026, 4, 1))  # ended: no question
    assert over.period_start == MAR16


def test_training_done_later_in_a_period_exported_early_is_paid_in_the_next_one(app, acme):
    """What the question says is what happens."""
    org, manager, ana = acme
    export.export_period(org, MAR1, manager, today=MID, before_end=True)
    later = add_entry(ana, org, MID + timedelta(days=3), 90, status=EntryStatus.PENDING)
    db.session.commit()
    approvals.approve(later, manager)
    db.session.commit()
    assert later.paid_period_start == MAR16


def test_the_page_asks_for_its_own_tick_before_exporting_the_running_period(client, u, login, acme):
    org, manager, ana = acme
    today = org_today(org)
    start, end = export.period_of(org, today)
    add_entry(ana, org, start, 60, paid=start)
    db.session.commit()
    login(manager)
    page = client.get(u("lms.hours.org_timesheet", org_slug="acme")).get_data(as_text=True)
    assert "This pay period is not over" in page and 'name="early"' in page
    refused = export_on_page(client, u, "acme", start.isoformat())
    assert refused.status_code == 400 and _exports() == 0  # the sheet again (tests/test_refusals_payroll_export.py)
    assert "Nothing was exported: this pay period runs until" in refused.get_data(as_text=True)
    done = export_on_page(client, u, "acme", start.isoformat(), early="yes")
    assert done.headers["Location"].endswith(f"/timesheets?start={start.isoformat()}#payroll-heading") and _exports() == 1
    past = client.get(u("lms.hours.org_timesheet", org_slug="acme", start=(start - timedelta(days=1)).isoformat()))
    assert 'name="early"' not in past.get_data(as_text=True)  # a period that has ended has no such question
    assert end >= today


def test_the_api_exports_a_running_period_only_with_early_true(client, u, acme):
    """A payroll system pulling the file with a personal token is the export; a period that has not ended, only when
    it says so (``early=true``, as the page's second tick): otherwise 409 and nothing is locked
    (tests/test_api_payroll_draft.py has the rest)."""
    from lms.accounts import api_tokens

    org, manager, _ana = acme
    start, end = export.period_of(org, org_today(org))
    _token, raw = api_tokens.create_api_token(manager, "payroll")
    db.session.commit()
    url = u("lms.api.org_timesheets_csv", org_slug="acme", start=start.isoformat(), end=end.isoformat())
    response = client.get(url, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 409 and response.json["error"]["code"] == "period_not_over" and _exports() == 0
    response = client.get(url + "&early=true", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and _exports() == 1


def test_a_draft_is_marked_neutralised_and_locks_nothing(client, u, login, acme):
    org, manager, ana = acme
    add_entry(ana, org, MAR1 + timedelta(days=1), 50, paid=MAR1, title='=HYPERLINK("http://evil.example","x")')
    add_entry(ana, org, MAR1 + timedelta(days=2), -30, paid=MAR1, title="@SUM(A1:A9)", source=EntrySource.ADJUSTMENT)
    waiting = add_entry(ana, org, MAR1 + timedelta(days=3), 45, status=EntryStatus.PENDING)
    db.session.commit()
    audit_rows = db.session.scalar(select(func.count(AuditEvent.id)))
    login(manager)
    response = client.get(u("lms.hours.draft_payroll", org_slug="acme", start=MID.isoformat()))  # any day of it
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="DRAFT-timesheet-acme-2026-03-01-2026-03-15.csv"'
    assert response.headers["Cache-Control"] == "private, no-store" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(BOM_UTF8)  # for people: Excel reads "Núñez" right
    note, header, *rows = _lines(response.data.removeprefix(BOM_UTF8))
    assert len(note) == 1 and note[0].startswith("DRAFT, not locked, not a payroll file: Acme, pay period ")
    assert header == list(export.COLUMNS)
    assert [(r[1], r[6], r[9], r[12]) for r in rows] == [
        ("Ana Núñez", "50", "16.25", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
        ("Ana Núñez", "-30", "-9.75", "'@SUM(A1:A9)")]
    assert _exports() == 0 and db.session.scalar(select(func.count(AuditEvent.id))) == audit_rows
    approvals.approve(waiting, manager)  # the period is still open: an approval is paid in it
    db.session.commit()
    assert waiting.paid_period_start == MAR1
    done = export.export_period(org, MAR1, manager, today=date(2026, 4, 1))
    db.session.commit()
    redirected = client.get(u("lms.hours.draft_payroll", org_slug="acme", start=MID.isoformat()))
    # exported now: the address leads to the file itself, not to a draft
    assert redirected.status_code == 302 and redirected.headers["Location"].endswith("/payroll/2026-03-01.csv")
    assert _lines(done.content)[1:3] == rows  # the draft's lines are the file's, as it would have been then


def test_the_timesheet_offers_a_draft_until_the_period_is_exported(client, u, login, acme):
    org, manager, ana = acme
    add_entry(ana, org, MAR1 + timedelta(days=1), 60, paid=MAR1)
    db.session.commit()
    login(manager)
    page = lambda: client.get(u("lms.hours.org_timesheet", org_slug="acme", start=MAR1.isoformat())).get_data(  # noqa: E731
        as_text=True)
    assert "Download a draft (not locked)" in page() and "timesheets/draft.csv?start=2026-03-01" in page()
    export.export_period(org, MAR1, manager)
    db.session.commit()
    assert "Download a draft" not in page() and "Download the payroll file (CSV)" in page()
