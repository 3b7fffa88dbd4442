"""Dates typed into the address of the managers' hours pages are never silently read as another day.

From a clinic manager's QA pass: ``timesheets?start=2026-02-30`` or ``?start=hoy`` showed the current period with
no word, ``compliance?on=2026-13-01`` showed today, and the queue with "From" after "To" only said "Nothing matches".
A page that can still show something shows its default with a message saying what was wrong; a download answers 400
saying why; a reversed range says so."""

from __future__ import annotations

import re
from datetime import date

import pytest

from lms import db
from lms.hours import export, periods
from lms.hours.models import EntryStatus
from lms.orgs.models import PayPeriod
from tests.hours_reports_helpers import add_entry


@pytest.fixture
def clinic(make_org, make_user, add_member):
    manager = make_user("gerente@example.org", name="Gabriela Gerente")
    org = make_org("clinica", manager=manager, pay_period=PayPeriod.SEMIMONTHLY)
    ana = make_user("ana@example.org", name="Ana Núñez")
    add_member(org, ana, employment_start=date(2024, 1, 1))
    add_entry(ana, org, date(2026, 3, 5), 60, status=EntryStatus.PENDING, title="Home visits")
    db.session.commit()
    return org, manager, ana


def _notes(html: str) -> list[str]:
    box = re.search(r'<div class="notice" role="status" id="address-notes">(.*?)</div>', html, re.S)
    return re.findall(r"<p>(.*?)</p>", box.group(1), re.S) if box else []


def _current_period_text(org) -> str:
    from lms.i18n import format_when

    start, end = export.period_of(org, periods.org_today(org))
    return f"{format_when(start, 'medium')} to {format_when(end, 'medium')}"


@pytest.mark.parametrize(("value", "problem"), [
    ("2026-02-30", "There is no day 2026-02-30 in the calendar."),
    ("2026-13-01", "There is no day 2026-13-01 in the calendar."),
    ("hoy", "“hoy” is not a date: write it as YYYY-MM-DD, for example 2026-03-09."),
    ("20260301", "“20260301” is not a date: write it as YYYY-MM-DD, for example 2026-03-09."),
    ("0001-01-01", "0001-01-01 is outside the dates this site can show (1900-01-01 to 2999-12-31)."),
])
def test_the_timesheets_say_the_date_is_wrong_and_show_the_current_period(client, u, login, clinic, value, problem):
    org, manager, ana = clinic
    login(manager)
    with client.application.test_request_context():
        current = _current_period_text(org)
    for endpoint, extra in (("lms.hours.org_timesheet", {}), ("lms.hours.person_timesheet", {"user_id": ana.id})):
        response = client.get(u(endpoint, org_slug="clinica", start=value, **extra))
        html = response.get_data(as_text=True)
        assert response.status_code == 200, endpoint
        assert _notes(html) == [problem, "Showing the current pay period instead."], endpoint
        assert current in html, endpoint


def test_a_good_date_shows_no_message(client, u, login, clinic):
    _org, manager, _ana = clinic
    login(manager)
    html = client.get(u("lms.hours.org_timesheet", org_slug="clinica", start="2026-03-09")).get_data(as_text=True)
    assert _notes(html) == [] and "Mar 1, 2026 to Mar 15, 2026" in html
    assert 'id="address-notes"' not in client.get(u("lms.hours.compliance_dashboard", org_slug="clinica")).get_data(
        as_text=True)


def test_the_ce_dashboard_says_the_date_is_wrong_and_shows_today(client, u, login, clinic):
    org, manager, _ana = clinic
    login(manager)
    response = client.get(u("lms.hours.compliance_dashboard", org_slug="clinica", on="2026-13-01"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _notes(html) == ["There is no day 2026-13-01 in the calendar.",
                            "Showing continuing education as of today instead."]
    today = periods.org_today(org)
    assert f"on={today.isoformat()}" in html  # the checklists of the day shown


@pytest.mark.parametrize("endpoint", ["lms.hours.checklist_pdf", "lms.hours.checklist_csv"])
def test_a_checklist_for_a_day_that_is_not_one_is_refused(client, u, login, clinic, endpoint):
    _org, manager, ana = clinic
    login(manager)
    response = client.get(u(endpoint, org_slug="clinica", user_id=ana.id, on="2026-13-01"))
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "There is no day 2026-13-01 in the calendar." in response.get_data(as_text=True)
    assert client.get(u(endpoint, org_slug="clinica", user_id=ana.id, on="2026-12-01")).status_code == 200


def test_a_draft_for_a_day_that_is_not_one_is_refused(client, u, login, clinic):
    _org, manager, _ana = clinic
    login(manager)
    response = client.get(u("lms.hours.draft_payroll", org_slug="clinica", start="hoy"))
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "“hoy” is not a date" in response.get_data(as_text=True)
    assert client.get(u("lms.hours.draft_payroll", org_slug="clinica")).status_code == 200  # no date: today's


def test_the_queue_says_a_reversed_range_matches_nothing(client, u, login, clinic):
    _org, manager, _ana = clinic
    login(manager)
    response = client.get(u("lms.hours.queue", org_slug="clinica", **{"from": "2026-03-10", "to": "2026-03-01"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # the page, saying so (as a date that is not one)
    assert _notes(html) == ["“From” (March 10, 2026) is after “To” (March 1, 2026), so no entry can match. Swap the two "
                            "dates to see the entries between them."]
    assert "Nothing matches these filters." not in html
    assert 'value="2026-03-10"' in html and 'value="2026-03-01"' in html  # the filters, to swap them
    swapped = client.get(u("lms.hours.queue", org_slug="clinica", **{"from": "2026-03-01", "to": "2026-03-10"}))
    assert swapped.status_code == 200 and "Home visits" in swapped.get_data(as_text=True)


def test_the_queue_leaves_out_a_date_that_is_not_one_and_says_so(client, u, login, clinic):
    _org, manager, _ana = clinic
    login(manager)
    response = client.get(u("lms.hours.queue", org_slug="clinica", **{"from": "hoy", "to": "2026-02-30"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Home visits" in html  # shown without those filters
    assert _notes(html) == [
        "From: “hoy” is not a date: write it as YYYY-MM-DD, for example 2026-03-09. This filter was left out.",
        "To: There is no day 2026-02-30 in the calendar. This filter was left out."]


def test_the_messages_are_in_the_managers_language(client, u, login, clinic):
    """Their words are translated like every other (the Spanish catalog gets them); the dates they quote are the
    manager's, and the words around them already are."""
    _org, manager, _ana = clinic
    manager.locale = "es"
    db.session.commit()
    login(manager)
    html = client.get(u("lms.hours.queue", org_slug="clinica", **{"from": "2026-03-10", "to": "2026-03-01"})).get_data(
        as_text=True)
    assert "10 de marzo de 2026" in _notes(html)[0] and "1 de marzo de 2026" in _notes(html)[0]
