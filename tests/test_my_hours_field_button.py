"""My hours offers "Log field experience" only to people who can log it (``lms.hours.field_experience.may_log_field``,
the rule the field form itself follows): current staff, and former staff for the dates they worked there. Someone
never on any organisation's staff gets no button, and one sentence saying why."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms import db
from lms.db import utcnow
from lms.i18n import today_for
from lms.orgs.employment import remove_member
from tests.test_recheck_trainee import text_of

WHY = "You can log field experience once an organisation adds you to its staff: a manager there signs it off."


@pytest.fixture
def people(make_user, make_org, add_member):
    """Ana works for Acme; Flor worked there and left yesterday; Nadia never worked for anyone."""
    org = make_org("acme")
    ana, flor, nadia = (make_user(f"{n}@example.org", name=n.title()) for n in ("ana", "flor", "nadia"))
    add_member(org, ana, employment_start=utcnow().date() - timedelta(days=400))
    left = add_member(org, flor, employment_start=utcnow().date() - timedelta(days=400))
    remove_member(left, ana, today_for(flor) - timedelta(days=1))
    db.session.commit()
    return {"ana": ana, "flor": flor, "nadia": nadia}


def _button(u) -> str:
    return f'<a class="button secondary" href="{u("lms.hours.log_field")}">Log field experience</a>'


@pytest.mark.parametrize("who", ["ana", "flor"])
def test_staff_and_former_staff_get_the_button(client, u, login, people, who):
    login(people[who])
    response = client.get(u("lms.hours.mine"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and _button(u) in page and WHY not in text_of(response)
    assert 'name="description"' in client.get(u("lms.hours.log_field")).get_data(as_text=True)  # the form agrees


def test_someone_never_on_any_staff_gets_no_button_and_one_sentence_why(client, u, login, people):
    login(people["nadia"])
    response = client.get(u("lms.hours.mine"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and u("lms.hours.log_field") + '"' not in page
    assert text_of(response).count(WHY) == 1
    assert u("lms.hours.submit_external") in page  # training done elsewhere is still offered
    assert 'name="description"' not in client.get(u("lms.hours.log_field")).get_data(as_text=True)  # the form agrees


def test_a_manager_who_is_on_the_staff_only_as_manager_gets_the_button(client, u, login, make_user, make_org):
    """Any place on an organisation's staff counts, as for the form (managers log field work too)."""
    boss = make_user("boss@example.org", name="Bea Boss")
    make_org("clinic", manager=boss)
    login(boss)
    assert _button(u) in client.get(u("lms.hours.mine")).get_data(as_text=True)
