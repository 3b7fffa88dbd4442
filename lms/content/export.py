"""Writing a course as course files (docs/course-format.md), in exactly the form :func:`lms.content.read_courses`
reads: importing them gives the same course, texts in every language included, and exporting that again gives the
same files, byte for byte.

What trainees see is written: modules, lessons, quizzes, questions and answers that were removed are left out (an
import of the files into the site they came from leaves them removed). A file cannot say that a translation is out
of date, so a stale translation is written as it stands, and a site that imports it counts it as up to date. A
course the importer would refuse (a self-paced module with nothing in it, a quiz with no question, no module at all)
is refused here, with the reason, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from lms import db
from lms.catalog.models import Course, Lesson, Module, ModuleKind, Option, Question, Quiz, Text
from lms.catalog.services import Outline, load_outline, load_quiz_questions
from lms.content.dumping import dump_yaml, markdown_file
from lms.errors import ConflictError
from lms.i18n import _
from lms.orgs.services import list_orgs

#: Path inside the export (``chw-core/communication/module.yaml``, always with ``/``) → the file's text.
CourseFiles = dict[str, str]
#: ``(owner type, owner id, field)`` → ``{locale: text}``, empty texts left out.
TextsByLocale = dict[tuple[str, int, str], dict[str, str]]
QuestionList = list[tuple[Question, list[Option]]]
#: The most lessons a module's files can number (``NN`` has up to three digits).
MAX_LESSON_NUMBER = 999


class ExportRefused(ConflictError):
    """The course cannot be written as files the importer would take: ``reasons`` says why, one sentence each."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


def export_course(course: Course) -> CourseFiles:
    """The files of ``course``, under a folder named by its slug. A few queries, whatever its size."""
    outline = load_outline(course)
    questions = load_quiz_questions(list(outline.quizzes.values()))
    texts = load_all_texts(course)
    check_exportable(course, outline, questions, texts)
    files = {f"{course.slug}/course.yaml": _course_yaml(course, outline, texts)}
    for module in outline.modules:
        files |= _module_files(course, module, outline, questions, texts)
    return files


def check_exportable(course: Course, outline: Outline, questions: dict[int, QuestionList],
                     texts: TextsByLocale) -> None:
    """Raise :class:`ExportRefused` for what course files cannot describe, naming each module concerned."""
    reasons = [] if outline.modules else [_("This course has no modules: course files need at least one.")]
    for module in outline.modules:
        name = texts.get(("module", module.id, "title"), {}).get(course.source_locale) or module.slug
        quiz = outline.quizzes.get(module.id)
        if module.kind is ModuleKind.SELF_PACED and not outline.lessons.get(module.id) and quiz is None:
            # i18n: exporting a course as files; %(name)s is a module's title
            reasons.append(_("The self-paced module “%(name)s” has no lesson and no quiz, which course files cannot "
                             "describe: add a lesson or a quiz to it, or remove it.", name=name))
        if quiz is not None and not questions.get(quiz.id):
            # i18n: exporting a course as files; %(name)s is a module's title
            reasons.append(_("The quiz of the module “%(name)s” has no questions, which course files cannot "
                             "describe: add a question to it, or remove the quiz.", name=name))
    if reasons:
        raise ExportRefused(reasons)


def load_all_texts(course: Course) -> TextsByLocale:
    """Every non-empty text of ``course`` in every language, in one query."""
    query = select(Text.owner_type, Text.owner_id, Text.field, Text.locale, Text.value).where(
        Text.course_id == course.id, Text.value != "")
    result: TextsByLocale = {}
    for kind, owner_id, name, locale, value in db.session.execute(query):
        result.setdefault((kind, owner_id, name), {})[locale] = value
    return result


def _locales(course: Course, values: Iterable[str]) -> list[str]:
    """The source language first, then the others in alphabetical order."""
    return sorted(set(values), key=lambda locale: (locale != course.source_locale, locale))


def _localized(course: Course, texts: TextsByLocale, kind: str, owner_id: int, name: str) -> dict[str, str]:
    found = texts.get((kind, owner_id, name), {})
    return {locale: found[locale] for locale in _locales(course, found)}


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` unless ``value`` is empty: the importer reads a key left out as its default."""
    if value not in (None, "", [], {}):
        data[key] = value


# ---------------------------------------------------------------- course.yaml and module.yaml

def _course_yaml(course: Course, outline: Outline, texts: TextsByLocale) -> str:
    data: dict[str, Any] = {"slug": course.slug, "version": course.version, "kind": course.kind.value,
                            "source_language": course.source_locale}
    _put(data, "certificate_validity_months", course.certificate_validity_months)
    data["status"] = course.status.value
    if course.issuer_org_id is not None:
        _put(data, "issuer", next((org.slug for org in list_orgs() if org.id == course.issuer_org_id), None))
    _put(data, "competency_areas", list(course.competency_areas or ()))
    _put(data, "specialties", list(course.specialties or ()))
    data["title"] = _localized(course, texts, "course", course.id, "title")
    _put(data, "summary", _localized(course, texts, "course", course.id, "summary"))
    data["modules"] = [module.slug for module in outline.modules]
    return dump_yaml(data)


def _module_yaml(course: Course, module: Module, texts: TextsByLocale) -> str:
    data: dict[str, Any] = {"kind": module.kind.value, "required": module.is_required,
                            "credited_minutes": module.credited_minutes}
    _put(data, "competency_areas", list(module.competency_areas or ()))
    _put(data, "specialties", list(module.specialties or ()))
    data["title"] = _localized(course, texts, "module", module.id, "title")
    _put(data, "summary", _localized(course, texts, "module", module.id, "summary"))
    return dump_yaml(data)


def _module_files(course: Course, module: Module, outline: Outline, questions: dict[int, QuestionList],
                  texts: TextsByLocale) -> CourseFiles:
    folder = f"{course.slug}/{module.slug}"
    files = {f"{folder}/module.yaml": _module_yaml(course, module, texts)}
    lessons = outline.lessons.get(module.id, [])
    for number, lesson in zip(lesson_numbers(lessons), lessons, strict=True):
        files |= _lesson_files(course, lesson, number, folder, texts)
    quiz = outline.quizzes.get(module.id)
    if quiz is not None:
        files |= _quiz_files(course, quiz, questions[quiz.id], folder, texts)
    return files


# ---------------------------------------------------------------- lessons

def lesson_numbers(lessons: list[Lesson]) -> list[int]:
    """The ``NN`` of each lesson's files: its position, so that importing the files into the site they came from
    moves nothing, unless positions repeat or pass 999; then 1, 2, 3... in the lessons' order."""
    positions = [lesson.position for lesson in lessons]
    if len(set(positions)) == len(positions) and all(1 <= p <= MAX_LESSON_NUMBER for p in positions):
        return positions
    return list(range(1, len(lessons) + 1))


def _lesson_files(course: Course, lesson: Lesson, number: int, folder: str, texts: TextsByLocale) -> CourseFiles:
    titles = texts.get(("lesson", lesson.id, "title"), {})
    bodies = texts.get(("lesson", lesson.id, "body"), {})
    files = {}
    for locale in _locales(course, [course.source_locale, *titles, *bodies]):
        meta: dict[str, Any] = {}
        _put(meta, "title", titles.get(locale))
        meta["minutes"] = lesson.estimated_minutes  # required in the source file, checked in translations
        # Universal newlines would read a lone carriage return as a line break: write it as one.
        body = bodies.get(locale, "").replace("\r", "\n")
        files[f"{folder}/{number:02d}-{lesson.slug}.{locale}.md"] = markdown_file(meta, body)
    return files


# ---------------------------------------------------------------- quizzes

def _quiz_files(course: Course, quiz: Quiz, questions: QuestionList, folder: str, texts: TextsByLocale) -> CourseFiles:
    owners = {("quiz", quiz.id)} | {("question", q.id) for q, _o in questions}
    owners |= {("option", o.id) for _q, options in questions for o in options}
    locales = {locale for (kind, owner_id, _name), found in texts.items() if (kind, owner_id) in owners
               for locale in found}
    files = {}
    for locale in _locales(course, locales | {course.source_locale}):
        source = locale == course.source_locale
        data: dict[str, Any] = {}
        _put(data, "title", texts.get(("quiz", quiz.id, "title"), {}).get(locale))
        if source:
            data["pass_mark"] = quiz.pass_mark
            _put(data, "max_attempts", quiz.max_attempts)
        items = [_question(q, options, locale, source, texts) for q, options in questions]
        _put(data, "questions", [item for item in items if item])
        files[f"{folder}/quiz.{locale}.yaml"] = dump_yaml(data)
    return files


def _question(question: Question, options: list[Option], locale: str, source: bool,
              texts: TextsByLocale) -> dict[str, Any]:
    """A question as the source file states it, or as a translation does (its id and what is translated; nothing
    when nothing is)."""
    item: dict[str, Any] = {"id": question.slug}
    if source:
        item["kind"] = question.kind.value
    _put(item, "prompt", texts.get(("question", question.id, "prompt"), {}).get(locale))
    answers = [_option(option, locale, source, texts) for option in options]
    _put(item, "options", [answer for answer in answers if answer])
    return item if source or len(item) > 1 else {}


def _option(option: Option, locale: str, source: bool, texts: TextsByLocale) -> dict[str, Any]:
    item: dict[str, Any] = {"id": option.slug}
    _put(item, "text", texts.get(("option", option.id, "text"), {}).get(locale))
    if source and option.is_correct:
        item["correct"] = True
    _put(item, "feedback", texts.get(("option", option.id, "feedback"), {}).get(locale))
    return item if source or len(item) > 1 else {}
