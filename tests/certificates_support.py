"""Helpers for the certificate status and authority tests: a trainee of Acme holding a certificate issued under Acme."""

from __future__ import annotations

from typing import Any

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog.models import CourseStatus, QuestionKind
from lms.certificates import codes, issuance, training


def issued_world(make_user, make_org, add_member) -> dict[str, Any]:
    """Rosa works for Acme (managed by Ana) and holds a certificate issued by hand by a trainer, under Acme."""
    trainer = make_user("teacher@example.org", name="Tess Trainer", role=SiteRole.TRAINER)
    manager = make_user("ana@example.org", name="Ana Manager")
    acme = make_org("acme", manager=manager, name="Acme Clinic")
    trainee = make_user("rosa@example.org", name="Rosa Díaz")
    membership = add_member(acme, trainee)
    course = course_authoring.create_course(course_authoring.CourseData(slug="ce", title="Documentation", version="2026.1"), trainer)
    notes = module_authoring.add_module(course, module_authoring.ModuleData(slug="notes", title="Notes", credited_minutes=90), trainer)
    lesson_authoring.add_lesson(course, notes, "one", "One", "Text", 10, trainer)  # publishing needs something to complete
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    cert = issuance.issue_manually(trainee, course, trainer, "Completed on paper", training.TrainingMinutes(self_paced=90))
    db.session.commit()
    assert cert.org_id == acme.id
    return {
        "trainer": trainer,
        "manager": manager,
        "org": acme,
        "trainee": trainee,
        "membership": membership,
        "cert": cert,
        "code": codes.display(cert.code),
    }


def one_question_quiz(course: Any, module: Any, trainer: Any) -> tuple[Any, Any]:
    """A quiz on ``module`` with one true/false question ("Ok?", true is right) and a pass mark of 100: the quickest
    quiz a test trainee can pass."""
    quiz = quiz_authoring.ensure_quiz(course, module, title="Quiz", pass_mark=100, max_attempts=None, actor=trainer)
    question = quiz_authoring.save_question(
        course, quiz, None, slug="q", kind=QuestionKind.TRUE_FALSE, prompt="Ok?", actor=trainer,
        options=[quiz_authoring.OptionData("true", "True", True), quiz_authoring.OptionData("false", "False", False)],
    )
    return quiz, question
