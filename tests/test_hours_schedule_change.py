"""A pay schedule change after payroll exports: exported periods stay history (listed, viewable, downloadable with
their own dates), new periods start after the last export (a short bridging period first), no export overlaps
another, and pending entries show on the open period that would pay them.

The dates are in 2025 so that every period in these tests has started whatever day the tests run on.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.errors import DomainError
from lms.hours import approvals, export, periods, timesheets
from lms.hours.models import EntryStatus, HoursEntry, PayrollExport
from lms.hours.pay_calendar import pay_calendar
from lms.orgs.models import PayPeriod
from tests.conftest import PASSWORD
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import export_on_page, fingerprint_now
from tests.test_hours_timesheets import rows_of

NOV10, NOV23, NOV24, DEC7, DEC8 = (date(2025, 11, 10), date(2025, 11, 23), date(2025, 11, 24), date(2025, 12, 7),
                                   date(2025, 12, 8))
SETTINGS = {"name": "Demo", "kind": "employer", "timezone": "America/Los_Angeles", "pay_period": "biweekly",
            "pay_period_anchor": "2025-11-10", "pay_rate": "20.00", "ce_year_basis": "calendar",
            "ce_fiscal_start_month": "7", "ce_minimum_hours": "6"}


@pytest.fixture
def demo(make_org, make_user, add_member):
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("demo", manager=manager, pay_period=PayPeriod.BIWEEKLY, pay_period_anchor=NOV10,
                   training_pay_rate_cents=2000)
    ana = make_user("ana@example.org", name="Ana")
    add_member(org, ana, employee_id="E-1")
    return org, manager, ana


def _pending(ana, org, day, minutes, title):
    return add_entry(ana, org, day, minutes, status=EntryStatus.PENDING, title=title)


def _export_on_the_page(client, u, start: date):
    response = export_on_page(client, u, "demo", start.isoformat())
    assert response.status_code == 302
    return response


@pytest.fixture
def exported_then_semimonthly(client, u, login, demo):
    """The QA steps: 10 h paid in each of the biweekly periods of 10 and 24 November, both exported on the page; one
    entry of 1 December approved after that (so paid on 8 December), pending ones of 4-5 December; then the manager
    switches to twice a month. Returns the files as exported."""
    org, manager, ana = demo
    first = _pending(ana, org, date(2025, 11, 12), 600, "Home visits")
    second = _pending(ana, org, date(2025, 11, 25), 600, "Outreach fair")
    db.session.commit()
    approvals.approve(first, manager)
    approvals.approve(second, manager)
    db.session.commit()
    login(manager)
    _export_on_the_page(client, u, NOV10)
    _export_on_the_page(client, u, NOV24)
    files = {e.period_start: e.content for e in db.session.scalars(select(PayrollExport))}
    late = _pending(ana, org, date(2025, 12, 1), 90, "Approved after the export")
    _pending(ana, org, date(2025, 12, 4), 45, "Still waiting (4 Dec)")
    _pending(ana, org, date(2025, 12, 5), 30, "Still waiting (5 Dec)")
    db.session.commit()
    approvals.approve(late, manager)
    db.session.commit()
    assert late.paid_period_start == DEC8
    page = client.get(u("lms.orgs.settings", org_slug="demo")).get_data(as_text=True)
    assert "keep their dates and their payroll files" in page and "Dec 8, 2025" in page  # the warning, beforehand
    saved = client.submit(u("lms.orgs.settings", org_slug="demo"), {**SETTINGS, "pay_period": "semimonthly"})
    assert saved.status_code == 302
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "The first pay period under the new schedule runs from Dec 8, 2025 to Dec 15, 2025" in shown
    return org, manager, ana, files


def test_exported_periods_stay_viewable_with_their_own_dates(client, u, exported_then_semimonthly):
    org, _manager, ana, files = exported_then_semimonthly
    page = client.get(u("lms.hours.org_timesheet", org_slug="demo", start="2025-11-16")).get_data(as_text=True)
    assert "Nov 10, 2025 to Nov 23, 2025" in page  # the exported period, not 16-30 November
    assert "Nobody has approved or pending hours" not in page and "Ana" in page and "10 hours" in page and "$200.00" in page
    assert "This period is locked" in page and "Export and lock this period" not in page
    assert "/hours/orgs/demo/payroll/2025-11-10.csv" in page
    person = client.get(u("lms.hours.person_timesheet", org_slug="demo", user_id=ana.id, start="2025-11-16"))
    text = person.get_data(as_text=True)
    assert "Home visits" in text and "Exported to payroll" in text and "No approved hours are paid" not in text
    # the pager walks the periods as they are: 10-23 Nov, 24 Nov-7 Dec (exported), then the bridging 8-15 Dec
    assert "start=2025-11-24" in page
    second = client.get(u("lms.hours.org_timesheet", org_slug="demo", start="2025-12-01")).get_data(as_text=True)
    assert "Nov 24, 2025 to Dec 7, 2025" in second and "start=2025-12-08" in second
    # both files stay listed and download byte for byte, with their original dates
    listing = client.get(u("lms.hours.payroll_files", org_slug="demo"))
    listed = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert "/hours/orgs/demo/payroll/2025-11-10.csv" in listed and "/hours/orgs/demo/payroll/2025-11-24.csv" in listed
    assert "Nov 24, 2025 to Dec 7, 2025" in listed
    for start, content in files.items():
        download = client.get(u("lms.hours.download_payroll", org_slug="demo", start=start.isoformat()))
        assert download.data == content
    assert {(r["period_start"], r["period_end"]) for r in rows_of(files[NOV24])} == {("2025-11-24", "2025-12-07")}
    assert u("lms.hours.payroll_files", org_slug="demo") + '"' in page  # the timesheets page links to the list


def test_no_export_overlaps_an_exported_period(client, u, exported_then_semimonthly):
    org, manager, _ana, _files = exported_then_semimonthly
    for start in ("2025-11-16", "2025-12-01"):  # the new schedule's periods that overlap the exports
        response = export_on_page(client, u, "demo", start)
        assert response.status_code == 400 and "Choose exactly one pay period" in response.get_data(as_text=True)
    # 1-9 November: the new schedule's 1-15 November cut at the export of the 10th; payroll ran past it, it pays
    # nothing, so it offers no export and refuses one
    gap = client.get(u("lms.hours.org_timesheet", org_slug="demo", start="2025-11-03")).get_data(as_text=True)
    assert "Nov 1, 2025 to Nov 9, 2025" in gap and "Export and lock this period" not in gap
    refused = export_on_page(client, u, "demo", "2025-11-01", shown=fingerprint_now(org, date(2025, 11, 1)))
    assert refused.status_code == 400 and "nothing to export" in refused.get_data(as_text=True)
    api = client.get(u("lms.api.org_timesheets_csv", org_slug="demo", start="2025-11-16", end="2025-11-30"))
    assert api.status_code == 400
    with pytest.raises(DomainError, match="Choose exactly one pay period"):
        export.export_period(org, date(2025, 12, 1), manager)
    assert db.session.scalar(select(func.count(PayrollExport.id))) == 2


def test_unexported_entries_go_to_the_bridging_period_and_export_there(client, u, exported_then_semimonthly):
    org, _manager, ana, _files = exported_then_semimonthly
    late = db.session.scalar(select(HoursEntry).where(HoursEntry.title == "Approved after the export"))
    assert late.paid_period_start == DEC8  # not 1 December, which the 24 November file covered
    page = client.get(u("lms.hours.org_timesheet", org_slug="demo", start="2025-12-10")).get_data(as_text=True)
    assert "Dec 8, 2025 to Dec 15, 2025" in page and "start=2025-11-24" in page and "start=2025-12-16" in page
    assert "Export and lock this period" in page
    person = client.get(u("lms.hours.person_timesheet", org_slug="demo", user_id=ana.id, start="2025-12-08"))
    assert "Approved after the export" in person.get_data(as_text=True)
    done = _export_on_the_page(client, u, DEC8)
    assert done.headers["Location"].endswith("/hours/orgs/demo/timesheets?start=2025-12-08#payroll-heading")
    rows = rows_of(client.get(u("lms.hours.download_payroll", org_slug="demo", start="2025-12-08")).data)
    assert [(r["period_start"], r["period_end"], r["date"], r["title"]) for r in rows] == [
        ("2025-12-08", "2025-12-15", "2025-12-01", "Approved after the export")]
    # then the new schedule proper
    assert pay_calendar(org).period(date(2025, 12, 20)) == (date(2025, 12, 16), date(2025, 12, 31))


def test_the_trainee_summary_keeps_the_exported_dates(app, u, exported_then_semimonthly):
    _org, _manager, ana, _files = exported_then_semimonthly
    trainee = app.test_client()
    assert trainee.submit(u("lms.accounts.login"), {"email": ana.email, "password": PASSWORD}).status_code == 302
    summary = trainee.get(u("lms.hours.my_summary")).get_data(as_text=True)
    assert "Nov 10, 2025 to Nov 23, 2025" in summary and "Nov 24, 2025 to Dec 7, 2025" in summary
    assert "Dec 8, 2025 to Dec 15, 2025" in summary
    mine = trainee.get(u("lms.hours.my_timesheet", start="2025-11-16")).get_data(as_text=True)
    assert "Home visits" in mine and "Nov 10, 2025 to Nov 23, 2025" in mine


def test_late_pending_entries_show_on_the_open_period_that_would_pay_them(client, u, login, demo):
    """Bug 2, without any schedule change: pending entries of 4-5 December after 24 Nov-7 Dec was exported."""
    org, manager, ana = demo
    _pending(ana, org, date(2025, 12, 4), 45, "Still waiting (4 Dec)")
    _pending(ana, org, date(2025, 12, 5), 30, "Still waiting (5 Dec)")
    db.session.commit()
    login(manager)
    _export_on_the_page(client, u, NOV24)
    open_page = client.get(u("lms.hours.org_timesheet", org_slug="demo", start="2025-12-08")).get_data(as_text=True)
    assert "Dec 8, 2025 to Dec 21, 2025" in open_page
    assert "2 entries still await approval that would be paid in this period" in open_page
    assert "Ana" in open_page and "1 hour 15 minutes" in open_page
    person = client.get(u("lms.hours.person_timesheet", org_slug="demo", user_id=ana.id, start="2025-12-08"))
    text = person.get_data(as_text=True)
    assert "Still waiting (4 Dec)" in text and "Still waiting (5 Dec)" in text
    assert "payroll has already run for" in text
    locked = client.get(u("lms.hours.person_timesheet", org_slug="demo", user_id=ana.id, start="2025-12-04"))
    locked_text = locked.get_data(as_text=True)
    assert "Still waiting (4 Dec)" in locked_text  # still mentioned where they were done …
    assert "They are paid in the period that is open" not in locked_text  # … without suggesting this period pays them
    assert "if they are approved, they are paid in the period from Dec 8, 2025 to Dec 21, 2025" in locked_text
    locked_org = client.get(u("lms.hours.org_timesheet", org_slug="demo", start="2025-12-04")).get_data(as_text=True)
    assert "if they are approved, they are paid in the period from Dec 8, 2025 to Dec 21, 2025" in locked_org
    # approving them pays them exactly where the open sheet said
    for entry in db.session.scalars(select(HoursEntry).where(HoursEntry.status == EntryStatus.PENDING)):
        approvals.approve(entry, manager)
    db.session.commit()
    sheet = timesheets.get_timesheet(org, ana, DEC8)
    assert [line.title for line in sheet.lines] == ["Still waiting (4 Dec)", "Still waiting (5 Dec)"]
    assert sheet.pending == []


def test_pending_entries_of_an_open_period_are_listed_once(demo):
    org, manager, ana = demo
    _pending(ana, org, date(2025, 11, 12), 60, "In the open period")
    db.session.commit()
    export.export_period(org, NOV10, manager, today=date(2025, 11, 30))
    db.session.commit()
    # exported: listed where it was done (with where it would be paid), and on the first open period
    locked, following = timesheets.get_timesheet(org, ana, NOV10), timesheets.get_timesheet(org, ana, NOV24)
    assert [line.title for line in locked.pending] == ["In the open period"] and locked.paid_later_in == (NOV24, DEC7)
    assert [line.title for line in following.pending] == ["In the open period"] and following.paid_later_in is None
    # a later open period does not list it
    assert timesheets.get_timesheet(org, ana, DEC8).pending == []


# ---------------------------------------------------------------- the calendar, service level

def _record(org, start, end):
    db.session.add(PayrollExport(org_id=org.id, period_start=start, period_end=end, content=b"", sha256="0" * 64,
                                 row_count=0))
    db.session.flush()


def _change(org, kind, anchor):
    org.pay_period, org.pay_period_anchor = kind, anchor
    db.session.flush()


@pytest.mark.parametrize(("kind", "anchor"), [
    (PayPeriod.SEMIMONTHLY, NOV10), (PayPeriod.MONTHLY, NOV10), (PayPeriod.WEEKLY, date(2025, 11, 12)),
    (PayPeriod.BIWEEKLY, date(2025, 11, 17)), (PayPeriod.BIWEEKLY, NOV10),
])
def test_the_calendar_tiles_the_days_around_the_exports(demo, kind, anchor):
    org, _manager, _ana = demo
    _record(org, date(2025, 10, 13), date(2025, 10, 26))
    _record(org, NOV10, NOV23)
    _record(org, NOV24, DEC7)
    _change(org, kind, anchor)
    calendar = pay_calendar(org)
    exported = [(date(2025, 10, 13), date(2025, 10, 26)), (NOV10, NOV23), (NOV24, DEC7)]
    day, seen = date(2025, 9, 1), []
    while day < date(2026, 3, 1):
        period = calendar.period(day)
        assert period[0] <= day <= period[1]
        assert calendar.period(period[0]) == period == calendar.period(period[1])
        assert period in exported or all(period[1] < s or period[0] > e for s, e in exported)  # no overlap
        if day > DEC7:  # where approvals and the schedule change put entries agrees with the pages
            assert periods.paying_period(org, day, set(), DEC7) == period
        if not seen or seen[-1] != period:  # every day, in order: periods follow one another without gaps
            assert not seen or (seen[-1][1] + timedelta(days=1) == period[0] == day
                                and calendar.next(seen[-1]) == period and calendar.previous(period) == seen[-1])
            seen.append(period)
        day += timedelta(days=1)
    assert all(p in seen for p in exported)
    assert periods.paying_period(org, date(2025, 11, 1), set(), DEC7)[0] == DEC8  # payroll ran: first open period
    assert calendar.paying_period(date(2025, 11, 1))[0] == DEC8


def test_old_overlapping_exports_each_stay_reachable_by_their_start(demo):
    """Data written by the bug (16-30 Nov exported over 10-23 Nov and 24 Nov-7 Dec) still shows every file."""
    org, _manager, _ana = demo
    _record(org, NOV10, NOV23)
    _record(org, NOV24, DEC7)
    _record(org, date(2025, 11, 16), date(2025, 11, 30))
    calendar = pay_calendar(org)
    assert calendar.period(NOV10) == (NOV10, NOV23)
    assert calendar.period(NOV24) == (NOV24, DEC7)
    assert calendar.period(date(2025, 11, 16)) == (date(2025, 11, 16), date(2025, 11, 30))
    assert calendar.period(DEC8)[0] == DEC8


def test_the_reported_steps_at_service_level(make_org, make_user, add_member):
    """The QA report's dates (2026), through the services: export 9 and 23 November, switch to twice a month."""
    from dataclasses import fields, replace

    from lms.orgs import settings as org_settings
    from lms.orgs.services import OrgSettings

    manager = make_user(name="Manager")
    org = make_org("demo", manager=manager, pay_period=PayPeriod.BIWEEKLY, pay_period_anchor=date(2026, 11, 9))
    ana = make_user(name="Ana")
    add_member(org, ana)
    for day in (date(2026, 11, 10), date(2026, 11, 24)):
        approvals.approve(_pending(ana, org, day, 600, "Paid"), manager)
    export.export_period(org, date(2026, 11, 9), manager, today=date(2026, 11, 23))
    export.export_period(org, date(2026, 11, 23), manager, today=date(2026, 12, 7))
    late = _pending(ana, org, date(2026, 12, 1), 60, "Late")
    approvals.approve(late, manager)
    assert late.paid_period_start == date(2026, 12, 7)
    settings = OrgSettings(**{f.name: getattr(org, f.name) for f in fields(OrgSettings)})
    org_settings.update_settings(org, replace(settings, pay_period=PayPeriod.SEMIMONTHLY), manager)
    db.session.commit()

    assert late.paid_period_start == date(2026, 12, 7)  # 7-15 December, not 1-15 December
    sheet = timesheets.get_org_timesheet(org, date(2026, 11, 16))
    assert (sheet.start, sheet.end, sheet.total_minutes, sheet.is_locked) == (date(2026, 11, 9), date(2026, 11, 22),
                                                                               600, True)
    person = timesheets.get_timesheet(org, ana, date(2026, 12, 1))
    assert (person.start, person.end, person.total_minutes) == (date(2026, 11, 23), date(2026, 12, 6), 600)
    bridge = timesheets.get_timesheet(org, ana, date(2026, 12, 10))
    assert (bridge.start, bridge.end, [line.title for line in bridge.lines]) == (
        date(2026, 12, 7), date(2026, 12, 15), ["Late"])
    assert (bridge.previous, bridge.next) == ((date(2026, 11, 23), date(2026, 12, 6)),
                                              (date(2026, 12, 16), date(2026, 12, 31)))
    with pytest.raises(DomainError):
        export.export_period(org, date(2026, 11, 16), manager, today=date(2026, 12, 20))
    assert [(e.start, e.end) for e in export.list_exports(org)] == [
        (date(2026, 11, 23), date(2026, 12, 6)), (date(2026, 11, 9), date(2026, 11, 22))]
