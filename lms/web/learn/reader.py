"""The lesson reader: small pages, previous/next, time on task recorded on the server, mark as complete."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from lms import db
from lms.catalog import outline_cache
from lms.catalog.texts import translation_state
from lms.db import utcnow
from lms.enrollment import completion, next_steps, visits
from lms.enrollment.models import EnrollmentStatus
from lms.i18n import _, current_locale
from lms.security import access
from lms.web.learn import bp
from lms.web.learn.helpers import (
    fell_back,
    find_lesson,
    find_module,
    idle_cap,
    is_active,
    load_course,
    step_url,
)


def _not_enrolled(course_slug: str):
    flash(_("Enrol in this course to read its lessons and take its quizzes."), "error")
    return redirect(url_for(".course", course_slug=course_slug))


def _stale(texts, lesson_id: int) -> bool:
    """Whether the lesson's title or text shown is a translation made before its source last changed."""
    return any(translation_state(texts, "lesson", lesson_id, name) == "stale" for name in ("title", "body"))


@bp.get("/<course_slug>/<module_slug>/<lesson_slug>")
@access.signed_in
def lesson(course_slug: str, module_slug: str, lesson_slug: str):
    course, enrollment = load_course(course_slug)
    # The same for every trainee: plain data cached per process for the content revision (no content is written here).
    outline, texts = outline_cache.course_outline(course, current_locale())
    module = find_module(outline, module_slug)
    lesson = find_lesson(outline, module, lesson_slug)
    if not is_active(enrollment):
        return _not_enrolled(course.slug)
    record = visits.visit_lesson(enrollment, lesson, utcnow(), idle_cap())
    previous, following = outline.neighbours(lesson)
    quiz = outline.quizzes.get(module.id) if outline.lessons[module.id][-1].id == lesson.id else None
    fallback = fell_back(texts, [course, module, lesson], ("title", "body"))
    page = render_template(
        "lms/learn/lesson.html", course=course, module=module, lesson=lesson, t=texts, body=texts.get(lesson, "body"),
        fallback=fallback, stale=_stale(texts, lesson.id),
        previous=previous, following=following, module_of=outline.module_of, quiz=quiz,
        is_done=record.completed_at is not None, has_required_steps=next_steps.has_required_steps,
        position=outline.all_lessons().index(lesson) + 1, total=len(outline.all_lessons()),
    )
    db.session.commit()  # after rendering: a commit expires every loaded row, and reloading them costs a query each
    return page


@bp.post("/<course_slug>/<module_slug>/<lesson_slug>/complete")
@access.signed_in
def complete(course_slug: str, module_slug: str, lesson_slug: str):
    course, enrollment = load_course(course_slug)
    # cached as on the lesson page: read before anything is written, and no content is written here
    outline, _texts = outline_cache.course_outline(course, current_locale())
    lesson = find_lesson(outline, find_module(outline, module_slug), lesson_slug)
    if not is_active(enrollment):
        return _not_enrolled(course.slug)
    was_completed = enrollment.status is EnrollmentStatus.COMPLETED
    visits.complete_lesson(enrollment, lesson, utcnow(), idle_cap(), outline)
    progress = completion.load_progress(enrollment, outline)
    db.session.commit()
    if enrollment.status is EnrollmentStatus.COMPLETED and not was_completed:
        flash(_("Congratulations! You have completed this course."), "success")
        return redirect(url_for(".course", course_slug=course.slug))
    following = next_steps.step_after(progress, lesson)
    if following is None:
        return redirect(url_for(".course", course_slug=course.slug))
    return redirect(step_url(course, following))
