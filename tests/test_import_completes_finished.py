"""A course import that archives what trainees still had to do completes, in the same transaction, those it leaves
with nothing more to do (lms.enrollment.recheck), with their certificate, as their own last step would; one that is
refused, or a dry run, completes nobody."""

from __future__ import annotations

import shutil
from datetime import timedelta

from sqlalchemy import func, select

from lms import db
from lms.catalog import services as catalog
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus
from tests.test_content_import import edit

SLUG = "listening-basics"


def _done_with_listening(make_user, course, email: str):
    """A trainee who read both lessons of ``listening`` and passed its quiz, and did nothing in ``follow-up``."""
    record = enrollment.enroll(make_user(email), course)
    listening = catalog.get_module(course, "listening")
    for slug in ("why-listen", "reflecting"):
        visits.complete_lesson(record, catalog.get_lesson(listening, slug), utcnow(), timedelta(minutes=30))
    quiz = catalog.get_quiz(listening)
    right = {q.id: {o.id for o in options if o.is_correct} for q, options in catalog.load_questions(quiz)}
    assert quiz_attempts.submit_quiz(record, quiz, right).attempt.passed
    db.session.commit()
    return record


def _certificates() -> int:
    return db.session.execute(select(func.count(Certificate.id))).scalar_one()


def test_archiving_the_module_left_to_do_completes_the_trainee(courses, run_import, make_user):
    run_import(courses)
    course = catalog.get_course(SLUG)
    record = _done_with_listening(make_user, course, "rosa@example.org")
    assert record.status is EnrollmentStatus.ACTIVE  # follow-up is still to do
    edit(courses / SLUG / "course.yaml", "  - follow-up\n", "")
    shutil.rmtree(courses / SLUG / "follow-up")

    run_import(courses, "--dry-run", "--archive-missing")
    run_import(courses, ok=False)  # she is taking the course: held without --archive-missing, nothing kept
    assert db.session.get(type(record), record.id).status is EnrollmentStatus.ACTIVE and _certificates() == 0

    run_import(courses, "--archive-missing")
    assert db.session.get(type(record), record.id).status is EnrollmentStatus.COMPLETED
    assert _certificates() == 1
    run_import(courses)  # again: nothing more
    assert _certificates() == 1
