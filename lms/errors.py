"""Typed domain errors and the handlers that turn any error into a friendly page or a JSON body."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, Unauthorized

from lms.i18n import _


class DomainError(Exception):
    """A business rule refused the operation; ``message`` is translated and shown to the user."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFoundError(DomainError):
    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class ConflictError(DomainError):
    code = "conflict"
    status = 409


def wants_json() -> bool:
    api_root = current_app.extensions["lms"].url_prefix + "/api/"
    return (request.blueprint or "").startswith("lms.api") or request.path.startswith(api_root)


def json_error(status: int, code: str, message: str) -> Any:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _describe(status: int) -> tuple[str, str]:
    titles = {
        400: (_("Bad request"), _("We could not understand that request. Please go back and try again.")),
        401: (_("Please sign in"), _("You need to sign in to see this page.")),
        403: (_("Not allowed"), _("Your account does not have access to this page.")),
        404: (_("Page not found"), _("We could not find that page. Check the address or go to the home page.")),
        405: (_("Not allowed"), _("That action is not available here.")),
        413: (_("File too large"), _("The file you sent is too large. Please send a smaller file.")),
        429: (_("Too many attempts"), _("Please wait a few minutes and try again.")),
        503: (_("Temporarily unavailable"), _("The service is busy or being maintained. Please try again soon.")),
    }
    return titles.get(status, (_("Something went wrong"), _("We are sorry: something went wrong on our side.")))


def handle_http_error(error: HTTPException) -> Any:
    status = error.code or 500
    if isinstance(error, Unauthorized) and not wants_json():
        return redirect(url_for("lms.accounts.login", next=request.full_path.rstrip("?")))
    title, message = _describe(status)
    if isinstance(error, CSRFError):
        title, message = _("Form expired"), _(
            "This form has expired or was sent from another site. Go back, reload the page and try again."
        )
    if wants_json():
        return json_error(status, _json_code(status, error), message)
    return render_template("lms/error.html", status=status, title=title, message=message), status


def _json_code(status: int, error: HTTPException) -> str:
    if isinstance(error, CSRFError):
        return "csrf"
    return (error.name or "error").lower().replace(" ", "_")


def handle_domain_error(error: DomainError) -> Any:
    if wants_json():
        return json_error(error.status, error.code, error.message)
    title, _message = _describe(error.status)
    return render_template("lms/error.html", status=error.status, title=title, message=error.message), error.status


def handle_database_down(error: Exception) -> Any:
    """The database cannot be reached: a clear 503 (the pool reconnects by itself once it is back)."""
    from werkzeug.exceptions import ServiceUnavailable

    from lms import db

    current_app.logger.error("database unavailable: %s", error)
    try:
        db.session.rollback()
    except Exception:
        db.session.remove()
    response = handle_http_error(ServiceUnavailable())
    if isinstance(response, tuple):
        body, status = response
        return body, status, {"Retry-After": "30"}
    response.headers["Retry-After"] = "30"
    return response


def handle_unexpected(error: Exception) -> Any:
    from lms import db

    current_app.logger.exception("unhandled error", exc_info=error)
    db.session.rollback()
    return handle_http_error(InternalServerError())
