"""Reading certificates: by code, a person's own, an organisation's staff; who may download which; expiry markers.

Every function costs a fixed number of queries whatever the number of certificates (titles, names, hours and areas
are all in the certificate's snapshot).
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
    return list(db.session.execute(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ).scalars())


def can_download(cert: Certificate, user: Any, managed_org_ids: set[int]) -> bool:
    """The holder, a manager of the organisation the certificate was issued under, or a site admin."""
    if not user:
        return False
    return bool(user.is_admin or cert.user_id == user.id or (cert.org_id is not None and cert.org_id in managed_org_ids))


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
    certificates: list[Certificate]
    total: int
    page: int
    pages: int


def list_for_org(org_id: int, now: datetime, show: str = "all", page: int = 1, per_page: int = 100) -> StaffPage:
    """Certificates issued under an organisation, soonest expiry first (revoked last), one page at a time: two queries."""
    query = select(Certificate).where(Certificate.org_id == org_id)
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
    rows = db.session.execute(
        query.order_by(Certificate.status == CertificateStatus.REVOKED, Certificate.expires_at.is_(None),
                       Certificate.expires_at, Certificate.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars()
    return StaffPage(list(rows), total, page, pages)
