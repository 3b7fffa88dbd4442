"""A number box that cannot be read shows one error, not also "Number must be between ..." (QA: "1.5" in the minutes
of an hours correction showed both). The fix is in the shared ``lms.web.validators.NumberRange``, so every form's
number box behaves alike."""

from __future__ import annotations

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import DecimalField, Form, IntegerField
from wtforms.validators import InputRequired, Optional

from lms import db
from lms.hours import approvals, review_queue
from lms.web.validators import NumberRange
from tests.test_hours_ledger import entries_of, external, form_token, make_staff
from tests.test_orgs import VALID_SETTINGS


class _Numbers(Form):
    whole = IntegerField(validators=[InputRequired(), NumberRange(min=-10, max=10)])
    optional = IntegerField(validators=[Optional(), NumberRange(min=1, max=12)])
    money = DecimalField(places=2, validators=[InputRequired(), NumberRange(min=0, max=1000)])


def _errors(**data: str) -> dict[str, list[str]]:
    form = _Numbers(MultiDict({"whole": "1", "optional": "", "money": "1", **data}))
    form.validate()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.parametrize("field, value, message", [
    ("whole", "1.5", "Not a valid integer value."),
    ("whole", "ten", "Not a valid integer value."),
    ("optional", "1.5", "Not a valid integer value."),
    ("money", "abc", "Not a valid decimal value."),
])
def test_an_unreadable_number_has_only_the_reading_error(field, value, message):
    assert _errors(**{field: value}) == {field: [message]}


@pytest.mark.parametrize("field, value, message", [
    ("whole", "11", "Number must be between -10 and 10."),
    ("whole", "9" * 400, "Number must be between -10 and 10."),
    ("optional", "0", "Number must be between 1 and 12."),
    ("money", "1000.01", "Number must be between 0 and 1000."),
])
def test_a_number_out_of_range_still_says_so(field, value, message):
    assert _errors(**{field: value}) == {field: [message]}


def test_a_number_in_range_passes():
    form = _Numbers(MultiDict({"whole": "-10", "optional": "12", "money": "12.50"}))
    assert form.validate() and (form.whole.data, form.money.data) == (-10, Decimal("12.50"))


@pytest.fixture
def staff(make_user, make_org, add_member):
    return make_staff(make_user, make_org, add_member)


def _adjust(client, u, staff, minutes: str):
    original = external(staff.trainee, minutes=90)
    approvals.approve(original, staff.manager)
    db.session.commit()
    member = review_queue.get_member(staff.org, staff.trainee.id)
    path = u("lms.hours.adjust", org_slug="acme", membership_id=member.id)
    token, key = form_token(client, path + f"?corrects={original.id}")
    return client.post(path, data={"csrf_token": token, "idempotency_key": key, "minutes": minutes,
                                   "corrects_id": str(original.id), "description": "Arrived late"})


@pytest.mark.parametrize("minutes", ["1.5", "-0.5", "half"])
def test_a_correction_of_minutes_that_are_not_whole_shows_one_error_and_keeps_the_input(client, u, login, staff,
                                                                                          minutes):
    login(staff.manager)
    response = _adjust(client, u, staff, minutes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    # once beside the box (and once in the summary above the form, which links to it)
    assert page.count('<p class="error" id="minutes-error">Enter a whole number of minutes, for example 30 or -15.</p>') == 1
    assert page.count('class="error"') == 1
    assert "Number must be between" not in page and "Not a valid integer value." not in page
    assert "An adjustment cannot be zero minutes." not in page
    assert f'value="{minutes}"' in page and "Arrived late" in page
    assert len(entries_of(staff.trainee)) == 1  # nothing saved


def test_a_correction_out_of_range_still_names_the_range(client, u, login, staff):
    login(staff.manager)
    page = _adjust(client, u, staff, "12001").get_data(as_text=True)
    assert "Number must be between -12000 and 12000." in page
    assert "Enter a whole number of minutes" not in page


def test_organisation_pay_rate_that_is_not_a_number_has_one_error(client, u, make_user, login):
    login(make_user())
    page = client.submit(u("lms.orgs.create"), {**VALID_SETTINGS, "slug": "valley", "pay_rate": "abc"}).get_data(
        as_text=True)
    assert "Not a valid decimal value." in page and "Number must be between 0 and 1000." not in page
