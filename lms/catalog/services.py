"""Reading the catalog: courses, modules, lessons and quizzes by short name, a course's outline, quiz questions, and
lists over many courses. Writing them: :mod:`lms.catalog.course_authoring`, :mod:`lms.catalog.module_authoring`,
:mod:`lms.catalog.lesson_authoring`, :mod:`lms.catalog.quiz_authoring`, :mod:`lms.catalog.removal`; short names:
:mod:`lms.catalog.slugs`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, exists, func, or_, select

from lms import db
from lms.catalog.areas import course_areas
from lms.catalog.models import (
    Course,
    CourseKind,
    CourseStatus,
    Lesson,
    Module,
    Option,
    Question,
    Quiz,
    Text,
)
from lms.catalog.visibility import shown_to_trainees
from lms.db import prepared
from lms.errors import NotFoundError
from lms.i18n import _

# ---------------------------------------------------------------- reading

def get_course(slug: str) -> Course:
    course = find_course(slug)
    if course is None:
        raise NotFoundError(_("No such course."))
    return course


@prepared
def _course_by_slug() -> Select:
    return select(Course).where(Course.slug == bindparam("slug"))


def find_course(slug: str) -> Course | None:
    return db.session.execute(_course_by_slug(), {"slug": slug}).scalar_one_or_none()


def list_catalog(*, kind: str = "", area: str = "", lang: str = "", published_only: bool = True) -> list[Course]:
    """Courses matching the filters; ``lang`` keeps courses written in, or translated to, that language, ``area`` those
    covering that competency area (:func:`lms.catalog.areas.course_areas`: their own or one of their live modules')."""
    query = select(Course).order_by(Course.kind, Course.slug)
    if published_only:
        query = query.where(Course.status == CourseStatus.PUBLISHED)
    if kind:
        query = query.where(Course.kind == CourseKind(kind))
    if lang:
        translated = exists().where(Text.course_id == Course.id, Text.owner_type == "course", Text.field == "title",
                                    Text.locale == lang, Text.value != "")
        query = query.where(or_(Course.source_locale == lang, translated))
    courses = list(db.session.execute(query).scalars())
    if area:  # the course's own areas and its modules' (one more query), filtered here to stay portable
        modules = list_modules_of(courses, trainee=published_only)
        courses = [c for c in courses if area in course_areas(c, modules[c.id])]
    return courses


@dataclass
class Outline:
    """A course's structure, loaded in a fixed number of queries."""

    course: Course
    modules: list[Module]
    lessons: dict[int, list[Lesson]] = field(default_factory=dict)
    quizzes: dict[int, Quiz] = field(default_factory=dict)

    def all_lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in self.lessons.get(module.id, [])]

    def module_of(self, lesson: Lesson) -> Module:
        return next(m for m in self.modules if m.id == lesson.module_id)

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        ordered = self.all_lessons()
        index = next(i for i, item in enumerate(ordered) if item.id == lesson.id)
        return (ordered[index - 1] if index > 0 else None, ordered[index + 1] if index + 1 < len(ordered) else None)

    @property
    def credited_minutes(self) -> int:
        return sum(m.credited_minutes for m in self.modules if m.is_required)

    def credited_minutes_shown(self, hidden: Collection[int]) -> int:
        """What the course credits trainees: its required modules less the ``hidden`` ones (by id: nothing in them to
        do yet, so trainees neither see nor need them, :func:`lms.catalog.visibility.list_hidden_module_ids`), as a
        trainee's outline (:func:`load_trainee_outline`) counts."""
        return sum(m.credited_minutes for m in self.modules if m.is_required and m.id not in hidden)

    def uncounted_modules(self, hidden: Collection[int]) -> list[Module]:
        """The required modules with credited minutes that :meth:`credited_minutes_shown` leaves out."""
        return [m for m in self.modules if m.is_required and m.credited_minutes and m.id in hidden]


@prepared
def _outline_queries(include_archived: bool, asked_only: bool = False) -> tuple[Select, Select, Select]:
    course_id = bindparam("course_id")
    modules = select(Module).where(Module.course_id == course_id).order_by(Module.position, Module.id)
    lessons = select(Lesson).where(Lesson.course_id == course_id).order_by(Lesson.position, Lesson.id)
    quizzes = select(Quiz).where(Quiz.course_id == course_id)
    if not include_archived:
        modules = modules.where(Module.is_archived.is_(False))
        lessons = lessons.where(Lesson.is_archived.is_(False))
        quizzes = quizzes.where(Quiz.is_archived.is_(False))
    if asked_only:
        modules = modules.where(shown_to_trainees())
        quizzes = quizzes.where(exists().where(Question.quiz_id == Quiz.id, Question.is_archived.is_(False)))
    return modules, lessons, quizzes


def load_outline(course: Course, include_archived: bool = False) -> Outline:
    """The live modules, lessons and quizzes of ``course`` (what authoring shows; trainees see
    :func:`load_trainee_outline`), or with ``include_archived`` every one, removed ones too (what an import matches
    by slug, and what authoring lists as removed)."""
    return _load_outline(course, _outline_queries(include_archived))


def load_trainee_outline(course: Course) -> Outline:
    """What trainees see of ``course`` and what completes it: :func:`load_outline` without a quiz that has no live
    question yet (one just added, its questions still to write), and without a self-paced module with nothing in it
    to do (:func:`lms.catalog.visibility.shown_to_trainees`). Nobody could pass or complete them, so they are neither
    shown, nor offered as a next step, nor needed to complete their module or the course; each appears once it has a
    question or a lesson. Same queries."""
    return _load_outline(course, _outline_queries(False, True))


def _load_outline(course: Course, queries: tuple[Select, Select, Select]) -> Outline:
    modules_q, lessons_q, quizzes_q = queries
    values = {"course_id": course.id}
    outline = Outline(course=course, modules=list(db.session.execute(modules_q, values).scalars()))
    for lesson in db.session.execute(lessons_q, values).scalars():
        outline.lessons.setdefault(lesson.module_id, []).append(lesson)
    for quiz in db.session.execute(quizzes_q, values).scalars():
        outline.quizzes[quiz.module_id] = quiz
    return outline


def get_module(course: Course, slug: str) -> Module:
    module = db.session.execute(
        select(Module).where(Module.course_id == course.id, Module.slug == slug)
    ).scalar_one_or_none()
    if module is None:
        raise NotFoundError(_("No such module."))
    return module


def get_lesson(module: Module, slug: str) -> Lesson:
    lesson = db.session.execute(
        select(Lesson).where(Lesson.module_id == module.id, Lesson.slug == slug)
    ).scalar_one_or_none()
    if lesson is None:
        raise NotFoundError(_("No such lesson."))
    return lesson


def get_quiz(module: Module, include_archived: bool = False) -> Quiz | None:
    """The module's quiz; an archived (removed) one only with ``include_archived``, as trainees never see it."""
    quiz = db.session.execute(select(Quiz).where(Quiz.module_id == module.id)).scalar_one_or_none()
    return quiz if quiz is None or include_archived or not quiz.is_archived else None


def load_questions(quiz: Quiz) -> list[tuple[Question, list[Option]]]:
    """The quiz's live questions with their options, in two queries."""
    questions = list(db.session.execute(
        select(Question).where(Question.quiz_id == quiz.id, Question.is_archived.is_(False))
        .order_by(Question.position, Question.id)
    ).scalars())
    options: dict[int, list[Option]] = {}
    if questions:
        for option in db.session.execute(
            select(Option).where(Option.question_id.in_([q.id for q in questions]), Option.is_archived.is_(False))
            .order_by(Option.position, Option.id)
        ).scalars():
            options.setdefault(option.question_id, []).append(option)
    return [(question, options.get(question.id, [])) for question in questions]


def load_quiz_questions(quizzes: list[Quiz]) -> dict[int, list[tuple[Question, list[Option]]]]:
    """The live questions with their options of many quizzes, keyed by quiz id, in two queries at most."""
    result: dict[int, list[tuple[Question, list[Option]]]] = {quiz.id: [] for quiz in quizzes}
    if not quizzes:
        return result
    questions = list(db.session.execute(
        select(Question).where(Question.quiz_id.in_(list(result)), Question.is_archived.is_(False))
        .order_by(Question.position, Question.id)
    ).scalars())
    options: dict[int, list[Option]] = {}
    if questions:
        for option in db.session.execute(
            select(Option).where(Option.question_id.in_([q.id for q in questions]), Option.is_archived.is_(False))
            .order_by(Option.position, Option.id)
        ).scalars():
            options.setdefault(option.question_id, []).append(option)
    for question in questions:
        result[question.quiz_id].append((question, options.get(question.id, [])))
    return result


def count_modules(courses: list[Course]) -> dict[int, int]:
    """Live modules per course id, in one query."""
    if not courses:
        return {}
    rows = db.session.execute(
        select(Module.course_id, func.count(Module.id))
        .where(Module.course_id.in_([c.id for c in courses]), Module.is_archived.is_(False))
        .group_by(Module.course_id)
    ).all()
    counts = {course.id: 0 for course in courses}
    counts.update({course_id: count for course_id, count in rows})
    return counts


def list_modules_of(courses: list[Course], *, trainee: bool = False) -> dict[int, list[Module]]:
    """The live modules of many courses, in order, keyed by course id, in one query; with ``trainee`` only those
    trainees see and need (:func:`lms.catalog.visibility.shown_to_trainees`, as in :func:`load_trainee_outline`)."""
    result: dict[int, list[Module]] = {course.id: [] for course in courses}
    if not courses:
        return result
    query = select(Module).where(Module.course_id.in_(list(result)), Module.is_archived.is_(False))
    if trainee:
        query = query.where(shown_to_trainees())
    for module in db.session.execute(query.order_by(Module.course_id, Module.position, Module.id)).scalars():
        result[module.course_id].append(module)
    return result


def list_course_locales(courses: list[Course]) -> dict[int, list[str]]:
    """The languages each course can be read in (its source language and every language with a title), one query."""
    result = {course.id: {course.source_locale} for course in courses}
    if courses:
        rows = db.session.execute(
            select(Text.owner_id, Text.locale).where(
                Text.owner_type == "course", Text.field == "title", Text.value != "",
                Text.owner_id.in_(list(result)))
        ).all()
        for course_id, locale in rows:
            result[course_id].add(locale)
    return {course_id: sorted(locales) for course_id, locales in result.items()}
