"""A site administrator disabling an account says why: the reason is required (at most 500 characters), kept in the
audit row, shown in the audit log and on the people page. Enabling it again takes an optional note, kept the same
way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.errors import DomainError
from tests.admin_support import admin_and_lupe  # noqa: F401 (the fixture "people")
from tests.conftest import html_text


def _rows(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def _disable(client, u, lupe, **data):
    return client.submit(u("lms.admin.update_user", user_id=lupe.id), {"action": "disable", "confirm": "yes", **data})


def test_the_confirmation_page_asks_for_a_reason(client, u, people):
    _admin, lupe = people
    page = client.get(u("lms.admin.confirm_disable", user_id=lupe.id)).get_data(as_text=True)
    assert '<label for="reason">Reason</label>' in page and 'name="reason"' in page
    assert "Kept in the audit log and shown on the people page." in page


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_no_reason_or_too_long_a_one_disables_nothing(client, u, people, reason):
    _admin, lupe = people
    response = _disable(client, u, lupe, reason=reason)
    assert response.status_code == 400
    page = html_text(response.get_data(as_text=True))
    assert "Please correct the highlighted fields." in page and "Disable Lupe Sola?" in page
    assert db.session.get(User, lupe.id).is_active and _rows("user.disabled") == []


def test_the_reason_is_kept_and_shown_in_the_log_and_on_the_people_page(client, u, people):
    admin, lupe = people
    response = _disable(client, u, lupe, reason="  Shared her password  ")
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, lupe.id).is_active
    [row] = _rows("user.disabled")
    assert row.reason == "Shared her password" and row.actor_id == admin.id and row.object_id == lupe.id
    log = html_text(client.get(u("lms.admin.audit_log", about="lupe")).get_data(as_text=True))
    assert "Account disabled" in log and "Reason: Shared her password" in log
    people_page = client.get(u("lms.admin.users", q="lupe")).get_data(as_text=True)
    assert f'id="disabled-reason-{lupe.id}"' in people_page and "Reason: Shared her password" in html_text(people_page)


def test_the_people_page_shows_the_latest_reason_and_none_once_enabled(client, u, people):
    admin, lupe = people
    admin_actions.set_active(lupe, False, admin, "First reason")
    admin_actions.set_active(lupe, True, admin)
    admin_actions.set_active(lupe, False, admin, "Second reason")
    db.session.commit()
    page = html_text(client.get(u("lms.admin.users", q="lupe")).get_data(as_text=True))
    assert "Reason: Second reason" in page and "First reason" not in page
    admin_actions.set_active(lupe, True, admin)
    db.session.commit()
    assert "Second reason" not in client.get(u("lms.admin.users", q="lupe")).get_data(as_text=True)


def test_enabling_takes_an_optional_note(client, u, people):
    admin, lupe = people
    admin_actions.set_active(lupe, False, admin, "Left")
    db.session.commit()
    page = client.get(u("lms.admin.users", q="lupe")).get_data(as_text=True)
    assert f'<label for="note-{lupe.id}">Note (optional)' in page
    done = client.submit(u("lms.admin.update_user", user_id=lupe.id), {"action": "enable", "note": "Came back"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, lupe.id).is_active
    assert [row.reason for row in _rows("user.enabled")] == ["Came back"]
    assert "Reason: Came back" in html_text(client.get(u("lms.admin.audit_log", action="user.enabled")).get_data(as_text=True))


def test_enabling_without_a_note_and_a_note_too_long(client, u, people):
    admin, lupe = people
    admin_actions.set_active(lupe, False, admin, "Left")
    db.session.commit()
    refused = client.submit(u("lms.admin.update_user", user_id=lupe.id), {"action": "enable", "note": "n" * 501})
    # shown again at the note, as typed (tests/test_admin_enable_note_field.py)
    assert refused.status_code == 400 and "Use at most 500 characters." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, lupe.id).is_active
    client.submit(u("lms.admin.update_user", user_id=lupe.id), {"action": "enable"})
    db.session.expire_all()
    assert db.session.get(User, lupe.id).is_active and [row.reason for row in _rows("user.enabled")] == [None]


def test_the_service_refuses_too_long_a_reason(people):
    admin, lupe = people
    with pytest.raises(DomainError):
        admin_actions.set_active(lupe, False, admin, "x" * 501)
    assert lupe.is_active
