"""Catalog use cases: authoring courses, modules, lessons and quizzes; publishing; reading the catalog."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, or_, select

from lms import audit, db
from lms.catalog import archive, edits, module_kind
from lms.catalog.areas import course_areas
from lms.catalog.models import (
    COURSE_TRANSITIONS,
    Course,
    CourseKind,
    CourseStatus,
    Lesson,
    Module,
    ModuleKind,
    Option,
    Question,
    Quiz,
    Text,
)
from lms.catalog.texts import has_visible_text, set_text
from lms.catalog.visibility import shown_to_trainees
from lms.db import prepared
from lms.errors import DomainError, NotFoundError
from lms.i18n import _

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def check_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise DomainError(_("Use lowercase letters, numbers and hyphens for the short name."))
    return slug


#: Lesson short names that the learner's URLs use for other pages (``/<course>/<module>/quiz``).
RESERVED_LESSON_SLUGS = frozenset({"quiz"})


#: Course short names the site's own pages use where a course's short name goes (``/authoring/new``), or may use
#: later under ``/authoring/`` and ``/courses/``: a course there would sit one slash from that page.
RESERVED_COURSE_SLUGS = frozenset({
    "new", "import", "export", "status", "edit", "preview", "search", "mine", "translations", "archive", "feed",
})


def check_course_slug(slug: str) -> str:
    slug = check_slug(slug)
    if slug in RESERVED_COURSE_SLUGS:
        raise DomainError(_("“%(slug)s” is reserved for the site's own pages; choose another short name for the "
                            "course.", slug=slug))
    return slug


def check_lesson_slug(slug: str) -> str:
    slug = check_slug(slug)
    if slug in RESERVED_LESSON_SLUGS:
        raise DomainError(_("“%(slug)s” is reserved; choose another short name for the lesson.", slug=slug))
    return slug


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


# ---------------------------------------------------------------- authoring

@dataclass(frozen=True)
class CourseData:
    slug: str
    title: str
    summary: str = ""
    version: str = "1"
    kind: CourseKind = CourseKind.CONTINUING
    source_locale: str = "en"
    competency_areas: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    certificate_validity_months: int | None = None


def create_course(data: CourseData, actor: Any) -> Course:
    slug = check_course_slug(data.slug)
    if find_course(slug) is not None:
        raise DomainError(_("That short name is already taken."))
    course = Course(slug=slug)
    db.session.add(course)
    _apply_course(course, data)
    db.session.flush()
    set_text(course, course, "title", course.source_locale, data.title, actor)
    set_text(course, course, "summary", course.source_locale, data.summary, actor)
    audit.record("course.created", course, actor, **edits.first_values(course, course))
    return course


def update_course(course: Course, data: CourseData, actor: Any) -> bool:
    """Save a course's settings and source-language texts (its short name never changes); the audit row holds each
    changed field, old and new (:mod:`lms.catalog.edits`). False, with nothing recorded, when nothing changed."""
    before = edits.snapshot(course, course)
    _apply_course(course, data)
    _write_texts(course, course, actor, title=data.title, summary=data.summary)
    changed = edits.changes(before, edits.snapshot(course, course))
    if not changed:
        return False
    audit.record("course.updated", course, actor, **changed)
    return True


def _write_texts(course: Course, obj: Any, actor: Any, **values: str) -> dict[str, str]:
    """Write ``obj``'s texts in the course's source language; the values as stored (cleaned), by field."""
    return {name: set_text(course, obj, name, course.source_locale, value, actor).value
            for name, value in values.items()}


def _apply_course(course: Course, data: CourseData) -> None:
    if not has_visible_text(data.title):
        raise DomainError(_("A course needs a title."))
    course.version = data.version.strip() or "1"
    course.kind = data.kind
    course.source_locale = data.source_locale
    course.competency_areas = list(data.competency_areas)
    course.specialties = [s.strip().lower() for s in data.specialties if s.strip()]
    course.certificate_validity_months = data.certificate_validity_months


def set_course_issuer(course: Course, org_id: int | None, actor: Any) -> bool:
    """The organisation named as issuer (with its signatory) on the course's future certificates; ``None`` for the
    site's own issuer settings. Certificates already issued keep their snapshot. False, with nothing recorded, when
    it already was the issuer."""
    if course.issuer_org_id == org_id:
        return False
    course.issuer_org_id = org_id
    audit.record("course.issuer_changed", course, actor, issuer_org_id=org_id)
    return True


def check_course_status(course: Course, status: CourseStatus) -> None:
    """Raise a :class:`DomainError` saying why ``course`` cannot move to ``status`` now (what a confirmation page
    shows before anyone confirms); nothing if it can. Publishing needs a module, and nothing trainees could never
    complete (:func:`lms.catalog.module_kind.check_publishable`)."""
    if status not in COURSE_TRANSITIONS[course.status]:
        raise DomainError(_("This course cannot change from %(old)s to %(new)s.", old=course.status.title,
                            new=status.title))
    if status is CourseStatus.PUBLISHED:
        if not count_modules([course])[course.id]:
            raise DomainError(_("Add at least one module before publishing."))
        module_kind.check_publishable(course)


def set_course_status(course: Course, status: CourseStatus, actor: Any) -> None:
    """The one guarded transition for a course's status (:func:`check_course_status` says what it refuses)."""
    if status is course.status:
        return
    check_course_status(course, status)
    old = course.status
    course.status = status
    audit.record("course.status_changed", course, actor, old=old, new=status)


def next_position(model: type, **where: Any) -> int:
    query = select(func.coalesce(func.max(model.position), 0))
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.execute(query).scalar_one() + 1


@dataclass(frozen=True)
class ModuleData:
    slug: str
    title: str
    summary: str = ""
    kind: ModuleKind = ModuleKind.SELF_PACED
    credited_minutes: int = 60
    is_required: bool = True
    competency_areas: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()


def _check_slug_free(model: type, parent: Any, slug: str, *, removed: str, taken: str) -> None:
    """Refuse a short name already used among ``model``'s siblings (``parent``), saying so if a removed one has it."""
    found = db.session.execute(select(model.is_archived).where(parent, model.slug == slug)).scalar_one_or_none()
    if found is not None:
        raise DomainError(removed if found else taken)


def add_module(course: Course, data: ModuleData, actor: Any, *, keep_completable: bool = False) -> Module:
    """Add a module at the end of ``course``. With ``keep_completable`` (an author's form), a new self-paced or live
    module of a published course cannot be required yet (:func:`lms.catalog.module_kind.check_completable`)."""
    slug = check_slug(data.slug)
    _check_slug_free(Module, Module.course_id == course.id, slug,
                     removed=_("A removed module of this course has that short name. Restore it from “Removed” on "
                               "the course page, or choose another short name."),
                     taken=_("This course already has a module with that short name."))
    module = Module(course_id=course.id, slug=slug, position=next_position(Module, course_id=course.id))
    db.session.add(module)
    _save_module(course, module, data, actor, keep_completable=keep_completable)
    edits.record_created(course, module, actor)
    return module


def update_module(course: Course, module: Module, data: ModuleData, actor: Any, *,
                  keep_completable: bool = False) -> bool:
    """Save a module's settings and source-language texts (:func:`_save_module` says what it refuses); the audit row
    holds each changed field, old and new (:mod:`lms.catalog.edits`). False, with nothing recorded, when nothing
    changed."""
    before = edits.snapshot(course, module)
    _save_module(course, module, data, actor, keep_completable=keep_completable)
    return edits.record_changes(course, module, before, actor)


def _save_module(course: Course, module: Module, data: ModuleData, actor: Any, *, keep_completable: bool) -> None:
    """Write a module's settings and source-language texts. Its kind cannot change while
    it has live sessions that are not cancelled (:func:`lms.catalog.module_kind.check_sessions`). With
    ``keep_completable`` (an author's edit), also refused in a published course when it would leave a required module
    trainees could not complete: a self-paced one with no lesson and no quiz, a live one with no upcoming session
    (:func:`lms.catalog.module_kind.check_completable`); a course import checks its files instead, and adds a
    module's lessons after saving the module."""
    if not has_visible_text(data.title):
        raise DomainError(_("A module needs a title."), field="title")
    if data.credited_minutes < 0:
        raise DomainError(_("Credited minutes cannot be negative."), field="credited_minutes")
    if module.id is not None and data.kind is not module.kind:
        module_kind.check_sessions(module)
        module_kind.check_progress(module)
    if module.id is not None and data.kind is module.kind:
        module_kind.check_credit(module, data.credited_minutes)
    if keep_completable:
        module_kind.check_completable(course, module, data.kind, data.is_required)
    module.kind = data.kind
    module.credited_minutes = data.credited_minutes
    module.is_required = data.is_required
    module.competency_areas = list(data.competency_areas)
    module.specialties = [s.strip().lower() for s in data.specialties if s.strip()]
    db.session.flush()
    _write_texts(course, module, actor, title=data.title, summary=data.summary)


def check_removal(obj: archive.Archivable) -> None:
    """Raise a :class:`DomainError` if ``obj`` cannot be removed whatever the course's status: a module with live
    sessions still scheduled (:func:`lms.catalog.module_kind.check_removable`). What the confirmation page shows."""
    if isinstance(obj, Module) and not obj.is_archived:
        module_kind.check_removable(obj)


def remove(course: Course, obj: archive.Archivable, actor: Any) -> bool:
    """Remove ``obj`` from what trainees see (:func:`lms.catalog.archive.archive`, which also keeps a published
    course finishable), after :func:`check_removal`; False if it already was."""
    check_removal(obj)
    return archive.archive(course, obj, actor)


@dataclass(frozen=True)
class Restored:
    """A restore done; ``made_optional`` when a required module came back optional (see :func:`restore`)."""

    made_optional: bool = False


def restore(course: Course, obj: archive.Archivable, actor: Any) -> Restored | None:
    """Bring a removed ``obj`` back (:func:`lms.catalog.archive.restore`); None if it was not removed. In a published
    course, a required module trainees could not complete yet comes back optional, as a new module is added
    (:func:`lms.catalog.module_kind.comes_back_optional`); the audit row says so."""
    if not obj.is_archived:
        return None
    made_optional = isinstance(obj, Module) and module_kind.comes_back_optional(course, obj)
    if made_optional:
        obj.is_required = False
    archive.restore(course, obj, actor, made_optional=made_optional)
    return Restored(made_optional)


def add_lesson(course: Course, module: Module, slug: str, title: str, body: str, minutes: int, actor: Any) -> Lesson:
    slug = check_lesson_slug(slug)
    _check_slug_free(Lesson, Lesson.module_id == module.id, slug,
                     removed=_("A removed lesson of this module has that short name. Restore it from “Removed” on "
                               "the course page, or choose another short name."),
                     taken=_("This module already has a lesson with that short name."))
    lesson = Lesson(module_id=module.id, course_id=course.id, slug=slug,
                    position=next_position(Lesson, module_id=module.id))
    db.session.add(lesson)
    _save_lesson(course, lesson, title, body, minutes, actor)
    edits.record_created(course, lesson, actor)
    return lesson


def update_lesson(course: Course, lesson: Lesson, title: str, body: str, minutes: int, actor: Any) -> bool:
    """Save a lesson's estimated minutes and source-language texts; the audit row holds each changed field, old and
    new (a long body by its length, hash and line diff, and its video links: :mod:`lms.catalog.edits`). False, with
    nothing recorded, when nothing changed."""
    before, texts_before = edits.snapshot(course, lesson), edits.markdown_texts(course, lesson)
    _save_lesson(course, lesson, title, body, minutes, actor)
    return edits.record_changes(course, lesson, before, actor, texts_before)


def _save_lesson(course: Course, lesson: Lesson, title: str, body: str, minutes: int, actor: Any) -> None:
    # ``field``: the box at fault, where the authoring form shows the message
    if not has_visible_text(title):
        raise DomainError(_("A lesson needs a title."), field="title")
    if not has_visible_text(body):
        raise DomainError(_("A lesson needs some text."), field="body")
    if not 1 <= minutes <= 600:
        raise DomainError(_("Estimated minutes must be between 1 and 600."), field="estimated_minutes")
    lesson.estimated_minutes = minutes
    db.session.flush()
    _write_texts(course, lesson, actor, title=title, body=body)

