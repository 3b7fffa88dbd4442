"""Keeping every module something trainees can complete while authors add, change, remove and publish them.

- A module with live sessions that are not cancelled keeps its kind: scheduled sessions and the people registered
  for them would hang on a module that is no longer live, and the attendance of sessions held counts toward it.
  Cancel the scheduled sessions first; where sessions were held, add a new module of the other kind instead.
- A module with live sessions still scheduled cannot be removed, for the same reason: cancel them, or move them to
  another live module, first. (Held sessions do not stop it: removing keeps every record.) Nor can a course import
  archive it when the files leave it out (:func:`count_unremovable`), even with ``--archive-missing``.
- In a published course, where trainees may be enrolled and a required module they cannot complete stops them
  finishing the course:

  - a new self-paced or live module cannot be required yet, since the moment it is added it has no lesson, quiz or
    session. It is added optional, and made required once it has a lesson or a quiz (self-paced) or an upcoming live
    session (live). A field module is completed by logging supervised hours, so it may be required at once;
  - a module cannot become self-paced, nor a self-paced module required, while it has no lesson and no quiz: the
    rule that refuses removing a module's last lesson (:func:`lms.catalog.archive.has_something_to_complete`);
  - a module cannot become live while required, nor a live module required, while it has no upcoming live session.
- Publishing needs each required self-paced module to have a lesson or a quiz, and its quiz, if any, a question,
  and trainees to see at least one module (:func:`lms.catalog.visibility.shown_to_trainees`).
  (A required live module with no upcoming session is only a warning there: sessions are often scheduled after.)
- Restoring a removed required module into a published course is adding it again: if trainees could not complete it
  yet (:func:`can_be_completed`: the publishing rule for a self-paced module, an upcoming session for a live one), it
  comes back optional, as a new one is added (:func:`comes_back_optional`).
- A course import follows the files, so it does not change what they say: in a published course it refuses a module
  the files add, bring back, make required or change the kind of, when that module is required and trainees could
  not complete it yet (:func:`check_imported`).
- A required live module with no upcoming session (all cancelled, held or started) leaves trainees waiting: its
  authoring and course pages say so, and so does cancelling its last upcoming session
  (:func:`list_live_without_sessions`). Its required flag is left as the trainer set it.

Live sessions are counted through :mod:`lms.live.queries`, never by reading live's tables. Each refusal is a
:class:`DomainError`, with ``field`` naming the form field it is about when there is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, select

from lms import db
from lms.catalog import archive
from lms.catalog.models import Course, CourseStatus, Lesson, Module, ModuleKind, Question, Quiz
from lms.catalog.module_titles import quoted_titles
from lms.catalog.visibility import shown_to_trainees
from lms.errors import DomainError
from lms.i18n import _, format_minutes, ngettext
from lms.live import queries as live_queries
from lms.live.queries import ModuleSessions


def sessions_of(module: Module) -> ModuleSessions:
    """The module's live sessions that are not cancelled, counted by :mod:`lms.live.queries`."""
    return live_queries.count_module_sessions([module.id])[module.id]


def check_sessions(module: Module) -> None:
    """Refuse changing the kind of ``module`` while it has live sessions that are not cancelled."""
    sessions = sessions_of(module)
    if sessions.scheduled:
        raise DomainError(ngettext(
            "The kind of this module cannot change while it has live sessions: it has %(num)d scheduled live "
            "session. Cancel it on the Live sessions page first (the people registered are told), or add a new "
            "module of the kind you need.",
            "The kind of this module cannot change while it has live sessions: it has %(num)d scheduled live "
            "sessions. Cancel them on the Live sessions page first (the people registered are told), or add a new "
            "module of the kind you need.", sessions.scheduled), field="kind")
    if sessions.held:
        raise DomainError(_("Live sessions of this module were held, and their attendance counts toward it, so its "
                            "kind cannot change. Add a new module of the kind you need instead."), field="kind")


def check_progress(module: Module) -> None:
    """Refuse changing the kind of ``module`` once trainees have worked on it: their lessons, quiz and completion
    would stop counting (a self-paced module made field experience waits for field hours), or count again."""
    from lms.enrollment.queries import module_has_progress  # enrollment builds on the catalog

    if module_has_progress(module):
        raise DomainError(_("Trainees have already worked on this module (lessons read, quiz attempts or the module "
                            "completed), so its kind cannot change: their progress would stop counting. Add a new "
                            "module of the kind you need instead."), field="kind")


def check_credit(module: Module, minutes: int) -> None:
    """Refuse raising a live module's credited minutes above the length of a session it already has: attending that
    session would credit (and print on certificates) time nobody could spend in it."""
    if module.kind is not ModuleKind.LIVE or minutes <= (module.credited_minutes or 0):
        return
    shortest = live_queries.shortest_session_minutes(module.id)
    if shortest is not None and minutes > shortest:
        raise DomainError(_("This module has a live session of %(length)s, so it cannot credit more than that: "
                            "attending it would credit time nobody could spend in it. Cancel or lengthen the shorter "
                            "sessions first, or add a new module.", length=format_minutes(shortest)),
                          field="credited_minutes")


def check_removable(module: Module) -> None:
    """Refuse removing ``module`` while it has live sessions still scheduled (started or not)."""
    scheduled = sessions_of(module).scheduled
    if scheduled:
        raise DomainError(ngettext(
            "This module cannot be removed while it has live sessions: it has %(num)d scheduled live session. "
            "Cancel it on the Live sessions page first (the people registered are told), or, if no one has "
            "registered yet, move it to another live module.",
            "This module cannot be removed while it has live sessions: it has %(num)d scheduled live sessions. "
            "Cancel them on the Live sessions page first (the people registered are told), or, if no one has "
            "registered for them yet, move them to another live module.", scheduled))


def count_unremovable(modules: Sequence[Module]) -> dict[int, ModuleSessions]:
    """The sessions of each of ``modules`` that :func:`check_removable` refuses to remove (those with live sessions
    still scheduled, started or not), by module id, in one query: what a course import checks before archiving the
    modules its files left out, whatever ``--archive-missing`` says."""
    counts = live_queries.count_module_sessions([module.id for module in modules])
    return {module_id: sessions for module_id, sessions in counts.items() if sessions.scheduled}


# ---------------------------------------------------------------- published courses


def check_completable(course: Course, module: Module, kind: ModuleKind, is_required: bool) -> None:
    """In a published course, refuse adding ``module`` (not saved yet: no id) or changing it to ``kind`` and
    ``is_required`` when trainees could not complete it (see the module's docstring)."""
    if course.status is not CourseStatus.PUBLISHED or module.is_archived:
        return
    if module.id is None:
        _check_new(kind, is_required)
    elif kind is ModuleKind.SELF_PACED:
        _check_self_paced(module, is_required)
    elif kind is ModuleKind.LIVE:
        _check_live(module, is_required)


def _check_new(kind: ModuleKind, is_required: bool) -> None:
    if not is_required:
        return
    if kind is ModuleKind.SELF_PACED:
        raise DomainError(_("In a published course, a new self-paced module cannot be required yet: trainees could "
                            "not complete it before it has a lesson or a quiz. Add it as optional, add its lessons "
                            "or quiz, then make it required."), field="is_required")
    if kind is ModuleKind.LIVE:
        raise DomainError(_("In a published course, a new live module cannot be required yet: trainees could not "
                            "complete it before a live session is scheduled for it. Add it as optional, schedule a "
                            "session for it, then make it required."), field="is_required")


def _check_self_paced(module: Module, is_required: bool) -> None:
    becomes_self_paced = module.kind is not ModuleKind.SELF_PACED
    if not (becomes_self_paced or (is_required and not module.is_required)):
        return
    if not archive.has_something_to_complete(module):
        raise DomainError(_("In a published course, a self-paced module needs a lesson or a quiz, or trainees could "
                            "never complete it. Add a lesson or a quiz to this module first, then save this change."),
                          field="kind" if becomes_self_paced else "is_required")


def _check_live(module: Module, is_required: bool) -> None:
    becomes_live = module.kind is not ModuleKind.LIVE
    if not is_required or (module.is_required and not becomes_live):
        return  # it ends optional, or was a required live module already
    if not sessions_of(module).upcoming:
        raise DomainError(_("In a published course, a live module can be required only once it has an upcoming live "
                            "session: trainees could not complete it before. Save it as optional now, schedule a "
                            "session for it, then make it required."), field="kind" if becomes_live else "is_required")


def check_publishable(course: Course) -> None:
    """Refuse publishing ``course`` while a required self-paced module has no lesson and no quiz, or a quiz with no
    question: trainees could never complete it. Names the modules. Refuse it too when trainees would see none of its
    modules (:func:`lms.catalog.visibility.shown_to_trainees`): a course of empty self-paced modules is a course
    with no module to them, which nobody could complete nor get a certificate for."""
    empty, no_questions = _dead_ends(_required(course, ModuleKind.SELF_PACED))
    problems = []
    if empty:
        problems.append(ngettext(
            "Trainees could never complete the required self-paced module %(names)s: it has no lesson and no quiz. "
            "Add a lesson or a quiz to it, or make it optional, before publishing.",
            "Trainees could never complete the required self-paced modules %(names)s: they have no lesson and no "
            "quiz. Add a lesson or a quiz to each, or make them optional, before publishing.",
            len(empty), names=quoted_titles(course, empty)))
    if no_questions:
        problems.append(ngettext(
            "Trainees could never pass the quiz of the required module %(names)s: it has no questions. Add a "
            "question to it, or remove the quiz, before publishing.",
            "Trainees could never pass the quizzes of the required modules %(names)s: they have no questions. Add a "
            "question to each, or remove those quizzes, before publishing.",
            len(no_questions), names=quoted_titles(course, no_questions)))
    if problems:
        raise DomainError(" ".join(problems))
    if not _shows_a_module(course):
        raise DomainError(_("Trainees would see no module of this course: a self-paced module is shown once it has a "
                            "lesson or a quiz with a question. Add one before publishing."))


def _shows_a_module(course: Course) -> bool:
    return db.session.execute(select(Module.id).where(
        Module.course_id == course.id, Module.is_archived.is_(False), shown_to_trainees()).limit(1)).first() is not None


def _dead_ends(modules: Select) -> tuple[list[Module], list[Module]]:
    """Of the self-paced ``modules``, those with no lesson and no quiz, and those whose quiz has no question: what
    trainees could never complete. The one copy of the rule, for publishing, restoring and importing."""
    lesson = exists().where(Lesson.module_id == Module.id, Lesson.is_archived.is_(False))
    quiz = exists().where(Quiz.module_id == Module.id, Quiz.is_archived.is_(False))
    question = exists().where(Question.quiz_id == Quiz.id, Question.is_archived.is_(False))
    empty = _list(modules.where(~lesson, ~quiz))
    no_questions = _list(modules.join(Quiz, Quiz.module_id == Module.id).where(Quiz.is_archived.is_(False), ~question))
    return empty, no_questions


def can_be_completed(module: Module) -> bool:
    """Whether trainees could complete ``module`` as it stands (removed or not): a self-paced one as publishing asks
    (a lesson or a quiz, and a question in its quiz), a live one once it has an upcoming session; a field one is
    completed by logging supervised hours, so always."""
    if module.kind is ModuleKind.SELF_PACED:
        return not any(_dead_ends(select(Module).where(Module.id == module.id)))
    if module.kind is ModuleKind.LIVE:
        return bool(sessions_of(module).upcoming)
    return True


def comes_back_optional(course: Course, module: Module) -> bool:
    """Whether a removed ``module`` must be restored optional: it is required, ``course`` is published and trainees
    could not complete it yet, just as a new module of a published course cannot be required yet."""
    return course.status is CourseStatus.PUBLISHED and module.is_required and not can_be_completed(module)


@dataclass(frozen=True)
class Before:
    """What an import found of a module before writing it: ``is_new`` if it was not there or was removed."""

    is_new: bool
    kind: ModuleKind | None = None
    is_required: bool = False

    @classmethod
    def of(cls, module: Module | None) -> Before:
        if module is None or module.is_archived:
            return cls(is_new=True)
        return cls(is_new=False, kind=module.kind, is_required=module.is_required)


def check_imported(course: Course, module: Module, before: Before) -> None:
    """In a published course, refuse an import that adds, brings back, makes required or changes the kind of a
    required ``module`` (its lessons and quiz written) that trainees could not complete yet; the files keep the last
    word, so it is not made optional behind their back."""
    if course.status is not CourseStatus.PUBLISHED or not module.is_required:
        return
    if not (before.is_new or not before.is_required or before.kind is not module.kind) or can_be_completed(module):
        return
    if module.kind is ModuleKind.LIVE:
        raise DomainError(_("In a published course, a live module can be required only once it has an upcoming live "
                            "session: trainees could not complete it before. Import it with “required: false”, "
                            "schedule a session for it, then import it again with “required: true”."))
    raise DomainError(_("In a published course, a required self-paced module needs a lesson or a quiz, and its quiz "
                        "a question: trainees could never complete it otherwise. Add them to the module's files, or "
                        "import it with “required: false”."))


def list_live_without_sessions(course: Course, now: datetime | None = None,
                               modules: Sequence[Module] | None = None) -> list[Module]:
    """The required live modules of ``course`` (or of ``modules``, some of its modules already loaded) with no
    upcoming live session: trainees cannot complete them (nor the course) until one is scheduled. What the publish
    confirmation page warns about, the authoring and course pages flag, and cancelling a last session warns of."""
    if modules is None:
        modules = _list(_required(course, ModuleKind.LIVE))
    modules = [m for m in modules if m.kind is ModuleKind.LIVE and m.is_required and not m.is_archived]
    sessions = live_queries.count_module_sessions([m.id for m in modules], now)
    return [module for module in modules if not sessions[module.id].upcoming]


def _required(course: Course, kind: ModuleKind) -> Select:
    return select(Module).where(Module.course_id == course.id, Module.is_archived.is_(False), Module.kind == kind,
                                Module.is_required.is_(True)).order_by(Module.position, Module.id)


def _list(query: Select) -> list[Module]:
    return list(db.session.execute(query).scalars())
