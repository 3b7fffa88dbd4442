"""Removing (archiving) and restoring modules, lessons, quizzes and questions from the authoring pages.

Nothing is deleted: trainees' progress, quiz attempts, module completions and hours point at these rows. A removed
item is hidden from trainees, previews and progress, exactly as an item archived by an import is. Completion is not
recomputed here (the catalog knows nothing of enrolments): the callers, the removal page and the import, then complete
the trainees it leaves with nothing more to do (:func:`lms.enrollment.recheck.complete_finished`), in the same unit of
work.

A restored item goes back to its old place among its siblings, or to the end if a live sibling has taken that place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from lms import audit, db
from lms.catalog.models import Course, CourseStatus, Lesson, Module, ModuleKind, Question, Quiz
from lms.errors import DomainError, NotFoundError
from lms.i18n import _

Archivable = Module | Lesson | Quiz | Question

KINDS: dict[type, str] = {Module: "module", Lesson: "lesson", Quiz: "quiz", Question: "question"}
#: The column that groups an item with its siblings (a quiz has none: a module has one quiz).
SIBLINGS: dict[type, str] = {Module: "course_id", Lesson: "module_id", Question: "quiz_id"}


def archive(course: Course, obj: Archivable, actor: Any) -> bool:
    """Remove ``obj`` from what trainees see; False if it already was. In a published course, refused (with a
    :class:`DomainError`) when it would leave trainees something they could never finish."""
    if obj.is_archived:
        return False
    if course.status is CourseStatus.PUBLISHED:
        _check_published(course, obj)
    obj.is_archived = True
    audit.record(f"{KINDS[type(obj)]}.archived", obj, actor, **_details(course, obj))
    return True


def restore(course: Course, obj: Archivable, actor: Any, *, made_optional: bool = False) -> bool:
    """Bring a removed ``obj`` back, with everything trainees did with it; False if it was not removed.
    ``made_optional``: the caller made a required module optional on the way back (recorded in the audit row)."""
    if not obj.is_archived:
        return False
    obj.is_archived = False
    moved = _keep_place(obj)
    optional = {"made_optional": True} if made_optional else {}
    audit.record(f"{KINDS[type(obj)]}.restored", obj, actor, **_details(course, obj), moved_to_end=moved, **optional)
    return True


def archive_from_files(course: Course, obj: Archivable, actor: Any, **people: int) -> None:
    """Archive ``obj`` because the course files no longer have it (:mod:`lms.content.importer`): the files are the
    truth, so no published-course check; recorded like a removal, with ``people`` (who it touched: counts)."""
    obj.is_archived = True
    audit.record(f"{KINDS[type(obj)]}.archived", obj, actor, **_details(course, obj), **people)


def restore_from_files(course: Course, obj: Archivable, actor: Any) -> None:
    """Bring back ``obj``, archived, because the course files have it again; the import sets its place."""
    obj.is_archived = False
    audit.record(f"{KINDS[type(obj)]}.restored", obj, actor, **_details(course, obj))


def _details(course: Course, obj: Archivable) -> dict[str, Any]:
    if isinstance(obj, Quiz):
        return {"course_id": course.id, "module_id": obj.module_id}
    return {"course_id": course.id, **quiz_of(obj), "slug": obj.slug}


def quiz_of(obj: Any) -> dict[str, Any]:
    """A question's module and quiz, by the keys its rows name them with (so a row about a question says which quiz
    it is in); nothing for anything else."""
    if not isinstance(obj, Question):
        return {}
    quiz = db.session.get(Quiz, obj.quiz_id)
    return {"module_id": quiz.module_id, "quiz_id": quiz.id}


def _keep_place(obj: Archivable) -> bool:
    """Keep the old position unless a live sibling holds it; then go last. Whether it moved."""
    model = type(obj)
    if model not in SIBLINGS:
        return False
    parent = getattr(model, SIBLINGS[model]) == getattr(obj, SIBLINGS[model])
    taken = db.session.execute(select(model.id).where(
        parent, model.id != obj.id, model.is_archived.is_(False), model.position == obj.position)).first()
    if taken is None:
        return False
    obj.position = db.session.execute(select(func.coalesce(func.max(model.position), 0)).where(parent)).scalar_one() + 1
    return True


# ---------------------------------------------------------------- what a published course keeps

def check_archive(course: Course, obj: Archivable) -> None:
    """Raise the :class:`DomainError` :func:`archive` would raise for ``obj``, changing nothing: what the confirmation
    page says before anyone confirms, instead of a button that could only be refused."""
    if course.status is CourseStatus.PUBLISHED and not obj.is_archived:
        _check_published(course, obj)


def _check_published(course: Course, obj: Archivable) -> None:
    """The rules that keep a published course finishable: at least one module (as publishing needs), a lesson or a
    quiz in each self-paced module (as course files need), and a question in each quiz."""
    if isinstance(obj, Module):
        if not _count(Module, Module.course_id == course.id, Module.id != obj.id):
            raise DomainError(_("A published course needs at least one module. Add another module first, or move "
                                "the course back to draft."))
    elif isinstance(obj, Question):
        _check_quiz_keeps_a_question(obj)
    else:
        _check_module_keeps_something(db.session.get(Module, obj.module_id), obj)


def _check_module_keeps_something(module: Module, obj: Lesson | Quiz) -> None:
    if module.is_archived or module.kind is not ModuleKind.SELF_PACED:
        return  # live and field modules are completed by attendance and field hours, not by reading
    if not has_something_to_complete(module, without=obj):
        raise DomainError(_("In a published course, a self-paced module needs a lesson or a quiz, or trainees could "
                            "never complete it. Add another lesson first, or remove the whole module."))


def has_something_to_complete(module: Module, without: Lesson | Quiz | None = None) -> bool:
    """Whether trainees could complete ``module`` self-paced: it has a live lesson or quiz (``without`` not counted).
    The rule that keeps a published course finishable, for removing a lesson or quiz and for changing a module's
    kind (:mod:`lms.catalog.module_kind`)."""
    if _count(Lesson, Lesson.module_id == module.id, Lesson.id != _id_if(without, Lesson)):
        return True
    return bool(_count(Quiz, Quiz.module_id == module.id, Quiz.id != _id_if(without, Quiz)))


def _check_quiz_keeps_a_question(question: Question) -> None:
    quiz = db.session.get(Quiz, question.quiz_id)
    if quiz.is_archived or db.session.get(Module, quiz.module_id).is_archived:
        return
    if not _count(Question, Question.quiz_id == quiz.id, Question.id != question.id):
        raise DomainError(_("In a published course, a quiz needs at least one question, or trainees could never "
                            "pass it. Add another question first, or remove the whole quiz."))


def _id_if(obj: Archivable | None, model: type) -> int:
    """``obj``'s id if it is a ``model``, else one no row has (ids of different tables may be equal)."""
    return obj.id if isinstance(obj, model) else 0


def _count(model: type, *where: Any) -> int:
    return db.session.execute(select(func.count(model.id)).where(*where, model.is_archived.is_(False))).scalar_one()


# ---------------------------------------------------------------- reading what was removed

@dataclass
class Removed:
    """A course's removed items that can be restored from its authoring page: removed modules, and the removed
    lessons and quizzes of live modules (inside a removed module they come back with it)."""

    modules: list[Module] = field(default_factory=list)
    lessons: list[tuple[Module, Lesson]] = field(default_factory=list)
    quizzes: list[tuple[Module, Quiz]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.modules or self.lessons or self.quizzes)


def list_removed(course: Course) -> Removed:
    """What :class:`Removed` holds, in course order, in three queries."""
    live = Module.is_archived.is_(False)
    order = (Module.position, Module.id)
    return Removed(
        modules=list(db.session.execute(select(Module).where(Module.course_id == course.id, Module.is_archived.is_(True))
                                        .order_by(*order)).scalars()),
        lessons=[(m, lesson) for m, lesson in db.session.execute(
            select(Module, Lesson).join(Lesson, Lesson.module_id == Module.id)
            .where(Module.course_id == course.id, live, Lesson.is_archived.is_(True))
            .order_by(*order, Lesson.position, Lesson.id)).all()],
        quizzes=[(m, quiz) for m, quiz in db.session.execute(
            select(Module, Quiz).join(Quiz, Quiz.module_id == Module.id)
            .where(Module.course_id == course.id, live, Quiz.is_archived.is_(True)).order_by(*order)).all()],
    )


def list_removed_questions(quiz: Quiz) -> list[Question]:
    """The quiz's removed questions, in their old order."""
    return list(db.session.execute(
        select(Question).where(Question.quiz_id == quiz.id, Question.is_archived.is_(True))
        .order_by(Question.position, Question.id)
    ).scalars())


def get_question(quiz: Quiz, question_id: int) -> Question:
    """A question of ``quiz``, live or removed."""
    question = db.session.get(Question, question_id) if db.is_id(question_id) else None
    if question is None or question.quiz_id != quiz.id:
        raise NotFoundError(_("No such question."))
    return question


def question_slugs(quiz: Quiz) -> set[str]:
    """Every short name the quiz's questions use, removed ones too (a new question cannot take one)."""
    return set(db.session.execute(select(Question.slug).where(Question.quiz_id == quiz.id)).scalars())
