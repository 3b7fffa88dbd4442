"""Nobody decides their own record: a trainer (or a site admin) cannot issue themself a certificate by hand, on the
web or from the command line, nor give themself more quiz attempts. Refusals re-render the form with a message and
write nothing; someone else may still do it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.certificates import issuance, training
from lms.certificates.models import Certificate
from lms.enrollment import grants
from lms.enrollment import services as enrollment
from lms.enrollment.models import QuizAttemptGrant
from lms.errors import DomainError
from tests.quiz_support import quiz_of, take
from tests.test_certificates_manual import ZERO, _course
from tests.test_learning import build_course

OWN_CERTIFICATE = "You cannot issue a certificate to yourself. Another trainer or a site admin must do it."
OWN_ATTEMPTS = "You cannot give yourself more attempts. Another trainer must do it."


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar()


@pytest.fixture
def world(app, make_user):
    trainer = make_user("teacher@example.org", name="Tara Teacher", role=SiteRole.TRAINER)
    return {"trainer": trainer, "course": _course(trainer, "core", 90),
            "admin": make_user("boss@example.org", name="Ada Admin", role=SiteRole.ADMIN)}


@pytest.mark.parametrize("who", ["trainer", "admin"])
def test_the_service_refuses_an_issue_to_oneself_and_writes_nothing(world, who):
    actor = world[who]
    before = _count(AuditEvent)
    with pytest.raises(DomainError) as refusal:
        issuance.issue_manually(actor, world["course"], actor, "My own", training.TrainingMinutes(live=600))
    assert refusal.value.message == OWN_CERTIFICATE and refusal.value.status == 400
    assert not db.session.new and _count(Certificate) == 0 and _count(AuditEvent) == before


def test_another_person_may_still_issue_to_the_trainer(world):
    cert = issuance.issue_manually(world["trainer"], world["course"], world["admin"], "Paper course",
                                   training.TrainingMinutes(live=60))
    db.session.commit()
    assert cert.user_id == world["trainer"].id


def test_the_web_form_refuses_at_both_steps(client, u, login, world):
    trainer = world["trainer"]
    login(trainer)
    step1 = client.submit(u("lms.certificates.issue"), {"email": trainer.email, "course": "core"})
    assert step1.status_code == 400 and OWN_CERTIFICATE in step1.text
    path = u("lms.certificates.issue_hours", course_slug="core", user_id=trainer.id)  # the URL typed directly
    step2 = client.submit(path, {**ZERO, "live_hours": "400", "reason": "Because I can"})
    assert step2.status_code == 400 and OWN_CERTIFICATE in step2.text and 'name="live_hours"' in step2.text
    assert _count(Certificate) == 0


def test_the_command_line_refuses_too(runner, world):
    args = ["lms", "certificates", "issue", "--email", "teacher@example.org", "--course", "core", "--reason", "Mine",
            "--live-hours", "10", "--by", "teacher@example.org"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and OWN_CERTIFICATE in result.output and "Traceback" not in result.output
    assert _count(Certificate) == 0


@pytest.fixture
def quiz_world(app, make_user):
    trainer = make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)
    course = build_course(trainer, max_attempts=2)
    enrollment.enroll(trainer, course)
    take(trainer, course, times=2)
    db.session.commit()
    return trainer, course


def test_a_trainer_cannot_give_themself_more_attempts(client, u, as_, quiz_world, mailbox):
    trainer, course = quiz_world
    with pytest.raises(DomainError) as refusal:
        grants.grant_attempt(enrollment.get_enrollment(trainer, course), quiz_of(course), trainer, "Again")
    assert refusal.value.message == OWN_ATTEMPTS
    db.session.rollback()
    as_(trainer)
    url = u("lms.authoring.grant_attempt", course_slug="core", module_slug="m1", user_id=trainer.id)
    response = client.submit(url, {"reason": "One more for me"})
    assert response.status_code == 400 and OWN_ATTEMPTS in response.text and 'aria-invalid="true"' in response.text
    assert _count(QuizAttemptGrant) == 0 and mailbox == []


def test_another_trainer_may_grant_them_one(make_user, quiz_world):
    trainer, course = quiz_world
    other = make_user("otto@example.org", role=SiteRole.TRAINER)
    grant = grants.grant_attempt(enrollment.get_enrollment(trainer, course), quiz_of(course), other, "Retry")
    db.session.commit()
    assert grant.granted_by_id == other.id
