"""A person's timesheet warns, as the organisation's does, when the period's payroll file writes their lines without
an employee ID (manager QA; lms.hours.missing_ids): the same note, for them only, linked to their staff page.

Acme is paid twice a month; its today is fixed at 20 December 2026 (1-15 December has ended, not exported). Ana has
E-1; Vera, a volunteer, has none; Tom had E-1001 until 4 December and is back since 14 December without an ID."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from lms import db
from lms.hours import missing_ids
from lms.hours.models import EntryStatus
from lms.orgs import employment
from lms.orgs import models as org_models
from lms.orgs.models import EmploymentType, PayPeriod
from tests.conftest import html_text
from tests.hours_reports_helpers import add_entry
from tests.payroll_support import export_on_page

NOW = datetime(2026, 12, 20, 18, 0, tzinfo=UTC)
DEC1 = date(2026, 12, 1)
NOTE = "Lines without an employee ID."


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(org_models, "utcnow", lambda: NOW)


@pytest.fixture
def acme(make_org, make_user, add_member, login):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, pay_period=PayPeriod.SEMIMONTHLY, training_pay_rate_cents=2400)
    people = {"ana": make_user("ana@example.org", name="Ana Núñez"), "vera": make_user("vera@example.org", name="Vera Volunteer"),
              "tom": make_user("tom@example.org", name="Tom Reyes")}
    add_member(org, people["ana"], employee_id="E-1", employment_start=date(2024, 1, 1))
    vera = add_member(org, people["vera"], employment_start=date(2024, 1, 1), employment_type=EmploymentType.VOLUNTEER)
    first = add_member(org, people["tom"], employee_id="E-1001", employment_start=date(2025, 3, 2))
    employment.remove_member(first, boss, date(2026, 12, 4))
    db.session.commit()
    add_member(org, people["tom"], employment_start=date(2026, 12, 14))
    add_entry(people["ana"], org, date(2026, 12, 2), 60, paid=DEC1)
    add_entry(people["vera"], org, date(2026, 12, 2), 60, paid=DEC1)
    add_entry(people["vera"], org, date(2026, 12, 9), 60, status=EntryStatus.PENDING)
    add_entry(people["tom"], org, date(2026, 12, 3), 60, paid=DEC1)
    add_entry(people["tom"], org, date(2026, 12, 15), 30, paid=DEC1)
    db.session.commit()
    login(boss)
    return org, people, vera


def _page(client, u, person, start: str = "2026-12-01") -> str:
    return client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=person.id, start=start)).get_data(as_text=True)


def _note(page: str) -> str:
    found = re.search(r'<div class="notice" id="missing-ids-note".*?</div>', page, re.S)
    return html_text(found.group(0)).strip() if found else ""


def test_the_person_page_names_their_lines_without_an_id(client, u, acme):
    _org, people, vera = acme
    page = _page(client, u, people["vera"])
    note = _note(page)
    assert note.startswith(NOTE) and "this person's lines without an employee ID" in note
    assert "Vera Volunteer : 1 line, 1 hour, $24.00" in note  # her pending hour is not in the file
    assert "before you export" in note and "Tom" not in note
    assert u("lms.orgs.member", org_slug="acme", membership_id=vera.id) in page


def test_only_the_lines_of_an_employment_without_an_id(client, u, acme):
    """Tom's hour of his first employment keeps E-1001: only the half hour of the second is named."""
    _org, people, _vera = acme
    assert "Tom Reyes : 1 line, 30 minutes, $12.00" in _note(_page(client, u, people["tom"]))


def test_no_note_for_someone_whose_lines_have_an_id_or_in_another_period(client, u, acme):
    _org, people, _vera = acme
    page = _page(client, u, people["ana"])
    assert NOTE not in page and 'id="missing-ids-note"' not in page
    assert NOTE not in _page(client, u, people["vera"], start="2026-11-16")  # no lines then


def test_a_locked_period_says_to_tell_payroll(client, u, acme):
    _org, people, _vera = acme
    assert export_on_page(client, u, "acme", "2026-12-01").status_code == 302
    note = _note(_page(client, u, people["vera"]))
    assert "exported and locked: tell payroll whose lines they are" in note and "before you export" not in note


def test_the_service_lists_one_person_when_asked(app, acme):
    org, people, _vera = acme
    assert [p.name for p in missing_ids.list_paid_without_id(org, DEC1)] == ["Tom Reyes", "Vera Volunteer"]
    assert [p.name for p in missing_ids.list_paid_without_id(org, DEC1, people["vera"].id)] == ["Vera Volunteer"]
