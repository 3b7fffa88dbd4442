"""The reason of an attendance correction is required by the forms exactly when the services require it: once
attendance is final, for a change of a person's status or times, a report import, and a roster save that changes a
status (not one that changes nothing). Its box is marked required then, and the form refuses it empty (or of invisible
characters alone) at the box, with the services' words, before any service is called; the choices sent are kept and
nothing changes. Before attendance is final the box is not shown and nothing asks for a reason."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent
from lms.db import utcnow
from lms.live import attendance, roster_statuses
from lms.live.models import AttendanceInterval, AttendanceStatus
from lms.web.live import attendance as attendance_views
from lms.web.live import reports as report_views
from tests.live_support import attendance_row, seat, soon, stayed

MESSAGE = "Attendance is final: give a reason for this correction."
SPANISH = "La asistencia ya está finalizada: indique el motivo de esta corrección."
INVISIBLE = "\u200b\u200b\u200b"


@pytest.fixture
def held(module, trainer, make_user, login):
    """A two-hour class that ended an hour ago, not finalised: Ana stayed 30 minutes; the trainer signed in."""
    session = soon(module, trainer, -180, minutes=120)
    ana = make_user("ana@example.org", name="Ana Ruiz")
    seat(session, ana)
    stayed(session, ana, 30)
    db.session.commit()
    login(trainer)
    return session, ana


@pytest.fixture
def final(held, trainer):
    session, ana = held
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    return session, ana


@pytest.fixture
def no_service(monkeypatch):
    """Fail the test if a correction reaches a service: the form must have refused it."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the form let a correction without a reason through to the service")

    monkeypatch.setattr(attendance_views.services, "change_attendance", refuse)
    monkeypatch.setattr(roster_statuses, "save", refuse)
    monkeypatch.setattr(report_views, "apply_report", refuse)


def _corrections() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.like("live.%")
                                                                      & AuditEvent.action.not_in(["live.finalized"])))


def _textarea(page: str, element_id: str) -> str:
    return re.search(rf'<textarea[^>]*\bid="{element_id}"[^>]*>', page).group(0)


def _error(page: str, element_id: str) -> str:
    return re.search(rf'<p class="error" id="{element_id}-error">([^<]*)</p>', page).group(1)


def _status(session, ana) -> AttendanceStatus | None:
    db.session.expire_all()
    row = attendance_row(session, ana)
    return row.status if row else None


# ---------------------------------------------------------------- one person's page


def test_the_person_page_marks_the_reasons_required_once_final(client, u, final):
    session, ana = final
    page = client.get(u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)).text
    for box in ("status-reason", "time-reason", "remove-reason"):
        assert re.search(r"\srequired[\s>]", _textarea(page, box)), box


def test_a_status_correction_without_a_reason_is_refused_by_the_form(client, u, final, no_service):
    session, ana = final
    was, corrections = _status(session, ana), _corrections()
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    response = client.submit(path, {"action": "status", "status-status": "late", "status-reason": "  "})
    page = response.text
    assert response.status_code == 400 and "<title>Error:" in page
    assert _error(page, "status-reason") == MESSAGE
    assert 'aria-invalid="true"' in _textarea(page, "status-reason")
    assert re.search(r'<option[^>]*value="late"[^>]*selected', page) or re.search(r'<option selected[^>]*value="late"', page)
    assert _status(session, ana) is was and _corrections() == corrections


def test_a_reason_of_invisible_characters_is_refused_and_kept(client, u, final, no_service):
    session, ana = final
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    response = client.submit(path, {"action": "status", "status-status": "late", "status-reason": INVISIBLE})
    assert response.status_code == 400
    assert _error(response.text, "status-reason").startswith(MESSAGE + " This one holds only invisible characters")


def test_a_time_correction_without_a_reason_keeps_the_times_typed(client, u, final, no_service):
    session, ana = final
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    joined = "2026-01-05T10:00"
    response = client.submit(path, {"action": "time", "time-joined_at": joined, "time-reason": ""})
    assert response.status_code == 400 and _error(response.text, "time-reason") == MESSAGE
    assert f'value="{joined}"' in response.text
    assert db.session.scalar(select(func.count(AttendanceInterval.id))) == 1


def test_with_a_reason_the_correction_is_made(client, u, final):
    session, ana = final
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    response = client.submit(path, {"action": "status", "status-status": "late", "status-reason": "Came at 10:20"})
    assert response.status_code == 302 and _status(session, ana) is AttendanceStatus.LATE


def test_before_attendance_is_final_no_reason_is_asked(client, u, held):
    session, ana = held
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id)
    assert 'id="status-reason"' not in client.get(path).text
    response = client.submit(path, {"action": "status", "status-status": "late"})
    assert response.status_code == 302 and _status(session, ana) is AttendanceStatus.LATE


def test_the_person_page_in_spanish(client, u, final, no_service):
    session, ana = final
    path = u("lms.sessions.attendance_person", session_id=session.id, user_id=ana.id, lang="es")
    response = client.submit(path, {"action": "status", "status-status": "late"})
    assert response.status_code == 400 and '<html lang="es' in response.text
    assert _error(response.text, "status-reason") == SPANISH and MESSAGE not in response.text


# ---------------------------------------------------------------- the roster


def test_a_roster_correction_without_a_reason_is_refused_by_the_form(client, u, final, no_service):
    session, ana = final
    was = _status(session, ana)
    path = u("lms.sessions.attendance", session_id=session.id)
    assert re.search(r"\srequired[\s>]", _textarea(client.get(path).text, "reason"))
    response = client.submit(path, {f"status-{ana.id}": "excused", f"shown-{ana.id}": was.value, "reason": ""})
    page = response.text
    assert response.status_code == 400 and _error(page, "reason") == MESSAGE
    assert re.search(rf'<select id="status-{ana.id}"[^>]*>.*?<option value="excused" selected>', page, re.S)
    assert _status(session, ana) is was


def test_a_roster_saved_without_a_change_needs_no_reason(client, u, final):
    """The service asks no reason when nothing is written, and neither does the form."""
    session, ana = final
    was = _status(session, ana)
    response = client.submit(u("lms.sessions.attendance", session_id=session.id),
                             {f"status-{ana.id}": was.value, f"shown-{ana.id}": was.value, "reason": ""})
    assert response.status_code == 302 and _status(session, ana) is was


def test_before_final_the_roster_asks_no_reason(client, u, held):
    session, ana = held
    response = client.submit(u("lms.sessions.attendance", session_id=session.id),
                             {f"status-{ana.id}": "late", f"shown-{ana.id}": ""})
    assert response.status_code == 302 and _status(session, ana) is AttendanceStatus.LATE


# ---------------------------------------------------------------- the report import


def test_an_import_without_a_reason_is_refused_by_the_form(client, u, final, no_service):
    session, _ana = final
    path = u("lms.sessions.import_report", session_id=session.id)
    assert re.search(r"\srequired[\s>]", _textarea(client.get(path).text, "reason"))
    sheet = b"Name,Email,Join Time,Leave Time\r\nAna,ana@example.org,,\r\n"
    response = client.submit(path, {"file_token": "", "file": (io.BytesIO(sheet), "sheet.csv"), "reason": ""},
                             content_type="multipart/form-data")
    assert response.status_code == 400 and _error(response.text, "reason") == MESSAGE
    assert "Attached: sheet.csv (kept)" in response.text
    assert db.session.scalar(select(func.count(AttendanceInterval.id))) == 1
