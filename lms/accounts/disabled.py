"""Why accounts are disabled: the reason a site administrator gave (``lms.accounts.admin_actions.set_active``), read
back from the audit log for the people page."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from lms import db
from lms.audit import AuditEvent


def disabled_reasons(user_ids: Iterable[int]) -> dict[int, str]:
    """The reason given when each of these accounts was last disabled, for those disabled with one. One query, through
    the audit log's ``object_type, object_id`` index."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    last = (select(func.max(AuditEvent.id)).where(AuditEvent.object_type == "User", AuditEvent.object_id.in_(ids),
                                                  AuditEvent.action == "user.disabled")
            .group_by(AuditEvent.object_id))
    rows = db.session.execute(select(AuditEvent.object_id, AuditEvent.reason).where(AuditEvent.id.in_(last)))
    return {user_id: reason for user_id, reason in rows if reason}
