"""What the audit row of a live session's edit keeps besides the names of what changed (its time, place, join link,
mode, language, cost and, when told, notes are in :func:`lms.live.scheduling.update_session`'s ``changes``, which
people are told about; its trainers): its module, capacity, registration deadline, cost, notes and language, each
that changed with its old value
(:func:`lms.audit.changed`: ``{"capacity": 20, "was": {"capacity": 12}}``)."""

from __future__ import annotations

from typing import Any

from lms import audit
from lms.live.models import LiveSession


def settings_of(session: LiveSession) -> dict[str, Any]:
    """The session's recorded settings as they are now, by the data key its row uses."""
    return {"module_id": session.module_id, "capacity": session.capacity,
            "registration_deadline": session.registration_deadline, "cost_cents": session.cost_cents,
            "notes": session.notes, "locale": session.locale}


def changed_settings(before: dict[str, Any], session: LiveSession) -> dict[str, Any]:
    """The row's data for the settings that differ from ``before`` (:func:`settings_of` then): new, and old under
    ``was``; nothing when none changed."""
    return audit.changed(before, {key: value for key, value in settings_of(session).items() if before[key] != value})
