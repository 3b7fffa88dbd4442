"""Reading certificates: by code, a person's own, an organisation's staff; who may download which; expiry markers.

Every function costs a fixed number of queries whatever the number of certificates (titles, names, hours and areas
are all in the certificate's snapshot).

Employers see the certificates of the people who work for them now (a membership with no employment end), wherever
those were earned: a certificate is its holder's, and the employer that supervises them is the one that must check
it. A former employer no longer sees, downloads or revokes it (``lms.certificates.revocation.can_revoke``); anyone can
still verify it by its code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from lms import db
from lms.certificates.codes import normalize
from lms.certificates.models import Certificate, CertificateStatus
from lms.db import prepared
from lms.orgs.models import Membership

#: A certificate that expires within this many days is marked "expiring soon" for managers and holders.
EXPIRING_SOON_DAYS = 90

#: Filters of the staff list (``?show=``).
STAFF_FILTERS = ("all", "valid", "expiring", "expired", "revoked")


@prepared
def _by_code() -> Select:
    return select(Certificate).where(Certificate.code == bindparam("code"))


def get_by_code(raw: str) -> Certificate | None:
    """The certificate with this code (typed in any case, with or without hyphens), or None."""
    code = normalize(raw)
    if code is None:
        return None
    return db.session.execute(_by_code(), {"code": code}).scalar_one_or_none()


def list_for_user(user: Any) -> list[Certificate]:
    """The user's own certificates, newest first."""
    return list(
        db.session.execute(
            select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        ).scalars()
    )


def list_for_staff_member(membership: Membership) -> list[Certificate] | None:
    """What the organisation sees of one staff member's certificates: all of theirs, newest first, while they work
    there now; None once their employment ended (it no longer sees them: see the module docstring)."""
    return list_for_user(membership.user) if membership.is_current else None


def current_employer_ids(user_id: int) -> set[int]:
    """The organisations that employ the person now (memberships with no employment end)."""
    rows = db.session.execute(select(Membership.org_id).where(Membership.user_id == user_id, Membership.employment_end.is_(None)))
    return {org_id for (org_id,) in rows}


def can_download(cert: Certificate, user: Any, managed_org_ids: set[int]) -> bool:
    """The holder, a site admin, or a manager of an organisation that employs the holder now."""
    if not user:
        return False
    if user.is_admin or cert.user_id == user.id:
        return True
    return bool(managed_org_ids and managed_org_ids & current_employer_ids(cert.user_id))


def marker(cert: Certificate, now: datetime, soon_days: int = EXPIRING_SOON_DAYS) -> str:
    """``revoked``, ``expired``, ``expiring`` (within ``soon_days``) or ``valid``."""
    if cert.status is CertificateStatus.REVOKED:
        return "revoked"
    if cert.expires_at is None:
        return "valid"
    if cert.expires_at <= now:
        return "expired"
    return "expiring" if cert.expires_at <= now + timedelta(days=soon_days) else "valid"


@dataclass(frozen=True)
class StaffPage:
    """One page of an organisation's staff certificates; ``revocable`` holds the IDs of those on the page that its
    managers may revoke (issued under it)."""

    certificates: list[Certificate]
    total: int
    page: int
    pages: int
    revocable: frozenset[int] = frozenset()


def list_for_org(org_id: int, now: datetime, show: str = "all", page: int = 1, per_page: int = 100) -> StaffPage:
    """Certificates of the organisation's current staff, wherever earned, soonest expiry first (revoked last), one
    page at a time: two queries."""
    staff = select(Membership.user_id).where(Membership.org_id == org_id, Membership.employment_end.is_(None))
    query = select(Certificate).where(Certificate.user_id.in_(staff))
    soon = now + timedelta(days=EXPIRING_SOON_DAYS)
    valid = Certificate.status == CertificateStatus.VALID
    if show == "revoked":
        query = query.where(Certificate.status == CertificateStatus.REVOKED)
    elif show == "expired":
        query = query.where(valid, Certificate.expires_at <= now)
    elif show == "expiring":
        query = query.where(valid, Certificate.expires_at > now, Certificate.expires_at <= soon)
    elif show == "valid":
        query = query.where(valid, (Certificate.expires_at.is_(None)) | (Certificate.expires_at > now))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = list(
        db.session.execute(
            query.order_by(
                Certificate.status == CertificateStatus.REVOKED,
                Certificate.expires_at.is_(None),
                Certificate.expires_at,
                Certificate.id,
            )
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).scalars()
    )
    # Every holder listed works here now, so the organisation answers for those issued under it (see can_revoke).
    return StaffPage(rows, total, page, pages, frozenset(c.id for c in rows if c.org_id == org_id))
