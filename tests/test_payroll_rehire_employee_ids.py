"""Payroll after a rehire: each line carries the employee ID in force on its date (lms.orgs.history.employee_id_on).

Tom worked at Acme as E-1001 from 2 March 2025 to 4 December 2026, and was hired again from 14 December as E-2040
(his earlier period is kept: migration 0014). Training he did in his first employment and paid after the rehire is
written under E-1001, what he did since under E-2040, in the file, the Excel copy, the drafts (page and API) and on
the timesheet pages; the fingerprint of the page covers exactly the IDs the file writes, so exporting still locks
the sheet the manager checked. Acme is paid twice a month; the organisation's today is fixed at 20 December 2026."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest

from lms import db
from lms.hours import approvals, export, sheet_check, timesheets
from lms.hours.models import EntryStatus
from lms.orgs import employment
from lms.orgs import models as org_models
from lms.orgs import services as orgs
from lms.orgs.models import EmploymentPeriod, PayPeriod
from tests.api_support import bearer
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import export_on_page, shown_on_page

NOW = datetime(2026, 12, 20, 18, 0, tzinfo=UTC)
DEC1, FIRST_JOB_DAY, SECOND_JOB_DAY = date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 15)
NOV16, NOV20 = date(2026, 11, 16), date(2026, 11, 20)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(org_models, "utcnow", lambda: NOW)


@pytest.fixture
def acme(make_org, make_user, add_member):
    """Acme, its manager, Ana (never left, E-1) and Tom (E-1001, left on 4 December, back on 14 December as E-2040)."""
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=2400)
    ana = make_user("ana@example.org", name="Ana Núñez")
    add_member(org, ana, employee_id="E-1", employment_start=date(2024, 1, 1))
    tom = make_user("tom@example.org", name="Tom Reyes")
    first = add_member(org, tom, employee_id="E-1001", employment_start=date(2025, 3, 2))
    employment.remove_member(first, boss, date(2026, 12, 4))
    db.session.commit()
    add_member(org, tom, employee_id="E-2040", employment_start=date(2026, 12, 14))  # joins again
    return org, boss, ana, tom


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _ids_by_date(content: bytes) -> dict[tuple[str, str], str]:
    return {(row["name"], row["date"]): row["employee_id"] for row in _rows(content)}



EXPECTED = {("Ana Núñez", "2026-12-02"): "E-1", ("Tom Reyes", "2026-12-03"): "E-1001",
            ("Tom Reyes", "2026-12-15"): "E-2040"}


@pytest.fixture
def paid(acme):
    """Approved in the period of 1 to 15 December: Ana's hour, Tom's hour in his first employment and his half hour
    in his second."""
    org, _boss, ana, tom = acme
    add_entry(ana, org, date(2026, 12, 2), 60, paid=DEC1)
    add_entry(tom, org, FIRST_JOB_DAY, 60, paid=DEC1, title="Home visits")
    add_entry(tom, org, SECOND_JOB_DAY, 30, paid=DEC1, title="Outreach")
    db.session.commit()
    return acme


def test_each_line_is_written_with_the_id_in_force_on_its_date(client, u, login, paid):
    org, boss, _ana, tom = paid
    assert db.session.query(EmploymentPeriod).one().employee_id == "E-1001"  # the earlier period, as kept
    login(boss)
    draft = client.get(u("lms.hours.draft_payroll", org_slug="acme", start="2026-12-01")).data
    assert _ids_by_date(draft.split(b"\r\n", 1)[1]) == EXPECTED  # after the DRAFT line
    api_draft = client.get(u("lms.api.org_timesheets_draft_csv", org_slug="acme", start="2026-12-01",
                             end="2026-12-15"))
    assert _ids_by_date(api_draft.data) == EXPECTED

    response = export_on_page(client, u, "acme", "2026-12-01")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    stored = export.get_export(org, DEC1)
    assert _ids_by_date(stored.content) == EXPECTED and api_draft.data == stored.content
    excel = client.get(u("lms.hours.download_payroll", org_slug="acme", start="2026-12-01", **{"for": "excel"}))
    assert _ids_by_date(excel.data) == EXPECTED
    pulled = client.get(u("lms.api.org_timesheets_csv", org_slug="acme", start="2026-12-01", end="2026-12-15"),
                        headers=bearer(boss))
    assert pulled.status_code == 200 and pulled.data == stored.content  # the locked file, identical
    assert orgs.get_membership(org, tom).employee_id == "E-2040"  # the membership keeps the current ID


def test_the_pages_name_the_ids_the_file_writes(client, u, login, paid):
    org, boss, _ana, tom = paid
    sheet = timesheets.get_org_timesheet(org, DEC1)
    row = next(row for row in sheet.rows if row.user_id == tom.id)
    assert (row.employee_id, row.paid_ids, row.line_count) == ("E-1001, E-2040", ("E-1001", "E-2040"), 2)
    person = timesheets.get_timesheet(org, tom, DEC1)
    assert [(line.activity_date, line.employee_id) for line in person.lines] == [
        (FIRST_JOB_DAY, "E-1001"), (SECOND_JOB_DAY, "E-2040")]
    assert person.employee_id == "E-1001, E-2040" and person.has_several_ids

    login(boss)
    page = html_text(client.get(u("lms.hours.org_timesheet", org_slug="acme", start="2026-12-01")).get_data(as_text=True))
    assert "Tom Reyes E-1001, E-2040" in page
    page = html_text(client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=tom.id,
                              start="2026-12-01")).get_data(as_text=True))
    assert "Employee IDs E-1001, E-2040" in page and "keeps the ID of that employment" in page
    assert re.search(r"Home visits .*? E-1001 .*? Outreach .*? E-2040", page)
    ana_page = html_text(client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=paid[2].id,
                                  start="2026-12-01")).get_data(as_text=True))
    assert "Employee ID E-1" in ana_page and "keeps the ID of that employment" not in ana_page


def test_a_late_approval_of_first_employment_training_is_paid_under_its_id(client, u, login, acme):
    """Done on 20 November, in his first employment; the 16-30 November period was exported before Tom was approved
    (and before he came back), so the approval pays it in the first open period, with its date and his first ID."""
    org, boss, ana, tom = acme
    add_entry(ana, org, NOV20, 45, paid=NOV16)
    late = add_entry(tom, org, NOV20, 90, status=EntryStatus.PENDING, title="CPR refresher")
    db.session.commit()
    export.export_period(org, NOV16, boss)
    approvals.approve(late, boss)
    db.session.commit()
    assert late.paid_period_start == DEC1
    login(boss)
    assert export_on_page(client, u, "acme", "2026-12-01").status_code == 302
    assert _ids_by_date(export.get_export(org, DEC1).content) == {("Tom Reyes", "2026-11-20"): "E-1001"}


def test_the_fingerprint_covers_the_ids_the_file_writes(client, u, login, paid):
    org, boss, _ana, tom = paid
    login(boss)
    shown = shown_on_page(client, u, "acme", "2026-12-01")
    assert shown == sheet_check.fingerprint(timesheets.get_org_timesheet(org, DEC1))
    membership = orgs.get_membership(org, tom)
    orgs.change_member(membership, orgs.Employment(employee_id="E-2041", employment_start=date(2026, 12, 14)), boss)
    db.session.commit()  # another tab changed his current ID: his line of 15 December would change
    response = client.submit(u("lms.hours.export_payroll", org_slug="acme"),
                             {"start": "2026-12-01", "confirm": "yes", "shown": shown})
    assert response.status_code == 409 and export.get_export(org, DEC1) is None
    assert "employee IDs" in html_text(response.get_data(as_text=True))
    assert export_on_page(client, u, "acme", "2026-12-01").status_code == 302  # the sheet as it is now
    assert _ids_by_date(export.get_export(org, DEC1).content)[("Tom Reyes", "2026-12-15")] == "E-2041"


def test_a_new_current_id_leaves_lines_of_the_earlier_employment_and_their_sheet_alone(client, u, login, acme):
    """Only first-employment training is paid in the period: a new current ID changes nothing in the file, so the
    sheet the manager checked is still the file and the export goes ahead."""
    org, boss, _ana, tom = acme
    add_entry(tom, org, FIRST_JOB_DAY, 60, paid=DEC1)
    db.session.commit()
    login(boss)
    shown = shown_on_page(client, u, "acme", "2026-12-01")
    orgs.change_member(orgs.get_membership(org, tom), orgs.Employment(employee_id="E-3000",
                                                                      employment_start=date(2026, 12, 14)), boss)
    db.session.commit()
    response = client.submit(u("lms.hours.export_payroll", org_slug="acme"),
                             {"start": "2026-12-01", "confirm": "yes", "shown": shown})
    assert response.status_code == 302
    assert _ids_by_date(export.get_export(org, DEC1).content) == {("Tom Reyes", "2026-12-03"): "E-1001"}


def test_an_earlier_period_without_an_id_falls_back_to_the_membership(make_org, make_user, add_member):
    """An ID left blank in the earlier employment was never recorded, not a different one: the line gets the
    membership's, so payroll can still match it to the person."""
    org = make_org("acme", pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=2400)
    boss = orgs.list_members(org)[0].user
    lupe = make_user(name="Lupe Ortiz")
    first = add_member(org, lupe, employment_start=date(2025, 3, 2))  # no employee ID then
    employment.remove_member(first, boss, date(2026, 12, 4))
    db.session.commit()
    add_member(org, lupe, employee_id="E-7", employment_start=date(2026, 12, 14))
    add_entry(lupe, org, FIRST_JOB_DAY, 60, paid=DEC1)
    db.session.commit()
    assert [employee_id for _line, _name, employee_id, _uid in timesheets.list_paid_lines(org, DEC1)] == ["E-7"]
