"""Timesheets (integer money), the payroll CSV export and its lock, the API download, and organisation scoping."""

from __future__ import annotations

import csv
import hashlib
import io
import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms import db
from lms.hours import export, timesheets
from lms.hours.models import EntrySource, EntryStatus, PayrollExport
from lms.hours.money import amount_cents, dollars_text, hours_text, hundredths
from lms.hours.periods import org_today
from lms.orgs.models import MemberRole, PayPeriod
from tests.api_support import bearer as _bearer
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import export_on_page

NOV1, NOV15, NOV16, NOV30, DEC1 = date(2026, 11, 1), date(2026, 11, 15), date(2026, 11, 16), date(2026, 11, 30), date(2026, 12, 1)
TODAY = date(2026, 11, 23)


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.fixture
def acme(make_org, make_user):
    manager = make_user("boss@example.org", name="Boss Person")
    org = make_org("acme", manager=manager, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=1950)
    return org, manager


@pytest.fixture
def staff(acme, make_user, add_member):
    org, _manager = acme

    def make(name: str, employee_id: str | None = None, locale: str | None = None):
        user = make_user(name=name, locale=locale)
        add_member(org, user, employee_id=employee_id)
        return user

    return make


# ---------------------------------------------------------------- money

@pytest.mark.parametrize(("minutes", "rate", "cents"), [
    (60, 1950, 1950),
    (1, 2000, 33),     # 33.33 → 33
    (1, 1950, 33),     # 32.5 → 33 (half-up)
    (3, 1010, 51),     # 50.5 → 51
    (2, 1010, 34),     # 33.67 → 34
    (7, 1, 0),         # 0.1167 → 0
    (30, 1, 1),        # 0.5 → 1
    (0, 1950, 0),
    (-1, 1950, -33),   # adjustments round away from zero, mirroring the line they correct
    (-30, 1, -1),
    (10**6, 10**6, 16_666_666_667),  # big numbers stay exact (no floats)
])
def test_line_amount_is_integer_cents_rounded_half_up(minutes, rate, cents):
    assert amount_cents(minutes, rate) == cents
    assert isinstance(amount_cents(minutes, rate), int)


def test_decimal_texts_without_floats():
    assert hours_text(90) == "1.50"
    assert hours_text(50) == "0.83"
    assert hours_text(1) == "0.02"   # 0.01666…
    assert hours_text(-30) == "-0.50"
    assert hours_text(0) == "0.00"
    assert dollars_text(1250) == "12.50"
    assert dollars_text(-5) == "-0.05"
    assert dollars_text(7) == "0.07"
    assert hundredths(1, 200) == "0.01" and hundredths(-1, 200) == "-0.01" and hundredths(1, 201) == "0.00"


# ---------------------------------------------------------------- timesheets

def test_timesheet_lines_totals_and_pending(app, acme, staff, make_org):
    org, _ = acme
    ana = staff("Ana")
    other = make_org("other", pay_period=PayPeriod.SEMIMONTHLY)
    for day in (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)):
        add_entry(ana, org, day, 1, paid=NOV1, title=f"Minute {day.day}")  # 32.5 cents each → 33
    add_entry(ana, org, date(2026, 11, 5), 90, paid=NOV1, rate=2000, title="Older rate")
    add_entry(ana, org, date(2026, 10, 30), 45, paid=NOV1, title="Late approval from October")
    add_entry(ana, org, date(2026, 11, 6), 60, paid=NOV16, title="Paid next period")
    add_entry(ana, org, date(2026, 11, 7), 30, status=EntryStatus.PENDING, title="Waiting")
    add_entry(ana, org, date(2026, 11, 20), 30, status=EntryStatus.PENDING, title="Waiting, next period")
    add_entry(ana, org, date(2026, 11, 8), 30, status=EntryStatus.REJECTED, title="Rejected")
    add_entry(ana, other, date(2026, 11, 8), 30, paid=NOV1, title="Other organisation")
    db.session.commit()

    sheet = timesheets.get_timesheet(org, ana, date(2026, 11, 9))
    assert (sheet.start, sheet.end) == (NOV1, NOV15)
    assert [line.title for line in sheet.lines] == [
        "Late approval from October", "Minute 2", "Minute 3", "Minute 4", "Older rate"]
    assert [line.amount_cents for line in sheet.lines] == [1463, 33, 33, 33, 3000]  # 14.625 → 14.63
    assert sheet.total_minutes == 45 + 3 + 90
    assert sheet.total_cents == 1463 + 99 + 3000  # per-line rounding, not 3 minutes x 19.50 = 97.5 → 98
    assert {line.pay_code for line in sheet.lines} == {"TRAINING"}
    assert [line.title for line in sheet.pending] == ["Waiting"]
    assert not sheet.is_locked


def test_org_timesheet_matches_person_timesheets(app, acme, staff):
    org, _ = acme
    ana, bo, cy = staff("Ana", "E-1"), staff("Bo", "E-2"), staff("Cy")
    add_entry(ana, org, date(2026, 11, 2), 1, paid=NOV1)
    add_entry(ana, org, date(2026, 11, 3), 1, paid=NOV1)
    add_entry(ana, org, date(2026, 11, 4), 61, paid=NOV1, rate=1010)
    add_entry(ana, org, date(2026, 11, 4), -1, paid=NOV1, source=EntrySource.ADJUSTMENT)
    add_entry(bo, org, date(2026, 11, 9), 120, paid=NOV1)
    add_entry(bo, org, date(2026, 11, 10), 15, status=EntryStatus.PENDING)
    add_entry(cy, org, date(2026, 11, 12), 50, status=EntryStatus.PENDING)
    db.session.commit()

    sheet = timesheets.get_org_timesheet(org, NOV15)
    by_name = {row.name: row for row in sheet.rows}
    assert list(by_name) == ["Ana", "Bo", "Cy"]
    for user in (ana, bo, cy):
        person = timesheets.get_timesheet(org, user, NOV1)
        row = by_name[user.name]
        assert (row.minutes, row.amount_cents, row.line_count) == (person.total_minutes, person.total_cents,
                                                                    len(person.lines))
        assert (row.pending_count, row.pending_minutes) == (len(person.pending), person.pending_minutes)
    assert by_name["Ana"].amount_cents == 33 + 33 + 1027 - 33  # 61 x 10.10 / 60 = 10.268 → 10.27
    assert by_name["Ana"].employee_id == "E-1" and by_name["Cy"].employee_id is None
    assert sheet.total_cents == sum(row.amount_cents for row in sheet.rows)
    assert sheet.pending_count == 2


def test_org_timesheet_runs_a_fixed_number_of_queries(app, acme, staff, count_queries):
    org, _ = acme

    def queries_for(people: int) -> int:
        for n in range(people):
            user = staff(f"Person {people}-{n}")
            add_entry(user, org, date(2026, 11, 2), 30, paid=NOV1)
            add_entry(user, org, date(2026, 11, 3), 30, status=EntryStatus.PENDING)
        db.session.commit()
        db.session.expire_all()
        with count_queries() as counter:
            sheet = timesheets.get_org_timesheet(org, NOV1)
        return counter.count, len(sheet.rows)

    few, rows_few = queries_for(2)
    many, rows_many = queries_for(20)
    assert (rows_few, rows_many) == (2, 22)
    assert few == many <= 3


def test_org_timesheet_page_and_person_page(app, client, u, login, acme, staff):
    org, manager = acme
    ana = staff("Ana")
    add_entry(ana, org, date(2026, 11, 2), 90, paid=NOV1, title="Motivational interviewing")
    add_entry(ana, org, date(2026, 11, 3), 30, status=EntryStatus.PENDING, title="Still waiting")
    db.session.commit()
    login(manager)
    page = client.get(u("lms.hours.org_timesheet", org_slug="acme", start="2026-11-10"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ana" in html and "$29.25" in html and "2026-10-16" in html and "2026-11-16" in html  # prev/next
    assert "1 entry done in this period still awaits approval" in html
    person = client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=ana.id, start="2026-11-01"))
    text = person.get_data(as_text=True)
    assert person.status_code == 200 and "Motivational interviewing" in text and "Still waiting" in text
    # bad dates fall back to the current period instead of failing
    assert client.get(u("lms.hours.org_timesheet", org_slug="acme", start="2026-02-30")).status_code == 200
    assert client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=manager.id + 999)).status_code == 404


def test_trainee_sees_own_periods_with_prev_next(app, client, u, login, acme, staff):
    org, manager = acme
    ana, bo = staff("Ana"), staff("Bo")
    add_entry(ana, org, date(2026, 11, 2), 60, paid=NOV1, title="Ana's training")
    add_entry(bo, org, date(2026, 11, 2), 60, paid=NOV1, title="Bo's training")
    db.session.commit()
    login(ana)
    page = client.get(u("lms.hours.my_timesheet", start="2026-11-05"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ana&#39;s training" in html and "Bo&#39;s training" not in html and "$19.50" in html
    assert "start=2026-10-16" in html and "start=2026-11-16" in html
    # payroll's code for the line is the manager's column, not hers (it is not a word in her language)
    assert "Pay code" not in html and "TRAINING" not in html
    assert 'colspan="3">Total' in html  # the total's label still spans up to the time column
    login(manager)
    sheet = client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=ana.id, start="2026-11-05")).text
    assert "Pay code" in sheet and "TRAINING" in sheet and 'colspan="4">Total' in sheet
    later = client.get(u("lms.hours.my_timesheet", start="2026-11-16")).get_data(as_text=True)
    assert "Ana&#39;s training" not in later


# ---------------------------------------------------------------- payroll export

def test_export_columns_values_and_formula_injection(app, acme, staff):
    org, manager = acme
    plus = staff("+1", employee_id="-5")
    ana = staff("Ana Núñez", employee_id="E-7")
    add_entry(plus, org, date(2026, 11, 2), 50, paid=NOV1, title='=HYPERLINK("http://evil.example","click")')
    add_entry(plus, org, date(2026, 11, 3), 30, paid=NOV1, title="@SUM(A1:A9)")
    add_entry(plus, org, date(2026, 11, 4), -30, paid=NOV1, title="\tTabbed", source=EntrySource.ADJUSTMENT)
    add_entry(ana, org, date(2026, 11, 5), 90, paid=NOV1, title="Plain, with comma")
    db.session.commit()

    done = export.export_period(org, NOV1, manager, today=TODAY)
    db.session.commit()
    content = done.content
    assert content.startswith(b"employee_id,name,period_start,period_end,date,pay_code,minutes,hours,rate,amount,"
                              b"entry_id,source,title,corrects_entry_id\r\n")
    rows = rows_of(content)
    assert list(rows[0]) == list(export.COLUMNS)
    assert [r["name"] for r in rows] == ["'+1", "'+1", "'+1", "Ana Núñez"]
    first, second, third, ana_row = rows
    assert first["employee_id"] == "'-5"
    assert first["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert second["title"] == "'@SUM(A1:A9)" and third["title"] == "'\tTabbed"
    assert (first["minutes"], first["hours"], first["rate"], first["amount"]) == ("50", "0.83", "19.50", "16.25")
    # negative numbers in numeric columns stay numbers (payroll adds them up); only text cells are neutralised
    assert (third["minutes"], third["hours"], third["amount"]) == ("-30", "-0.50", "-9.75")
    assert ana_row["period_start"] == "2026-11-01" and ana_row["period_end"] == "2026-11-15"
    assert ana_row["date"] == "2026-11-05" and ana_row["pay_code"] == "TRAINING" and ana_row["title"] == "Plain, with comma"
    assert ana_row["source"] == "external" and int(ana_row["entry_id"]) > 0
    assert done.row_count == 4 and done.sha256 == hashlib.sha256(content).hexdigest()


def test_neutralise_only_formula_starts():
    assert [export.neutralise(t) for t in ("=1", "+1", "-1", "@a", "\t", "\rx", "a=1", "", None, "1-2")] == [
        "'=1", "'+1", "'-1", "'@a", "'\t", "'\rx", "a=1", "", "", "1-2"]


def test_export_twice_gives_the_identical_file_and_locks(app, client, u, login, acme, staff):
    org, manager = acme
    ana = staff("Ana")
    add_entry(ana, org, date(2026, 11, 2), 60, paid=NOV1)
    db.session.commit()
    login(manager)
    unconfirmed = client.submit(u("lms.hours.export_payroll", org_slug="acme"), {"start": "2026-11-01"})
    # the sheet again, the tick's problem at its box (tests/test_payroll_export_confirm_field.py)
    assert unconfirmed.status_code == 400 and "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PayrollExport.id))) == 0
    first = export_on_page(client, u, "acme", "2026-11-01")
    # the period's page, now exported and locked, with its file (tests/test_payroll_export_checked_sheet.py)
    assert first.status_code == 302 and first.headers["Location"].endswith(
        "/hours/orgs/acme/timesheets?start=2026-11-01#payroll-heading")
    download = client.get(u("lms.hours.download_payroll", org_slug="acme", start="2026-11-01"))
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # a new approved line appears in the database for the period (it should not, but even so) …
    add_entry(ana, org, date(2026, 11, 3), 60, paid=NOV1)
    db.session.commit()
    # … exporting again serves the stored bytes
    assert export_on_page(client, u, "acme", "2026-11-01").status_code == 302
    again = client.get(u("lms.hours.download_payroll", org_slug="acme", start="2026-11-01"))
    assert again.data == download.data
    assert db.session.scalar(select(func.count(PayrollExport.id))) == 1
    assert timesheets.get_org_timesheet(org, NOV1).is_locked
    page = client.get(u("lms.hours.org_timesheet", org_slug="acme", start="2026-11-01")).get_data(as_text=True)
    assert "This period is locked" in page


def test_export_refuses_a_period_that_has_not_started_or_a_wrong_start(app, acme):
    org, manager = acme
    from lms.errors import DomainError

    with pytest.raises(DomainError):
        export.export_period(org, DEC1, manager, today=TODAY)
    with pytest.raises(DomainError):
        export.export_period(org, date(2026, 11, 2), manager, today=TODAY)  # not a period start
    assert db.session.scalar(select(func.count(PayrollExport.id))) == 0


def test_download_of_a_period_never_exported_is_404(app, client, u, login, acme):
    login(acme[1])
    assert client.get(u("lms.hours.download_payroll", org_slug="acme", start="2026-11-01")).status_code == 404
    assert client.get(u("lms.hours.download_payroll", org_slug="acme", start="nonsense")).status_code == 404
    assert client.submit(u("lms.hours.export_payroll", org_slug="acme"), {"start": "bad"}).status_code == 400


def test_late_approval_does_not_change_an_exported_period(app, acme, staff, make_user, add_member):
    from lms.hours import approvals

    org, manager = acme
    ana = staff("Ana")
    add_entry(ana, org, date(2026, 11, 2), 60, paid=NOV1, title="On time")
    late = add_entry(ana, org, date(2026, 11, 10), 45, status=EntryStatus.PENDING, title="Approved late")
    db.session.commit()
    before = export.export_period(org, NOV1, manager, today=TODAY)
    db.session.commit()
    content, digest = before.content, before.sha256

    approvals.approve(late, manager)
    db.session.commit()
    assert late.paid_period_start == NOV16  # the next open period

    again = export.export_period(org, NOV1, manager, today=TODAY)
    assert (again.content, again.sha256) == (content, digest)
    assert "Approved late" not in content.decode()
    assert export.build_csv(org, NOV1, NOV15)[0] == content  # even rebuilt from the ledger, the period is unchanged
    following = timesheets.get_timesheet(org, ana, NOV16)
    assert [line.title for line in following.lines] == ["Approved late"]



def test_changing_the_pay_schedule_moves_approved_unexported_entries_into_the_new_periods(
        client, u, login, acme, staff):
    """Entries keep the start of the period that pays them; when the schedule changes, those not yet in a payroll
    file move to the new period that would pay them now (exported ones stay), with an audit row, so none is lost."""
    from lms.audit import AuditEvent
    from lms.hours import approvals
    from lms.hours.models import HoursEntry

    org, manager = acme
    ana = staff("Ana")
    paid = add_entry(ana, org, date(2026, 11, 2), 60, paid=NOV1, title="Exported")
    late = add_entry(ana, org, date(2026, 11, 10), 45, status=EntryStatus.PENDING, title="Approved late")
    current = add_entry(ana, org, date(2026, 11, 20), 30, paid=NOV16, title="Current period")
    later = add_entry(ana, org, date(2026, 11, 25), 20, paid=NOV16, title="Later in November")
    db.session.commit()
    export.export_period(org, NOV1, manager, today=TODAY)
    approvals.approve(late, manager)
    db.session.commit()
    assert late.paid_period_start == NOV16
    login(manager)
    settings = {"name": "Acme", "kind": "employer", "timezone": "America/Los_Angeles", "pay_period": "weekly",
                "pay_period_anchor": "2026-11-02", "pay_rate": "19.50", "ce_year_basis": "calendar",
                "ce_fiscal_start_month": "7", "ce_minimum_hours": "6"}
    page = client.get(u("lms.orgs.settings", org_slug="acme")).get_data(as_text=True)
    assert "3 approved entries are not exported to payroll yet" in page

    response = client.submit(u("lms.orgs.settings", org_slug="acme"), settings)
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 approved entry not yet exported is now paid in the new pay period" in shown
    starts = dict(db.session.execute(select(HoursEntry.title, HoursEntry.paid_period_start)).all())
    # Weekly from Monday 2 November. Payroll ran through 15 November, so the late one stays in 16-22 November (not
    # 9-15 November, which the exported file covered); 16-22 November starts where the old period did; the 25th moves
    # to 23-29 November.
    assert starts == {"Exported": NOV1, "Approved late": NOV16, "Current period": NOV16,
                      "Later in November": date(2026, 11, 23)}
    moved = db.session.execute(select(AuditEvent).where(AuditEvent.action == "hours.paid_period_moved")).scalar_one()
    assert (moved.object_id, moved.actor_id) == (later.id, manager.id)
    assert moved.data["previous_paid_period_start"] == "2026-11-16" and moved.data["paid_period_start"] == "2026-11-23"
    week = client.get(u("lms.hours.org_timesheet", org_slug="acme", start="2026-11-23")).get_data(as_text=True)
    assert "Ana" in week and "20" in week
    assert [line.title for line in timesheets.get_timesheet(org, ana, date(2026, 11, 23)).lines] == [
        "Later in November"]
    assert paid.paid_period_start == NOV1 and current.paid_period_start == NOV16

    again = client.submit(u("lms.orgs.settings", org_slug="acme"), {**settings, "pay_rate": "20.00"})
    assert "now paid in the new pay" not in client.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "hours.paid_period_moved")) == 1


def test_pay_rate_in_fractions_of_a_cent_is_refused(client, u, login, acme):
    org, manager = acme
    login(manager)
    data = {"name": "Acme", "kind": "employer", "timezone": "America/Los_Angeles", "pay_period": "semimonthly",
            "pay_period_anchor": "2026-01-01", "pay_rate": "19.505", "ce_year_basis": "calendar",
            "ce_fiscal_start_month": "7", "ce_minimum_hours": "6"}
    response = client.submit(u("lms.orgs.settings", org_slug="acme"), data)
    assert response.status_code == 200 and "whole cents" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.training_pay_rate_cents == 1950
    assert client.submit(u("lms.orgs.settings", org_slug="acme"), {**data, "pay_rate": "19.500"}).status_code == 302

# ---------------------------------------------------------------- the API

def test_api_csv_with_a_token_exports_and_locks(app, client, u, acme, staff):
    org, manager = acme
    ana = staff("Ana", employee_id="E-1")
    add_entry(ana, org, date(2026, 11, 2), 60, paid=NOV1)
    db.session.commit()
    headers = _bearer(manager)
    url = u("lms.api.org_timesheets_csv", org_slug="acme", start="2026-11-01", end="2026-11-15")
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/csv"
    assert rows_of(response.data)[0]["employee_id"] == "E-1"
    assert response.headers["X-Content-SHA256"] == hashlib.sha256(response.data).hexdigest()
    assert export.get_export(org, NOV1) is not None  # the API export locks too
    assert client.get(url, headers=headers).data == response.data


@pytest.mark.parametrize(("start", "end"), [
    (None, None), ("2026-11-01", None), ("2026-11-01", "2026-11-14"), ("2026-11-02", "2026-11-15"),
    ("2026-13-01", "2026-11-15"), ("20261101", "20261115"), ("2099-12-01", "2099-12-15"),
])
def test_api_csv_bad_dates_are_400_json(app, client, u, acme, start, end):
    _org, manager = acme
    args = {k: v for k, v in {"start": start, "end": end}.items() if v is not None}
    response = client.get(u("lms.api.org_timesheets_csv", org_slug="acme", **args), headers=_bearer(manager))
    assert response.status_code == 400
    assert {"code", "message"} <= set(response.json["error"]) <= {"code", "message", "parameter"}
    assert db.session.scalar(select(func.count(PayrollExport.id))) == 0


def test_another_organisations_manager_is_refused(app, client, u, login, acme, staff, make_org, make_user):
    other_manager = make_user("other@example.org")
    make_org("other", manager=other_manager)
    staff("Ana")
    url = u("lms.api.org_timesheets_csv", org_slug="acme", start="2026-11-01", end="2026-11-15")
    assert client.get(url, headers=_bearer(other_manager)).status_code == 403
    login(other_manager)
    assert client.get(u("lms.hours.org_timesheet", org_slug="acme")).status_code == 403
    assert client.submit(u("lms.hours.export_payroll", org_slug="acme"),
                         {"start": "2026-11-01", "confirm": "yes"}).status_code == 403
    assert db.session.scalar(select(func.count(PayrollExport.id))) == 0


def test_a_staff_member_token_cannot_export(app, client, u, acme, staff):
    ana = staff("Ana")
    url = u("lms.api.org_timesheets_csv", org_slug="acme", start="2026-11-01", end="2026-11-15")
    assert client.get(url, headers=_bearer(ana)).status_code == 403


def test_openapi_documents_the_csv(app, client, u):
    doc = client.get(u("lms.api.openapi")).json
    operation = doc["paths"]["/orgs/{org_slug}/timesheets.csv"]["get"]
    assert "text/csv" in operation["responses"]["200"]["content"]
    assert {p["name"] for p in operation["parameters"]} == {"org_slug", "start", "end", "early", "If-None-Match"}


def test_manager_in_two_roles_sees_only_managed_org(app, client, u, login, acme, make_org, make_user, add_member):
    """A manager of one organisation who is plain staff of another cannot read the other's timesheets."""
    _org, manager = acme
    other = make_org("other")
    add_member(other, manager, role=MemberRole.MEMBER)
    login(manager)
    assert client.get(u("lms.hours.org_timesheet", org_slug="other")).status_code == 403
    assert client.get(u("lms.hours.org_timesheet", org_slug="acme")).status_code == 200


# ---------------------------------------------------------------- export and approval racing (both databases:
# PostgreSQL row locks, SQLite's write lock taken before the exports are read)



def _in_thread(app, work):
    errors: list[BaseException] = []

    def run():
        with app.app_context():
            try:
                work()
            except BaseException as exc:  # reported to the test
                errors.append(exc)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_an_approval_in_flight_is_inside_the_export(app, acme, staff):
    """The approval holds the shared lock first: the export waits for it and then includes the entry."""
    from lms.hours import approvals, periods
    from lms.hours.models import HoursEntry
    from lms.orgs.models import Organisation

    org, manager = acme
    entry_id = add_entry(staff("Ana"), org, date(2026, 11, 10), 45, status=EntryStatus.PENDING, title="Raced").id
    org_id, manager_id = org.id, manager.id
    db.session.commit()
    locked = threading.Event()

    def approve():
        org_ = db.session.get(Organisation, org_id)
        periods.lock_for_approval(org_)
        locked.set()
        time.sleep(0.5)
        approvals.approve(db.session.get(HoursEntry, entry_id), db.session.get(type(manager), manager_id))
        db.session.commit()

    thread, errors = _in_thread(app, approve)
    assert locked.wait(5)
    done = export.export_period(org, NOV1, manager, today=TODAY)  # blocks until the approval commits
    db.session.commit()
    thread.join(5)
    assert not errors
    assert "Raced" in done.content.decode()


def test_an_approval_waiting_for_an_export_lands_in_the_next_period(app, acme, staff):
    from lms.hours import approvals, periods
    from lms.hours.models import HoursEntry
    from lms.orgs.models import Organisation

    org, manager = acme
    entry_id = add_entry(staff("Ana"), org, date(2026, 11, 10), 45, status=EntryStatus.PENDING, title="Raced").id
    org_id, manager_id = org.id, manager.id
    db.session.commit()
    exported = threading.Event()

    def export_slowly():
        done = export.export_period(db.session.get(Organisation, org_id), NOV1, None, today=TODAY)
        exported.set()
        time.sleep(0.5)
        assert "Raced" not in done.content.decode()
        db.session.commit()

    thread, errors = _in_thread(app, export_slowly)
    assert exported.wait(5)
    periods.lock_for_approval(org)  # waits for the export's commit
    entry = db.session.get(HoursEntry, entry_id)
    approvals.approve(entry, db.session.get(type(manager), manager_id))
    db.session.commit()
    thread.join(5)
    assert not errors
    assert entry.paid_period_start == NOV16
    assert "Raced" not in export.get_export(org, NOV1).content.decode()


def test_a_pay_period_that_has_not_started_offers_no_export(app, client, u, login, acme):
    org, manager = acme
    login(manager)
    future = org_today(org) + timedelta(days=40)
    html = client.get(u("lms.hours.org_timesheet", org_slug="acme", start=future.isoformat())).get_data(as_text=True)
    assert "It can be exported once it has started." in html and "Export and lock this period" not in html
    current = client.get(u("lms.hours.org_timesheet", org_slug="acme")).get_data(as_text=True)
    assert "Export and lock this period" in current and "once it has started" not in current
