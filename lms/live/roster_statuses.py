"""Saving the statuses chosen on a session's roster (the trainer's "Save statuses"), in two steps because the roster
may have to ask first: :func:`prepare` loads the roster as it is before the save and finds who the save would newly
mark absent while time of theirs still counts (:mod:`lms.live.absent_time`); once the trainer has said, for each of
them, whether to set that time aside, :func:`save` writes the statuses that are not stale
(:func:`lms.live.attendance_changes.set_statuses` with ``skip_stale``) and sets aside the time of the people chosen.
Only flushes; the caller commits, then sends :attr:`RosterSave.lowered`'s notices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lms.accounts.models import User
from lms.live.absent_time import AbsentWithTime, list_absent_with_time, set_aside_absent_time
from lms.live.attendance_changes import RosterChoice, StatusesSaved, set_statuses
from lms.live.credit_notices import CreditChanged
from lms.live.models import AttendanceStatus, LiveSession
from lms.live.roster import Roster, load_roster


@dataclass
class RosterSave:
    """A save of the roster's statuses, from :func:`prepare` (and :func:`save`, which fills in what it did)."""

    session: LiveSession
    roster: Roster  # as loaded before the save
    choices: Mapping[int, RosterChoice]
    #: user id → status before the save (a roster line's status reads the live row, so it is kept here)
    was: dict[int, AttendanceStatus | None]
    #: people the save newly marks absent who have credited time; :func:`save` drops those it left stale
    absent: list[AbsentWithTime]
    saved: StatusesSaved = field(default_factory=StatusesSaved)
    #: notices for the people whose credited time went down, to send after the commit
    lowered: list[CreditChanged] = field(default_factory=list)


def prepare(session: LiveSession, choices: Mapping[int, RosterChoice], now: datetime) -> RosterSave:
    """The roster as it is before saving ``choices`` (the roster as sent), and who they newly mark absent while time
    of theirs still counts: the people to ask about first."""
    roster = load_roster(session, now)
    was = {line.user.id: line.status for line in roster.lines}
    return RosterSave(session, roster, choices, was, list_absent_with_time(roster, choices))


def save(change: RosterSave, set_aside: Iterable[User], actor: Any, now: datetime, min_share: int,
         reason: str) -> RosterSave:
    """Write the statuses of ``change`` that nobody else changed meanwhile (the stale ones are left alone and listed
    in :attr:`RosterSave.saved`), then set aside the credited time of each of ``set_aside`` (of
    :attr:`RosterSave.absent`) whose row was written. Raises :class:`lms.errors.DomainError` (a missing reason...)."""
    change.saved = set_statuses(change.session, change.roster, change.choices, actor, now, min_share, reason,
                                skip_stale=True)
    stale = {row.user.id for row in change.saved.stale}
    change.absent = [person for person in change.absent if person.user.id not in stale]
    chosen = [user for user in set_aside if user.id not in stale]
    change.lowered = set_aside_absent_time(change.session, chosen, actor, now, min_share, reason)
    return change
