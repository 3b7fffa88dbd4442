"""Revocation: by a site admin or a manager of the issuing organisation, with a required reason; audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms import audit, db
from lms.certificates.codes import normalize
from lms.certificates.models import Certificate, CertificateStatus
from lms.db import utcnow
from lms.errors import DomainError, NotFoundError, PermissionDenied
from lms.i18n import _


def find(code: str) -> Certificate:
    normalized = normalize(code)
    cert = db.session.execute(select(Certificate).where(Certificate.code == normalized)).scalar_one_or_none() \
        if normalized else None
    if cert is None:
        raise NotFoundError(_("No certificate has this code."))
    return cert


def can_revoke(cert: Certificate, actor: Any, managed_org_ids: set[int]) -> bool:
    return bool(actor.is_admin or (cert.org_id is not None and cert.org_id in managed_org_ids))


def revoke(code: str, reason: str, actor: Any, managed_org_ids: set[int] | None = None) -> Certificate:
    """The one status transition a certificate has: valid → revoked (final)."""
    cert = find(code)
    if not actor.is_admin and not can_revoke(cert, actor, managed_org_ids or set()):
        raise PermissionDenied(_("Only a site administrator or the issuing organisation can revoke this certificate."))
    if not (reason or "").strip():
        raise DomainError(_("Write the reason for revoking this certificate."))
    if cert.status is CertificateStatus.REVOKED:
        raise DomainError(_("This certificate is already revoked."))
    cert.status = CertificateStatus.REVOKED
    cert.revoked_at = utcnow()
    cert.revoked_by_id = actor.id
    cert.revocation_reason = reason.strip()
    audit.record("certificate.revoked", cert, actor, reason=cert.revocation_reason, org_id=cert.org_id)
    return cert
