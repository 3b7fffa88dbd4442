"""Revocation, with a required reason; audited.

Who may revoke: the issuing side of the course, that is site trainers and admins (they run the courses and issue
certificates by hand), and the managers of the organisation the certificate was issued under, but only while that
organisation still employs the holder. A former employer loses that power when the employment ends (it could
otherwise void an ex-employee's credential), and a new employer never gets it (it did not issue the certificate).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.certificates.codes import normalize
from lms.certificates.models import Certificate, CertificateStatus
from lms.certificates.queries import current_employer_ids
from lms.db import utcnow
from lms.errors import DomainError, NotFoundError, PermissionDenied
from lms.i18n import _
from lms.reasons import required_reason


def find(code: str) -> Certificate:
    normalized = normalize(code)
    cert = db.session.execute(select(Certificate).where(Certificate.code == normalized)).scalar_one_or_none() if normalized else None
    if cert is None:
        raise NotFoundError(_("No certificate has this code."))
    return cert


def can_revoke(cert: Certificate, actor: Any, managed_org_ids: set[int]) -> bool:
    """A site trainer or admin, or a manager of the organisation it was issued under that still employs the holder."""
    if getattr(actor, "is_trainer", False):
        return True
    return cert.org_id is not None and cert.org_id in managed_org_ids and cert.org_id in current_employer_ids(cert.user_id)


def revoke(code: str, reason: str, actor: Any, managed_org_ids: set[int] | None = None) -> Certificate:
    """The one status transition a certificate has: valid → revoked (final)."""
    cert = find(code)
    if not can_revoke(cert, actor, managed_org_ids or set()):
        raise PermissionDenied(
            _(
                "Only a trainer, a site administrator or the organisation it was issued under, while it employs the holder, "
                "can revoke this certificate."
            )
        )
    reason = required_reason(reason, _("Write the reason for revoking this certificate."), field=None)
    if cert.status is CertificateStatus.REVOKED:
        raise DomainError(_("This certificate is already revoked."))
    cert.status = CertificateStatus.REVOKED
    cert.revoked_at = utcnow()
    cert.revoked_by_id = actor.id
    cert.revocation_reason = reason
    audit.record("certificate.revoked", cert, actor, reason=cert.revocation_reason, org_id=cert.org_id)
    return cert
