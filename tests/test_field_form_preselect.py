"""Field hours logged from a course page count toward the course: its "Log field experience" link names the module,
the form chooses it; without that the person chooses (the course or "Not for a course"), nothing is chosen for them
(docs/hours.md, "Supervised field experience")."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms import db
from lms.enrollment import completion
from lms.enrollment import services as enrollment_services
from lms.hours import approvals
from lms.hours.models import HoursEntry
from tests.field_support import enrolled_field_course
from tests.test_hours_ledger import Staff, form_token, make_staff


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def field_course(make_user, staff):
    """A course whose field module credits an hour, the trainee enrolled."""
    course, modules = enrolled_field_course(make_user, staff, field_minutes=60)
    return course, modules["field"]


def _select(page: str) -> str:
    return re.search(r'<select[^>]*name="module_id".*?</select>', page, re.S).group(0)


def _selected(page: str) -> str | None:
    found = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', _select(page))
    return next((g for g in found.groups() if g is not None), None) if found else None


def test_the_course_page_link_names_the_module_and_the_form_chooses_it(client, u, login, staff, field_course):
    course, module = field_course
    login(staff.trainee)
    page = client.get(u("lms.courses.course", course_slug=course.slug)).get_data(as_text=True)
    link = u("lms.hours.log_field", module=module.id)
    assert f'href="{link}"' in page
    assert _selected(client.get(link).get_data(as_text=True)) == str(module.id)


def test_without_the_course_nothing_is_chosen_and_a_choice_is_required(client, u, login, staff, field_course):
    _course, module = field_course
    login(staff.trainee)
    form = client.get(u("lms.hours.log_field")).get_data(as_text=True)
    select = _select(form)
    assert "required" in select.split(">")[0]
    assert _selected(form) in (None, "")  # "Choose one", not "Not for a course"
    assert '<option value="0">Not for a course</option>' in select
    # A module that is not one of theirs chooses nothing.
    assert _selected(client.get(u("lms.hours.log_field", module=module.id + 999)).get_data(as_text=True)) in (None, "")
    assert _selected(client.get(u("lms.hours.log_field") + "?module=abc").get_data(as_text=True)) in (None, "")

    path = u("lms.hours.log_field")
    token, key = form_token(client, path)
    response = client.post(path, data=_data(token, key))  # no choice made
    assert response.status_code == 400
    assert "Choose the course this counts towards, or “Not for a course”." in response.get_data(as_text=True)
    assert db.session.execute(select_entries(staff)).first() is None


def test_a_submission_from_the_course_page_counts_toward_the_course(client, u, login, staff, field_course):
    course, module = field_course
    login(staff.trainee)
    path = u("lms.hours.log_field", module=module.id)
    token, key = form_token(client, path)
    response = client.post(path, data=_data(token, key, module_id=str(module.id)))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    entry = db.session.execute(select_entries(staff)).scalar_one()
    assert entry.module_id == module.id
    approvals.approve(entry, staff.manager)
    db.session.commit()
    progress = completion.load_progress(enrollment_services.get_enrollment(staff.trainee, course))
    assert progress.module_done(module)


def test_not_for_a_course_is_an_explicit_choice(client, u, login, staff, field_course):
    login(staff.trainee)
    path = u("lms.hours.log_field")
    token, key = form_token(client, path)
    assert client.post(path, data=_data(token, key, module_id="0")).status_code == 302
    assert db.session.execute(select_entries(staff)).scalar_one().module_id is None


def test_without_field_modules_there_is_no_choice_to_make(client, u, login, staff):
    login(staff.trainee)
    path = u("lms.hours.log_field")
    assert 'name="module_id"' not in client.get(path).get_data(as_text=True)
    token, key = form_token(client, path)
    assert client.post(path, data=_data(token, key)).status_code == 302
    assert db.session.execute(select_entries(staff)).scalar_one().module_id is None


def select_entries(staff: Staff):
    return select(HoursEntry).where(HoursEntry.user_id == staff.trainee.id)


def _data(token: str, key: str, **extra: str) -> dict[str, str]:
    return {"csrf_token": token, "idempotency_key": key, "activity_date": "2026-03-10", "hours": "1", "minutes": "0",
            "description": "Home visits", "supervisor_name": "Sam Super", "supervisor_title": "Lead CHW",
            "competency_areas": "outreach", **extra}
