"""Publishing, archiving and moving a course back to draft, after a page that says what the change will do.

The status buttons on the course page post here without ``confirm``: nothing changes, and the trainer is sent to the
confirmation page (a GET, ``?status=``), which counts what the change touches: trainees enrolled, upcoming live
sessions and the people registered for them, the languages the course can be read in. Publishing also counts, per
language, the lessons and other texts not translated or out of date (stale), and warns about required live modules
with no upcoming session and about required modules that credit 0 minutes in all (completing the course would issue
no certificate: :func:`lms.certificates.withheld.withholds_on_completion`), counting the modules trainees see and need
(:func:`lms.catalog.visibility.shown_to_trainees`: a self-paced module with nothing in it to do is neither). Only its
form, a POST with ``confirm=yes``, changes the status. Plain forms and links: no JavaScript needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, get_timezone

from lms import db
from lms.catalog import course_authoring, module_kind
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseStatus
from lms.catalog.texts import load_texts
from lms.certificates import withheld
from lms.db import utcnow
from lms.enrollment.models import EnrollmentStatus
from lms.enrollment.queries import count_course_enrollments
from lms.errors import DomainError
from lms.i18n import _, current_locale
from lms.live import listing
from lms.live.models import LiveSession
from lms.live.times import when_text
from lms.security import access
from lms.web.authoring import bp, translation_status
from lms.web.authoring.helpers import actor, target_locales
from lms.web.authoring.translation_status import Tally
from lms.web.forms import EmptyForm


@bp.route("/<course_slug>/status", methods=["GET", "POST"])
@access.trainer
def set_status(course_slug: str):
    course = catalog.get_course(course_slug)
    status = _asked_status()
    if status is None:
        flash(_("Choose a status."), "error")
        return _course_page(course)
    if status is course.status:  # a second click, or the form sent again after the change
        flash(_("The course is now: %(status)s.", status=status.title), "info")
        return _course_page(course)
    if request.method == "GET":
        return _confirmation(course, status)
    if request.form.get("confirm") != "yes":  # the course page's buttons: show what it would do first
        return redirect(url_for("lms.authoring.set_status", course_slug=course.slug, status=status.value), 303)
    return _change(course, status)


def _asked_status() -> CourseStatus | None:
    source = request.args if request.method == "GET" else request.form
    try:
        return CourseStatus(source.get("status", ""))
    except ValueError:
        return None


def _confirmation(course: Course, status: CourseStatus):
    try:
        course_authoring.check_course_status(course, status)
    except DomainError as exc:
        problem = exc.message
    else:
        problem = None
    now, enrolled = utcnow(), count_course_enrollments(course)
    upcoming = listing.list_upcoming(listing.SessionFilters(course=course.slug), now, str(get_timezone()), published_only=False)
    return render_template(
        "lms/authoring/confirm_status.html",
        course=course,
        status=status,
        problem=problem,
        t=load_texts(course, course.source_locale, fields=("title",)),
        in_progress=enrolled[EnrollmentStatus.ACTIVE],
        completed=enrolled[EnrollmentStatus.COMPLETED],
        sessions=listing.describe(upcoming, current_locale(), actor(), now),
        when=_when,
        languages=catalog.list_course_locales([course])[course.id],
        gaps=_translation_gaps(course) if status is CourseStatus.PUBLISHED else [],
        waiting=_waiting_live_modules(course) if status is CourseStatus.PUBLISHED else (0, ""),
        no_certificate=status is CourseStatus.PUBLISHED and withheld.withholds_on_completion(
            catalog.list_modules_of([course], trainee=True)[course.id]),
        button=EmptyForm(),
    )


@dataclass
class Gaps:
    """What a reader of ``locale`` would miss: ``lessons`` counts lessons (not translated if a field is missing,
    else out of date if one is stale), ``others`` the other text fields (titles, summaries, questions, answers)."""

    locale: str
    lessons: Tally
    others: Tally


def _translation_gaps(course: Course) -> list[Gaps]:
    """:class:`Gaps` for every language the course can be translated into, as the Translations page counts them."""
    outline = catalog.load_outline(course)
    questions = catalog.load_quiz_questions(list(outline.quizzes.values()))
    lessons = outline.all_lessons()
    others = [course, *outline.modules]
    for quiz in outline.quizzes.values():
        others += [quiz, *(obj for question, options in questions[quiz.id] for obj in (question, *options))]
    result = []
    for locale in target_locales(course):
        texts = load_texts(course, locale)
        by_lesson = Tally()
        for lesson in lessons:
            fields = translation_status.tally(texts, [lesson])
            by_lesson.add("missing" if fields.missing else "stale" if fields.stale else "complete")
        result.append(Gaps(locale, by_lesson, translation_status.tally(texts, others)))
    return result


def _waiting_live_modules(course: Course) -> tuple[int, str]:
    """How many required live modules have no upcoming session, and their titles, quoted."""
    modules = module_kind.list_live_without_sessions(course)
    return len(modules), module_kind.quoted_titles(course, modules) if modules else ""


def _when(session: LiveSession) -> str:
    """Start and end in the trainer's time zone and language, zone named, as the session pages show them."""
    return when_text(session.starts_at, session.ends_at, str(get_timezone()), str(get_locale()))


def _change(course: Course, status: CourseStatus):
    try:
        course_authoring.set_course_status(course, status, actor())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("The course is now: %(status)s.", status=status.title), "success")
    return _course_page(course)


def _course_page(course: Course):
    return redirect(url_for("lms.authoring.course", course_slug=course.slug))
