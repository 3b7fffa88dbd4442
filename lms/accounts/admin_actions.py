"""What a site administrator changes on an account: enabled or disabled, and the site role, never leaving the site
without an active administrator.

Services flush and never commit; the caller (view, API handler, CLI command) commits once.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from lms import audit, db
from lms.accounts.api_tokens import revoke_all_api_tokens
from lms.accounts.login_sessions import end_all_sessions
from lms.accounts.models import SiteRole, User
from lms.errors import ConflictError
from lms.i18n import _
from lms.reasons import optional_reason, required_reason


class LastAdminError(ConflictError):
    """Refused: the change would leave the site without an active administrator."""

    code = "last_admin"


#: The longest reason (for disabling, or for changing the site role) or note (for enabling again) an account change
#: keeps in the audit log.
MAX_ACTIVE_REASON = 500
MAX_ROLE_REASON = MAX_ACTIVE_REASON


def set_active(user: User, active: bool, actor: User | None, reason: str | None = None) -> bool:
    """Enable or disable an account; disabling ends its sessions and API tokens at once. ``reason`` (why it is
    disabled, or a note on enabling it again; at most :data:`MAX_ACTIVE_REASON` characters, else
    :class:`DomainError`) is kept in the audit row. False, with nothing done or recorded, when the account is
    already so. Disabling the last active site administrator is refused (:class:`LastAdminError`)."""
    missing = _("Write the note in words, or leave the box empty.") if active else _("Write the reason for disabling the account.")
    reason = optional_reason(reason, missing, most=MAX_ACTIVE_REASON,
                             too_long=_("Keep it to %(num)d characters.", num=MAX_ACTIVE_REASON))
    if user.is_active == active:
        return False
    if not active:
        _ensure_another_active_admin(user)
    if not _switch_active(user, active):
        return False
    if not active:
        end_all_sessions(user)
        revoke_all_api_tokens(user, actor)  # an api_token.revoked row each
    audit.record("user.enabled" if active else "user.disabled", user, actor, reason=reason)
    return True


def _switch_active(user: User, active: bool) -> bool:
    """Set ``is_active`` unless the row has it already; whether it changed. Another administrator may have done the
    same a moment ago: the UPDATE waits for that change to commit, then finds nothing to change (a second row of
    the same change in the audit log would be noise)."""
    switch = update(User).where(User.id == user.id, User.is_active.is_(not active)).values(is_active=active)
    return db.session.execute(switch).rowcount > 0


def set_role(user: User, role: SiteRole, actor: User | None, reason: str) -> bool:
    """Change the site role, saying why: ``reason`` (required, at most :data:`MAX_ROLE_REASON` characters, else
    :class:`DomainError` with nothing done) is kept in the audit row with the old and new role. False, with nothing
    recorded, when ``user`` already has it. Taking the role of administrator from the last active one is refused
    (:class:`LastAdminError`)."""
    reason = required_reason(reason, _("Write the reason for changing the site role."), most=MAX_ROLE_REASON,
                             too_long=_("Keep it to %(num)d characters.", num=MAX_ROLE_REASON))
    if user.role is role:
        return False
    if role is not SiteRole.ADMIN:
        _ensure_another_active_admin(user)
    old = user.role
    user.role = role
    audit.record("user.role_changed", user, actor, reason=reason, old=old, new=role)
    return True


_ACTIVE_ADMIN = (User.role == SiteRole.ADMIN) & User.is_active.is_(True)


def _ensure_another_active_admin(user: User) -> None:
    """Refuse to take ``user`` out of the active site administrators when nobody else would be left.

    Two administrators removing each other at the same moment must not both pass, so the rows of every active
    administrator and of ``user`` are locked (:func:`lms.db.lock_row`) in order of id before counting. Any such change
    locks the same rows, at least those both saw, in the same order: the second waits for the first to commit (no
    deadlock, as nobody takes them in another order), then counts what it left. PostgreSQL: ``FOR UPDATE`` row locks,
    and the count, a new statement, reads the committed rows (READ COMMITTED). SQLite: the first lock is a write,
    which takes the database's write lock, so the second change waits there, then reloads the rows and counts."""
    if not (user.is_admin and user.is_active):
        return
    admins = set(db.session.execute(select(User).where(_ACTIVE_ADMIN)).scalars()) | {user}
    for admin in sorted(admins, key=lambda person: person.id):
        db.lock_row(admin)  # reloads the row: another change may have been committed while we waited
    if not (user.is_admin and user.is_active):
        return
    others = db.session.execute(select(func.count(User.id)).where(_ACTIVE_ADMIN, User.id != user.id)).scalar_one()
    if not others:
        raise LastAdminError(
            _("%(name)s is the only active site administrator. Make someone else a site administrator first: "
              "the site must always have one.", name=user.name)
        )
