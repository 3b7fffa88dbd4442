"""Payroll lines without an employee ID (manager QA): payroll cannot match such a line, and an exported file is locked,
so the timesheet page names, above its export form, the people its file writes without an ID (the ID in force on the
line's date: lms.orgs.history.employee_id_on), with links to their staff pages; exporting stays possible. Clearing
someone's ID on their staff page says how many of their entries not exported yet will have none.

Acme is paid twice a month; its today is fixed at 20 December 2026, so 1-15 December has ended and is not exported.
Ana has E-1; Vera, a volunteer, has no ID; Tom worked here as E-1001 until 4 December and came back on 14 December
without an ID yet (his lines of the first employment keep E-1001)."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.hours import export
from lms.hours.models import EntryStatus
from lms.orgs import employment
from lms.orgs import models as org_models
from lms.orgs import services as orgs
from lms.orgs.models import EmploymentType, PayPeriod
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import export_on_page

NOW = datetime(2026, 12, 20, 18, 0, tzinfo=UTC)
DEC1, DEC16 = date(2026, 12, 1), date(2026, 12, 16)
NOTE = "Lines without an employee ID."


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(org_models, "utcnow", lambda: NOW)


@pytest.fixture
def acme(make_org, make_user, add_member, login):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=2400)
    ana = make_user("ana@example.org", name="Ana Núñez")
    add_member(org, ana, employee_id="E-1", employment_start=date(2024, 1, 1))
    vera = make_user("vera@example.org", name="Vera Volunteer")
    add_member(org, vera, employment_start=date(2024, 1, 1), employment_type=EmploymentType.VOLUNTEER)
    tom = make_user("tom@example.org", name="Tom Reyes")
    first = add_member(org, tom, employee_id="E-1001", employment_start=date(2025, 3, 2))
    employment.remove_member(first, boss, date(2026, 12, 4))
    db.session.commit()
    add_member(org, tom, employment_start=date(2026, 12, 14))  # back, no ID yet
    login(boss)
    return org, boss, {"ana": ana, "vera": vera, "tom": tom}


@pytest.fixture
def paid(acme):
    """Approved in 1-15 December: an hour each for Ana and Vera, Tom's hour of his first employment (3 December) and
    his half hour of the second (15 December); Vera has a pending hour too."""
    org, _boss, people = acme
    add_entry(people["ana"], org, date(2026, 12, 2), 60, paid=DEC1)
    add_entry(people["vera"], org, date(2026, 12, 2), 60, paid=DEC1)
    add_entry(people["vera"], org, date(2026, 12, 9), 60, status=EntryStatus.PENDING)
    add_entry(people["tom"], org, date(2026, 12, 3), 60, paid=DEC1)
    add_entry(people["tom"], org, date(2026, 12, 15), 30, paid=DEC1)
    db.session.commit()
    return acme


def _page(client, u, start: str = "2026-12-01") -> str:
    return client.get(u("lms.hours.org_timesheet", org_slug="acme", start=start)).get_data(as_text=True)


def _note(page: str) -> str:
    found = re.search(r'<div class="notice" id="missing-ids-note".*?</div>', page, re.S)
    return html_text(found.group(0)).strip() if found else ""


def _draft_without_id(client, u) -> set[str]:
    """The names on lines the draft file (the export's rows) writes with an empty employee_id."""
    draft = client.get(u("lms.hours.draft_payroll", org_slug="acme", start="2026-12-01")).data
    rows = csv.DictReader(io.StringIO(draft.decode("utf-8-sig").split("\r\n", 1)[1]))
    return {row["name"] for row in rows if not row["employee_id"]}


def _flashes(client, u) -> str:
    page = client.get(u("lms.orgs.show", org_slug="acme")).get_data(as_text=True)
    return "\n".join(html.unescape(text) for text in re.findall(r'<p class="flash[^"]*">(.*?)</p>', page, re.S))


def test_the_timesheet_names_exactly_the_people_the_file_writes_without_an_id(client, u, paid):
    org, _boss, _people = paid
    page = _page(client, u)
    note = _note(page)
    assert note.startswith(NOTE)
    assert "these people's lines without an employee ID" in note
    assert "Tom Reyes : 1 line, 30 minutes, $12.00" in note  # his second employment only; E-1001 still on the first
    assert "Vera Volunteer : 1 line, 1 hour, $24.00" in note  # the pending hour is not in the file
    assert "Ana" not in note
    assert "before you export" in note
    assert _draft_without_id(client, u) == {"Tom Reyes", "Vera Volunteer"}
    for name in ("tom@example.org", "vera@example.org"):  # links to their staff pages
        membership = next(m for m in orgs.list_members(org) if m.user.email == name)
        assert u("lms.orgs.member", org_slug="acme", membership_id=membership.id) in page
    # the note comes before the export form, which the confirm box ties to it
    assert page.index('id="missing-ids-note"') < page.index('name="confirm"')
    assert 'aria-describedby="missing-ids-note"' in page


def test_no_note_when_every_line_has_an_id(client, u, acme):
    org, _boss, people = acme
    add_entry(people["ana"], org, date(2026, 12, 2), 60, paid=DEC1)
    add_entry(people["vera"], org, date(2026, 12, 9), 60, status=EntryStatus.PENDING)  # pending: not in the file
    db.session.commit()
    page = _page(client, u)
    assert 'id="missing-ids-note"' not in page and NOTE not in page
    assert "aria-describedby=\"missing-ids-note\"" not in page


def test_exporting_stays_possible_and_the_locked_file_keeps_the_note(client, u, paid):
    org, _boss, _people = paid
    response = export_on_page(client, u, "acme", "2026-12-01")
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    stored = export.get_export(org, DEC1)
    names = {row["name"] for row in csv.DictReader(io.StringIO(stored.content.decode())) if not row["employee_id"]}
    assert names == {"Tom Reyes", "Vera Volunteer"}
    note = _note(_page(client, u))
    assert "Vera Volunteer : 1 line" in note and "exported and locked: tell payroll whose lines they are" in note
    assert "before you export" not in note


def test_entering_the_id_on_the_staff_page_clears_the_warning(client, u, paid):
    org, _boss, people = paid
    vera = orgs.get_membership(org, people["vera"])
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=vera.id),
                             {"employee_id": "V-7", "employment_start": "2024-01-01", "employment_type": "volunteer",
                              "role": "member"})
    assert response.status_code == 302
    note = _note(_page(client, u))
    assert "Vera" not in note and "Tom Reyes" in note
    assert _draft_without_id(client, u) == {"Tom Reyes"}


def test_clearing_an_id_warns_about_entries_not_exported_yet(client, u, paid):
    org, _boss, people = paid
    ana = orgs.get_membership(org, people["ana"])
    add_entry(people["ana"], org, date(2026, 12, 17), 45, status=EntryStatus.PENDING)
    add_entry(people["ana"], org, date(2026, 11, 3), 60, status=EntryStatus.REJECTED)  # never paid: not counted
    db.session.commit()
    response = client.submit(u("lms.orgs.member", org_slug="acme", membership_id=ana.id),
                             {"employee_id": "", "employment_start": "2024-01-01", "employment_type": "employee",
                              "role": "member"})
    assert response.status_code == 302
    flashes = _flashes(client, u)
    assert "Saved." in flashes
    assert ("Ana Núñez has no employee ID now, so 2 entries not exported yet (approved, or awaiting approval) will be "
            "written to the payroll file without one") in flashes
    db.session.refresh(ana)
    assert ana.employee_id is None
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.updated")).scalar_one()


def test_clearing_an_id_whose_lines_are_all_exported_says_nothing_more(client, u, paid):
    org, _boss, people = paid
    assert export_on_page(client, u, "acme", "2026-12-01").status_code == 302
    ana = orgs.get_membership(org, people["ana"])
    client.submit(u("lms.orgs.member", org_slug="acme", membership_id=ana.id),
                  {"employee_id": "", "employment_start": "2024-01-01", "employment_type": "employee", "role": "member"})
    flashes = _flashes(client, u)
    assert "Saved." in flashes and "has no employee ID now" not in flashes


def test_saving_other_details_of_someone_without_an_id_does_not_warn(client, u, paid):
    org, _boss, people = paid
    vera = orgs.get_membership(org, people["vera"])
    client.submit(u("lms.orgs.member", org_slug="acme", membership_id=vera.id),
                  {"employee_id": "", "job_title": "Helper", "employment_start": "2024-01-01",
                   "employment_type": "volunteer", "role": "member"})
    flashes = _flashes(client, u)
    assert "Saved." in flashes and "has no employee ID now" not in flashes


def test_the_note_on_the_page_in_spanish(client, u, paid):
    """The note is translated text with placeholders (no crash on a locale without the strings yet)."""
    page = client.get(u("lms.hours.org_timesheet", org_slug="acme", start="2026-12-01", lang="es"))
    assert page.status_code == 200 and 'id="missing-ids-note"' in page.get_data(as_text=True)
