"""The supervisor's name on a field-experience log goes through the people's-name normaliser: bidi controls and
extra spaces are removed before it is stored (it is printed on compliance reports), and a name of invisible
characters alone is refused next to the field, storing nothing."""

from __future__ import annotations

import pytest

from lms.errors import DomainError
from lms.hours import field_experience
from tests.test_hours_ledger import DAY, Staff, entries_of, form_token, make_staff

INVISIBLE_ONLY = "\u200b\u2066\u2069\u00ad"


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def _log(client, u, supervisor: str):
    path = u("lms.hours.log_field")
    token, key = form_token(client, path)
    return client.post(path, data={
        "csrf_token": token, "idempotency_key": key, "activity_date": DAY.isoformat(), "hours": "1", "minutes": "0",
        "description": "Home visits", "supervisor_name": supervisor, "supervisor_title": "Lead CHW"})


def test_the_name_is_stored_normalised(client, u, login, staff):
    login(staff.trainee)
    response = _log(client, u, "  Sam\u00a0\u00a0\u202eSuper\u202c \u200bVisor\u2069  ")
    assert response.status_code == 302
    [entry] = entries_of(staff.trainee)
    assert entry.supervisor_name == "Sam Super Visor"
    shown = client.get(u("lms.api.my_hours")).get_json()["entries"]
    assert [e["supervisor_name"] for e in shown] == ["Sam Super Visor"]


def test_a_name_of_invisible_characters_is_refused_on_the_form(client, u, login, staff):
    login(staff.trainee)
    response = _log(client, u, INVISIBLE_ONLY)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = page[page.index('id="supervisor_name-error"'):].split("</p>")[0]
    assert "Spaces and invisible characters alone do not make a name." in error
    assert entries_of(staff.trainee) == []


def test_the_service_refuses_it_too(staff):
    data = field_experience.FieldExperience(activity_date=DAY, minutes=60, description="Home visits",
                                            supervisor_name=INVISIBLE_ONLY, supervisor_title="Lead CHW")
    with pytest.raises(DomainError) as refused:
        field_experience.log_field(staff.trainee, data, "k1")
    assert refused.value.details == {"field": "supervisor_name"}
    assert "invisible characters" in refused.value.message
    assert entries_of(staff.trainee) == []
