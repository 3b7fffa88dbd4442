"""A person's own changes of name and language on the profile page are audit rows about their account ("User"),
not about the request's user proxy: the audit log names them, its filter of rows about a person finds them, and a
certificate's language of delivery counts the change (lms.accounts.languages.time_per_language)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from lms import db
from lms.accounts.languages import time_per_language
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.db import utcnow
from tests.conftest import html_text

CHANGES = ("user.name_changed", "user.language_changed")


def _rows(page: str) -> list[str]:
    return [html_text(row) for row in re.findall(r'<tr id="event-\d+">.*?</tr>', page, re.S)]


def _profile_changed(client, u, login, make_user):
    rosa = make_user("rosa@example.org", name="Rosa D", locale="en")
    login(rosa)
    sent = client.submit(u("lms.accounts.profile"),
                         {"name": "Rosa Díaz", "locale": "es", "timezone": "America/Los_Angeles"})
    assert sent.status_code == 302
    return rosa


def test_the_rows_are_about_the_person(client, u, login, make_user):
    rosa = _profile_changed(client, u, login, make_user)
    rows = db.session.execute(select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.actor_id)
                              .where(AuditEvent.action.in_(CHANGES)).order_by(AuditEvent.id)).all()
    assert [tuple(row) for row in rows] == [(action, "User", rosa.id, rosa.id) for action in CHANGES]


def test_the_audit_log_names_the_person_and_finds_the_rows_about_them(client, u, login, as_, make_user):
    _profile_changed(client, u, login, make_user)
    as_(make_user("ada@example.org", name="Ada Admin", role=SiteRole.ADMIN))
    page = client.get(u("lms.admin.audit_log", about="rosa@example.org", lang="en")).get_data(as_text=True)
    rows = [row for row in _rows(page) if "user.name_changed" in row or "user.language_changed" in row]
    assert len(rows) == 2, _rows(page)
    assert all(re.search(r"user\.\w+_changed Rosa Díaz ", row) for row in rows), rows  # what it is about: the person
    assert "LocalProxy" not in page
    assert any("Language: English → Spanish" in row for row in rows), rows


def test_the_change_counts_for_the_language_of_delivery(client, u, login, make_user):
    rosa = _profile_changed(client, u, login, make_user)
    row = db.session.execute(select(AuditEvent).where(AuditEvent.action == "user.language_changed")).scalar_one()
    row.at = utcnow() - timedelta(days=4)  # English until four days ago, Spanish since
    db.session.commit()
    spent = time_per_language(rosa, utcnow() - timedelta(days=10), utcnow(), "en")
    assert list(spent) == ["en", "es"]
    assert abs(spent["en"] - 6 * 86400) < 60 and abs(spent["es"] - 4 * 86400) < 60
