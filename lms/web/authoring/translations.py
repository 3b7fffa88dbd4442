"""Translation pages: the per-course status table and the side-by-side editor (course, module with its quiz,
lesson, question with its answers), each for one target locale."""

from __future__ import annotations

from babel.lists import format_list
from flask import abort, flash, redirect, render_template, request, url_for

from lms import db
from lms.catalog import services as catalog
from lms.catalog.texts import load_texts
from lms.i18n import _, current_locale, language_name, ngettext
from lms.security import access
from lms.web.authoring import bp, translation, translation_conflicts, translation_save, translation_status
from lms.web.authoring.helpers import actor, check_target_locale, load_lesson, load_module, target_locales
from lms.web.authoring.messages import undescribed_images


@bp.get("/<course_slug>/translations")
@access.trainer
def translations(course_slug: str):
    course = catalog.get_course(course_slug)
    outline = catalog.load_outline(course)
    questions = catalog.load_quiz_questions(list(outline.quizzes.values()))
    locales = target_locales(course)
    texts = {locale: load_texts(course, locale) for locale in locales}
    source = texts[locales[0]] if locales else load_texts(course, course.source_locale)
    rows = translation_status.status_table(course, outline, questions, texts, source)
    return render_template("lms/authoring/status.html", course=course, rows=rows, locales=locales)


@bp.route("/<course_slug>/translate/<locale>/", methods=["GET", "POST"])
@access.trainer
def translate(course_slug: str, locale: str):
    course = catalog.get_course(course_slug)
    check_target_locale(course, locale)
    texts = load_texts(course, locale)
    sections = [translation.section(texts, _("Course"), course)]
    outline = catalog.load_outline(course)
    picker = [(*_shown(texts, texts.lookup("module", m.id, "title"), m.slug),
               url_for("lms.authoring.translate_module", course_slug=course.slug, locale=locale, module_slug=m.slug),
               None) for m in outline.modules]
    return _editor(course, locale, texts, sections, picker, parent=None)


@bp.route("/<course_slug>/translate/<locale>/modules/<module_slug>", methods=["GET", "POST"])
@access.trainer
def translate_module(course_slug: str, locale: str, module_slug: str):
    course, module = load_module(course_slug, module_slug)
    check_target_locale(course, locale)
    texts = load_texts(course, locale)
    outline = catalog.load_outline(course)
    quiz = outline.quizzes.get(module.id)
    sections = [translation.section(texts, _("Module"), module)]
    if quiz is not None:
        sections.append(translation.section(texts, _("Quiz"), quiz))
    picker = [(*_shown(texts, texts.get(lesson, "title"), lesson.slug),
               _url("translate_lesson", course, locale, module, lesson_slug=lesson.slug),
               translation_status.tally(texts, [lesson])) for lesson in outline.lessons.get(module.id, [])]
    for question, options in catalog.load_questions(quiz) if quiz is not None else []:
        picker.append((*_shown(texts, texts.get(question, "prompt"), question.slug),
                       _url("translate_question", course, locale, module, question_id=question.id),
                       translation_status.tally(texts, [question, *options])))
    return _editor(course, locale, texts, sections, picker, parent=_url("translate", course, locale))


@bp.route("/<course_slug>/translate/<locale>/modules/<module_slug>/lessons/<lesson_slug>", methods=["GET", "POST"])
@access.trainer
def translate_lesson(course_slug: str, locale: str, module_slug: str, lesson_slug: str):
    course, module, lesson = load_lesson(course_slug, module_slug, lesson_slug)
    check_target_locale(course, locale)
    texts = load_texts(course, locale)
    sections = [translation.section(texts, _("Lesson"), lesson)]
    return _editor(course, locale, texts, sections, [], parent=_url("translate_module", course, locale, module))


@bp.route("/<course_slug>/translate/<locale>/modules/<module_slug>/questions/<int:question_id>",
          methods=["GET", "POST"])
@access.trainer
def translate_question(course_slug: str, locale: str, module_slug: str, question_id: int):
    course, module = load_module(course_slug, module_slug)
    check_target_locale(course, locale)
    quiz = catalog.get_quiz(module)
    found = [(number, q, opts) for number, (q, opts) in enumerate(catalog.load_questions(quiz) if quiz else [], start=1)
             if q.id == question_id]
    if not found:
        abort(404)
    number, question, options = found[0]
    texts = load_texts(course, locale)
    sections = [translation.section(texts, _("Question"), question, number)]
    sections += [translation.section(texts, _("Answer %(num)d", num=n), o, n) for n, o in enumerate(options, start=1)]
    return _editor(course, locale, texts, sections, [], parent=_url("translate_module", course, locale, module))


def _shown(texts, text, slug: str) -> tuple[str, str]:
    """A picker entry's label and the language it is in (its ``lang``): the translation, else the source text shown in
    its place, else the slug (an identifier the author wrote, taken as the source language)."""
    return (text.value, text.locale) if text.value else (slug, texts.source_locale)


def _url(endpoint: str, course, locale: str, module=None, **values) -> str:
    if module is not None:
        values["module_slug"] = module.slug
    return url_for(f"lms.authoring.{endpoint}", course_slug=course.slug, locale=locale, **values)


def _editor(course, locale: str, texts, sections, picker, parent: str | None):
    """Show the editor, or save what changed and come back to it (errors re-render with what was typed); with the
    Preview button, show the Markdown as trainees will see it, with what was typed, and save nothing."""
    errors: dict[str, str] = {}
    previews: dict[str, str] | None = None
    images: dict[str, str] = {}
    sent, refused = request.form, None
    if request.method == "POST":
        errors = translation.check(sections, request.form, language_name(course.source_locale), texts)
        if request.form.get("preview"):
            previews, images = translation.preview(sections, request.form, locale), _images(sections)
        elif not errors and (saved := translation_save.save(course, locale, sections, request.form, actor())).conflicts:
            db.session.rollback()  # nothing was written: all or nothing
            refused = translation_conflicts.Refused.of(saved.conflicts, request.form, locale)
            sent = translation_save.kept_form(sections, request.form, saved.conflicts)
        elif not errors:
            db.session.commit()
            flash(_("Translation saved (%(num)d changed).", num=saved.count), "success")
            if saved.behind:
                flash(_changed_meanwhile(course, saved.behind), "error")
            if saved.unknown:
                flash(_version_unknown(course, saved.unknown), "error")
            for message in _images(sections).values():
                flash(message, "info")  # saved all the same, as on the lesson form: a warning, not a refusal
            return redirect(request.path)  # the editor again: rows left stale show what changed
    translation.describe_source_changes(texts, sections)
    page = render_template("lms/authoring/translate.html", course=course, locale=locale, sections=sections,
                           picker=picker, parent=parent, errors=errors, sent=sent, previews=previews,
                           images=images, refused=refused, has_markdown=any(row.is_markdown for s in sections for row in s.rows))
    return page, 400 if errors else 409 if refused else 200


def _images(sections) -> dict[str, str]:
    """The lesson form's warning about images without a description (alt text), for each Markdown box as sent."""
    rows = (row for s in sections for row in s.rows if row.is_markdown)
    sent = ((row.key, translation_save.submitted(request.form, row)) for row in rows)
    return {key: message for key, value in sent if (message := undescribed_images(value or ""))}


def _changed_meanwhile(course, rows) -> str:
    # i18n: language is the course's source language ("English"); fields lists fields, as “the lesson title and
    # question 2 (“What is…”)”
    return ngettext("The %(language)s text of %(fields)s changed while you were editing: your translation is saved, "
                    "but it stays out of date. Check what changed below.",
                    "The %(language)s texts of %(fields)s changed while you were editing: your translations are "
                    "saved, but they stay out of date. Check what changed below.",
                    len(rows), language=language_name(course.source_locale), fields=_field_list(rows))


def _version_unknown(course, rows) -> str:
    # i18n: the form did not say which source text the translator saw (a page opened before an update, or altered)
    return ngettext("This page did not say which %(language)s text of %(fields)s you translated: your translation is "
                    "saved, but it stays out of date. Check it against the %(language)s text below.",
                    "This page did not say which %(language)s texts of %(fields)s you translated: your translations "
                    "are saved, but they stay out of date. Check them against the %(language)s texts below.",
                    len(rows), language=language_name(course.source_locale), fields=_field_list(rows))


def _field_list(rows) -> str:
    return format_list([translation.describe_field(sec, row) for sec, row in rows], locale=current_locale())
