"""The trainee's hours forms (field experience, external training): every mistake on the first submit, each in the
unit of its box (hours or minutes), and what was typed is kept."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from lms.hours.external_training import MAX_EXTERNAL_MINUTES
from lms.hours.field_experience import MAX_FIELD_MINUTES
from tests.test_hours_ledger import Staff, entries_of, form_token, make_staff

FUTURE = (date.today() + timedelta(days=5)).isoformat()


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def _errors(page: str) -> dict[str, str]:
    """Each field's error text, by field id."""
    return {m.group(1): html.unescape(m.group(2)) for m in re.finditer(r'<p class="error" id="([\w-]+)-error">([^<]*)</p>', page)}


def _value(page: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    found = match and re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(found.group(1)) if found else None


def _post(client, path, **fields):
    token, key = form_token(client, path)
    return client.post(path, data={"csrf_token": token, "idempotency_key": key, **fields})


def test_field_form_shows_every_error_at_once_in_hours(client, u, login, staff):
    assert MAX_FIELD_MINUTES == 24 * 60  # the limit the messages below name
    login(staff.trainee)
    path = u("lms.hours.log_field")
    response = _post(
        client,
        path,
        activity_date=FUTURE,
        hours="30",
        minutes="0",
        description="",
        supervisor_name="Sam Super",
        supervisor_title="",
        competency_areas=["outreach"],
    )
    page = response.get_data(as_text=True)
    errors = _errors(page)
    assert response.status_code == 400
    assert errors["activity_date"] == "The date cannot be in the future."  # on the first submit, with the others
    assert errors["hours"] == "Enter between 0 and 24 hours."
    assert {"description", "supervisor_title"} <= set(errors)
    assert "minutes" not in errors and "1440" not in page
    assert _value(page, "activity_date") == FUTURE and _value(page, "hours") == "30"
    assert _value(page, "supervisor_name") == "Sam Super"
    assert re.search(r'value="outreach"\s+checked', page)
    assert entries_of(staff.trainee) == []


def test_field_form_total_time_and_whole_numbers(client, u, login, staff):
    login(staff.trainee)
    path = u("lms.hours.log_field")
    base = {"activity_date": "2026-03-10", "description": "Home visits", "supervisor_name": "Sam", "supervisor_title": "Lead CHW"}
    cases = [
        ({"hours": "24", "minutes": "30"}, {"hours": "Enter at most 24 hours in all."}),
        ({"hours": "30"}, {"hours": "Enter between 0 and 24 hours."}),  # no Minutes box sent at all
        ({"hours": "1.5", "minutes": ""}, {"hours": "Enter whole hours, and the rest under Minutes."}),
        ({"hours": "1", "minutes": "75"}, {"minutes": "Enter whole minutes, from 0 to 59."}),
        ({"hours": "", "minutes": ""}, {"hours": "Enter the time you spent (hours and minutes)."}),
        ({"hours": "-2", "minutes": "0"}, {"hours": "Enter between 0 and 24 hours."}),
    ]
    for time, expected in cases:
        response = _post(client, path, **base, **time)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, time
        assert _errors(page) == expected, time
        assert _value(page, "hours") == time["hours"], time
    assert entries_of(staff.trainee) == []
    done = _post(client, path, **base, hours="24", minutes="0")
    assert done.status_code == 302 and [e.minutes for e in entries_of(staff.trainee)] == [24 * 60]


def test_external_form_checks_its_own_limit_and_the_date_at_once(client, u, login, staff):
    assert MAX_EXTERNAL_MINUTES == 200 * 60
    login(staff.trainee)
    path = u("lms.hours.submit_external")
    response = _post(client, path, title="", activity_date="0224-05-01", hours="201", minutes="0")
    errors = _errors(response.get_data(as_text=True))
    assert response.status_code == 400
    assert errors["hours"] == "Enter between 0 and 200 hours."
    assert errors["activity_date"].startswith("Enter a date on or after") and "title" in errors
    assert _post(client, path, title="Course", activity_date="2026-03-10", hours="30", minutes="0").status_code == 302
