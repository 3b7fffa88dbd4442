"""How the audit log and a course's history read the rows of course content and enrolment: courses, modules,
lessons, quizzes, questions and their translations, a new order of modules, lessons or questions
(:mod:`lms.catalog.ordering`), extra quiz attempts and enrolments (merged by :mod:`lms.web.audit_display`)."""

from __future__ import annotations

from typing import Any

from lms.catalog.areas import area_title, specialty_title
from lms.catalog.models import CourseKind, CourseStatus, ModuleKind, QuestionKind
from lms.enrollment.models import EnrollmentStatus
from lms.i18n import _, _l, format_minutes, language_name, ngettext
from lms.web.audit_format import number, titled, words, yes_no

TITLES = {
    "course.created": _l("Course created"),
    "course.updated": _l("Course settings changed"),
    "course.issuer_changed": _l("Course's issuing organisation changed"),
    "course.status_changed": _l("Course status changed"),
    "module.created": _l("Module added"),
    "module.updated": _l("Module changed"),
    "lesson.created": _l("Lesson added"),
    "lesson.updated": _l("Lesson changed"),
    "quiz.created": _l("Quiz added"),
    "quiz.updated": _l("Quiz settings changed"),
    "question.created": _l("Question added"),
    "question.updated": _l("Question changed"),
    # i18n: the course history: an author moved a module up or down; the row names the course and the new order
    "course.modules_reordered": _l("Modules reordered"),
    # i18n: the course history: an author moved a lesson up or down; the row names the module and the new order
    "module.lessons_reordered": _l("Lessons reordered"),
    # i18n: the course history: an author moved a quiz question up or down; the row names the quiz and the new order
    "quiz.questions_reordered": _l("Questions reordered"),
    "module.archived": _l("Module removed"),
    "module.restored": _l("Module restored"),
    "lesson.archived": _l("Lesson removed"),
    "lesson.restored": _l("Lesson restored"),
    "quiz.archived": _l("Quiz removed"),
    "quiz.restored": _l("Quiz restored"),
    "question.archived": _l("Question removed"),
    "question.restored": _l("Question restored"),
    # i18n: the course history and audit log: a translator saved texts of a course, module, lesson, quiz, question or
    # answer in another language
    "translation.updated": _l("Translation changed"),
    "quiz.attempt_granted": _l("Extra quiz attempts granted"),
    "quiz.attempt_requested": _l("Another quiz attempt requested"),
    "enrollment.created": _l("Enrolled in a course"),
    "enrollment.status_changed": _l("Enrolment status changed"),
}

OBJECT_TYPES = {
    "Course": _l("Course"), "Module": _l("Module"), "Lesson": _l("Lesson"), "Quiz": _l("Quiz"),
    "Question": _l("Question"), "Option": _l("Answer"), "QuizAttemptGrant": _l("Extra quiz attempts"),
    "Enrollment": _l("Enrolment"),
}


def _catalog_text(value: Any) -> str:
    """A course text as a row keeps it (:mod:`lms.catalog.edits`): itself, or a long one's length and hash."""
    if isinstance(value, dict):
        # i18n: a long text the audit log does not copy (a lesson's body): its length, and a checksum that tells
        # versions apart
        return ngettext("%(count)s character, checksum %(hash)s", "%(count)s characters, checksum %(hash)s",
                        int(value["length"]), count=number(value["length"]), hash=value["hash"])
    return str(value)


def _texts(value: Any) -> str:
    """A list of texts (answers, video links), in order; "—" for none."""
    return "; ".join(_catalog_text(item) for item in value) or "—"


def _feedback(value: Any) -> str:
    """Each answer that has feedback, with its feedback."""
    # i18n: an answer of a quiz question and the feedback a trainee who chooses it reads
    return "; ".join(_("“%(answer)s”: %(feedback)s", answer=_catalog_text(answer), feedback=_catalog_text(feedback))
                     for answer, feedback in value) or "—"


def _areas(value: Any) -> str:
    return ", ".join(area_title(code) for code in value) or "—"


def _specialties(value: Any) -> str:
    return ", ".join(specialty_title(slug) for slug in value) or "—"


def _order(value: Any) -> str:
    """Items in order as a row keeps them (``{"id", "name"}``), numbered: "1. Heat stroke; 2. Cramps"."""
    # i18n: one item of a list in its new order in the course history: its place (1, 2, ...) and its name
    return "; ".join(_("%(number)s. %(name)s", number=index, name=item.get("name") or f"#{item.get('id')}")
                     for index, item in enumerate(value, start=1)) or "—"


_TITLE = (_l("Title"), _catalog_text)
_SUMMARY = (_l("Summary"), _catalog_text)
_AREAS = (_l("Competency areas"), _areas)
_SPECIALTIES = (_l("Specialties"), _specialties)
#: The fields of a course, module, lesson, quiz and question the log records when one is added or changed.
_COURSE_FIELDS = {
    "title": _TITLE, "summary": _SUMMARY, "version": (_l("Version"), str),
    "kind": (_l("Kind of training"), titled(CourseKind)), "source_locale": (_l("Source language"), language_name),
    "competency_areas": _AREAS, "specialties": _SPECIALTIES,
    "certificate_validity_months": (_l("Certificate valid for (months)"), number),
}
_MODULE_FIELDS = {
    "title": _TITLE, "summary": _SUMMARY, "kind": (_l("Kind of module"), titled(ModuleKind)),
    "credited_minutes": (_l("Credited minutes"), format_minutes),
    "is_required": (_l("Required to complete the course"), yes_no),
    "competency_areas": _AREAS, "specialties": _SPECIALTIES,
}
_LESSON_FIELDS = {
    "title": _TITLE, "body": (_l("Lesson text (Markdown)"), _catalog_text), "videos": (_l("Videos"), _texts),
    "estimated_minutes": (_l("Estimated minutes"), format_minutes),
}
_QUIZ_FIELDS = {
    "title": (_l("Quiz title"), _catalog_text), "pass_mark": (_l("Pass mark (%)"), number),
    "max_attempts": (_l("Attempts allowed"), number),
}
_QUESTION_FIELDS = {
    "prompt": (_l("Question"), _catalog_text), "kind": (_l("Kind of question"), titled(QuestionKind)),
    "answers": (_l("Answers"), _texts), "correct_answers": (_l("Correct answers"), _texts),
    "feedback": (_l("Feedback"), _feedback),
}
#: A translation's row (:func:`lms.catalog.edits.record_translation`): each text saved, old and new, and those marked
#: still right after their source changed, by field name.
_TRANSLATION_FIELDS = {
    "locale": (_l("Language"), language_name), "title": _TITLE, "summary": _SUMMARY,
    "body": (_l("Lesson text (Markdown)"), _catalog_text), "prompt": (_l("Question"), _catalog_text),
    "text": (_l("Answer"), _catalog_text), "feedback": (_l("Feedback"), _catalog_text),
    # i18n: a translation's row in the course history: texts whose source changed, confirmed as still right
    "confirmed": (_l("Marked as still right"), words({"title": _l("Title"), "summary": _l("Summary"),
                                                       "body": _l("Lesson text (Markdown)"), "prompt": _l("Question"),
                                                       "text": _l("Answer"), "feedback": _l("Feedback")})),
}
#: Who a module archived by a course import touched (:mod:`lms.content.importer`, ``--archive-missing``).
_ARCHIVED_FIELDS = {
    # i18n: a module archived by a course import: how many trainees were taking its course then
    "enrolled": (_l("Trainees taking the course"), number),
    "with_progress": (_l("Trainees who worked on the module"), number),
    "completed": (_l("Trainees who completed the module"), number),
}

COMMON_FIELDS: dict[str, tuple[Any, Any]] = {
    "course_id": (_l("Course"), str),
    "module_id": (_l("Module"), str),
    "quiz_id": (_l("Quiz"), str),
    "question_id": (_l("Question"), str),
    "moved_to_end": (_l("Moved to the end of the list"), yes_no),
    "made_optional": (_l("Restored as optional"), yes_no),
    "extra": (_l("Extra attempts"), number),
    "attempts_used": (_l("Attempts used"), number),
}

FIELDS = {
    "course.status_changed": {"status": (_l("Status"), titled(CourseStatus))},
    **dict.fromkeys(("course.created", "course.updated"), _COURSE_FIELDS),
    **dict.fromkeys(("module.created", "module.updated"), _MODULE_FIELDS),
    **dict.fromkeys(("lesson.created", "lesson.updated"), _LESSON_FIELDS),
    **dict.fromkeys(("quiz.created", "quiz.updated"), _QUIZ_FIELDS),
    **dict.fromkeys(("question.created", "question.updated"), _QUESTION_FIELDS),
    "course.modules_reordered": {"order": (_l("Order of the modules"), _order)},
    "module.lessons_reordered": {"order": (_l("Order of the lessons"), _order)},
    "quiz.questions_reordered": {"order": (_l("Order of the questions"), _order)},
    "translation.updated": _TRANSLATION_FIELDS,
    "module.archived": _ARCHIVED_FIELDS,
    "enrollment.status_changed": {"status": (_l("Status"), titled(EnrollmentStatus))},
}
