"""Demoting or disabling the last active site administrator, refused by the service (two administrators removing each
other at the same moment: the second finds the first the only one left): the form the change was sent from again,
409, the refusal in its focused error summary, the reason and the role chosen kept, and nothing changed. It used to be
a flash after a redirect to the people list, with the reason typed lost."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts import admin_actions
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from tests.concurrency import finish, uncommitted_for_a_while

MESSAGE = ("Alex is the only active site administrator. Make someone else a site administrator first: the site must "
           "always have one.")
SPANISH = "Alex es la única persona activa con el rol de administrador(a) del sitio."
ROLE = {"action": "role", "role": "trainer", "reason": "Teaches the Tuesday class now"}
DISABLE = {"action": "disable", "confirm": "yes", "reason": "Left the clinic in June"}


@pytest.fixture
def admins(make_user):
    alex = make_user("alex@example.org", name="Alex", role=SiteRole.ADMIN)
    teresa = make_user("teresa@example.org", name="Teresa", role=SiteRole.ADMIN)
    return alex.id, teresa.id


def _alex_removes_teresa(app, alex_id: int, teresa_id: int):
    """Alex demotes Teresa in another transaction, committed a moment later (after Teresa's request has waited)."""

    def work() -> None:
        admin_actions.set_role(db.session.get(User, teresa_id), SiteRole.TRAINEE, db.session.get(User, alex_id),
                               "Stepped back")

    return uncommitted_for_a_while(app, work)


def _refused(app, client, u, login, admins, data: dict[str, str], lang: str | None = None):
    """Teresa (with a page opened earlier) sends ``data`` about Alex while Alex's removal of her is not committed."""
    alex_id, teresa_id = admins
    login(db.session.get(User, teresa_id))
    client.csrf_token()
    thread, errors = _alex_removes_teresa(app, alex_id, teresa_id)
    args = {"lang": lang} if lang else {}
    response = client.submit(u("lms.admin.update_user", user_id=alex_id, q="al", **args), data)
    finish(thread, errors)
    return response


def _alex() -> tuple[SiteRole, bool]:
    db.session.expire_all()
    alex = db.session.scalar(select(User).where(User.email == "alex@example.org"))
    return alex.role, alex.is_active


def _audit_about(email: str) -> int:
    person = db.session.scalar(select(User).where(User.email == email))
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(["user.role_changed", "user.disabled"]), AuditEvent.object_type == "User",
        AuditEvent.object_id == person.id))


def _audit_about_alex() -> int:
    assert _audit_about("teresa@example.org") == 1  # Alex's change to Teresa: the count sees such rows
    return _audit_about("alex@example.org")


def _summary(page: str) -> str:
    return page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]


def test_demoting_the_last_admin_shows_the_role_form_again(app, client, u, login, admins):
    response = _refused(app, client, u, login, admins, ROLE)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "<title>Error:" in page
    summary = _summary(page)
    assert "autofocus" in summary and f"<li>{MESSAGE}</li>" in summary
    # the role page, the role chosen and the reason as typed, sent to the same address (the search kept)
    assert re.search(r'<option value="trainer" selected>', page)
    assert "Teaches the Tuesday class now</textarea>" in page
    assert f'action="{u("lms.admin.update_user", user_id=admins[0], q="al")}"' in page
    assert _alex() == (SiteRole.ADMIN, True) and _audit_about_alex() == 0


def test_disabling_the_last_admin_shows_the_disable_form_again(app, client, u, login, admins):
    response = _refused(app, client, u, login, admins, DISABLE)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "<title>Error:" in page
    assert f"<li>{MESSAGE}</li>" in _summary(page)
    assert "Yes, disable the account" in page and "Left the clinic in June</textarea>" in page
    assert _alex() == (SiteRole.ADMIN, True) and _audit_about_alex() == 0


def test_the_refusal_is_shown_in_spanish(app, client, u, login, admins):
    response = _refused(app, client, u, login, admins, ROLE, lang="es")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and '<html lang="es' in page
    assert SPANISH in _summary(page) and MESSAGE not in page
    assert "Teaches the Tuesday class now</textarea>" in page
    assert _alex() == (SiteRole.ADMIN, True)
