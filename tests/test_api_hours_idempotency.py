"""An Idempotency-Key sent again with other details is another training, not a resend: the API answers 422
``idempotency_key_reused`` (naming the first entry) and records nothing, instead of answering 200 with the first
entry while the second training is silently lost. The same details again still answer 200 with the first entry."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import api_tokens
from lms.hours import external_training, ledger
from lms.hours.models import HoursEntry
from tests.test_hours_ledger import entries_of, form_token, make_staff

BODY = {"title": "Diabetes self-management", "provider": "County clinic", "activity_date": "2026-03-10",
        "minutes": 120, "competency_areas": ["education-facilitation", "outreach"]}
BODY_DAY = date(2026, 3, 10)


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


@pytest.fixture
def send(client, u, staff):
    _token, raw = api_tokens.create_api_token(staff.trainee, "script")
    db.session.commit()

    def post(body, key: str = "training-1"):
        return client.post(u("lms.api.my_hours"), json=body, headers={"Authorization": f"Bearer {raw}",
                                                                        "Idempotency-Key": key})

    return post


@pytest.mark.parametrize("change", [
    {"title": "Hypertension basics"}, {"minutes": 60}, {"activity_date": "2026-03-11"}, {"provider": "Red Cross"},
    {"provider": None}, {"competency_areas": ["outreach"]},
], ids=lambda change: next(iter(change)))
def test_the_same_key_with_other_details_is_a_422_and_saves_nothing(send, staff, change):
    first = send(BODY)
    assert first.status_code == 201
    response = send({**BODY, **change})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "idempotency_key_reused" and error["entry_id"] == first.json["id"]
    assert "Diabetes self-management" in error["message"] and "new key" in error["message"]
    assert [e.title for e in entries_of(staff.trainee)] == ["Diabetes self-management"]
    assert send({**BODY, **change}, key="training-2").status_code == 201  # with its own key it is recorded


@pytest.mark.parametrize("resend", [
    BODY, {**BODY, "competency_areas": ["outreach", "education-facilitation"]},
    {**BODY, "title": "  Diabetes self-management  "}, {**BODY, "org_slug": "acme"},
], ids=["identical", "areas-reordered", "spaces", "org-named"])
def test_the_same_details_again_answer_200_with_the_first_entry(send, staff, resend):
    first = send(BODY)
    again = send(resend)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and len(entries_of(staff.trainee)) == 1


def test_a_race_lost_to_other_details_is_refused_too(staff, monkeypatch):
    """Two requests with one key at once: the loser of the insert race compares too (it found no row before)."""
    data = external_training.ExternalTraining(title="First", activity_date=BODY_DAY, minutes=30)
    external_training.submit_external(staff.trainee, data, "race")
    db.session.commit()
    real, calls = ledger.find_by_key, []

    def not_yet_then_found(*args):  # the first look finds nothing, as if the other request had not committed yet
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(ledger, "find_by_key", not_yet_then_found)
    other = external_training.ExternalTraining(title="Second", activity_date=BODY_DAY, minutes=30)
    with pytest.raises(ledger.IdempotencyKeyReused):
        external_training.submit_external(staff.trainee, other, "race")
    db.session.rollback()
    monkeypatch.undo()
    entry, created = external_training.submit_external(staff.trainee, data, "race")
    assert not created and entry.title == "First"
    assert db.session.scalars(select(HoursEntry.title).where(HoursEntry.user_id == staff.trainee.id)).all() == ["First"]


def test_the_web_form_sent_again_with_other_details_says_so(client, u, login, staff):
    """The same hidden key with another title (Back, edit, send) no longer says "already received"."""
    login(staff.trainee)
    path = u("lms.hours.submit_external")
    token, key = form_token(client, path)
    data = {"csrf_token": token, "idempotency_key": key, "title": "Workshop", "activity_date": "2026-03-10",
            "hours": "1", "minutes": "0"}
    assert client.post(path, data=data).status_code == 302
    response = client.post(path, data={**data, "title": "Another workshop"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "already sent once with other details" in page
    assert "send it again to save them as another entry" in page and [e.title for e in entries_of(staff.trainee)] == [
        "Workshop"]
    new_key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page).group(1)
    assert new_key != key and "Another workshop" in page
    assert client.post(path, data={**data, "title": "Another workshop", "idempotency_key": new_key}).status_code == 302
    assert [e.title for e in entries_of(staff.trainee)] == ["Workshop", "Another workshop"]


def test_the_openapi_document_describes_the_422(client, u):
    post = client.get(u("lms.api.openapi")).json["paths"]["/me/hours"]["post"]
    assert "422" in post["responses"] and "idempotency_key_reused" in post["responses"]["422"]["description"]
