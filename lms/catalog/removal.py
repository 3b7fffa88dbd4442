"""Removing a module, lesson or quiz from what trainees see, and restoring it (:mod:`lms.catalog.archive`), with
the checks that come first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms.catalog import archive, module_kind
from lms.catalog.models import Course, Module


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
