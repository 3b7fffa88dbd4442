"""Undoing an end of employment is for a mistake, not a way back in: an organisation's managers may undo it within
14 days of recording it (a site administrator at any time), the person is emailed in their language, and after the
window the page says to send a new invitation. The audit row is as before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.errors import ConflictError
from lms.orgs import employment
from tests.conftest import _free_port, body_of, html_text

CLOSED = ("The end of Lupe Ortiz's employment was recorded more than 14 days ago and can no longer be undone. To take "
          "them back, send them a new invitation.")



@pytest.fixture
def acme(make_user, make_org, add_member):
    boss = make_user("boss@example.org", name="Bea Boss")
    org = make_org("acme", manager=boss, name="Acme Clinic")
    lupe = add_member(org, make_user("lupe@example.org", name="Lupe Ortiz", locale="es"),
                      employment_start=date(2020, 3, 1))
    employment.remove_member(lupe, boss, org.today())
    db.session.commit()
    return org, boss, lupe


def _recorded_days_ago(lupe, days: int) -> None:
    db.session.execute(update(AuditEvent).where(AuditEvent.action == "membership.ended", AuditEvent.object_id == lupe.id)
                       .values(at=utcnow() - timedelta(days=days)))
    db.session.commit()


def _undo(client, u, lupe):
    response = client.submit(u("lms.orgs.reinstate_member", org_slug="acme", membership_id=lupe.id))
    assert response.status_code == 302
    return html_text(client.get(response.headers["Location"]).text)


def _reinstated() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.reinstated")).scalars())


def test_within_the_window_the_undo_works_and_the_person_is_emailed_in_their_language(client, u, acme, login,
                                                                                     mailbox):
    org, boss, lupe = acme
    _recorded_days_ago(lupe, 13)
    login(boss)
    page = html_text(client.get(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)).text)
    assert "Undo: they still work here" in page and "within 14 days of recording it" in page
    assert "Lupe Ortiz is current staff again" in _undo(client, u, lupe)
    db.session.refresh(lupe)
    assert lupe.employment_end is None
    event, = _reinstated()
    assert event.actor_id == boss.id and event.org_id == org.id
    message, = mailbox
    assert message["To"] == "lupe@example.org" and "Acme" not in message["Subject"]
    body = body_of(message)
    assert body.startswith("Hola, Lupe Ortiz:")  # her language
    assert "Bea Boss, gerente de la organización “Acme Clinic”, deshizo el fin de su empleo allí" in body


def test_after_the_window_a_manager_cannot_undo_and_is_told_to_invite_again(client, u, acme, login, mailbox):
    org, boss, lupe = acme
    _recorded_days_ago(lupe, 15)
    with pytest.raises(ConflictError) as refusal:
        employment.reinstate_member(lupe, boss)
    assert refusal.value.message == CLOSED
    db.session.rollback()
    login(boss)
    page = client.get(u("lms.orgs.member", org_slug="acme", membership_id=lupe.id)).text
    assert "Undo: they still work here" not in page
    assert "can no longer be undone here. To take them back, send them a new invitation" in html_text(page)
    assert f'href="{u("lms.orgs.invite", org_slug="acme")}"' in page
    assert CLOSED in _undo(client, u, lupe)  # the form sent anyway (an old tab)
    db.session.refresh(lupe)
    assert lupe.employment_end == org.today() and _reinstated() == [] and mailbox == []


def test_an_old_end_with_no_audit_row_counts_from_its_last_day(acme):
    org, boss, lupe = acme
    db.session.execute(update(AuditEvent).where(AuditEvent.action == "membership.ended").values(action="other"))
    lupe.employment_end = org.today() - timedelta(days=20)
    db.session.commit()
    assert not employment.can_undo_end(lupe, boss)


def test_a_site_administrator_may_undo_at_any_time(acme, make_user, mailbox):
    _org, _boss, lupe = acme
    _recorded_days_ago(lupe, 400)
    admin = make_user("admin@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    assert employment.can_undo_end(lupe, admin)
    employment.reinstate_member(lupe, admin)
    db.session.commit()
    assert lupe.employment_end is None and _reinstated()[0].actor_id == admin.id


def test_an_email_failure_does_not_undo_the_undo(app, client, u, acme, login, mailbox):
    _org, boss, lupe = acme
    login(boss)
    app.config["LMS_MAIL_PORT"] = _free_port()
    text = _undo(client, u, lupe)
    assert "Lupe Ortiz is current staff again" in text
    assert "We could not email: lupe@example.org. Please tell them another way." in text
    db.session.refresh(lupe)
    assert lupe.employment_end is None
