"""A manager downloads the training transcript of their current and former staff: the organisation's own records.

From a clinic manager's QA pass: only the one-year DHCS checklist could be downloaded. The manager's copy holds the
approved training recorded with their organisation (which it keeps for audit, after the person leaves too), never
what the person did for another employer or recorded on their own, in the manager's language."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from lms import db
from lms.hours.models import EntryStatus
from lms.orgs import employment
from tests.hours_reports_helpers import add_entry


def _text(data: bytes) -> str:
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def clinics(make_org, make_user, add_member):
    manager = make_user("gerente@example.org", name="Gabriela Gerente")
    acme = make_org("acme", manager=manager)
    other = make_org("other", manager=make_user("otro@example.org", name="Otto Other"))
    ana = make_user("ana@example.org", name="Ana Núñez")
    employment.remove_member(add_member(acme, ana, employment_start=date(2025, 1, 6)), manager, date(2026, 2, 28))
    add_member(other, ana, employment_start=date(2026, 3, 2))
    ben = make_user("ben@example.org", name="Ben Ortiz")
    add_member(acme, ben, employment_start=date(2025, 1, 6))  # current staff
    add_entry(ana, acme, date(2025, 6, 3), 90, paid=date(2025, 6, 1), title="Home visits")
    add_entry(ana, acme, date(2026, 2, 10), 60, status=EntryStatus.PENDING, title="Never approved")
    add_entry(ana, other, date(2026, 3, 10), 120, paid=date(2026, 3, 1), title="Another employer's course")
    add_entry(ben, acme, date(2026, 1, 12), 45, paid=date(2026, 1, 1), title="Motivational interviewing")
    db.session.commit()
    return acme, manager, ana, ben


def test_a_manager_downloads_a_former_staff_members_transcript_of_their_organisation(client, u, login, clinics):
    _acme, manager, ana, _ben = clinics
    login(manager)
    response = client.get(u("lms.hours.staff_transcript", org_slug="acme", user_id=ana.id))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "training-transcript-ana-nunez-acme.pdf" in response.headers["Content-Disposition"]
    text = _text(response.data)
    assert "Training transcript" in text and "Ana Núñez" in text and "Home visits" in text
    assert "Another employer's course" not in text and "Never approved" not in text
    assert "1 h 30 min" in text
    assert ("The training recorded with Acme, approved by its managers; training recorded with other organisations is "
            "not included.") in text
    assert "Worked for Acme until February 28, 2026." in text


def test_a_current_staff_members_transcript_says_no_end(client, u, login, clinics):
    _acme, manager, _ana, ben = clinics
    login(manager)
    text = _text(client.get(u("lms.hours.staff_transcript", org_slug="acme", user_id=ben.id)).data)
    assert "Motivational interviewing" in text and "Worked for" not in text


def test_the_transcript_is_in_the_managers_language(client, u, login, clinics):
    _acme, manager, ana, _ben = clinics
    manager.locale = "es"
    db.session.commit()
    login(manager)
    text = _text(client.get(u("lms.hours.staff_transcript", org_slug="acme", user_id=ana.id)).data)
    assert "Historial de capacitación" in text and "Home visits" in text


def test_only_the_organisations_managers_and_only_its_people(client, u, login, clinics, make_user):
    _acme, manager, ana, _ben = clinics
    stranger = make_user("sin@example.org", name="Sin Empleo")
    login(manager)
    assert client.get(u("lms.hours.staff_transcript", org_slug="acme", user_id=stranger.id)).status_code == 404
    login(ana)  # her own is on her hours page, not here
    assert client.get(u("lms.hours.staff_transcript", org_slug="acme", user_id=ana.id)).status_code == 403


def test_another_organisations_manager_cannot_read_it(client, u, login, clinics):
    from lms.accounts.services import get_user_by_email

    _acme, _manager, ana, _ben = clinics
    login(get_user_by_email("otro@example.org"))
    assert client.get(u("lms.hours.staff_transcript", org_slug="acme", user_id=ana.id)).status_code == 403


def test_the_timesheet_of_a_person_links_to_it(client, u, login, clinics):
    _acme, manager, ana, _ben = clinics
    login(manager)
    page = client.get(u("lms.hours.person_timesheet", org_slug="acme", user_id=ana.id)).get_data(as_text=True)
    link = u("lms.hours.staff_transcript", org_slug="acme", user_id=ana.id)
    assert f'<a href="{link}">Training transcript of Ana Núñez (PDF)</a>' in page
