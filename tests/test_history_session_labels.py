"""Course History names each live session as it was at the row (its start then, not now), and a "Live session
changed" row shows the new times beside the old ones (docs/learning.md, "History")."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.i18n import format_when
from lms.live import scheduling
from tests.live_support import live_course, schedule
from tests.test_course_history import history_page, rows


@pytest.fixture
def tina(make_user):
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


def _when(app, value) -> str:
    with app.test_request_context():
        return re.sub(r"\s+", " ", format_when(value))  # as rows() reads the page


def _move_a_week(session, actor):
    data = scheduling.data_of(session)
    update = scheduling.update_session(session, dataclasses.replace(data, starts_on=data.starts_on + timedelta(days=7)),
                                       actor, utcnow())
    db.session.commit()
    return update


def test_rows_name_the_session_as_it_was_and_changes_show_the_new_times(app, client, u, login, tina):
    course, module = live_course(tina)
    session = schedule(module, tina)[0]
    first_start, first_end = session.starts_at, session.ends_at
    _move_a_week(session, tina)
    scheduling.transition(session, scheduling.SessionStatus.CANCELLED, tina, "Room closed", utcnow())
    db.session.commit()

    login(tina)
    cancelled, changed, scheduled = [row for row in rows(history_page(client, u, course.slug)) if "Role-play practice," in row]
    was, now = _when(app, first_start), _when(app, session.starts_at)
    assert f"Role-play practice, {now}" in cancelled  # after the change: its new time
    assert f"Role-play practice, {was}" in changed and f"Role-play practice, {was}" in scheduled
    assert f"Starts: {was} → {now}" in changed
    assert f"Ends: {_when(app, first_end)} → {_when(app, session.ends_at)}" in changed
    assert f"Role-play practice, {now}" not in scheduled


def test_rows_written_before_they_kept_the_times_read_them_from_the_next_change(app, client, u, login, tina):
    course, module = live_course(tina)
    session = schedule(module, tina)[0]
    first_start = session.starts_at
    created = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live_session.created")).scalar_one()
    created.data = {"series_key": None}  # as rows were written before: no start
    _move_a_week(session, tina)
    changed = db.session.execute(select(AuditEvent).where(AuditEvent.action == "live_session.updated")).scalar_one()
    changed.data = {key: value for key, value in changed.data.items() if key not in ("starts_at", "ends_at")}
    db.session.commit()

    login(tina)
    changed_row, scheduled_row = [row for row in rows(history_page(client, u, course.slug)) if "Role-play practice," in row]
    was = _when(app, first_start)
    assert f"Role-play practice, {was}" in scheduled_row and f"Role-play practice, {was}" in changed_row
    assert f"Start before the change: {was}" in changed_row
