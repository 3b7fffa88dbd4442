"""One more quiz attempt for one trainee: a trainer sees who used every attempt without passing, allows one more
(with a reason, audited, emailed in the trainee's language), and the trainee can try again; the limit still holds."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms import db
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.catalog import services as catalog
from lms.enrollment import grants, quiz_attempts
from lms.enrollment import services as enrollment
from lms.enrollment.models import QuizAttempt, QuizAttemptGrant
from lms.errors import DomainError, NotFoundError
from tests.conftest import _free_port, body_of
from tests.quiz_support import quiz_of, take, trainee_quiz
from tests.test_learning import answers, build_course

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@pytest.fixture
def trainer(make_user):
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


@pytest.fixture
def course(trainer):
    return build_course(trainer, max_attempts=2)


def quiz_page(u, course_slug: str = "core") -> str:
    return u("lms.authoring.quiz", course_slug=course_slug, module_slug="m1")


def grant_url(u, user: User) -> str:
    return u("lms.authoring.grant_attempt", course_slug="core", module_slug="m1", user_id=user.id)


def grant_rows() -> list[QuizAttemptGrant]:
    db.session.expire_all()
    return list(db.session.execute(select(QuizAttemptGrant)).scalars())


def attempts_of(user, course) -> list[QuizAttempt]:
    db.session.expire_all()
    return quiz_attempts.attempts_of(enrollment.get_enrollment(user, course), quiz_of(course))


# ---------------------------------------------------------------- the whole path through the pages


def test_a_trainer_gives_a_locked_out_trainee_one_more_attempt(client, u, trainer, course, locked_out, as_, mailbox):
    trainee = locked_out(email="lupe@example.org")
    db.session.execute(update(QuizAttempt).values(submitted_at=datetime(2026, 3, 1, 7, 30, tzinfo=UTC)))
    db.session.commit()

    as_(trainee)
    page = client.get(trainee_quiz(u)).text
    assert "Ask your trainer for another attempt." in page and "attempts used: 2 of 2" in page
    assert 'name="attempt"' not in page

    as_(trainer)
    page = client.get(quiz_page(u)).text
    assert "Trainees who used every attempt" in page
    assert "Lupe Learner" in page and "lupe@example.org" in page and "50%" in page
    assert "Feb 28, 2026" in page  # 07:30 UTC on 1 March is the evening before in the viewer's zone (Los Angeles)
    assert "Allow one more attempt" in page

    for reason in ("", "   "):
        response = client.submit(grant_url(u, trainee), {"reason": reason})
        assert response.status_code == 400
        assert "Give a reason for the extra attempt." in response.text and 'aria-invalid="true"' in response.text
        assert f'id="reason-{trainee.id}"' in response.text
    assert grant_rows() == [] and mailbox == []

    response = client.submit(grant_url(u, trainee), {"reason": "Talked it through; ready to retry"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(quiz_page(u) + "#locked-out")
    page = client.get(quiz_page(u)).text
    assert "Lupe Learner can take the quiz once more. We emailed them." in page
    assert "No trainee has used every attempt without passing." in page

    grant, = grant_rows()
    assert (grant.extra, grant.reason, grant.granted_by_id) == (1, "Talked it through; ready to retry", trainer.id)
    event, = db.session.execute(select(AuditEvent).where(AuditEvent.action == "quiz.attempt_granted")).scalars()
    assert event.actor_id == trainer.id and event.reason == "Talked it through; ready to retry"
    assert event.data["user_id"] == trainee.id and event.data["attempts_used"] == 2

    message, = mailbox
    assert message["To"] == "lupe@example.org" and "Check m1" in message["Subject"]
    body = body_of(message)
    # quizzes are often all called alike: the module says which one
    assert 'Tina Trainer gave you one more attempt at the quiz "Check m1 · Module 1" (Core training).' in body
    assert "http://lms.test" + trainee_quiz(u) in body
    assert "Talked it through" not in body  # the reason is for the audit log, not the trainee

    as_(trainee)
    page = client.get(trainee_quiz(u)).text
    assert "attempts used: 2 of 3" in page and 'name="attempt" value="3"' in page
    assert "Ask your trainer" not in page
    response = client.submit(trainee_quiz(u), answers(course, "m1", right=False, attempt=3))
    assert response.status_code == 302 and len(attempts_of(trainee, course)) == 3
    assert "Ask your trainer for another attempt." in client.get(trainee_quiz(u)).text

    as_(trainer)
    page = client.get(quiz_page(u)).text
    assert "Lupe Learner" in page and "including 1 extra attempt" in page


def test_the_email_is_in_the_trainees_language(client, u, trainer, course, locked_out, as_, mailbox):
    promotora = locked_out("María", "maria@example.org", locale="es")
    as_(trainer)
    assert client.submit(grant_url(u, promotora), {"reason": "Segunda oportunidad"}).status_code == 302
    message, = mailbox
    assert "Prueba m1" in message["Subject"]
    body = body_of(message)
    assert body.startswith("Hola, María:") and "Formación básica" in body


def test_an_email_failure_does_not_undo_the_grant(app, client, u, trainer, course, locked_out, as_, mailbox):
    trainee = locked_out(email="lupe@example.org")
    as_(trainer)
    app.config["LMS_MAIL_PORT"] = _free_port()  # nothing listens there
    response = client.submit(grant_url(u, trainee), {"reason": "Retry"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Lupe Learner can take the quiz once more." in response.text
    assert "We could not email: lupe@example.org. Please tell them another way." in response.text
    assert len(grant_rows()) == 1 and mailbox == []
    assert quiz_attempts.attempts_left(enrollment.get_enrollment(trainee, course), quiz_of(course),
                                    attempts_of(trainee, course)) == 1


# ---------------------------------------------------------------- who is listed, and what is refused


def test_only_trainees_locked_out_are_listed(client, u, trainer, course, make_user, locked_out, as_):
    locked_out("Ana Locked")
    passed = make_user(name="Bea Passed")
    enrollment.enroll(passed, course)
    take(passed, course)
    take(passed, course, right=True)
    trying = make_user(name="Cy Trying")
    enrollment.enroll(trying, course)
    take(trying, course)
    gone = locked_out("Dee Withdrawn")
    enrollment.withdraw(enrollment.get_enrollment(gone, course), gone)
    granted = locked_out("Eve Granted")
    grants.grant_attempt(enrollment.get_enrollment(granted, course), quiz_of(course), trainer, "Retry")
    db.session.commit()

    as_(trainer)
    page = client.get(quiz_page(u)).text
    assert "Ana Locked" in page
    for name in ("Bea Passed", "Cy Trying", "Dee Withdrawn", "Eve Granted"):
        assert name not in page, name
    response = client.submit(grant_url(u, gone), {"reason": "Retry"})
    assert response.status_code == 404


def test_a_quiz_without_a_limit_has_no_such_list(client, u, trainer, make_user, as_):
    build_course(trainer)
    as_(trainer)
    page = client.get(quiz_page(u)).text
    assert "Trainees who used every attempt" not in page


@pytest.mark.parametrize("case", ["no_limit", "passed", "attempts_left", "no_reason", "other_course"])
def test_the_service_refuses(trainer, make_user, course, case):
    user = make_user()
    quiz = quiz_of(course)
    mine = enrollment.enroll(user, course)
    db.session.commit()
    take(user, course, times=2)
    if case == "no_limit":
        quiz.max_attempts = None
    elif case == "passed":
        quiz.max_attempts = 3
        db.session.commit()
        take(user, course, right=True)
    elif case == "attempts_left":
        quiz.max_attempts = 3
    elif case == "other_course":
        quiz = quiz_of(build_course(trainer, "other", max_attempts=1))
    messages = {"no_limit": "This quiz has no limit on attempts.", "passed": "This trainee has already passed this quiz.",
                "attempts_left": "This trainee still has 1 attempt left.",
                "no_reason": "Give a reason for the extra attempt.",
                "other_course": "This person is not enrolled in this course."}
    with pytest.raises(DomainError) as refused:
        grants.grant_attempt(mine, quiz, trainer, "" if case == "no_reason" else "Retry")
    assert refused.value.message == messages[case]
    assert isinstance(refused.value, NotFoundError) == (case == "other_course")
    db.session.rollback()
    assert grant_rows() == []


def test_a_refused_grant_rerenders_the_page_with_the_reason(client, u, trainer, course, make_user, locked_out, as_):
    locked_out("Ana Locked")
    trying = make_user(name="Cy Trying")
    enrollment.enroll(trying, course)
    take(trying, course)
    as_(trainer)
    response = client.submit(grant_url(u, trying), {"reason": "Just because"})
    assert response.status_code == 400
    assert "This trainee still has 1 attempt left." in response.text and "Ana Locked" in response.text
    assert grant_rows() == []
    outsider = make_user(name="Not Enrolled")
    assert client.submit(grant_url(u, outsider), {"reason": "x"}).status_code == 404


def test_a_grant_adds_to_the_limit_exactly(trainer, course, locked_out):
    trainee = locked_out()
    mine, quiz = enrollment.get_enrollment(trainee, course), quiz_of(course)
    grants.grant_attempt(mine, quiz, trainer, "Retry", extra=2)
    db.session.commit()
    assert quiz_attempts.attempts_left(mine, quiz, attempts_of(trainee, course)) == 2
    take(trainee, course, times=2)
    with pytest.raises(DomainError, match="Ask your trainer for another attempt"):
        take(trainee, course)
    db.session.rollback()
    assert len(attempts_of(trainee, course)) == 4


def test_the_list_is_one_query_however_many_trainees(client, u, trainer, course, locked_out, as_, count_queries):
    locked_out("Ana Locked")
    as_(trainer)
    path = quiz_page(u)
    client.get(path)
    with count_queries() as before:
        client.get(path)
    for n in range(4):
        locked_out(f"Trainee {n}")
    with count_queries() as after:
        page = client.get(path).text
    assert page.count(">Allow one more attempt<span class=\"visually-hidden\">") == 5
    assert after.count == before.count


# ---------------------------------------------------------------- concurrency (PostgreSQL, threads)


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrency is tested against PostgreSQL")
def test_racing_for_the_one_granted_attempt_saves_one(app, trainer, course, locked_out):
    trainee = locked_out()
    grants.grant_attempt(enrollment.get_enrollment(trainee, course), quiz_of(course), trainer, "Retry")
    db.session.commit()
    user_id, course_id = trainee.id, course.id
    barrier, results, lock = threading.Barrier(3), [], threading.Lock()

    def submit() -> None:
        with app.app_context():
            try:
                user, mine_course = db.session.get(User, user_id), catalog.get_course("core")
                quiz = quiz_of(mine_course)
                chosen = {q.id: {o.id for o in options if not o.is_correct} or {options[0].id}
                          for q, options in catalog.load_questions(quiz)}
                mine = enrollment.get_enrollment(user, mine_course)
                barrier.wait()
                quiz_attempts.submit_quiz(mine, quiz, chosen)
                db.session.commit()
                outcome = "saved"
            except (DomainError, IntegrityError) as exc:
                db.session.rollback()
                outcome = "refused" if isinstance(exc, DomainError) else "duplicate"
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results.count("saved") == 1 and len(results) == 3, results
    assert course_id and len(attempts_of(trainee, course)) == 3
