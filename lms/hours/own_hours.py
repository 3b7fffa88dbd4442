"""A manager's own training hours: nobody decides their own entries (:func:`lms.hours.approvals.transition` refuses,
also an adjustment "approved now" by its own person), so the pages never offer them the decision. They say instead
who can: another manager of the organisation, or, when it has none, what to do next."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lms.accounts.models import User
from lms.hours.models import HoursEntry
from lms.orgs.models import Organisation
from lms.orgs.queries import has_other_manager


@dataclass(frozen=True)
class OwnHours:
    """Which of the entries a page shows are the viewer's own (``ids``), and whether the organisation has another
    current manager with an active account to decide them (``has_decider``)."""

    ids: frozenset[int]
    has_decider: bool = True


def is_own(entry: HoursEntry, viewer: User | None) -> bool:
    """Whether ``entry`` is ``viewer``'s own, so ``viewer`` cannot approve or reject it."""
    return viewer is not None and entry.user_id == getattr(viewer, "id", None)


def own_hours(org: Organisation, entries: Iterable[HoursEntry], viewer: User | None) -> OwnHours:
    """The viewer's own entries among ``entries`` (entries of ``org``), and whether someone else there can decide
    them (one query, only when there are any)."""
    ids = frozenset(entry.id for entry in entries if is_own(entry, viewer))
    return OwnHours(ids, has_other_manager(org.id, viewer.id) if ids else True)


def adjusting_own(org: Organisation, person: User, viewer: User | None) -> OwnHours | None:
    """For an adjustment of ``person``'s hours by ``viewer``: None when they are someone else's (the viewer may
    approve it at once), else whether another manager can decide it (it is saved pending)."""
    if viewer is None or person.id != getattr(viewer, "id", None):
        return None
    return OwnHours(frozenset(), has_other_manager(org.id, viewer.id))
