"""Who leads a live session (its trainers), and changing that list.

A session's trainers hold its roster: the names and emails of everyone registered, finalising, corrections. So,
unlike the rest of a session (any trainer may fix its seats or notes), its trainer list is changed only by one of its
own trainers or a site administrator (:func:`may_change`): another trainer cannot add themselves, nor remove the
trainer who runs it. Every change is recorded by name in the session's audit row (:func:`audit_data`), and the
trainers who led it before, but the one who made the change, are told by email (:attr:`TrainerChange.to_tell`), and
so is each person added, but one who added themselves (:attr:`TrainerChange.welcome`). A session keeps at least one
trainer (:func:`lms.live.plans.check`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select

from lms import db
from lms.accounts.models import User
from lms.errors import PermissionDenied
from lms.i18n import _
from lms.live.models import LiveSession, SessionTrainer
from lms.live.roster import is_session_trainer


@dataclass(frozen=True)
class TrainerChange:
    """What an edit did to a session's trainer list: who was ``added`` and ``removed``, who leads it ``now``, and
    whom to tell (``to_tell``: the trainers before the change, removed or not, but the person who made it;
    ``welcome``: the people added, but the person who made it: nobody is emailed about their own action)."""

    added: list[User] = field(default_factory=list)
    removed: list[User] = field(default_factory=list)
    now: list[User] = field(default_factory=list)
    to_tell: list[User] = field(default_factory=list)
    welcome: list[User] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def trainer_ids(session: LiveSession) -> list[int]:
    """The ids of the session's trainers, in the order they were added."""
    return list(
        db.session.execute(
            select(SessionTrainer.user_id).where(SessionTrainer.session_id == session.id).order_by(SessionTrainer.id)
        ).scalars()
    )


def set_trainers(session: LiveSession, user_ids: Iterable[int]) -> None:
    """Make ``user_ids`` the session's trainers (no check: see :func:`change_trainers` for an edit)."""
    wanted = list(dict.fromkeys(user_ids))
    db.session.execute(delete(SessionTrainer).where(SessionTrainer.session_id == session.id, SessionTrainer.user_id.not_in(wanted)))
    have = set(trainer_ids(session))
    db.session.add_all(SessionTrainer(session_id=session.id, user_id=uid) for uid in wanted if uid not in have)
    db.session.flush()


def may_change(session: LiveSession, actor: Any) -> bool:
    """Whether ``actor`` may change the session's trainer list: one of its trainers, or a site administrator."""
    return actor is not None and is_session_trainer(session, actor)


def check_trainer_change(session: LiveSession, user_ids: Iterable[int], actor: Any) -> None:
    """Refuse (:class:`PermissionDenied`, on the ``trainers`` field) a different trainer list from anyone
    :func:`may_change` does not allow. The same list sent back unchanged is no change, whoever sends it."""
    if set(user_ids) != set(trainer_ids(session)) and not may_change(session, actor):
        raise PermissionDenied(_("Only the session's own trainers or a site administrator can change who leads it."),
                               field="trainers")


def change_trainers(session: LiveSession, user_ids: Iterable[int], actor: Any) -> TrainerChange:
    """Set the session's trainers for an edit (checked by :func:`check_trainer_change`); what changed."""
    before, wanted = trainer_ids(session), list(dict.fromkeys(user_ids))
    if set(before) == set(wanted):
        return TrainerChange()
    check_trainer_change(session, wanted, actor)
    set_trainers(session, wanted)
    people = _users(set(before) | set(wanted))
    actor_id = getattr(actor, "id", None)
    return TrainerChange(
        added=[people[uid] for uid in wanted if uid not in before],
        removed=[people[uid] for uid in before if uid not in wanted],
        now=[people[uid] for uid in wanted],
        to_tell=[people[uid] for uid in before if uid != actor_id and people[uid].is_active],
        welcome=[people[uid] for uid in wanted if uid not in before and uid != actor_id and people[uid].is_active],
    )


def to_welcome(user_ids: Iterable[int], actor: Any) -> list[User]:
    """The people among ``user_ids`` to tell they now lead a session: active accounts, but ``actor`` (nobody is
    emailed about their own action), in the order given."""
    wanted = [uid for uid in dict.fromkeys(user_ids) if uid != getattr(actor, "id", None)]
    people = _users(set(wanted))
    return [people[uid] for uid in wanted if uid in people and people[uid].is_active]


def audit_data(change: TrainerChange) -> dict[str, Any]:
    """The audit row's record of a change: each person added and removed by id and name (the name as it was then)."""
    if not change:
        return {}
    return {"trainers_added": _people(change.added), "trainers_removed": _people(change.removed)}


def names(people: list[User]) -> str:
    return ", ".join(person.name for person in people)


def _people(people: list[User]) -> list[dict[str, Any]]:
    return [{"id": person.id, "name": person.name} for person in people]


def _users(ids: set[int]) -> dict[int, User]:
    return {user.id: user for user in db.session.execute(select(User).where(User.id.in_(sorted(ids)))).scalars()}


def list_trainers_of(session: LiveSession) -> list[User]:
    """The session's trainers, by name."""
    return list(db.session.execute(
        select(User).join(SessionTrainer, SessionTrainer.user_id == User.id)
        .where(SessionTrainer.session_id == session.id).order_by(User.name)
    ).scalars())
