"""Certificate verification in the JSON API (public, no sign-in): one code, up to 500 codes, and the signed Open Badges
3.0 credential. Answers hold only what :meth:`Verdict.public` gives; look-ups are rate-limited per client and logged.

A revoked certificate's credential is no longer served (410, as its PDF): its holder cannot hand out a freshly signed
copy. Verifiers of a copy signed earlier follow its ``credentialStatus``, the verification page, which answers them
the certificate's 1EdTech revocation list (``lms.web.certs.views.verify_page``); its ``issuer.id`` is the issuer's
profile (``lms.web.certs.views.issuer``).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from lms import db
from lms.accounts.services import get_user
from lms.api import bp
from lms.api.bodies import json_body, refuse_unknown
from lms.certificates import bulk, mistyped
from lms.certificates.credential import sign_credential
from lms.certificates.verification import EMPTY, MAX_BULK
from lms.errors import DomainError, NotFoundError
from lms.i18n import _
from lms.security import access, json_csrf_exempt, same_for_everyone
from lms.web.certs.helpers import (
    HTTP_STATUS,
    bulk_limit,
    credential_base_url,
    download_headers,
    lookup,
    lookup_each,
    no_store,
    verdicts,
    verify_limit,
)


class BadBody(DomainError):
    code = "bad_request"


class TooManyCodes(DomainError):
    code = "too_many"


class CredentialRevoked(DomainError):
    code = "revoked"
    status = 410


@bp.get("/certificates/<code>")
@access.public
@same_for_everyone
@verify_limit
def certificate(code: str):
    [result] = lookup([code]) or [{"query": code, "code": code, "status": "invalid"}]
    db.session.commit()  # the look-up log
    body: dict[str, Any] = {key: value for key, value in result.items() if key != "query"}
    if result["status"] == "not_found":
        body["error"] = {"code": "not_found", "message": _("No certificate has this code.")}
    elif result["status"] == "invalid":
        body["error"] = {"code": "invalid_code", "message": mistyped.message(code)}
    return no_store(jsonify(body)), HTTP_STATUS[result["status"]]


@bp.post("/certificates/verify")
@access.public
@same_for_everyone
@json_csrf_exempt
@bulk_limit
def verify_certificates():
    """One result per code sent, in order, with its ``index`` and the ``query`` exactly as sent; a blank code is
    ``empty`` (not looked up), so a program can match every answer to what it sent. A code sent again (perhaps
    written another way) has ``same_as``, the ``index`` of its first result; ``counts`` count every result."""
    body = json_body()
    if isinstance(body, dict):
        refuse_unknown(body, ("codes",))
    codes = body.get("codes") if isinstance(body, dict) else None
    if not isinstance(codes, list):
        raise BadBody(_('Send a JSON object with a list of codes, like {"codes": ["K7QM-X3HT-..."]}.'))
    if not all(isinstance(code, str) for code in codes):
        raise BadBody(_("Every code must be a string."))
    if len(codes) > MAX_BULK:
        raise TooManyCodes(_("You sent %(count)d codes; verify at most %(max)d at a time.", count=len(codes), max=MAX_BULK))
    results = bulk.mark_repeats(mistyped.explained(bulk.mark_numbers(lookup_each(codes))))
    db.session.commit()
    counts = {status: sum(1 for r in results if r["status"] == status) for status in (*HTTP_STATUS, bulk.NUMBER, EMPTY)}
    return no_store(jsonify({"results": results, "counts": counts}))


@bp.get("/certificates/<code>/credential.jwt")
@access.public
@same_for_everyone
@verify_limit
def certificate_credential(code: str):
    [verdict] = verdicts([code]) or [None]
    cert = verdict.certificate if verdict else None
    if cert is None:
        db.session.commit()  # the look-up log
        if verdict is None or verdict.status == "invalid":
            raise DomainError(mistyped.message(code))
        raise NotFoundError(_("No certificate has this code."))
    if verdict.status == "revoked":
        db.session.commit()  # the look-up log
        raise CredentialRevoked(_("This certificate was revoked, so its digital credential can no longer be "
                                  "downloaded. Its verification page shows when and why."))
    token = sign_credential(cert, get_user(cert.user_id), credential_base_url())
    filename = f"certificate-{cert.number}.jwt"
    db.session.commit()  # the log, and the signing key if this was the first signature
    return Response(token, mimetype="application/jwt", headers=download_headers(filename))


_CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "Verification code, any case, with or without hyphens",
}
_DATE = {"type": ["string", "null"], "format": "date"}
_STATUSES = ["valid", "expired", "revoked", "not_found", "invalid"]
_RESULT_FIELDS = {
    "code": {"type": "string", "description": "The code in display form (K7QM-X3HT-...), or as sent when not found"},
    "status": {"type": "string", "enum": _STATUSES},
    "number": {"type": "string", "description": "Certificate number to quote"},
    "holder_name": {"type": "string"},
    "course": {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "titles": {"type": "object", "additionalProperties": {"type": "string"}},
            "version": {"type": "string"},
            "kind": {"type": "string", "enum": ["core", "continuing", "specialty"]},
        },
    },
    "minutes": {
        "type": "object",
        "properties": {name: {"type": "integer", "minimum": 0} for name in ("live", "self_paced", "field", "total")},
    },
    "competency_areas": {"type": "array", "items": {"type": "string"}},
    "started_on": _DATE,
    "completed_on": _DATE,
    "issued_on": _DATE,
    "expires_on": _DATE,
    "revoked_on": _DATE,
    "issuer": {"type": "object", "properties": {"name": {"type": "string"}}},
    "revocation_reason": {"type": ["string", "null"]},
}
OPENAPI_SCHEMAS = {
    "CertificateVerdict": {"type": "object", "required": ["code", "status"], "properties": _RESULT_FIELDS},
    "CertificateNotFound": {
        "type": "object",
        "required": ["code", "status", "error"],
        "properties": {
            "code": {"type": "string"},
            "status": {"type": "string", "enum": ["not_found", "invalid"]},
            "error": {"$ref": "#/components/schemas/Error/properties/error"},
        },
    },
    "BulkVerification": {
        "type": "object",
        "required": ["results", "counts"],
        "properties": {
            "results": {
                "type": "array",
                "description": "One result per code sent, in the order sent (index 0 first), blank codes included",
                "items": {
                    "type": "object",
                    "required": ["index", "query", "code", "status"],
                    "properties": {
                        "index": {"type": "integer", "minimum": 0, "description": "Position of the code in codes"},
                        "query": {"type": "string", "description": "The code exactly as sent (spaces and all)"},
                        **_RESULT_FIELDS,
                        "code": {"type": "string", "description": (
                            "The code in display form (K7QM-X3HT-...), or as sent without surrounding spaces when not "
                            "found; empty for an empty query")},
                        "status": {"type": "string", "enum": [*_STATUSES, bulk.NUMBER, EMPTY], "description": (
                            "empty: the code sent was empty or only spaces; nothing was looked up. number: the code "
                            "sent is a certificate number (CHW-2026-000123), not a verification code; numbers are for "
                            "quoting and are not looked up: verify with the code printed below the number")},
                        "message": {"type": "string", "description": (
                            "Only with status invalid, when the code looks mistyped: what is wrong with it (a "
                            "character codes never use and where it is, characters missing or too many), in the "
                            "caller's language")},
                        "same_as": {"type": "integer", "minimum": 0, "description": (
                            "Only on a code sent again, perhaps written another way (lower case, without hyphens, as "
                            "a link): the index of the first result for the same certificate, or the same code not "
                            "found. Count the results without it to count distinct certificates")},
                    },
                },
            },
            "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                       "description": "How many results have each status (every status, 0 included; a code "
                       "sent again counts each time, see same_as)"},
        },
    },
}


def _ref(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


#: Sent with every answer of a rate-limited operation (Flask-Limiter, lms.limiter); docs/api.md, "Rate limits".
RATE_HEADERS = {
    "X-RateLimit-Limit": {"description": "Requests allowed per window (shared by the single look-ups: this, the "
                          "verification page and the credential)", "schema": {"type": "integer", "minimum": 1}},
    "X-RateLimit-Remaining": {"description": "Requests left in the window",
                              "schema": {"type": "integer", "minimum": 0}},
    "X-RateLimit-Reset": {"description": "When the window frees a request again, in Unix time (seconds)",
                          "schema": {"type": "integer"}},
}
REFUSED_HEADERS = {
    **RATE_HEADERS,
    "Retry-After": {"description": "Seconds to wait before sending the request again (sent only with 429)",
                    "schema": {"type": "integer", "minimum": 0}},
    "Cache-Control": {"description": "no-store: the same request is answered once the window moves on",
                      "schema": {"type": "string", "const": "no-store"}},
}
_ERRORS = {
    "400": {"description": "Error", "content": _ref("Error")},
    "429": {"description": "Too many look-ups from this client: wait as long as Retry-After says",
            "content": _ref("Error"), "headers": REFUSED_HEADERS},
}
OPENAPI_PATHS = {
    "/certificates/{code}": {
        "get": {
            "summary": "Verify one certificate (public; rate-limited per client and logged)",
            "operationId": "verifyCertificate",
            "security": [],
            "parameters": [_CODE],
            "responses": {
                "200": {"description": "Found: valid, expired or revoked", "content": _ref("CertificateVerdict")},
                "400": {"description": "Not shaped like a code", "content": _ref("CertificateNotFound")},
                "404": {"description": "No certificate has this code", "content": _ref("CertificateNotFound")},
                "429": _ERRORS["429"],
            },
        }
    },
    "/certificates/verify": {
        "post": {
            "summary": f"Verify up to {MAX_BULK} certificates at once (public; no CSRF token needed for a JSON body)",
            "operationId": "verifyCertificates",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["codes"],
                            "properties": {"codes": {"type": "array", "maxItems": MAX_BULK, "items": {"type": "string"}}},
                            "additionalProperties": False,
                        }
                    }
                },
            },
            "responses": {
                "200": {"description": "One result per code sent, in order", "content": _ref("BulkVerification")},
                **_ERRORS,
                "415": {"description": "The body is not sent as application/json", "content": _ref("Error")},
            },
        }
    },
    "/certificates/{code}/credential.jwt": {
        "get": {
            "summary": "The signed Open Badges 3.0 credential (VC-JWT, RS256; keys at /.well-known/jwks.json)",
            "description": "Served for valid and expired certificates (an expired one's credential has validUntil and "
            "exp), not for revoked ones (410). Its credentialStatus URL (the verification page) answers the 1EdTech "
            "revocation list to a client sending Accept: application/json, so a credential downloaded before the "
            "revocation is found revoked; its issuer.id is the issuer's Open Badges Profile.",
            "operationId": "getCertificateCredential",
            "security": [],
            "parameters": [_CODE],
            "responses": {
                "200": {"description": "Compact JWS", "content": {"application/jwt": {"schema": {"type": "string"}}}},
                "404": {"description": "No certificate has this code", "content": _ref("Error")},
                "410": {"description": "The certificate was revoked (error code revoked): no credential is issued for "
                        "it; GET /certificates/{code} says when and why", "content": _ref("Error")},
                **_ERRORS,
            },
        }
    },
}


def _with_rate_headers(paths: dict[str, Any]) -> dict[str, Any]:
    """Each response of these rate-limited operations lists the X-RateLimit-* headers it is sent with."""
    for operations in paths.values():
        for operation in operations.values():
            for response in operation["responses"].values():
                response.setdefault("headers", RATE_HEADERS)
    return paths


OPENAPI_PATHS = _with_rate_headers(OPENAPI_PATHS)
