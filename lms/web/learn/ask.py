"""Asking for another quiz attempt: a trainee who used every attempt without passing asks the trainers for one more
(:mod:`lms.enrollment.attempt_requests`); the trainers are emailed and see the request on their pages."""

from __future__ import annotations

from flask import flash, redirect, url_for

from lms import db
from lms.catalog.models import Quiz
from lms.enrollment import attempt_requests
from lms.errors import DomainError
from lms.i18n import _, format_when
from lms.security import access
from lms.web.learn import bp
from lms.web.learn.forms import AskAttemptForm
from lms.web.learn.helpers import viewer
from lms.web.learn.quiz import QuizPage, _form, _load, _not_enrolled
from lms.web.urls import external_url


@bp.post("/<course_slug>/<module_slug>/quiz/ask")
@access.signed_in
def ask_attempt(course_slug: str, module_slug: str):
    """Record the viewer's request (once: while one waits, say so instead) and tell the trainers by email."""
    page = _load(course_slug, module_slug)
    if page is None:
        return _not_enrolled(course_slug)
    form = AskAttemptForm()
    if form.validate_on_submit():
        quiz = db.session.get(Quiz, page.quiz.id)  # the row itself: the request is audited on it
        try:
            asked = attempt_requests.request_attempt(page.enrollment, quiz, viewer(), form.message.data)
        except DomainError as exc:
            db.session.rollback()
            form.message.errors = [exc.message]
        else:
            db.session.commit()
            _answer(page, quiz, asked)
            return redirect(_quiz_url(page))
    if not page.passed and page.attempts_left == 0:  # the form is on the page: show it with its error
        return _form(page, ask_form=form, status=400)
    if form.message.errors:  # e.g. they may try again already (a page opened before a grant)
        flash(" ".join(form.message.errors), "error")
    return redirect(_quiz_url(page))


def _quiz_url(page: QuizPage) -> str:
    return url_for(".quiz", course_slug=page.course.slug, module_slug=page.module.slug, _anchor="ask-attempt")


def _answer(page: QuizPage, quiz: Quiz, asked: attempt_requests.AttemptRequest) -> None:
    if not asked.is_new:
        flash(_("You already asked for another attempt on %(when)s. A trainer has not answered yet: you get an email "
                "when they do.", when=format_when(asked.asked_at)), "info")
        return
    trainers, worked_on_course = attempt_requests.trainers_to_tell(page.course, page.enrollment.user_id)
    link = external_url("lms.authoring.quiz", course_slug=page.course.slug, module_slug=page.module.slug,
                        _anchor="locked-out")
    # after the commit: the request stands, and trainers see it on their pages, even if no email can be sent
    attempt_requests.tell_trainers(trainers, viewer(), page.course, page.module, quiz, asked, link,
                                   worked_on_course=worked_on_course)
    flash(_("Your request is sent. The trainers can see it and are emailed. When one of them allows another attempt, "
            "you get an email and can take the quiz again here."), "success")
