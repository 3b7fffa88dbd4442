"""The attendance API says plainly where each person stands: ``registration_status`` is ``registered`` (a seat),
``waitlisted`` (on the waitlist, yet with time in the session) or null (a walk-in, or a cancelled registration),
while ``registered`` keeps its meaning, "has a seat" (false on the waitlist), for clients that read it. The served
OpenAPI document describes both."""

from __future__ import annotations

from datetime import timedelta

from lms import db
from lms.db import utcnow
from lms.enrollment.services import enroll
from lms.live.models import AttendanceInterval, IntervalSource, Registration, RegistrationStatus
from tests.api_support import bearer, schema_checker
from tests.live_support import live_course, schedule


def _seat(session, person, status: RegistrationStatus) -> None:
    db.session.add(Registration(session_id=session.id, user_id=person.id, status=status, registered_by_id=person.id,
                                waitlisted_at=utcnow() if status is RegistrationStatus.WAITLISTED else None))


def _there(session, person) -> None:
    db.session.add(AttendanceInterval(session_id=session.id, user_id=person.id, source=IntervalSource.CHECK_IN,
                                      joined_at=session.starts_at, left_at=session.starts_at + timedelta(minutes=30)))


def test_each_person_says_whether_they_have_a_seat_or_wait(client, u, trainer, make_user):
    course, module = live_course(trainer)
    start = (utcnow() - timedelta(hours=1)).replace(second=0, microsecond=0)
    (session,) = schedule(module, trainer, allow_past=True, day=start.date(), at=start.time(), timezone="Africa/Abidjan")
    seat, waiting, walk_in, gave_up = (make_user(name=name) for name in ("Sam Seat", "Wes Wait", "Walt Walk", "Gia Gone"))
    _seat(session, seat, RegistrationStatus.REGISTERED)
    _seat(session, waiting, RegistrationStatus.WAITLISTED)
    _seat(session, gave_up, RegistrationStatus.CANCELLED)
    enroll(walk_in, course, walk_in)
    for person in (seat, waiting, walk_in, gave_up):
        _there(session, person)
    db.session.commit()

    response = client.get(u("lms.api.session_attendance", session_id=session.id), headers=bearer(trainer))
    assert response.status_code == 200
    people = {p["name"]: (p["registered"], p["registration_status"]) for p in response.json["people"]}
    assert people == {"Sam Seat": (True, "registered"), "Wes Wait": (False, "waitlisted"),
                      "Walt Walk": (False, None), "Gia Gone": (False, None)}
    document = client.get(u("lms.api.openapi")).json
    schema_checker(document)(response.json, "SessionAttendance")
    field = document["components"]["schemas"]["AttendancePerson"]["properties"]["registration_status"]
    assert field["enum"] == ["registered", "waitlisted", None]
    assert "registration_status" in document["components"]["schemas"]["AttendancePerson"]["required"]

    # One person's line, as PUT answers it, says the same.
    put = client.put(u("lms.api.update_attendance", session_id=session.id, user_id=waiting.id),
                     json={"status": "late"}, headers=bearer(trainer))
    assert put.status_code == 200, put.json
    assert (put.json["person"]["registered"], put.json["person"]["registration_status"]) == (False, "waitlisted")
    schema_checker(document)(put.json, "AttendanceUpdated")
