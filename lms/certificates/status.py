"""What an Open Badges verifier reads besides the signed credential: the issuer's Profile (the credential's
``issuer.id``) and the 1EdTech revocation list (its ``credentialStatus.id``); and the status, in this site's database,
of a credential whose signature has been checked (``lms certificates verify-jwt``).

1EdTech Revocation List Status Method 1.0 (https://www.imsglobal.org/spec/vcrl/v1p0/): a verifier GETs the URL in
``credentialStatus.id`` and finds a list ``{"id", "issuer", "revokedCredentials": [{"id", "revoked",
"revocationReason"}]}``; the credential is revoked when its ``id`` is listed and ``revoked`` is true or omitted. Every
credential issued so far names its verification page there, so each certificate's list is its own: the page answers
it to a client asking for JSON, and it names this one credential at most.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from lms.certificates import queries
from lms.certificates.codes import normalize
from lms.certificates.credential import CONTEXT, credential_id, issuer_id
from lms.certificates.models import Certificate, CertificateStatus
from lms.certificates.verification import status_of


def issuer_profile(base_url: str, name: str) -> dict[str, Any]:
    """The Open Badges 3.0 Profile published at the credentials' ``issuer.id``."""
    return {"@context": CONTEXT, "id": issuer_id(base_url), "type": ["Profile"], "name": name, "url": base_url}


def revocation_list(cert: Certificate, list_url: str, base_url: str) -> dict[str, Any]:
    """The certificate's 1EdTech revocation list: its credential, with the public reason, once it is revoked."""
    revoked = []
    if cert.status is CertificateStatus.REVOKED:
        revoked.append({"id": credential_id(cert.code), "revoked": True, "revocationReason": cert.revocation_reason or ""})
    return {"id": list_url, "issuer": issuer_id(base_url), "revokedCredentials": revoked}


@dataclass(frozen=True)
class CredentialCheck:
    """``status`` is valid, expired, revoked, or ``unchecked`` when this site's database does not hold the
    credential's certificate (``certificate`` is then None)."""

    status: str
    certificate: Certificate | None = None


def check_credential(claims: dict[str, Any], now: datetime) -> CredentialCheck:
    """The status of a credential whose signature checked out: the certificate named in its ``credentialStatus``
    URL, if its ``id`` is that certificate's credential id; else ``unchecked`` (expired only if its ``exp`` passed)."""
    cert = _certificate_of(claims)
    if cert is not None:
        return CredentialCheck(status_of(cert, now), cert)
    return signed_status(claims, now)


def signed_status(claims: dict[str, Any], now: datetime) -> CredentialCheck:
    """What the signed claims alone say: ``expired`` once their ``exp`` has passed, else ``unchecked``."""
    expires = claims.get("exp")
    if isinstance(expires, int | float) and expires <= now.timestamp():
        return CredentialCheck("expired")
    return CredentialCheck("unchecked")


def _certificate_of(claims: dict[str, Any]) -> Certificate | None:
    status = claims.get("credentialStatus")
    url = status.get("id") if isinstance(status, dict) else None
    if not isinstance(url, str):
        return None
    code = normalize(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    cert = queries.get_by_code(code) if code else None
    return cert if cert is not None and credential_id(cert.code) == claims.get("id") else None
