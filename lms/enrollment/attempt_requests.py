"""Asking for another quiz attempt: a trainee who used every attempt at a quiz without passing asks the trainers for
one more, and trainers see who is waiting (the grant itself is :mod:`lms.enrollment.grants`).

A request has no table of its own: it is an audit row ``quiz.attempt_requested`` on the quiz, whose actor is the
trainee and whose reason is their optional message (the project looks state up in audit rows elsewhere too, e.g. the
API token form's submission key). A request is *waiting* while it is newer than the trainee's last extra attempt at
the quiz and their last attempt (a new attempt means they could try again meanwhile, e.g. the quiz's limit was
raised), and they are still locked out. Asking again while a request is waiting records nothing; the enrolment's row
is locked first, so two requests arriving together record one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from lms import audit, db
from lms.accounts.models import SiteRole, User
from lms.audit import AuditEvent
from lms.catalog.models import Course, Module, Quiz
from lms.catalog.quiz_texts import quiz_title
from lms.catalog.texts import Texts, load_titles
from lms.enrollment.models import Enrollment, EnrollmentStatus, QuizAttempt, QuizAttemptGrant
from lms.enrollment.quiz_attempts import attempts_left, attempts_of
from lms.errors import DomainError, NotFoundError
from lms.i18n import _, in_language, ngettext
from lms.notify.services import MailError, recipient_locale, send_email

#: The audit action of a request (written out in the ``audit.record`` call too, where the audit-title test reads it).
ACTION = "quiz.attempt_requested"
#: The longest message a trainee may add (characters, after spaces are tidied).
MAX_MESSAGE_LENGTH = 500


@dataclass(frozen=True)
class AttemptRequest:
    """A trainee's request for another attempt; ``is_new`` is False when one was already waiting (nothing recorded)."""

    asked_at: datetime
    message: str | None
    is_new: bool = False


@dataclass(frozen=True)
class Waiting:
    """A waiting request of a trainee still locked out of a quiz."""

    user_id: int
    quiz_id: int
    asked_at: datetime
    message: str | None
    course: Course
    module: Module


@dataclass(frozen=True)
class WaitingQuiz:
    """A quiz with waiting requests: how many, and since when the oldest waits."""

    course: Course
    module: Module
    count: int
    oldest_at: datetime


def clean_message(message: str | None) -> str:
    """The message as kept: control and invisible format characters removed, any run of spaces or line breaks made
    one space."""
    kept = "".join(c for c in message or "" if c.isspace() or unicodedata.category(c) not in {"Cc", "Cf", "Cs"})
    return " ".join(kept.split())


def _latest_request(user_id: int, quiz_id: int) -> AuditEvent | None:
    return db.session.execute(
        select(AuditEvent).where(AuditEvent.object_type == "Quiz", AuditEvent.object_id == quiz_id,
                                 AuditEvent.action == ACTION, AuditEvent.actor_id == user_id)
        .order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()


def waiting_request(enrollment: Enrollment, quiz: Quiz, attempts: list[QuizAttempt] | None = None) -> AttemptRequest | None:
    """The trainee's request for another attempt at ``quiz`` that no extra attempt nor new attempt has answered yet,
    or None. ``attempts``: theirs at the quiz if already loaded. (Whether they are locked out is the caller's to
    know: the quiz page asks only then.)"""
    event = _latest_request(enrollment.user_id, quiz.id)
    if event is None:
        return None
    attempts = attempts_of(enrollment, quiz) if attempts is None else attempts
    last_grant = db.session.scalar(select(func.max(QuizAttemptGrant.granted_at))
                                   .where(QuizAttemptGrant.enrollment_id == enrollment.id,
                                          QuizAttemptGrant.quiz_id == quiz.id))
    answered = [a.submitted_at for a in attempts] + ([last_grant] if last_grant is not None else [])
    if answered and event.at <= max(answered):
        return None
    return AttemptRequest(event.at, event.reason)


def request_attempt(enrollment: Enrollment, quiz: Quiz, user: Any, message: str | None) -> AttemptRequest:
    """``user`` (the enrolment's trainee) asks for another attempt at ``quiz``, with an optional message: an audit row
    ``quiz.attempt_requested``. When a request of theirs is already waiting, that one is returned and nothing is
    recorded. Refused (:class:`DomainError`) when they are not locked out: the quiz has no limit, they passed it or
    still have attempts left; or when the message is too long."""
    if enrollment.user_id != getattr(user, "id", None) or enrollment.course_id != quiz.course_id \
            or enrollment.status is EnrollmentStatus.WITHDRAWN:
        raise NotFoundError(_("You are not enrolled in this course."))
    message = clean_message(message)
    if len(message) > MAX_MESSAGE_LENGTH:
        raise DomainError(_("Keep your message to %(max)d characters or fewer.", max=MAX_MESSAGE_LENGTH))
    db.lock_row(enrollment, key_share=True)  # two requests at once: the second waits here, then finds the first
    attempts = attempts_of(enrollment, quiz)
    _require_locked_out(enrollment, quiz, attempts)
    waiting = waiting_request(enrollment, quiz, attempts)
    if waiting is not None:
        return waiting
    event = audit.record("quiz.attempt_requested", quiz, user, reason=message or None, user_id=enrollment.user_id,
                         course_id=quiz.course_id, module_id=quiz.module_id, quiz_id=quiz.id,
                         attempts_used=len(attempts))
    db.session.flush()
    return AttemptRequest(event.at, event.reason, is_new=True)


def _require_locked_out(enrollment: Enrollment, quiz: Quiz, attempts: list[QuizAttempt]) -> None:
    if quiz.max_attempts is None:
        raise DomainError(_("This quiz has no limit on attempts: you can take it again now."))
    if any(a.passed for a in attempts):
        raise DomainError(_("You have already passed this quiz."))
    left = attempts_left(enrollment, quiz, attempts)
    if left:
        raise DomainError(ngettext("You still have %(num)d attempt left: you can take the quiz now.",
                                   "You still have %(num)d attempts left: you can take the quiz now.", left))


def _waiting_query(quiz_id: int | None) -> Select:
    """Each trainee's latest request per quiz (of one quiz if ``quiz_id``), kept when it is still waiting and the
    trainee is still locked out (enrolled, account active, every attempt used without passing). The attempt and
    grant figures are correlated subqueries on their (enrolment, quiz) index, so the cost follows the number of
    requests, not of attempts."""
    latest = (select(AuditEvent.actor_id.label("user_id"), AuditEvent.object_id.label("quiz_id"),
                     func.max(AuditEvent.id).label("event_id"))
              .where(AuditEvent.object_type == "Quiz", AuditEvent.action == ACTION,
                     *([AuditEvent.object_id == quiz_id] if quiz_id is not None else []))
              .group_by(AuditEvent.actor_id, AuditEvent.object_id).subquery())
    asked = aliased(AuditEvent)
    tries = (QuizAttempt.enrollment_id == Enrollment.id, QuizAttempt.quiz_id == Quiz.id)
    grants = (QuizAttemptGrant.enrollment_id == Enrollment.id, QuizAttemptGrant.quiz_id == Quiz.id)
    used = select(func.count(QuizAttempt.id)).where(*tries).scalar_subquery()
    last_try = select(func.max(QuizAttempt.submitted_at)).where(*tries).scalar_subquery()
    extra = select(func.coalesce(func.sum(QuizAttemptGrant.extra), 0)).where(*grants).scalar_subquery()
    last_grant = select(func.max(QuizAttemptGrant.granted_at)).where(*grants).scalar_subquery()
    return (
        select(latest.c.user_id, latest.c.quiz_id, asked.at, asked.reason, Course, Module)
        .select_from(latest)
        .join(asked, asked.id == latest.c.event_id)
        .join(Quiz, Quiz.id == latest.c.quiz_id)
        .join(Module, Module.id == Quiz.module_id)
        .join(Course, Course.id == Quiz.course_id)
        .join(Enrollment, and_(Enrollment.user_id == latest.c.user_id, Enrollment.course_id == Quiz.course_id))
        .join(User, User.id == Enrollment.user_id)
        .where(Quiz.is_archived.is_(False), Module.is_archived.is_(False), Quiz.max_attempts.is_not(None),
               Enrollment.status != EnrollmentStatus.WITHDRAWN, User.is_active.is_(True),
               ~exists().where(*tries, QuizAttempt.passed.is_(True)), used >= Quiz.max_attempts + extra,
               asked.at > last_try, or_(last_grant.is_(None), asked.at > last_grant))
        .order_by(asked.at, asked.id)
    )


def list_waiting(quiz: Quiz | None = None) -> list[Waiting]:
    """Waiting requests of trainees still locked out, oldest first: of one quiz, or of every quiz. One query."""
    rows = db.session.execute(_waiting_query(quiz.id if quiz is not None else None)).all()
    return [Waiting(*row) for row in rows]


def count_waiting() -> list[WaitingQuiz]:
    """Quizzes with waiting requests, the one waiting longest first, with how many each has."""
    by_quiz: dict[int, list[Waiting]] = {}
    for request in list_waiting():
        by_quiz.setdefault(request.quiz_id, []).append(request)
    return [WaitingQuiz(rows[0].course, rows[0].module, len(rows), rows[0].asked_at) for rows in by_quiz.values()]


# ---------------------------------------------------------------- telling the trainers


def trainers_to_tell(course: Course, asker_id: int) -> tuple[list[User], bool]:
    """Who is told of a request in ``course``: the active trainers and site administrators who worked on it per the
    audit log (changed the course or anything in it, or gave someone an extra attempt at one of its quizzes). If
    nobody did (a course imported from files), every active trainer, or every active administrator on a site with
    no trainer. Never the asker. Second value: whether they were chosen for their work on this course."""
    staff = (User.is_active.is_(True), User.role.in_([SiteRole.TRAINER, SiteRole.ADMIN]), User.id != asker_id)
    worked = (select(AuditEvent.actor_id).join(User, User.id == AuditEvent.actor_id)
              .where(*staff, AuditEvent.action != ACTION,  # a trainer asking as a learner has not worked on it
                     or_(and_(AuditEvent.object_type == "Course", AuditEvent.object_id == course.id),
                         AuditEvent.data["course_id"].as_integer() == course.id)))
    chosen = _people(select(User).where(User.id.in_(worked)))
    if chosen:
        return chosen, True
    for role in (SiteRole.TRAINER, SiteRole.ADMIN):
        everyone = _people(select(User).where(*staff, User.role == role))
        if everyone:
            return everyone, False
    return [], False


def _people(query: Select) -> list[User]:
    return list(db.session.execute(query.order_by(func.lower(User.name), User.id)).scalars())


def _email_quiz_title(texts: Texts, module: Module, quiz: Quiz, locale: str) -> str:
    """The quiz as pages name it (:func:`lms.catalog.quiz_texts.quiz_title`, in the trainer's language), followed by
    its module's title when the quiz's own title does not already say it: quizzes are often all called "Check what
    you learned", and the module says which one."""
    with in_language(locale):
        title = quiz_title(texts, quiz, module)
    module_title = texts(module) or module.slug
    if texts(quiz) and module_title.casefold() not in title.casefold():
        return f"{title} · {module_title}"
    return title


def tell_trainers(trainers: Iterable[User], trainee: Any, course: Course, module: Module, quiz: Quiz,
                  request: AttemptRequest, link: str, *, worked_on_course: bool) -> list[str]:
    """Email each of ``trainers``, in their language, that ``trainee`` asks for another attempt, with ``link`` to the
    quiz's page for trainers. Sent by the caller after its commit: a mail server that refuses cannot undo the
    request, which trainers also see on their pages. Returns the addresses that could not be emailed."""
    failed = []
    titles: dict[str, tuple[str, str]] = {}
    for trainer in trainers:
        locale = recipient_locale(trainer)
        if locale not in titles:
            texts = load_titles([module, quiz], [course], locale)[course.id]
            titles[locale] = (_email_quiz_title(texts, module, quiz, locale), texts(course) or course.slug)
        title, course_title = titles[locale]
        try:
            send_email(trainer.email, "quiz_attempt_requested", locale, user=trainer, trainee=trainee, title=title,
                       course_title=course_title, message=request.message, link=link,
                       worked_on_course=worked_on_course)
        except MailError:
            failed.append(trainer.email)
    if failed:
        current_app.logger.warning("attempt request of user %s: could not email %s", getattr(trainee, "id", None),
                                   ", ".join(failed))
    return failed
