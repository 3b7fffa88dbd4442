"""The roster after a trainer's QA pass (Dec 2026):

1. each row sends the status the page showed; only rows changed on the page are saved, and a changed row whose status
   someone else changed since the page was opened is not saved: the roster is shown again, naming the person, who
   changed it and the status now, with the trainer's other changes saved (before and after attendance is final;
   finalising with a stale row saves nothing);
2. "Not set" is offered only while no status is saved: a saved status cannot be cleared.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms import db
from lms.audit import AuditEvent
from lms.live.models import AttendanceStatus
from tests.live_support import attendance_row, live_course, make_trainer, seat, soon, stayed


@pytest.fixture
def course_module(trainer):
    return live_course(trainer)


@pytest.fixture
def two_trainers(course_module, trainer, make_user):
    """A class that ended an hour ago, led by two trainers; Tom is saved as Late, María has no status yet."""
    other = make_trainer(make_user, "otto")
    session = soon(course_module[1], trainer, -180, minutes=120, trainer_ids=(trainer.id, other.id))
    tom, maria = make_user(name="Tom Reyes"), make_user(name="María López")
    for person in (tom, maria):
        seat(session, person)
        stayed(session, person, 110)
    return session, other, tom, maria


def status_of(session, person):
    row = attendance_row(session, person)
    return row.status if row is not None else None


def shown(page: str, person) -> str:
    found = re.search(rf'<input type="hidden" name="shown-{person.id}" value="(\w*)">', page)
    assert found, person.name
    return found.group(1)


def _menu(page: str, person) -> str:
    return re.search(rf'<select id="status-{person.id}".*?</select>', page, re.S).group(0)


def options(page: str, person) -> list[str]:
    return re.findall(r'<option value="(\w*)"', _menu(page, person))


def chosen(page: str, person) -> str | None:
    """The status the person's menu has selected."""
    found = re.search(r'<option value="(\w*)" selected>', _menu(page, person))
    return found.group(1) if found else None


def changes_of(person) -> list[int | None]:
    """Who made each audited status change of ``person``, oldest first."""
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action.in_(
        ("live.attendance_changed", "live.attendance_corrected"))).order_by(AuditEvent.id)).scalars()
    return [e.actor_id for e in events if e.data.get("user_id") == person.id]


def save(client, u, session, rows: dict, **extra):
    """Send the roster as a stale page would: ``rows`` maps a person to (status shown, status chosen)."""
    data = {}
    for person, (was, now) in rows.items():
        data[f"shown-{person.id}"], data[f"status-{person.id}"] = was, now
    return client.submit(u("lms.sessions.attendance", session_id=session.id), data | extra)


def test_a_stale_row_is_not_saved_and_the_other_change_is(client, u, login, trainer, two_trainers):
    session, other, tom, maria = two_trainers
    login(trainer)
    assert save(client, u, session, {tom: ("", "late"), maria: ("", "")}).status_code == 302
    page = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    assert shown(page, tom) == "late" and shown(page, maria) == ""
    # trainer B (Luis) sets Tom to Absent while trainer A's page still shows Late
    login(other)
    assert save(client, u, session, {tom: ("late", "absent"), maria: ("", "")}).status_code == 302
    login(trainer)
    response = save(client, u, session, {tom: ("late", "late"), maria: ("", "present")})
    assert response.status_code == 302
    assert status_of(session, tom) is AttendanceStatus.ABSENT  # not put back to Late, nor audited as trainer A's
    assert status_of(session, maria) is AttendanceStatus.PRESENT
    assert changes_of(tom) == [trainer.id, other.id] and changes_of(maria) == [trainer.id]
    assert "Saved: 1 change." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_changed_stale_row_is_shown_again_with_the_others_saved(client, u, login, trainer, two_trainers):
    session, other, tom, maria = two_trainers
    login(trainer)
    save(client, u, session, {tom: ("", "late")})
    login(other)
    save(client, u, session, {tom: ("late", "absent")})
    login(trainer)
    response = save(client, u, session, {tom: ("late", "excused"), maria: ("", "present")})
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert status_of(session, tom) is AttendanceStatus.ABSENT and status_of(session, maria) is AttendanceStatus.PRESENT
    assert changes_of(tom) == [trainer.id, other.id]
    assert "Saved: 1 change." in text and "Tom Reyes: not saved." in text
    assert shown(text, tom) == "absent" and shown(text, maria) == "present"  # shown again as saved now
    assert chosen(text, tom) == "absent"


def test_changing_a_row_someone_else_changed_names_them_and_the_status_now(client, u, login, trainer, two_trainers):
    session, other, tom, maria = two_trainers
    login(other)
    save(client, u, session, {tom: ("", "absent")})
    login(trainer)
    response = save(client, u, session, {tom: ("", "excused"), maria: ("", "late")})
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert (f"Tom Reyes: not saved. {other.name} changed their status since you opened this page: it is now Absent. "
            "Choose again and save if it still needs changing.") in text
    assert status_of(session, tom) is AttendanceStatus.ABSENT and status_of(session, maria) is AttendanceStatus.LATE


def test_unchanged_rows_are_never_written(client, u, login, trainer, two_trainers):
    session, other, tom, maria = two_trainers
    login(trainer)
    save(client, u, session, {tom: ("", "late")})
    response = save(client, u, session, {tom: ("late", "late"), maria: ("", "")})
    assert response.status_code == 302
    assert changes_of(tom) == [trainer.id] and status_of(session, maria) is None
    assert "Nothing changed." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_corrections_after_final_are_checked_the_same_way(client, u, login, trainer, two_trainers):
    session, other, tom, maria = two_trainers
    login(trainer)
    finalize = u("lms.sessions.finalize_attendance", session_id=session.id)
    assert client.submit(finalize, {f"shown-{tom.id}": "", f"status-{tom.id}": "late", "confirm": "yes"}).status_code == 302
    login(other)
    assert save(client, u, session, {tom: ("late", "excused")}, reason="Doctor's note").status_code == 302
    login(trainer)
    # (María has time: marking her absent asks whether to set it aside, tests/test_livefix_absent_time.py)
    response = save(client, u, session, {tom: ("late", "late"), maria: ("present", "absent")}, reason="Left at once",
                    **{f"absent_time-{maria.id}": "keep"})
    assert response.status_code == 302  # Tom was not changed on the page: left alone
    assert status_of(session, tom) is AttendanceStatus.EXCUSED and status_of(session, maria) is AttendanceStatus.ABSENT
    response = save(client, u, session, {tom: ("late", "present")}, reason="Was there")
    assert response.status_code == 409 and "it is now Excused" in response.get_data(as_text=True)
    assert status_of(session, tom) is AttendanceStatus.EXCUSED


def test_finalising_with_a_stale_row_saves_nothing(client, u, login, trainer, two_trainers):
    session, other, tom, maria = two_trainers
    login(other)
    save(client, u, session, {tom: ("", "absent")})
    login(trainer)
    response = client.submit(u("lms.sessions.finalize_attendance", session_id=session.id),
                             {f"shown-{tom.id}": "", f"status-{tom.id}": "late",
                              f"shown-{maria.id}": "", f"status-{maria.id}": "excused", "confirm": "yes"})
    text = response.get_data(as_text=True)
    assert response.status_code == 409 and "Tom Reyes: not saved." in text
    db.session.refresh(session)
    assert session.attendance_finalized_at is None and status_of(session, maria) is None
    assert shown(text, tom) == "absent" and shown(text, maria) == ""  # María's choice kept, compared as before
    assert chosen(text, maria) == "excused"


def test_not_set_is_offered_only_while_no_status_is_saved(client, u, login, trainer, two_trainers):
    session, other, tom, maria = two_trainers
    login(trainer)
    save(client, u, session, {tom: ("", "late")})
    page = client.get(u("lms.sessions.attendance", session_id=session.id)).get_data(as_text=True)
    assert "" not in options(page, tom) and options(page, maria)[0] == ""
    # sent anyway (a page from elsewhere): refused, not "Nothing changed.", and the status stays
    response = save(client, u, session, {tom: ("late", ""), maria: ("", "present")})
    assert response.status_code == 400
    assert "Tom Reyes: a saved status cannot be cleared. Choose another status." in response.get_data(as_text=True)
    assert status_of(session, tom) is AttendanceStatus.LATE and status_of(session, maria) is None
