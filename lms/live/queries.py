"""Read-only counts of live sessions for other domains, so they never query live's tables themselves: the catalog
asks before a live module changes kind, is removed or becomes required (:mod:`lms.catalog.module_kind`), and the
publish confirmation page warns about required live modules with nothing to attend."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from lms import db
from lms.db import utcnow
from lms.live.models import LiveSession, SessionStatus


@dataclass(frozen=True)
class ModuleSessions:
    """A live module's sessions that are not cancelled: ``upcoming`` are scheduled and have not started, ``started``
    are scheduled and have started (attendance not finalised yet), ``held`` are completed."""

    upcoming: int = 0
    started: int = 0
    held: int = 0

    @property
    def scheduled(self) -> int:
        """Sessions still scheduled, started or not: people may be registered, attendance may still be taken."""
        return self.upcoming + self.started


def count_module_sessions(module_ids: Iterable[int], now: datetime | None = None) -> dict[int, ModuleSessions]:
    """:class:`ModuleSessions` of each module id (every id present, zeros where none), in one query."""
    ids = list(dict.fromkeys(module_ids))
    if not ids:
        return {}
    ahead = func.count(case((LiveSession.starts_at > (now or utcnow()), LiveSession.id)))
    rows = db.session.execute(
        select(LiveSession.module_id, LiveSession.status, func.count(LiveSession.id), ahead)
        .where(LiveSession.module_id.in_(ids), LiveSession.status != SessionStatus.CANCELLED)
        .group_by(LiveSession.module_id, LiveSession.status)
    ).all()
    counts: dict[int, dict[str, int]] = {module_id: {} for module_id in ids}
    for module_id, status, total, upcoming in rows:
        if status is SessionStatus.COMPLETED:
            counts[module_id]["held"] = total
        else:
            counts[module_id].update(upcoming=upcoming, started=total - upcoming)
    return {module_id: ModuleSessions(**values) for module_id, values in counts.items()}


def shortest_session_minutes(module_id: int) -> int | None:
    """The length in whole minutes of the shortest session of a module that is not cancelled (scheduled or held), or
    None when it has none: what a trainee attending one can have spent in it."""
    rows = db.session.execute(
        select(LiveSession.starts_at, LiveSession.ends_at)
        .where(LiveSession.module_id == module_id, LiveSession.status != SessionStatus.CANCELLED)
    ).all()
    return min((int((end - start).total_seconds()) // 60 for start, end in rows), default=None)

