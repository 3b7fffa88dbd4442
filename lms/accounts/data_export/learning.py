"""The courses part of a data export: enrolments, lessons opened and completed, modules completed. (Quiz attempts:
:mod:`.quizzes`.) Titles are in the person's language, falling back to the course's source language as the course
pages do."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from lms import db
from lms.accounts.data_export.tables import Cell, Person, Table, moment, names_of, number, title_of
from lms.catalog.models import Course, Lesson, Module, ModuleKind
from lms.catalog.texts import Texts, load_titles
from lms.enrollment.models import Enrollment, LessonProgress, ModuleCompletion
from lms.i18n import _l


@dataclass
class Courses:
    """The person's enrolments with their courses, and the titles of everything the export names in them."""

    enrolments: list[tuple[Enrollment, Course]]
    titles: dict[int, Texts] = field(default_factory=dict)

    @property
    def ids(self) -> list[int]:
        return [enrollment.id for enrollment, _course in self.enrolments]

    def course(self, enrollment_id: int) -> Course:
        return next(course for enrollment, course in self.enrolments if enrollment.id == enrollment_id)

    def title(self, course: Course, obj: object | None = None) -> str:
        """The title of ``obj`` (the course itself by default) in the person's language."""
        texts = self.titles.get(course.id)
        return (texts(obj or course) if texts else "") or getattr(obj or course, "slug", "")


def load_courses(person: Person) -> Courses:
    """The enrolments, oldest first (one query)."""
    return Courses(list(db.session.execute(
        select(Enrollment, Course).join(Course, Course.id == Enrollment.course_id)
        .where(Enrollment.user_id == person.id).order_by(Enrollment.enrolled_at, Enrollment.id)
    ).all()))


def with_titles(courses: Courses, objects: list[object], person: Person) -> None:
    """Load the titles of the courses and of ``objects`` (modules, lessons, quizzes of them) in one query."""
    courses.titles = load_titles(objects, [course for _enrollment, course in courses.enrolments], person.locale)


ENROLMENT_COLUMNS = (
    # i18n: column names of courses.csv (the person's enrolments) (“Download my data”)
    _l("Course"), _l("Version"), _l("Status"), _l("Enrolled"), _l("Enrolled by"), _l("Completed"),
)


def enrolments(person: Person, courses: Courses) -> Table:
    """One row per course: who enrolled the person (themselves, a manager, a trainer) and where it stands."""
    names = names_of(enrollment.enrolled_by_id for enrollment, _course in courses.enrolments)
    return Table("courses", ENROLMENT_COLUMNS, [
        [courses.title(course), enrollment.course_version, title_of(enrollment.status),
         moment(person, enrollment.enrolled_at), names.get(enrollment.enrolled_by_id),
         moment(person, enrollment.completed_at)]
        for enrollment, course in courses.enrolments
    ])


def progress_rows(courses: Courses) -> tuple[list[tuple[LessonProgress, Lesson, Module]],
                                             list[tuple[ModuleCompletion, Module]]]:
    """Lessons opened and modules completed in these enrolments (two queries, none without enrolments)."""
    if not courses.ids:
        return [], []
    lessons = list(db.session.execute(
        select(LessonProgress, Lesson, Module).join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id).where(LessonProgress.enrollment_id.in_(courses.ids))
        .order_by(LessonProgress.enrollment_id, Module.position, Lesson.position, Lesson.id)
    ).all())
    modules = list(db.session.execute(
        select(ModuleCompletion, Module).join(Module, Module.id == ModuleCompletion.module_id)
        .where(ModuleCompletion.enrollment_id.in_(courses.ids))
        .order_by(ModuleCompletion.enrollment_id, Module.position, Module.id)
    ).all())
    return lessons, modules


# i18n: column names of lessons.csv (lessons the person opened) (“Download my data”)
LESSON_COLUMNS = (_l("Course"), _l("Module"), _l("Lesson"), _l("First opened"), _l("Completed"),
                  _l("Time spent (seconds)"))


def lessons(person: Person, courses: Courses, found: list[tuple[LessonProgress, Lesson, Module]]) -> Table:
    rows: list[list[Cell]] = []
    for progress, lesson, module in found:
        course = courses.course(progress.enrollment_id)
        rows.append([courses.title(course), courses.title(course, module), courses.title(course, lesson),
                     moment(person, progress.first_viewed_at), moment(person, progress.completed_at),
                     number(progress.seconds_spent)])
    return Table("lessons", LESSON_COLUMNS, rows)


# i18n: column names of modules.csv (modules the person completed) (“Download my data”)
MODULE_COLUMNS = (_l("Course"), _l("Module"), _l("Kind of module"), _l("Completed"), _l("Time spent (seconds)"),
                  _l("Credited minutes"))


def modules(person: Person, courses: Courses, found: list[tuple[ModuleCompletion, Module]]) -> Table:
    """Modules completed, with the time measured on their lessons and the minutes credited for them."""
    rows: list[list[Cell]] = []
    for completion, module in found:
        course = courses.course(completion.enrollment_id)
        kind = ModuleKind(completion.source) if completion.source in {k.value for k in ModuleKind} else None
        rows.append([courses.title(course), courses.title(course, module), title_of(kind),
                     moment(person, completion.completed_at), number(completion.measured_seconds),
                     number(completion.credited_minutes)])
    return Table("modules", MODULE_COLUMNS, rows)
