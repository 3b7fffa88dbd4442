"""The "Training done elsewhere" form's button says where the entry goes: "Send for review" while an organisation
employs the person, "Save to my records" for someone no organisation ever employed (nobody reviews it), and "Save"
for someone whose earlier employer may still review it (by its date)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from lms import db
from lms.hours.models import EntryStatus, HoursEntry

BUTTON = re.compile(r'<button type="submit">([^<]*)</button>')


def _button(client, u) -> str:
    page = client.get(u("lms.hours.submit_external")).get_data(as_text=True)
    return BUTTON.findall(page)[-1]


@pytest.fixture
def org(make_org, make_user):
    return make_org("acme", manager=make_user("boss@example.org", name="Bea Boss"))


def test_someone_employed_now_sends_it_for_review(client, u, login, make_user, add_member, org):
    person = make_user("tina@example.org", name="Tina Trainee")
    add_member(org, person, employment_start=date(2025, 1, 1))
    login(person)
    assert _button(client, u) == "Send for review"


def test_someone_no_organisation_employs_saves_it_to_their_records(client, u, login, make_user):
    person = make_user("solo@example.org", name="Sol Solo")
    login(person)
    page = client.get(u("lms.hours.submit_external")).get_data(as_text=True)
    assert "where nobody reviews it" in page
    assert BUTTON.findall(page)[-1] == "Save to my records" and "Send for review" not in page
    response = client.submit(u("lms.hours.submit_external"), {
        "title": "County workshop", "provider": "County", "activity_date": "2026-03-10", "hours": "1",
        "minutes": "30"})
    assert response.status_code == 302
    entry = db.session.query(HoursEntry).filter_by(user_id=person.id).one()
    assert entry.org_id is None and entry.status is EntryStatus.PENDING
    assert "Saved in your own training records only" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_someone_who_left_their_employer_saves_it_which_may_still_go_for_review(client, u, login, make_user,
                                                                                  add_member, org):
    person = make_user("gone@example.org", name="Gil Gone")
    add_member(org, person, employment_start=date(2025, 1, 1)).employment_end = date(2025, 6, 30)
    db.session.commit()
    login(person)
    page = client.get(u("lms.hours.submit_external")).get_data(as_text=True)
    assert "If an organisation employed you on its date" in page
    assert BUTTON.findall(page)[-1] == "Save" and "Send for review" not in page


def test_the_spanish_button_is_translated_or_falls_back(client, u, login, make_user):
    login(make_user("sola@example.org", name="Sol Sola", locale="es"))
    page = client.get(u("lms.hours.submit_external")).get_data(as_text=True)
    assert BUTTON.findall(page)[-1] in {"Save to my records", "Guardar en mis registros"}
