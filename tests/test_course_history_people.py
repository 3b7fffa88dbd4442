"""A course's history shows what trainers (and managers) did about its trainees (docs/learning.md, "History"): extra
quiz attempts granted (who, whom, which quiz, how many, why), certificates issued by hand or revoked, attendance
marked or corrected, and enrolments made by finalising attendance; not trainees' own doings (enrolling, asking for
an attempt), nor certificates issued on completion, nor another course's rows. A fixed number of queries per page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from lms import audit, db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.certificates import issuance, revocation
from lms.certificates.training import TrainingMinutes
from lms.db import utcnow
from lms.enrollment import grants
from lms.enrollment import services as enrollment
from lms.live import attendance
from lms.live.models import AttendanceStatus
from tests.live_support import seat, soon, stayed
from tests.quiz_support import quiz_of, take
from tests.test_learning import build_course


@pytest.fixture
def tina(make_user):
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


@pytest.fixture
def core(tina):
    """Core training (``core``): module ``m1`` with the quiz “Check m1”, two attempts allowed."""
    return build_course(tina, max_attempts=2)


def locked_out(make_user, course, name: str):
    user = make_user(name=name)
    enrollment.enroll(user, course)
    take(user, course, times=2)
    return user


def grant(course, user, actor, reason: str, extra: int = 1):
    grants.grant_attempt(enrollment.get_enrollment(user, course), quiz_of(course), actor, reason, extra)
    db.session.commit()


def rows(client, u, course_slug: str) -> list[str]:
    response = client.get(u("lms.authoring.history", course_slug=course_slug))
    assert response.status_code == 200
    found = re.findall(r'<tr id="event-\d+">.*?</tr>', response.get_data(as_text=True), re.S)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))).strip() for row in found]


def actions(found: list[str], *titles: str) -> list[str]:
    return [row for row in found if any(f" {title} " in f" {row} " for title in titles)]


def test_an_extra_attempt_granted_shows_who_whom_which_quiz_how_many_and_why(client, u, login, tina, core, make_user):
    lupe = locked_out(make_user, core, "Lupe Learner")
    audit.record("quiz.attempt_requested", quiz_of(core), lupe, reason="Please, I was ill", user_id=lupe.id)
    grant(core, lupe, tina, "Ill on the day", extra=2)
    other = build_course(tina, slug="other", title="Other course", max_attempts=2)
    grant(other, locked_out(make_user, other, "Otto Outsider"), tina, "Elsewhere")

    login(tina)
    found = rows(client, u, "core")
    (row,) = actions(found, "Extra quiz attempts granted")
    assert found[0] == row  # the newest row of the course
    assert "Tina Trainer Extra quiz attempts granted Lupe Learner, Check m1" in row
    assert "Person: Lupe Learner" in row and "Quiz: Check m1" in row
    assert "Extra attempts: 2" in row and "Attempts used: 2" in row and "Ill on the day" in row
    page = " ".join(found)
    assert "Please, I was ill" not in page and "Another quiz attempt requested" not in page  # the trainee's own
    assert "Enrolled in a course" not in page and "Otto Outsider" not in page and "Elsewhere" not in page
    assert "Otto Outsider, Check m1" in " ".join(rows(client, u, "other"))


def test_certificates_issued_by_hand_and_revoked_show_but_not_those_issued_on_completion(
        client, u, login, tina, core, make_user):
    ana, ben = make_user(name="Ana Ruiz"), make_user(name="Ben Cruz")
    by_hand = issuance.issue_manually(ana, core, tina, "Trained in person in March", TrainingMinutes(live=120))
    enrollment.enroll(ben, core)
    issuance.issue_for_enrollment(enrollment.get_enrollment(ben, core), stated=TrainingMinutes(self_paced=60))
    db.session.commit()
    revocation.revoke(by_hand.code, "Issued to the wrong person", tina)
    db.session.commit()

    login(tina)
    found = rows(client, u, "core")
    revoked, issued = actions(found, "Certificate revoked", "Certificate issued")
    assert f"Tina Trainer Certificate revoked Certificate {by_hand.number}: Ana Ruiz, Core training" in revoked
    assert "Issued to the wrong person" in revoked
    assert f"Tina Trainer Certificate issued Certificate {by_hand.number}: Ana Ruiz" in issued
    assert "Trained in person in March" in issued
    assert "Ben Cruz" not in " ".join(found)  # issued on completion: the trainee's doing, not a trainer's


def test_attendance_marked_corrected_and_enrolments_by_attendance_show(client, u, login, trainer, module, make_user):
    session = soon(module, trainer, -180, minutes=120)
    ana, ben = make_user(name="Ana Ruiz"), make_user(name="Ben Cruz")
    seat(session, ana, ben)
    stayed(session, ana, 110)
    attendance.change_attendance(session, ben, attendance.Change(status=AttendanceStatus.ABSENT), trainer, utcnow(), 75)
    attendance.finalize(session, trainer, utcnow(), 75)
    db.session.commit()
    attendance.change_attendance(session, ben, attendance.Change(status=AttendanceStatus.EXCUSED), trainer, utcnow(),
                                 75, reason="Called in sick")
    db.session.commit()

    login(trainer)
    found = rows(client, u, "practice")
    corrected, changed = actions(found, "Final attendance corrected", "Attendance changed")
    assert "Carmen Coach Final attendance corrected Ben Cruz at Role-play practice, " in corrected
    assert "Attendance: Absent → Excused" in corrected and "Called in sick" in corrected
    assert "Carmen Coach Attendance changed Ben Cruz at Role-play practice, " in changed
    assert "Attendance: Absent" in changed
    (enrolled,) = actions(found, "Enrolled by attending a live session")
    assert "Carmen Coach Enrolled by attending a live session Ana Ruiz in Practice course" in enrolled
    assert "How: registered for the session" in enrolled
    page = " ".join(found)
    assert "Registered for a live session" not in page and "Enrolled in a course" not in page
    assert "Attendance made final" in page and "Ana Ruiz at" not in page  # her time was recorded, not changed


def test_the_page_runs_a_fixed_number_of_queries_with_peoples_rows(client, u, login, tina, core, make_user,
                                                                   count_queries):
    def add_people(first: int) -> None:
        for n in range(first, first + 3):
            person = locked_out(make_user, core, f"Trainee {n}")
            grant(core, person, tina, f"Reason {n}")
            issuance.issue_manually(person, core, tina, f"By hand {n}", TrainingMinutes(live=60))
            db.session.commit()

    add_people(0)
    login(tina)
    path = u("lms.authoring.history", course_slug="core")

    def measure() -> int:
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        return queries.count

    before = measure()
    add_people(3)
    assert measure() == before
    assert len(actions(rows(client, u, "core"), "Extra quiz attempts granted")) == 6


def test_rows_of_grants_elsewhere_in_the_log_are_named_by_person_and_quiz(client, u, login, tina, core, make_user):
    lupe = locked_out(make_user, core, "Lupe Learner")
    grant(core, lupe, tina, "Ill on the day")
    login(make_user(name="Ada Admin", role=SiteRole.ADMIN))
    page = unescape(client.get(u("lms.admin.audit_log")).get_data(as_text=True))
    assert "Lupe Learner, Check m1" in page
    (row,) = db.session.execute(select(AuditEvent).where(AuditEvent.action == "quiz.attempt_granted")).scalars()
    assert row.object_type == "QuizAttemptGrant"
