"""A site administrator changing someone's site role says why, as when disabling an account: the reason is required
(at most 500 characters), kept in the audit row and shown in the audit log. A change refused for want of a reason
changes nothing and shows the form again, with what was typed and a summary of the problem."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.errors import DomainError
from tests.conftest import html_text


def _rows() -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == "user.role_changed")).scalars())


def _role(user: User) -> SiteRole:
    db.session.expire_all()
    return db.session.get(User, user.id).role


@pytest.fixture
def people(make_user, login):
    admin = make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN)
    teo = make_user("teo@example.org", name="Teo Trainee")
    login(admin)
    return admin, teo


def _change(client, u, user, role, **data):
    return client.submit(u("lms.admin.update_user", user_id=user.id, q="teo"), {"action": "role", "role": role, **data})


def test_the_people_page_asks_for_a_reason_beside_each_role(client, u, people):
    _admin, teo = people
    page = client.get(u("lms.admin.users")).get_data(as_text=True)
    assert f'<label for="role-reason-{teo.id}">Reason<span class="visually-hidden"> for changing the role of Teo Trainee' in page
    assert f'id="role-reason-{teo.id}" name="reason" maxlength="500"' in page


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 501])
def test_no_reason_or_too_long_a_one_changes_nothing(client, u, people, reason):
    _admin, teo = people
    response = _change(client, u, teo, "trainer", **({} if reason is None else {"reason": reason}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    text = html_text(page)
    assert "Change the site role of Teo Trainee" in text and "Please correct the highlighted fields." in text
    expected = ("Reason: Use at most 500 characters." if reason and reason.strip()
                else "Reason: Write the reason for changing the site role.")
    assert expected in text and 'href="#reason"' in page and 'aria-invalid="true"' in page
    assert '<option value="trainer" selected>' in page  # the role chosen in the list, kept
    assert _role(teo) is SiteRole.TRAINEE and _rows() == []


def test_the_error_page_keeps_what_was_typed_and_sends_it_again(client, u, people):
    _admin, teo = people
    typed = "y" * 501
    page = _change(client, u, teo, "trainer", reason=typed).get_data(as_text=True)
    assert f"{typed}</textarea>" in page and f'action="{u("lms.admin.update_user", user_id=teo.id, q="teo")}"' in page
    assert _change(client, u, teo, "trainer", reason="Runs the Tuesday sessions").status_code == 302
    assert _role(teo) is SiteRole.TRAINER


def test_making_an_administrator_asks_for_the_reason_on_the_confirmation_page(client, u, people):
    _admin, teo = people
    first = _change(client, u, teo, "admin")  # no reason typed in the list: asked on the confirmation page
    assert first.status_code == 200 and '<label for="reason">Reason</label>' in first.get_data(as_text=True)
    refused = _change(client, u, teo, "admin", confirm="yes", reason=" ")
    text = html_text(refused.get_data(as_text=True))
    assert refused.status_code == 400 and "Make Teo Trainee a site administrator?" in text
    assert "Reason: Write the reason for changing the site role." in text
    assert _role(teo) is SiteRole.TRAINEE and _rows() == []


def test_the_reason_is_kept_in_the_audit_row_and_shown_in_the_log(client, u, people):
    admin, teo = people
    done = _change(client, u, teo, "trainer", reason="  Runs the Tuesday sessions now  ")
    assert done.status_code == 302
    assert _role(teo) is SiteRole.TRAINER
    [row] = _rows()
    assert (row.reason, row.actor_id, row.object_id) == ("Runs the Tuesday sessions now", admin.id, teo.id)
    assert row.data == {"old": "trainee", "new": "trainer"}
    log = html_text(client.get(u("lms.admin.audit_log", action="user.role_changed")).get_data(as_text=True))
    assert "Site role changed" in log and "Reason: Runs the Tuesday sessions now" in log
    granted = _change(client, u, teo, "admin", confirm="yes", reason="Runs the site with Ada")
    assert granted.status_code == 302 and _role(teo) is SiteRole.ADMIN
    assert [row.reason for row in _rows()] == ["Runs the Tuesday sessions now", "Runs the site with Ada"]


@pytest.mark.parametrize("reason", ["", "  ", "x" * 501])
def test_the_service_refuses_no_reason_or_too_long_a_one(people, reason):
    admin, teo = people
    with pytest.raises(DomainError) as refused:
        admin_actions.set_role(teo, SiteRole.TRAINER, admin, reason)
    assert refused.value.details.get("field") == "reason"
    db.session.rollback()
    assert _role(teo) is SiteRole.TRAINEE and _rows() == []
