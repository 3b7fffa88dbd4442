"""The payroll export sent without its "I have checked this timesheet" tick: the timesheet again (400), the problem in
the error summary linking to the box and beside the box, the period and the other ticks as sent, and nothing locked.
It used to be a flash after a redirect, far from the box, with the other ticks lost."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.hours.models import PayrollExport
from tests.payroll_support import MAR1, semimonthly_clinic, shown_on_page

START = MAR1.isoformat()
MESSAGE = "Tick the box to confirm that you checked the timesheet before it is locked."


@pytest.fixture
def clinic(make_org, make_user, add_member):
    """A semimonthly clinic with approved hours in two past periods; the first is never exported."""
    return semimonthly_clinic(make_org, make_user, add_member)


def _send(client, u, **fields: str):
    data = {"start": START, "shown": shown_on_page(client, u, "clinica", START), "skip_earlier": "yes", **fields}
    return client.submit(u("lms.hours.export_payroll", org_slug="clinica"), data)


def _exports() -> int:
    return db.session.scalar(select(func.count(PayrollExport.id)))


def _box(page: str, name: str) -> str:
    return re.search(rf'<input type="checkbox"[^>]*name="{name}"[^>]*>', page).group(0)


def test_untick_export_shows_the_sheet_again_with_the_problem_at_the_box(client, u, login, clinic):
    login(clinic[1])
    refused = _send(client, u)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and _exports() == 0
    assert "<title>Error:" in page
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "autofocus" in summary and re.search(rf'<a href="#confirm">{re.escape(MESSAGE)}</a>', summary)  # a tick box: the problem
    confirm = _box(page, "confirm")
    assert 'id="confirm"' in confirm and 'aria-invalid="true"' in confirm and "checked" not in confirm
    assert "confirm-error" in confirm and f'<p class="error" id="confirm-error">{MESSAGE}</p>' in page
    # the period sent, and the other tick as it was ticked
    assert f'name="start" value="{START}"' in page and "Ana Núñez" in page
    assert "checked" in _box(page, "skip_earlier")


def test_only_the_boxes_own_value_counts_as_ticked(client, u, login, clinic):
    login(clinic[1])
    refused = _send(client, u, confirm="no")
    assert refused.status_code == 400 and MESSAGE in refused.get_data(as_text=True) and _exports() == 0
    done = _send(client, u, confirm="yes")
    assert done.status_code == 302 and _exports() == 1


def test_the_page_as_first_shown_has_no_error_and_nothing_ticked(client, u, login, clinic):
    login(clinic[1])
    page = client.get(u("lms.hours.org_timesheet", org_slug="clinica", start=START)).get_data(as_text=True)
    assert "error-summary" not in page and 'aria-invalid' not in _box(page, "confirm")
    assert "checked" not in _box(page, "confirm") and "checked" not in _box(page, "skip_earlier")
