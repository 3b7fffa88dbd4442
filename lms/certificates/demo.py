"""Demo data for certificates (a :data:`lms.demo.DEMO_STEPS` step): a signing key, a valid certificate for the Spanish
demo trainee and a revoked one for the English trainee, both for the continuing-education course if it is imported."""

from __future__ import annotations

from typing import Any

from lms.catalog.services import find_course
from lms.certificates import issuance, keys, revocation
from lms.certificates.models import CertificateStatus

COURSE = "ce-documentation"
REASON = "Demo data"
ADMIN, VALID_HOLDER, REVOKED_HOLDER = "admin@example.org", "promotora@example.org", "trainee@example.org"


def add_certificates_demo(org: Any, users: dict[str, Any]) -> None:
    """Idempotent: the key and certificates are made once; later runs find them."""
    keys.ensure_key()
    course = find_course(COURSE)
    admin = users.get(ADMIN)
    if course is None or admin is None:
        return
    if VALID_HOLDER in users:
        issuance.issue_manually(users[VALID_HOLDER], course, admin, REASON)
    if REVOKED_HOLDER in users:
        cert = issuance.issue_manually(users[REVOKED_HOLDER], course, admin, REASON)
        # Only a certificate this step issued is revoked, never one the trainee earned in another demo step.
        if cert.status is CertificateStatus.VALID and cert.issue_reason == REASON:
            revocation.revoke(cert.code, "Demo: issued to the wrong person", admin)
