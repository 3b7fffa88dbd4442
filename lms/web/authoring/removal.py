"""Removing and restoring modules, lessons, quizzes and questions (docs/learning.md, "Removing and restoring").

"Remove" opens a page that says what will happen, with a button to confirm (a plain form: no JavaScript needed); only
its POST changes anything, and completes, in the same transaction, the trainees the removal leaves with nothing more
to do (:func:`lms.enrollment.recheck.complete_finished`). Removed items are listed under "Removed" on the course
page (questions: on the quiz page), each with a "Restore" button.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for

from lms import db
from lms.catalog import archive
from lms.catalog import removal as catalog_removal
from lms.catalog import services as catalog
from lms.catalog.archive import KINDS, Archivable
from lms.catalog.models import Course, ModuleKind, Question, Quiz
from lms.enrollment import recheck
from lms.errors import DomainError, NotFoundError
from lms.i18n import _
from lms.security import access
from lms.web.authoring import bp
from lms.web.authoring.helpers import actor, load_lesson, load_module, source_texts
from lms.web.forms import EmptyForm

# ---------------------------------------------------------------- modules and lessons


@bp.route("/<course_slug>/modules/<module_slug>/remove", methods=["GET", "POST"])
@access.trainer
def remove_module(course_slug: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    return _remove(course, module, _course_page(course, f"module-{module.slug}"), _course_page(course, "removed"))


@bp.post("/<course_slug>/modules/<module_slug>/restore")
@access.trainer
def restore_module(course_slug: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    return _restore(course, module, _course_page(course, f"module-{module.slug}"))


@bp.route("/<course_slug>/modules/<module_slug>/lessons/<lesson_slug>/remove", methods=["GET", "POST"])
@access.trainer
def remove_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    course, module, lesson = load_lesson(course_slug, module_slug, lesson_slug)
    return _remove(course, lesson, _course_page(course, f"module-{module.slug}"), _course_page(course, "removed"))


@bp.post("/<course_slug>/modules/<module_slug>/lessons/<lesson_slug>/restore")
@access.trainer
def restore_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    course, module, lesson = load_lesson(course_slug, module_slug, lesson_slug)
    return _restore(course, lesson, _course_page(course, f"module-{module.slug}"))


# ---------------------------------------------------------------- quizzes and questions


@bp.route("/<course_slug>/modules/<module_slug>/quiz/remove", methods=["GET", "POST"])
@access.trainer
def remove_quiz(course_slug: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    quiz = _stored_quiz(module)
    return _remove(course, quiz, _quiz_page(course, module), _course_page(course, "removed"))


@bp.post("/<course_slug>/modules/<module_slug>/quiz/restore")
@access.trainer
def restore_quiz(course_slug: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    return _restore(course, _stored_quiz(module), _quiz_page(course, module))


@bp.route("/<course_slug>/modules/<module_slug>/quiz/questions/<int:question_id>/remove", methods=["GET", "POST"])
@access.trainer
def remove_question(course_slug: str, module_slug: str, question_id: int):
    course, module = load_module(course_slug, module_slug)
    question = _question(module, question_id)
    back = _quiz_page(course, module, f"question-{question.id}")
    return _remove(course, question, back, _quiz_page(course, module, "removed"))


@bp.post("/<course_slug>/modules/<module_slug>/quiz/questions/<int:question_id>/restore")
@access.trainer
def restore_question(course_slug: str, module_slug: str, question_id: int):
    course, module = load_module(course_slug, module_slug)
    question = _question(module, question_id)
    return _restore(course, question, _quiz_page(course, module, f"question-{question.id}"))


def _stored_quiz(module) -> Quiz:
    quiz = catalog.get_quiz(module, include_archived=True)
    if quiz is None:
        raise NotFoundError(_("This module has no quiz."))
    return quiz


def _question(module, question_id: int) -> Question:
    """A question, live or removed, of the module's live quiz."""
    quiz = catalog.get_quiz(module)
    if quiz is None:
        raise NotFoundError(_("This module has no quiz."))
    return archive.get_question(quiz, question_id)


# ---------------------------------------------------------------- shared


def _course_page(course: Course, anchor: str) -> str:
    return url_for("lms.authoring.course", course_slug=course.slug, _anchor=anchor)


def _quiz_page(course: Course, module, anchor: str | None = None) -> str:
    return url_for("lms.authoring.quiz", course_slug=course.slug, module_slug=module.slug, _anchor=anchor)


def _label(course: Course, obj: Archivable) -> str:
    """How the item is named on the page: its title (a question's prompt) in the source language, else its slug."""
    name = "prompt" if isinstance(obj, Question) else "title"
    fallback = _("Quiz") if isinstance(obj, Quiz) else obj.slug
    return source_texts(course, obj)(obj, name) or fallback


def _remove(course: Course, obj: Archivable, back: str, removed: str):
    """GET: the confirmation page. POST: remove, then show where it can be restored (or say why not)."""
    if obj.is_archived:
        flash(_("This was already removed. You can restore it here."), "info")
        return redirect(removed)
    label = _label(course, obj)
    if request.method in ("GET", "HEAD"):  # Flask answers HEAD with this view: HEAD only looks
        sessions = _problem(lambda: catalog_removal.check_removal(obj))
        return render_template("lms/authoring/remove.html", course=course, kind=KINDS[type(obj)], label=label,
                               slug=getattr(obj, "slug", None), back=back,
                               problem=sessions or _problem(lambda: archive.check_archive(course, obj)),
                               sessions=sessions is not None, button=EmptyForm())
    try:
        catalog_removal.remove(course, obj, actor())
        recheck.complete_finished(course)  # trainees it leaves nothing more to do: completed now, not at a next step
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.session.commit()
    flash(_("“%(name)s” was removed. Trainees no longer see it; you can restore it below.", name=label), "success")
    return redirect(removed)


def _problem(check: Callable[[], None]) -> str | None:
    """The refusal ``check`` raises, if any: why an item cannot be removed, shown before anyone confirms. Live
    sessions still scheduled (:func:`lms.catalog.removal.check_removal`), or a rule that keeps a published course
    finishable: its last module, a self-paced module's last lesson or quiz, a quiz's last question
    (:func:`lms.catalog.archive.check_archive`). Sending the form checks them again."""
    try:
        check()
    except DomainError as exc:
        return exc.message
    return None


def _restore(course: Course, obj: Archivable, back: str):
    done = catalog_removal.restore(course, obj, actor())
    if done is not None:
        db.session.commit()
        flash(*_restored_text(course, obj, done))
    return redirect(back)


def _restored_text(course: Course, obj: Archivable, done: catalog_removal.Restored) -> tuple[str, str]:
    name = _label(course, obj)
    if not done.made_optional:
        return _("“%(name)s” is restored. Trainees see it again.", name=name), "success"
    if obj.kind is ModuleKind.LIVE:
        return _("“%(name)s” is restored as an optional module: it has no upcoming live session, so trainees could "
                 "not complete it yet. Schedule a session for it, then make it required in its settings.",
                 name=name), "info"
    return _("“%(name)s” is restored as an optional module: it has no lesson or quiz trainees could complete yet "
             "(a quiz needs a question). Restore or add its lessons or quiz, then make it required in its settings.",
             name=name), "info"
