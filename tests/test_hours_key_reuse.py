"""A form sent again with its hidden key but other details (Back, edit, send) is another entry, not a resend: the
service refuses it instead of answering with the first entry, and the web forms keep the new details under a new key,
so sending once more saves them. Field experience and managers' adjustments, as the external form already did."""

from __future__ import annotations

import re
from datetime import date

import pytest

from lms import db
from lms.hours import adjustments, field_experience, ledger, review_queue
from tests.test_hours_ledger import entries_of, form_token, make_staff

DAY = date(2026, 3, 10)


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


def _key(page: str) -> str:
    return re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page).group(1)


def _field(**changes) -> field_experience.FieldExperience:
    data = {"activity_date": DAY, "minutes": 60, "description": "Home visits", "supervisor_name": "Sam Super",
            "supervisor_title": "Lead CHW", "competency_areas": ("outreach",)}
    return field_experience.FieldExperience(**{**data, **changes})


def test_field_log_resent_with_the_same_details_is_saved_once(staff):
    first, created = field_experience.log_field(staff.trainee, _field(), "k1")
    again, created_again = field_experience.log_field(staff.trainee, _field(description="  Home visits ",
                                                                            competency_areas=("outreach",)), "k1")
    assert (created, created_again, again.id) == (True, False, first.id)


@pytest.mark.parametrize("change", [{"minutes": 90}, {"description": "Health fair"}, {"activity_date": date(2026, 3, 9)},
                                    {"supervisor_name": "Sue Other"}, {"supervisor_title": "Nurse"},
                                    {"competency_areas": ("advocacy",)}])
def test_field_log_with_the_same_key_and_other_details_is_refused(staff, change):
    field_experience.log_field(staff.trainee, _field(), "k1")
    with pytest.raises(ledger.IdempotencyKeyReused) as refused:
        field_experience.log_field(staff.trainee, _field(**change), "k1")
    assert refused.value.status == 422 and "other details" in refused.value.message
    assert [e.description for e in entries_of(staff.trainee)] == ["Home visits"]


def test_adjustment_with_the_same_key_and_other_details_is_refused(staff):
    data = adjustments.Adjustment(minutes=30, description="Forgot the workshop", activity_date=DAY)
    first, _created = adjustments.add_adjustment(staff.org, staff.trainee, data, staff.manager, "a1")
    assert adjustments.add_adjustment(staff.org, staff.trainee, data, staff.manager, "a1") == (first, False)
    for other in (adjustments.Adjustment(minutes=45, description="Forgot the workshop", activity_date=DAY),
                  adjustments.Adjustment(minutes=30, description="Another reason", activity_date=DAY),
                  adjustments.Adjustment(minutes=30, description="Forgot the workshop", corrects_id=first.id)):
        with pytest.raises(ledger.IdempotencyKeyReused):
            adjustments.add_adjustment(staff.org, staff.trainee, other, staff.manager, "a1")
    assert [e.minutes for e in entries_of(staff.trainee)] == [30]


def test_field_form_sent_again_with_other_details_keeps_them_and_saves_them_on_the_next_send(client, u, login, staff):
    login(staff.trainee)
    path = u("lms.hours.log_field")
    token, key = form_token(client, path)
    data = {"csrf_token": token, "idempotency_key": key, "activity_date": "2026-03-10", "hours": "1", "minutes": "0",
            "description": "Home visits", "supervisor_name": "Sam Super", "supervisor_title": "Lead CHW"}
    assert client.post(path, data=data).status_code == 302
    assert client.post(path, data=data).status_code == 302  # a plain resend: one entry
    edited = client.post(path, data={**data, "description": "Health fair"})
    page = edited.get_data(as_text=True)
    assert edited.status_code == 400 and "already sent once with other details" in page
    assert "Health fair" in page and "send it again to save them as another entry" in page
    assert _key(page) != key
    saved = client.post(path, data={**data, "description": "Health fair", "idempotency_key": _key(page)})
    assert saved.status_code == 302
    assert [e.description for e in entries_of(staff.trainee)] == ["Home visits", "Health fair"]


def test_adjustment_form_sent_again_with_other_details_is_not_taken_for_a_resend(client, u, login, staff):
    login(staff.manager)
    member = review_queue.get_member(staff.org, staff.trainee.id)
    path = u("lms.hours.adjust", org_slug="acme", membership_id=member.id)
    token, key = form_token(client, path)
    data = {"csrf_token": token, "idempotency_key": key, "minutes": "30", "activity_date": "2026-03-10",
            "description": "Forgot the workshop"}
    assert client.post(path, data=data).status_code == 302
    edited = client.post(path, data={**data, "minutes": "45"})
    page = edited.get_data(as_text=True)
    assert edited.status_code == 400 and "already sent once with other details" in page
    saved = client.post(path, data={**data, "minutes": "45", "idempotency_key": _key(page)})
    assert saved.status_code == 302
    db.session.expire_all()
    assert [e.minutes for e in entries_of(staff.trainee)] == [30, 45]
