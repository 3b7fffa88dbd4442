"""Back, then Save, on the hours forms: an entry identical to one saved shortly before under another key is only saved
once the person confirms (lms/hours/repeats.py). Before, Back and Save on the correction form saved a second,
approved correction, because the page came back with a new one-time key."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms import db
from lms.db import utcnow
from lms.hours import adjustments, approvals, repeats, review_queue
from lms.hours.models import EntryStatus
from lms.hours.repeats import PossibleRepeat
from lms.orgs.models import MemberRole
from tests.test_hours_ledger import DAY, Staff, entries_of, external, form_token, make_staff

ASKS = "saved an identical entry"


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def approved(staff):
    """An approved 8-hour external training of Tina's, to correct."""
    entry = external(staff.trainee, minutes=480)
    approvals.approve(entry, staff.manager)
    db.session.commit()
    return entry


def _adjust_path(u, staff) -> str:
    member = review_queue.get_member(staff.org, staff.trainee.id)
    return u("lms.hours.adjust", org_slug="acme", membership_id=member.id)


def _correction(client, path: str, entry, **extra) -> dict:
    """The correction form as the manager fills it: fetched afresh (a new key), -180 minutes, approved now."""
    token, key = form_token(client, f"{path}?corrects={entry.id}")
    return {"csrf_token": token, "idempotency_key": key, "minutes": "-180", "corrects_id": str(entry.id),
            "description": "Left at noon: five hours, not eight.", "approve_now": "y", **extra}


def test_back_and_save_of_a_correction_asks_before_saving_a_second_one(client, u, login, staff, approved):
    login(staff.manager)
    path = _adjust_path(u, staff)
    assert client.post(path, data=_correction(client, path, approved)).status_code == 302
    first = entries_of(staff.trainee)[-1]
    assert first.status is EntryStatus.APPROVED

    again = _correction(client, path, approved)  # Back: the page fetched again, with a new key, the typed values
    asked = client.post(path, data=again)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 409 and "You " + ASKS in page and "(Approved)" in page
    assert "Left at noon: five hours, not eight." in page and 'value="-180"' in page  # what was typed stays
    assert re.search(r'name="confirm_repeat"', page) and f"/hours/orgs/acme/entries/{first.id}" in page
    assert f'value="{again["idempotency_key"]}"' in page  # the same key: confirming twice still saves once
    assert len(entries_of(staff.trainee)) == 2  # the original and the first correction: nothing new

    confirmed = client.post(path, data={**again, "confirm_repeat": "y"})
    assert confirmed.status_code == 302
    assert [e.minutes for e in entries_of(staff.trainee)] == [480, -180, -180]
    resent = client.post(path, data={**again, "confirm_repeat": "y"}, follow_redirects=True)
    assert "already received" in resent.get_data(as_text=True) and len(entries_of(staff.trainee)) == 3


def test_another_managers_identical_correction_is_named(client, u, login, make_user, add_member, staff, approved):
    second = make_user("deputy@example.org", name="Dee Deputy")
    add_member(staff.org, second, role=MemberRole.MANAGER)
    adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=-180, description="Left at noon: five hours, not eight.", corrects_id=approved.id), second, "deputy-key")
    db.session.commit()
    login(staff.manager)
    path = _adjust_path(u, staff)
    page = client.post(path, data=_correction(client, path, approved)).get_data(as_text=True)
    assert "Dee Deputy " + ASKS in page and "(Pending)" in page
    assert len(entries_of(staff.trainee)) == 2


def test_other_details_a_rejected_twin_or_an_old_twin_are_saved_without_asking(client, u, login, staff, approved,
                                                                               monkeypatch):
    login(staff.manager)
    path = _adjust_path(u, staff)
    client.post(path, data=_correction(client, path, approved, approve_now=""))
    assert client.post(path, data=_correction(client, path, approved, minutes="-120")).status_code == 302
    twin = entries_of(staff.trainee)[1]
    approvals.reject(twin, staff.manager, "Wrong: she left at two.")
    db.session.commit()
    assert client.post(path, data=_correction(client, path, approved, approve_now="")).status_code == 302
    later = utcnow() + repeats.REPEAT_WINDOW + timedelta(minutes=1)
    monkeypatch.setattr(repeats, "utcnow", lambda: later)
    assert client.post(path, data=_correction(client, path, approved, minutes="-120")).status_code == 302
    assert [e.minutes for e in entries_of(staff.trainee)] == [480, -180, -120, -180, -120]


def test_an_adjustment_of_its_own_is_asked_about_too(client, u, login, staff):
    login(staff.manager)
    path = _adjust_path(u, staff)

    def form() -> dict:
        token, key = form_token(client, path)
        return {"csrf_token": token, "idempotency_key": key, "minutes": "30", "activity_date": DAY.isoformat(),
                "description": "Staff meeting on the new referral form"}

    assert client.post(path, data=form()).status_code == 302
    assert client.post(path, data=form()).status_code == 409
    assert len(entries_of(staff.trainee)) == 1


def _field_form(client, u) -> dict:
    token, key = form_token(client, u("lms.hours.log_field"))
    return {"csrf_token": token, "idempotency_key": key, "activity_date": DAY.isoformat(), "hours": "2", "minutes": "0",
            "description": "Home visits", "supervisor_name": "Sam Super", "supervisor_title": "Lead CHW",
            "competency_areas": ["outreach", "communication"]}


def test_field_log_sent_again_from_a_fresh_form_is_asked_about(client, u, login, staff):
    login(staff.trainee)
    path = u("lms.hours.log_field")
    assert client.post(path, data=_field_form(client, u)).status_code == 302
    again = {**_field_form(client, u), "competency_areas": ["communication", "outreach"]}  # areas in any order
    asked = client.post(path, data=again)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 409 and "You " + ASKS in page and "Home visits" in page
    assert f"/hours/entries/{entries_of(staff.trainee)[0].id}" in page
    assert client.post(path, data={**again, "confirm_repeat": "y"}).status_code == 302
    assert len(entries_of(staff.trainee)) == 2
    other_day = {**_field_form(client, u), "activity_date": (DAY - timedelta(days=1)).isoformat()}
    assert client.post(path, data=other_day).status_code == 302  # another day's visits: not a repeat


def test_external_training_form_asks_but_the_api_does_not(client, u, login, staff):
    login(staff.trainee)
    path = u("lms.hours.submit_external")

    def form() -> dict:
        token, key = form_token(client, path)
        return {"csrf_token": token, "idempotency_key": key, "title": "CPR", "activity_date": DAY.isoformat(),
                "hours": "4", "minutes": "0"}

    assert client.post(path, data=form()).status_code == 302
    asked = client.post(path, data=form())
    assert asked.status_code == 409 and ASKS in asked.get_data(as_text=True)
    body = {"title": "CPR", "activity_date": DAY.isoformat(), "minutes": 240}
    api = client.post(u("lms.api.my_hours"), json=body,
                      headers={"X-CSRFToken": client.csrf_token(), "Idempotency-Key": "another-key"})
    assert api.status_code == 201  # API clients choose their keys: a new key is a new entry
    assert len(entries_of(staff.trainee)) == 2


def test_the_service_refuses_only_when_asked_to_guard(staff, approved):
    data = adjustments.Adjustment(minutes=-60, description="Late", corrects_id=approved.id)
    first, _created = adjustments.add_adjustment(staff.org, staff.trainee, data, staff.manager, "a", guard_repeats=True)
    db.session.commit()
    with pytest.raises(PossibleRepeat) as refused:
        adjustments.add_adjustment(staff.org, staff.trainee, data, staff.manager, "b", guard_repeats=True)
    assert refused.value.earlier.id == first.id and refused.value.status == 409
    db.session.rollback()
    second, created = adjustments.add_adjustment(staff.org, staff.trainee, data, staff.manager, "b")  # the API, the CLI
    assert created and second.id != first.id
