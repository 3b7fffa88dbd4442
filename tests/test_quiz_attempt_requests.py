"""Asking for another quiz attempt: a trainee who used every attempt without passing asks from the quiz page (once:
asking again while the request waits says so), the trainers concerned are emailed in their language, see the request
first on the quiz's page and counted on the authoring index, allow one more attempt, and the trainee can start again."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select, update

from lms import db
from lms.accounts import admin_actions
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.catalog import course_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.enrollment import attempt_requests, grants
from lms.enrollment import services as enrollment
from lms.enrollment.models import QuizAttempt
from lms.errors import DomainError, NotFoundError
from tests.concurrency import finish, uncommitted_for_a_while
from tests.conftest import _free_port, body_of
from tests.quiz_support import quiz_of, take, trainee_quiz
from tests.test_learning import answers, build_course

ASKED = "quiz.attempt_requested"


@pytest.fixture
def tina(make_user):
    """The trainer who built the course."""
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


@pytest.fixture
def omar(make_user):
    """A trainer who never worked on the course."""
    return make_user("omar@example.org", name="Omar Other", role=SiteRole.TRAINER)


@pytest.fixture
def course(tina, omar):
    return build_course(tina, max_attempts=2)


def ask_url(u, course_slug: str = "core") -> str:
    return u("lms.courses.ask_attempt", course_slug=course_slug, module_slug="m1")


def authoring_quiz(u) -> str:
    return u("lms.authoring.quiz", course_slug="core", module_slug="m1")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def requests_made() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == ASKED).order_by(AuditEvent.id)).scalars())


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# ---------------------------------------------------------------- the whole loop through the pages


def test_ask_email_see_grant_and_start_again(client, u, tina, omar, course, make_user, locked_out, as_, mailbox):
    locked_out("Aaron Alpha")  # locked out too, but never asks: listed after the one who asked
    lupe = make_user("lupe@example.org", name="Lupe Learner")
    enrollment.enroll(lupe, course)
    db.session.commit()
    as_(lupe)
    for attempt in (1, 2):
        assert client.submit(trainee_quiz(u), answers(course, "m1", right=False, attempt=attempt)).status_code == 302
    db.session.execute(update(QuizAttempt).values(submitted_at=at(2026, 3, 1, 7)))
    db.session.commit()

    page = client.get(trainee_quiz(u)).text
    assert "Ask your trainer for another attempt." in page and 'name="attempt"' not in page
    assert f'action="{ask_url(u)}"' in page and 'name="message"' in page and 'maxlength="500"' in page
    assert "The trainers get your request by email" in page

    response = client.submit(ask_url(u), {"message": "I was ill during\r\nthe module."})
    assert response.status_code == 302 and response.headers["Location"].endswith(trainee_quiz(u) + "#ask-attempt")
    event, = requests_made()
    assert (event.actor_id, event.object_type, event.object_id) == (lupe.id, "Quiz", quiz_of(course).id)
    assert event.reason == "I was ill during the module."
    assert event.data["quiz_id"] == quiz_of(course).id and event.data["user_id"] == lupe.id

    page = text_of(client.get(trainee_quiz(u)).text)
    assert "Your request is sent. The trainers can see it and are emailed." in page
    assert "You asked on" in page and "Your message: I was ill during the module." in page
    assert ask_url(u) not in client.get(trainee_quiz(u)).text  # no button while the request waits

    message, = mailbox  # the trainer who built the course, not every trainer
    assert message["To"] == "tina@example.org"
    assert message["Subject"] == "Lupe Learner asks for another attempt: Check m1 · Module 1"
    body = body_of(message)
    assert body.startswith("Hello Tina Trainer,")
    assert ('Lupe Learner (lupe@example.org) used every attempt at the quiz "Check m1 · Module 1" (Core training) '
            "without passing, and asks for another attempt.") in body
    assert "Their message: I was ill during the module." in body
    assert "http://lms.test" + authoring_quiz(u) + "#locked-out" in body
    assert "because you have worked on this course" in body

    db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(at=at(2026, 3, 2, 17)))
    db.session.commit()
    as_(tina)
    index = text_of(client.get(u("lms.authoring.index")).text)
    assert "1 request for another quiz attempt is waiting" in index
    assert "Core training · Module 1 : 1 request, since Mar 2, 2026, 9:00 AM" in index
    assert f'href="{authoring_quiz(u)}#locked-out"' in client.get(u("lms.authoring.index")).text
    html = client.get(authoring_quiz(u)).text
    page = text_of(html)
    assert "One of them asked for another attempt and is listed first" in page
    assert "Mar 2, 2026, 9:00 AM I was ill during the module." in page
    assert "<q>I was ill during the module.</q>" in html
    assert page.index("Lupe Learner") < page.index("Aaron Alpha")

    mailbox.clear()
    response = client.submit(u("lms.authoring.grant_attempt", course_slug="core", module_slug="m1", user_id=lupe.id),
                             {"reason": "Was ill; agreed to retry"})
    assert response.status_code == 302
    granted, = mailbox
    assert granted["To"] == "lupe@example.org"
    assert "request for another quiz attempt" not in client.get(u("lms.authoring.index")).text
    assert "asked for another attempt and" not in client.get(authoring_quiz(u)).text

    as_(lupe)
    page = client.get(trainee_quiz(u)).text
    assert 'name="attempt" value="3"' in page and ask_url(u) not in page and "You asked on" not in page
    assert client.submit(trainee_quiz(u), answers(course, "m1", right=False, attempt=3)).status_code == 302
    page = client.get(trainee_quiz(u)).text  # locked out again: the old request was answered, so ask again
    assert ask_url(u) in page and "You asked on" not in page
    assert client.submit(ask_url(u), {"message": ""}).status_code == 302
    assert [e.reason for e in requests_made()] == ["I was ill during the module.", None]


def test_the_email_is_in_each_trainers_language(client, u, tina, course, locked_out, make_user, as_, mailbox):
    lucia = make_user("lucia@example.org", name="Lucía", role=SiteRole.TRAINER, locale="es")
    course_authoring.set_course_status(course, CourseStatus.DRAFT, lucia)  # she worked on the course too
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, lucia)
    db.session.commit()
    lupe = locked_out()
    as_(lupe)
    assert client.submit(ask_url(u), {"message": "Por favor"}).status_code == 302
    by_address = {m["To"]: m for m in mailbox}
    assert set(by_address) == {"tina@example.org", "lucia@example.org"}
    spanish = body_of(by_address["lucia@example.org"])
    assert spanish.startswith("Hola, Lucía:") and "Prueba m1 · Módulo 1" in spanish and "Formación básica" in spanish
    assert "Prueba m1 · Módulo 1" in by_address["lucia@example.org"]["Subject"]
    assert "Check m1 · Module 1" in body_of(by_address["tina@example.org"])


# ---------------------------------------------------------------- once, and only when locked out


def test_asking_twice_sends_once_and_says_so(client, u, course, locked_out, as_, mailbox):
    lupe = locked_out()
    as_(lupe)
    assert client.submit(ask_url(u), {"message": "First"}).status_code == 302
    response = client.submit(ask_url(u), {"message": "Second"}, follow_redirects=True)
    assert response.status_code == 200
    page = text_of(response.text)
    assert "You already asked for another attempt on" in page and "A trainer has not answered yet" in page
    assert "Your message: First" in page and "Second" not in page
    assert [e.reason for e in requests_made()] == ["First"] and len(mailbox) == 1


def test_two_requests_at_once_record_one(app, client, u, course, locked_out, as_, mailbox):
    """The first request is still uncommitted (its enrolment row locked) when the second arrives: the second waits,
    then finds the first and records nothing. (PostgreSQL waits on the row lock, SQLite on its write lock.)"""
    lupe = locked_out()
    user_id = lupe.id
    as_(lupe)

    def first_request() -> None:
        user, core = db.session.get(User, user_id), catalog.get_course("core")
        attempt_requests.request_attempt(enrollment.get_enrollment(user, core), quiz_of(core), user, "First")

    thread, errors = uncommitted_for_a_while(app, first_request)
    response = client.submit(ask_url(u), {"message": "Second"}, follow_redirects=True)
    finish(thread, errors)
    assert "You already asked for another attempt on" in response.text
    assert [e.reason for e in requests_made()] == ["First"] and mailbox == []


@pytest.mark.parametrize("case", ["attempts_left", "passed", "no_limit"])
def test_asking_when_not_locked_out_is_refused_with_the_reason(client, u, tina, course, make_user, as_, mailbox, case):
    bea = make_user(name="Bea Trying")
    enrollment.enroll(bea, course)
    db.session.commit()
    take(bea, course)
    expected = "You still have 1 attempt left: you can take the quiz now."
    if case == "passed":
        take(bea, course, right=True)
        expected = "You have already passed this quiz."
    if case == "no_limit":
        quiz_of(course).max_attempts = None
        db.session.commit()
        expected = "This quiz has no limit on attempts: you can take it again now."
    as_(bea)
    response = client.submit(ask_url(u), {"message": "Please"})
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]).text)
    assert expected in page
    assert requests_made() == [] and mailbox == []


def test_asking_without_being_enrolled_is_refused(client, u, course, make_user, as_, mailbox):
    as_(make_user(name="Stranger"))
    response = client.submit(ask_url(u), {"message": "Please"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Enrol in this course to read its lessons and take its quizzes." in response.text
    assert requests_made() == [] and mailbox == []


def test_nobody_can_ask_for_someone_else(client, u, course, locked_out, make_user, as_, mailbox):
    lupe = locked_out()
    bea = make_user(name="Bea Trying")
    enrollment.enroll(bea, course)
    db.session.commit()
    as_(bea)
    # the address names no person: the request is always the viewer's own, and Bea may still try
    response = client.submit(ask_url(u) + f"?user_id={lupe.id}", {"message": "For Lupe", "user_id": str(lupe.id)})
    assert response.status_code == 302 and requests_made() == [] and mailbox == []
    with pytest.raises(NotFoundError):
        attempt_requests.request_attempt(enrollment.get_enrollment(lupe, course), quiz_of(course), bea, "For Lupe")
    assert requests_made() == []


def test_a_long_message_is_refused_and_kept_in_the_form(client, u, course, locked_out, as_, mailbox):
    lupe = locked_out()
    as_(lupe)
    response = client.submit(ask_url(u), {"message": "x" * 501})
    assert response.status_code == 400
    assert "Keep your message to 500 characters or fewer." in response.text
    assert 'aria-invalid="true"' in response.text and "x" * 501 in response.text
    assert requests_made() == [] and mailbox == []
    # line breaks, runs of spaces and control characters are tidied before counting
    spaced = "Hello\x07" + " " * 600 + "\r\n\tthere\u202e"
    assert client.submit(ask_url(u), {"message": spaced}).status_code == 302
    assert [e.reason for e in requests_made()] == ["Hello there"]


def test_an_email_failure_does_not_undo_the_request(app, client, u, course, locked_out, as_, mailbox):
    lupe = locked_out()
    as_(lupe)
    app.config["LMS_MAIL_PORT"] = _free_port()  # nothing listens there
    response = client.submit(ask_url(u), {"message": "Please"}, follow_redirects=True)
    assert response.status_code == 200 and "Your request is sent." in response.text
    assert len(requests_made()) == 1 and mailbox == []


# ---------------------------------------------------------------- who is told, what counts as waiting


def test_who_is_told(app, tina, omar, course, make_user, locked_out):
    lupe = locked_out()
    admin = make_user(name="Ada Admin", role=SiteRole.ADMIN)
    gone = make_user(name="Gus Gone", role=SiteRole.TRAINER)
    granter = make_user(name="Gil Granter", role=SiteRole.TRAINER)
    for person in (admin, gone):
        course_authoring.set_course_status(course, CourseStatus.DRAFT, person)
        course_authoring.set_course_status(course, CourseStatus.PUBLISHED, person)
    admin_actions.set_active(gone, False, admin)
    other = locked_out("Otto Other")
    grants.grant_attempt(enrollment.get_enrollment(other, course), quiz_of(course), granter, "Retry")
    taking = locked_out("Tom Taking", role=SiteRole.TRAINER)  # a trainer taking the course as a learner
    attempt_requests.request_attempt(enrollment.get_enrollment(taking, course), quiz_of(course), taking, None)
    db.session.commit()
    trainers, worked = attempt_requests.trainers_to_tell(course, lupe.id)
    assert worked and [t.name for t in trainers] == ["Ada Admin", "Gil Granter", "Tina Trainer"]
    trainers, worked = attempt_requests.trainers_to_tell(course, tina.id)
    assert worked and [t.name for t in trainers] == ["Ada Admin", "Gil Granter"]

    untouched = build_course(None, slug="imported", max_attempts=1)  # as if imported from files
    trainers, worked = attempt_requests.trainers_to_tell(untouched, lupe.id)
    assert not worked and [t.name for t in trainers] == ["Gil Granter", "Omar Other", "Tina Trainer", "Tom Taking"]
    for person in (granter, omar, tina, taking):
        admin_actions.set_role(person, SiteRole.TRAINEE, admin, "No longer trains")
    db.session.commit()
    trainers, worked = attempt_requests.trainers_to_tell(untouched, lupe.id)  # no trainer left: the administrators
    assert not worked and [t.name for t in trainers] == ["Ada Admin"]


def test_a_request_stops_waiting_when_the_trainee_can_try_again(app, tina, course, locked_out):
    lupe = locked_out()
    other = locked_out("Otto Other")
    quiz = quiz_of(course)
    for person in (lupe, other):
        attempt_requests.request_attempt(enrollment.get_enrollment(person, course), quiz, person, None)
    db.session.commit()
    assert [w.user_id for w in attempt_requests.list_waiting(quiz)] == [lupe.id, other.id]
    (counted,) = attempt_requests.count_waiting()
    assert (counted.course.slug, counted.module.slug, counted.count) == ("core", "m1", 2)

    enrollment.withdraw(enrollment.get_enrollment(other, course), other)  # no longer locked out of anything
    quiz.max_attempts = 3  # the limit raised: Lupe may try again without a grant
    db.session.commit()
    assert attempt_requests.list_waiting() == []
    take(lupe, course)  # and fails again: locked out, but her old request was answered by the new attempt
    mine = enrollment.get_enrollment(lupe, course)
    assert attempt_requests.waiting_request(mine, quiz) is None and attempt_requests.list_waiting() == []
    with pytest.raises(DomainError):
        attempt_requests.request_attempt(mine, quiz, lupe, "x" * 501)


def test_the_pages_do_not_grow_with_the_requests(client, u, tina, course, locked_out, as_, count_queries):
    def ask(person) -> None:
        attempt_requests.request_attempt(enrollment.get_enrollment(person, course), quiz_of(course), person, "Please")
        db.session.commit()

    ask(locked_out("Ana"))
    as_(tina)
    pages = (u("lms.authoring.index"), authoring_quiz(u))
    before = []
    for page in pages:
        with count_queries() as queries:
            client.get(page)
        before.append(queries.count)
    for n in range(3):
        ask(locked_out(f"Trainee {n}"))
    for page, count in zip(pages, before, strict=True):
        with count_queries() as queries:
            html = client.get(page).text
        assert queries.count == count, page
        assert "4 requests for another quiz attempt are waiting" in html or "4 of them asked" in html


def test_the_audit_log_names_the_request(client, u, course, locked_out, make_user, as_):
    lupe = locked_out()
    attempt_requests.request_attempt(enrollment.get_enrollment(lupe, course), quiz_of(course), lupe, "Please")
    db.session.commit()
    as_(make_user(name="Ada Admin", role=SiteRole.ADMIN))
    page = text_of(client.get(u("lms.admin.audit_log", action=ASKED)).text)
    assert "Another quiz attempt requested" in page and "Please" in page and "Person: Lupe Learner" in page


def test_the_last_failed_result_leads_to_the_request(client, u, course, make_user, as_):
    """After the last attempt fails, the result page (where the trainee is) offers the request form's place on the quiz
    page, not only the words "ask your trainer"."""
    lupe = make_user("lupe@example.org", name="Lupe Learner")
    enrollment.enroll(lupe, course)
    db.session.commit()
    as_(lupe)
    result_url = u("lms.courses.quiz_result", course_slug="core", module_slug="m1")
    assert client.submit(trainee_quiz(u), answers(course, "m1", right=False, attempt=1)).status_code == 302
    assert "#ask-attempt" not in client.get(result_url).text  # an attempt is left: "Try again", no request
    assert client.submit(trainee_quiz(u), answers(course, "m1", right=False, attempt=2)).status_code == 302
    page = client.get(result_url).text
    assert f'href="{trainee_quiz(u)}#ask-attempt"' in page and "Ask for another attempt" in page
    assert 'class="button secondary" href="' + u("lms.courses.course", course_slug="core") in page
