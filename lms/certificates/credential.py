"""Open Badges 3.0 AchievementCredential for a certificate, signed as a VC-JWT (RS256, ``kid`` in the JWKS)."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.request import urlopen

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from lms.accounts.models import User
from lms.catalog.areas import AREAS
from lms.certificates.codes import display
from lms.certificates.keys import ensure_key, private_key
from lms.certificates.models import Certificate
from lms.i18n import in_language

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
AREA_FRAMEWORK = "California DHCS CHW core competencies (WIC §18998(c))"
#: The language of the credential's own words (description, criteria, competency names), whoever downloads it: a
#: credential is signed anew at each download, and must say the same to everyone. Only the course's title is in the
#: course's language (``inLanguage``).
LANGUAGE = "en"


def _iso(moment) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def issuer_id(base_url: str) -> str:
    """The issuer's URL in every credential; it serves the issuer's public Profile (``lms.certificates.issuer``)."""
    return f"{base_url}/issuer"


def credential_id(code: str) -> str:
    """The credential's ``id`` (and JWT ``jti``): a ``urn:uuid`` derived from the code, so it reveals nothing of it."""
    digest = hashlib.sha256(code.encode()).hexdigest()
    return f"urn:uuid:{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"


def _area_names(areas: list[str]) -> list[tuple[str, str]]:
    """Each competency area with its name in :data:`LANGUAGE`, not the language of whoever asks (an unknown code as
    its name)."""
    with in_language(LANGUAGE):
        return [(area, str(AREAS[area]) if area in AREAS else area) for area in areas]


def criteria_narrative(snap: dict[str, Any]) -> str:
    """What earning the certificate took, from what its snapshot states (the credential describes the certificate as
    issued, not the course as it is now): the kinds of training with credited time (self-paced lessons and quizzes,
    live sessions, supervised field experience), with the share of a session that completed a live module when the
    snapshot kept it. In :data:`LANGUAGE`, like the rest of the credential."""
    minutes = snap.get("minutes") or {}
    steps = []
    if minutes.get("self_paced"):
        steps.append("read every lesson and pass each module quiz")
    if minutes.get("live"):
        share = (snap.get("live_basis") or {}).get("min_share")
        steps.append(f"attend a live session of each live module for at least {share}% of its scheduled time" if share
                     else "attend the live session(s) for the required share of the time")
    if minutes.get("field"):
        steps.append("complete the required supervised field experience")
    if not steps:
        return "Complete every required module of the course."
    listed = steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + (", and " if len(steps) > 2 else " and ") + steps[-1]
    return f"Complete every required module of the course: {listed}."


def build_credential(cert: Certificate, holder: User, base_url: str) -> dict[str, Any]:
    """The credential document (the JWT payload's ``vc``-style body, per OB 3.0 JWT proof format)."""
    snap = cert.snapshot
    titles = snap["course_titles"]
    title = titles.get(snap["source_locale"]) or next(iter(titles.values()), snap["course_slug"])
    verify_url = f"{base_url}/verify/{display(cert.code)}"
    identity = "sha256$" + hashlib.sha256((holder.email + cert.recipient_salt).encode("utf-8")).hexdigest()
    minutes = snap["minutes"]
    achievement = {
        "id": f"{base_url}/courses/{snap['course_slug']}#v{snap['course_version']}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": title,
        "description": f"Certificate of completion: {title} (version {snap['course_version']}).",
        "criteria": {"id": f"{base_url}/courses/{snap['course_slug']}", "narrative": criteria_narrative(snap)},
        "creditsAvailable": round(minutes["total"] / 60, 2),
        "version": snap["course_version"],
        "inLanguage": snap["source_locale"],
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": name,
                "targetCode": area,
                "targetFramework": AREA_FRAMEWORK,
                "targetType": "ceasn:Competency",
                "targetUrl": f"{base_url}/courses/?area={area}",
            }
            for area, name in _area_names(snap["competency_areas"])
        ],
    }
    credential = {
        "@context": CONTEXT,
        "id": credential_id(cert.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": {"id": issuer_id(base_url), "type": ["Profile"], "name": snap["issuer"]["name"], "url": base_url},
        "validFrom": _iso(cert.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": cert.recipient_salt,
                }
            ],
            "achievement": achievement,
            "creditsEarned": round(minutes["total"] / 60, 2),
            "activityStartDate": f"{snap['started_on']}T00:00:00Z",
            "activityEndDate": f"{snap['completed_on']}T00:00:00Z",
        },
        # The verification page: asked for JSON, it answers the 1EdTech revocation list (lms.certificates.status).
        "credentialStatus": {"id": verify_url, "type": "1EdTechRevocationList"},
        "evidence": [{"id": verify_url, "type": ["Evidence"], "name": f"Verification page {cert.number}"}],
    }
    if cert.expires_at:
        credential["validUntil"] = _iso(cert.expires_at)
    return credential


def sign_credential(cert: Certificate, holder: User, base_url: str) -> str:
    """The compact JWS (VC-JWT) with the OB 3.0 registered claims."""
    key = ensure_key()
    credential = build_credential(cert, holder, base_url)
    claims = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(cert.issued_at.timestamp()),
        "iat": int(cert.issued_at.timestamp()),
        "sub": credential["credentialSubject"]["identifier"][0]["identityHash"],
    }
    if cert.expires_at:
        claims["exp"] = int(cert.expires_at.timestamp())
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, private_key(key))


class CredentialInvalid(Exception):
    """The credential's signature, algorithm or key does not check out."""


def load_jwks(source: str) -> KeySet:
    """A JWKS from a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        with urlopen(source, timeout=10) as response:  # noqa: S310 - the user chose this URL on the command line
            data = json.load(response)
    else:
        with open(source, encoding="utf-8") as handle:
            data = json.load(handle)
    return KeySet([RSAKey.import_key(key) for key in data["keys"]])


def verify_jwt(token: str, keys: KeySet) -> dict[str, Any]:
    """Claims of a valid RS256 credential signed by one of ``keys``; raises :class:`CredentialInvalid` otherwise."""
    try:
        decoded = jwt.decode(token.strip(), keys, algorithms=["RS256"])
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise CredentialInvalid(str(exc) or type(exc).__name__) from exc
    if decoded.header.get("alg") != "RS256" or not decoded.header.get("kid"):
        raise CredentialInvalid("unexpected header")
    return decoded.claims
