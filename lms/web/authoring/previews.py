"""Preview as a trainee, in any site language (``?preview_locale=``), for courses in any status. Read-only: quiz
questions are shown without their answers.

The trainer's own banner (what a preview is, the way back, the language switch) is in the trainer's language; the
preview area below it is what a trainee reading that language sees, its labels and buttons included: the templates
wrap it in ``{% call in_language(locale) %}`` (:func:`lms.web.authoring.helpers.in_language`).
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from lms.catalog import module_kind
from lms.catalog import services as catalog
from lms.catalog.areas import area_title, course_areas
from lms.catalog.models import ModuleKind
from lms.catalog.quiz_texts import QUIZ_ITEMS, shown_in_source
from lms.catalog.texts import list_stale, load_texts
from lms.enrollment import completion
from lms.security import access
from lms.web.authoring import bp
from lms.web.authoring.helpers import in_language, load_lesson, load_module, preview_locale
from lms.web.learn.helpers import fell_back


def _render(template: str, **context: Any) -> str:
    return render_template(template, in_language=in_language, **context)


@bp.get("/<course_slug>/preview/")
@access.trainer
def preview(course_slug: str):
    """The course page as a trainee reading the preview language sees it before enrolling: the same facts and
    modules (the same template parts), with links to the previews of its lessons and quizzes."""
    course = catalog.get_course(course_slug)
    locale = preview_locale(course)
    texts = load_texts(course, locale)
    outline = catalog.load_trainee_outline(course)
    fallback = fell_back(texts, [course, *outline.modules, *outline.all_lessons(), *outline.quizzes.values()])
    authored = catalog.load_outline(course)
    hidden = len(authored.quizzes) - len(outline.quizzes)  # quizzes with no question yet
    empty = len(authored.modules) - len(outline.modules)  # self-paced modules with nothing to do yet
    return _render("lms/authoring/preview_course.html", course=course, outline=outline, locale=locale, t=texts,
                   stale_summaries=list_stale(texts, outline.modules, "summary"),
                   stale_summary=bool(list_stale(texts, [course], "summary")),
                   title=texts.get(course, "title"), summary=texts.get(course, "summary"), fallback=fallback,
                   hidden_quizzes=hidden, hidden_modules=empty, preview_locale=locale, areas=course_areas(course, outline.modules),
                   area_title=area_title, ModuleKind=ModuleKind, steps_count=completion.steps_count,
                   no_session={m.id for m in module_kind.list_live_without_sessions(course, modules=outline.modules)},
                   progress=None, active=False, added_after=set(), field_hours={})


@bp.get("/<course_slug>/preview/modules/<module_slug>/lessons/<lesson_slug>")
@access.trainer
def preview_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    course, module, lesson = load_lesson(course_slug, module_slug, lesson_slug)
    locale = preview_locale(course)
    texts = load_texts(course, locale)
    title, body = texts.get(lesson, "title"), texts.get(lesson, "body")
    outline = catalog.load_outline(course)
    ordered = outline.all_lessons()
    position = next((i for i, item in enumerate(ordered, start=1) if item.id == lesson.id), None)
    previous, following = outline.neighbours(lesson) if position else (None, None)  # archived: no place, no neighbours
    return _render("lms/authoring/preview_lesson.html", course=course, module=module, lesson=lesson,
                   outline=outline, locale=locale, t=texts, title=title, body=body,
                   fallback=title.is_fallback or body.is_fallback, previous=previous, following=following,
                   position=position, total=len(ordered))


@bp.get("/<course_slug>/preview/modules/<module_slug>/quiz")
@access.trainer
def preview_quiz(course_slug: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    locale = preview_locale(course)
    texts = load_texts(course, locale, source_when_stale=QUIZ_ITEMS)  # as trainees see it: no stale translations
    quiz = catalog.get_quiz(module)
    loaded = catalog.load_questions(quiz) if quiz is not None else []
    # the trainer's preview also marks the right answers and shows each answer's feedback; the trainee's quiz does not
    questions = [(texts.get(question, "prompt"), [(texts.get(option, "text"), option.is_correct,
                                                   texts.get(option, "feedback")) for option in options])
                 for question, options in loaded]
    title = texts.get(quiz, "title") if quiz is not None else None
    shown = shown_in_source(texts, loaded)
    return _render("lms/authoring/preview_quiz.html", course=course, module=module, quiz=quiz,
                   locale=locale, t=texts, title=title, questions=questions, updating=shown.stale,
                   fallback=shown.missing or bool(title and title.is_fallback))
