"""Demo data for certificates (a :data:`lms.demo.DEMO_STEPS` step), for the continuing-education course if it is
imported: a signing key; a valid certificate for the Spanish demo trainee, earned the way a trainee earns one (every
lesson read and every quiz passed, so the course completes and the certificate is issued automatically, stating the
credited minutes of its modules); and a revoked one for the English trainee, issued by hand for the hours the course
credits and revoked as issued to the wrong person. No demo certificate states 0 hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app

from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind
from lms.certificates import issuance, keys, revocation, training
from lms.db import utcnow
from lms.enrollment import completion, quiz_attempts, visits
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import EnrollmentStatus

COURSE = "ce-documentation"
REASON = "Demo: completed on paper"
ADMIN, VALID_HOLDER, REVOKED_HOLDER = "admin@example.org", "promotora@example.org", "trainee@example.org"
#: Minutes the demo trainee spends on each lesson (under the idle cap, so all of it counts as time on task).
LESSON_MINUTES = 12


def add_certificates_demo(org: Any, users: dict[str, Any]) -> None:
    """Idempotent: the key and certificates are made once; later runs find them (a revoked one too)."""
    keys.ensure_key()
    course = catalog.find_course(COURSE)
    admin = users.get(ADMIN)
    if course is None or admin is None or course.status is not CourseStatus.PUBLISHED:
        return
    if VALID_HOLDER in users and not _has_certificate(users[VALID_HOLDER], course):
        complete_course(users[VALID_HOLDER], course)
    credited = credited_by_course(course)
    if REVOKED_HOLDER in users and credited.total and not _has_certificate(users[REVOKED_HOLDER], course):
        cert = issuance.issue_manually(users[REVOKED_HOLDER], course, admin, REASON, credited)
        revocation.revoke(cert.code, "Demo: issued to the wrong person", admin)


def _has_certificate(user: Any, course: Any) -> bool:
    return issuance.get_certificate(user, course) is not None or issuance.get_revoked(user, course) is not None


def complete_course(user: Any, course: Any) -> None:
    """``user`` takes ``course`` as a trainee does: enrols, reads each lesson of its self-paced modules (a few minutes
    each, ending now) and passes each quiz with the right answers. The last step completes the course, which issues
    the certificate (signal ``enrollment-completed``) and appends the modules' self-paced hours to the ledger."""
    enrollment = enrollment_services.enroll(user, course)
    if enrollment.status is not EnrollmentStatus.ACTIVE:
        return
    progress = completion.load_progress(enrollment)
    outline = progress.outline
    steps = [m for m in outline.modules if completion.steps_count(m)]
    cap = timedelta(minutes=current_app.config["LMS_LESSON_IDLE_CAP_MINUTES"])
    moment = utcnow() - timedelta(minutes=LESSON_MINUTES * sum(len(outline.lessons.get(m.id, [])) for m in steps))
    for module in steps:
        for lesson in outline.lessons.get(module.id, []):
            visits.visit_lesson(enrollment, lesson, moment, cap)
            moment += timedelta(minutes=LESSON_MINUTES)
            visits.complete_lesson(enrollment, lesson, moment, cap)
        quiz = outline.quizzes.get(module.id)
        if quiz is not None and quiz.id not in progress.passed_quizzes:
            right = {question.id: {o.id for o in options if o.is_correct}
                     for question, options in catalog.load_questions(quiz)}
            quiz_attempts.submit_quiz(enrollment, quiz, right)


def credited_by_course(course: Any) -> training.TrainingMinutes:
    """What completing ``course`` credits (its required modules), by kind: the hours a certificate of it states."""
    modules = [m for m in catalog.load_outline(course).modules if m.is_required]
    minutes = {kind: sum(m.credited_minutes for m in modules if m.kind is kind) for kind in ModuleKind}
    return training.TrainingMinutes(live=minutes[ModuleKind.LIVE], self_paced=minutes[ModuleKind.SELF_PACED],
                                    field=minutes[ModuleKind.FIELD])
