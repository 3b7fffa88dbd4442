"""Changing a module's kind (self-paced, live session, supervised field experience) once people rely on it.

- A module with live sessions that are not cancelled keeps its kind: scheduled sessions and the people registered
  for them would hang on a module that is no longer live, and the attendance of sessions held counts toward it.
  Cancel the scheduled sessions first; where sessions were held, add a new module of the other kind instead.
- In a published course, a module cannot become a self-paced one with nothing to complete (no lesson and no quiz),
  nor can such a module become required: the rule that refuses removing a module's last lesson
  (:func:`lms.catalog.archive.has_something_to_complete`).

Each refusal is a :class:`DomainError` with ``field`` naming the form field it is about.
"""

from __future__ import annotations

from sqlalchemy import func, select

from lms import db
from lms.catalog import archive
from lms.catalog.models import Course, CourseStatus, Module, ModuleKind
from lms.errors import DomainError
from lms.i18n import _, ngettext
from lms.live.models import LiveSession, SessionStatus


def check_sessions(module: Module) -> None:
    """Refuse changing the kind of ``module`` while it has live sessions that are not cancelled."""
    counts = count_sessions(module)
    scheduled = counts.get(SessionStatus.SCHEDULED, 0)
    if scheduled:
        raise DomainError(ngettext(
            "The kind of this module cannot change while it has live sessions: it has %(num)d scheduled live "
            "session. Cancel it on the Live sessions page first (the people registered are told), or add a new "
            "module of the kind you need.",
            "The kind of this module cannot change while it has live sessions: it has %(num)d scheduled live "
            "sessions. Cancel them on the Live sessions page first (the people registered are told), or add a new "
            "module of the kind you need.", scheduled), field="kind")
    if counts.get(SessionStatus.COMPLETED):
        raise DomainError(_("Live sessions of this module were held, and their attendance counts toward it, so its "
                            "kind cannot change. Add a new module of the kind you need instead."), field="kind")


def count_sessions(module: Module) -> dict[SessionStatus, int]:
    """The module's live sessions that are not cancelled, by status, in one query."""
    rows = db.session.execute(
        select(LiveSession.status, func.count(LiveSession.id))
        .where(LiveSession.module_id == module.id, LiveSession.status != SessionStatus.CANCELLED)
        .group_by(LiveSession.status)
    ).all()
    return {status: count for status, count in rows}


def check_completable(course: Course, module: Module, kind: ModuleKind, is_required: bool) -> None:
    """In a published course, refuse making ``module`` self-paced, or required while self-paced, when it has no
    lesson and no quiz: trainees could never complete it."""
    if course.status is not CourseStatus.PUBLISHED or module.is_archived or kind is not ModuleKind.SELF_PACED:
        return
    becomes_self_paced = module.kind is not ModuleKind.SELF_PACED
    if not (becomes_self_paced or (is_required and not module.is_required)):
        return
    if not archive.has_something_to_complete(module):
        raise DomainError(_("In a published course, a self-paced module needs a lesson or a quiz, or trainees could "
                            "never complete it. Add a lesson or a quiz to this module first, then save this change."),
                          field="kind" if becomes_self_paced else "is_required")
