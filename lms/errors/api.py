"""The JSON bodies of the API's errors, in words for a program's author: no pages to go back to, no home page."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask import current_app, g, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.errors.uploads import _upload_limit
from lms.i18n import _


def wants_json() -> bool:
    api_root = current_app.extensions["lms"].url_prefix + "/api/"
    return (request.blueprint or "").startswith("lms.api") or request.path.startswith(api_root)


def json_error(status: int, code: str, message: str) -> Any:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _describe_for_api(status: int) -> str:
    """The same errors in words for a program's author: no pages to go back to, no home page."""
    messages = {
        400: _("The request could not be understood. Check it against the API description (openapi.json)."),
        403: _("This account or API token does not have access to this resource."),
        404: _("There is nothing at this address. Check it against the API description (openapi.json)."),
        405: _("This method is not allowed at this address."),
        415: _("Send the body as JSON with Content-Type: application/json."),
        429: _("Too many requests. Wait as long as the Retry-After header says, then try again."),
        503: _("The service is busy or being maintained. Try again later."),
    }
    if status == 413:
        size, of_form = _upload_limit()
        if of_form:
            return _("The file sent is too large: at most %(size)s MB.", size=size)
        return _("The request body is too large: at most %(size)s MB.", size=size)
    return messages.get(status, _("Something went wrong on the server. Try again later."))


def _api_http_error(status: int, error: HTTPException) -> Any:
    if isinstance(error, CSRFError):
        return json_error(status, "csrf", _("The CSRF token is missing or not valid. Send your session's token in the "
                                            "X-CSRFToken header, or authenticate with an API token instead."))
    if status == 401:
        return _api_unauthorized()
    return json_error(status, _json_code(status, error), _describe_for_api(status))


def _api_unauthorized() -> Any:
    """401 with the challenge of RFC 6750: ``invalid_token`` when a bearer token came and is not valid. A header of
    another scheme (``Basic``, ``Token``...) authenticates nobody here: the message says so, naming the scheme."""
    from lms.security import authorization  # lms.security imports this module

    sent = authorization()  # as lms.web.auth.load_user reads it
    challenge = "Bearer"
    expired_at = g.get("lms_token_expired_at") if sent is not None and sent[0] == "bearer" else None
    if expired_at is not None:  # a token of the person's that has expired: say so, and when (also as a field)
        # i18n: %(when)s is a moment in UTC written for programs (RFC 3339), such as 2026-03-10T17:00:00Z.
        message = _("The API token expired at %(when)s. Create a new token on the API tokens page and use it "
                    "instead.", when=_rfc3339(expired_at))
        challenge = 'Bearer error="invalid_token", error_description="The token expired"'
    elif sent is not None and sent[0] == "bearer":
        message = _("The API token is not valid: it is unknown or revoked, or its owner's account is disabled.")
        challenge = 'Bearer error="invalid_token"'
    elif sent is not None:
        scheme = request.headers["Authorization"].strip().partition(" ")[0]
        # i18n: %(scheme)s is the first word of the Authorization header as sent, such as Basic or Token.
        message = _("The Authorization header uses the scheme %(scheme)s, which is not recognised here. Send Bearer "
                    "followed by the token.", scheme=scheme[:30])
    else:
        message = _("No API token was sent and nobody is signed in. Send the token in the Authorization header: Bearer "
                    "followed by the token.")
    body: dict[str, Any] = {"code": "unauthorized", "message": message}
    if expired_at is not None:
        body["expired_at"] = _rfc3339(expired_at)
    response = jsonify({"error": body})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = challenge
    return response


def _rfc3339(moment: Any) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json_code(status: int, error: HTTPException) -> str:
    if isinstance(error, CSRFError):
        return "csrf"
    return (error.name or "error").lower().replace(" ", "_")
