"""An administrator's note or reason that is refused (too long, or missing where required) comes back at its box, as
typed, on a page of its own (400), and nothing changes. Enabling an account used to flash "The note is too long" on
the people page and lose the note."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts import admin_actions
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from tests.admin_support import admin_and_lupe  # noqa: F401 (the fixture "people")


def _audit(action: str) -> int:
    return len(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars().all())


def _box(page: str, name: str) -> str:
    return re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page).group(0)


def test_too_long_a_note_on_enabling_comes_back_at_its_box_as_typed(client, u, people):
    admin, lupe = people
    admin_actions.set_active(lupe, False, admin, "Left")
    db.session.commit()
    note = "Came back after leave; " + "n" * 490  # 513 characters
    refused = client.submit(u("lms.admin.update_user", user_id=lupe.id, q="lupe"), {"action": "enable", "note": note})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "<title>Error:" in page
    box = _box(page, "note")
    assert f'value="{note}"' in box and 'aria-invalid="true"' in box and 'id="note"' in box
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#note">Note (optional): Use at most 500 characters.</a>' in summary
    assert 'name="action" value="enable"' in page and f"/admin/users/{lupe.id}?q=lupe" in page
    db.session.expire_all()
    assert not db.session.get(User, lupe.id).is_active and _audit("user.enabled") == 0
    done = client.submit(u("lms.admin.update_user", user_id=lupe.id), {"action": "enable", "note": note[:500]})
    db.session.expire_all()
    assert done.status_code == 302 and db.session.get(User, lupe.id).is_active and _audit("user.enabled") == 1


@pytest.mark.parametrize(("data", "field", "problem"), [
    ({"action": "disable", "confirm": "yes", "reason": ""}, "reason", "This field is required."),
    ({"action": "disable", "confirm": "yes", "reason": "Left; " + "x" * 500}, "reason", "Use at most 500 characters."),
    ({"action": "role", "role": "trainer", "reason": ""}, "reason", "Write the reason for changing the site role."),
    ({"action": "role", "role": "trainer", "reason": "Runs Tuesdays; " + "x" * 500}, "reason",
     "Use at most 500 characters."),
])
def test_a_refused_reason_on_disabling_or_a_role_comes_back_as_typed(client, u, people, data, field, problem):
    _admin, lupe = people
    refused = client.submit(u("lms.admin.update_user", user_id=lupe.id), data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and f'<a href="#{field}">' in page and problem in page
    assert data[field] in page.split(f'name="{field}"', 1)[1].split("</textarea>", 1)[0]
    db.session.expire_all()
    person = db.session.get(User, lupe.id)
    assert person.is_active and person.role is SiteRole.TRAINEE
