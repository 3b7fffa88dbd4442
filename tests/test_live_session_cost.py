"""A session's cost is kept in whole cents: 12.345 dollars is refused with a clear message on the scheduling and edit
forms (the form comes back with what was typed), never rounded silently."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms import db
from lms.live.models import LiveSession
from tests.live_support import schedule, session_form

DAY = date(2038, 1, 12)
TOO_PRECISE = "Enter the cost in dollars and cents, with at most 2 decimal places, like 12.50."


def _form(module, trainer, **overrides) -> dict:
    return session_form(module, trainer, DAY, **{"notes": "Bring water", **overrides})

def _costs() -> list[int | None]:
    return list(db.session.execute(select(LiveSession.cost_cents).order_by(LiveSession.id)).scalars())


@pytest.mark.parametrize("typed", ["12.345", "0.001", "1e-3", "12.3401"])
def test_more_than_two_decimal_places_is_refused_and_the_form_keeps_what_was_typed(client, u, login, module, trainer, typed):
    login(trainer)
    response = client.submit(u("lms.sessions.create"), _form(module, trainer, cost=typed))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and TOO_PRECISE in page
    assert f'value="{typed}"' in page and "Bring water" in page
    assert _costs() == []


@pytest.mark.parametrize(("typed", "cents"), [("12.34", 1234), ("12.340", 1234), ("12.3", 1230), ("25", 2500), ("", None)])
def test_dollars_and_cents_are_kept_exactly(client, u, login, module, trainer, typed, cents):
    login(trainer)
    assert client.submit(u("lms.sessions.create"), _form(module, trainer, cost=typed)).status_code == 302
    assert _costs() == [cents]


def test_the_edit_form_refuses_it_too(client, u, login, module, trainer):
    (session,) = schedule(module, trainer, day=DAY, cost_cents=1500, address="Room 9, 1200 Main Street")
    login(trainer)
    response = client.submit(u("lms.sessions.edit", session_id=session.id), _form(module, trainer, cost="15.005"))
    assert response.status_code == 400 and TOO_PRECISE in response.get_data(as_text=True)
    assert _costs() == [1500]


@pytest.mark.parametrize("typed", ["1e30", "NaN", "-0.001"])
def test_odd_amounts_are_refused_without_an_error_page(client, u, login, module, trainer, typed):
    login(trainer)
    response = client.submit(u("lms.sessions.create"), _form(module, trainer, cost=typed))
    assert response.status_code == 400 and 'name="cost"' in response.get_data(as_text=True)
    assert _costs() == []
