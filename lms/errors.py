"""Typed domain errors and the handlers that turn any error into a friendly page or a JSON body."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, Unauthorized

from lms.i18n import _, format_megabytes
from lms.waiting import wait_text


class DomainError(Exception):
    """A business rule refused the operation; ``message`` is translated and shown to the user."""

    code = "invalid"
    status = 400
    #: Names of ``details`` that the API sends beside ``code`` and ``message`` (e.g. the fields it did not know).
    public_details: tuple[str, ...] = ()

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


def upload_limit(max_bytes: Callable[[], int]) -> Callable[[Callable], Callable]:
    """Declare that a view's form takes a file of at most ``max_bytes()`` bytes (read when needed, e.g. from the
    configuration), less than the request-wide ``MAX_CONTENT_LENGTH``: a request too large for the server then gets a
    413 that states the form's limit, the one its page tells people, not the server's. The view still checks the
    file itself (a file between the two limits reaches it)."""

    def declare(view: Callable) -> Callable:
        view._lms_upload_limit = max_bytes  # type: ignore[attr-defined]
        return view

    return declare


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


def handle_http_error(error: HTTPException) -> Any:
    status = error.code or 500
    if wants_json():
        return _with_headers_of(error, _api_http_error(status, error))
    if isinstance(error, Unauthorized):
        return redirect(url_for("lms.accounts.login", next=request.full_path.rstrip("?")))
    title, message = _describe(status)
    back_label = None
    if isinstance(error, CSRFError):
        if _is_stale_sign_in():  # signed in from another tab meanwhile: what they asked for is done
            from lms.web.safety import safe_next  # lms.web imports this module

            flash(_("You are signed in."), "info")
            return redirect(safe_next(request.form.get("next") or request.args.get("next")) or url_for("lms.main.home"))
        # Only the browser's Back shows the form as it was sent (reloading it or the link below opens it empty), but
        # that copy still carries the expired token: sent again from there, it is refused again. So: Back to copy
        # the text, then a fresh form. Not every box is restored on Back (autocomplete="off": quizzes, bulk forms).
        title, message, back_label = _("Form expired"), _(
            "We could not accept this form: it was opened before you last signed in or out, or it was sent from "
            "another site. To keep what you typed, use your browser's Back button: the form usually still shows it "
            "there. Copy your text, then open the form again with the link below (it opens empty), paste your text "
            "in and send it."
        ), _("Open the form again (empty)")
    elif status == 413:
        message = _too_large_message()
    elif status == 429:
        message = _too_many_message(error)
    page, status = error_page(status, title, message, back_label)
    return page, status, _protocol_headers(error)


def _too_many_message(error: HTTPException) -> str:
    """The 429 page's words: the limit's own (``error_message=``, lms.web.org_limits), translated, or the general
    ones, and how long to wait (:func:`lms.waiting.wait_text`) when the limit can say."""
    own = getattr(getattr(error, "limit", None), "error_message", None)
    wait = wait_text()
    if own and wait is None:
        return error.description
    if own:
        # i18n: %(wait)s is a length of time in words, such as "2 minutes" or "1 hour".
        return error.description + " " + _("You can try again in %(wait)s.", wait=wait)
    if wait is None:
        return _describe(429)[1]
    # i18n: %(wait)s is a length of time in words, such as "2 minutes" or "1 hour".
    return _("Please wait %(wait)s and try again.", wait=wait)


def _is_stale_sign_in() -> bool:
    """A sign-in form of this site sent by someone who is signed in now: a form opened before they signed in from
    another tab (signing in ends the browser's CSRF token). Sent from another site (``Origin`` or else ``Referer``
    of another host, or neither), it stays a "Form expired" refusal."""
    if request.endpoint != "lms.accounts.login" or request.method != "POST" or g.get("lms_user") is None:
        return False
    sent_from = request.headers.get("Origin") or request.referrer or ""
    source = urlsplit(sent_from)
    return source.scheme in ("http", "https") and source.netloc == request.host


def _protocol_headers(error: HTTPException) -> list[tuple[str, str]]:
    """What the error says in headers besides its body: ``Allow`` on a 405, ``Retry-After`` on a 429 or 503,
    ``WWW-Authenticate`` on a 401, ``Content-Range`` on a 416. Our pages and JSON bodies replace Werkzeug's own, so
    its ``Content-Type`` is left behind."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def _with_headers_of(error: HTTPException, response: Any) -> Any:
    """``response`` with the error's protocol headers, except one the response set itself (our 401's challenge)."""
    for name, value in _protocol_headers(error):
        if name not in response.headers:
            response.headers.add(name, value)
    return response


def _too_large_message() -> str:
    size, of_form = _upload_limit()
    if of_form:
        return _("The file you sent is too large: this form takes a file of at most %(size)s MB. Go back and choose "
                 "a smaller file.", size=size)
    return _("The file you sent is too large: one form can send at most %(size)s MB. Go back and choose a smaller "
             "file.", size=size)


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


def handle_domain_error(error: DomainError) -> Any:
    if wants_json():
        extra = {name: error.details[name] for name in error.public_details if name in error.details}
        response = jsonify({"error": {"code": error.code, "message": error.message, **extra}})
        response.status_code = error.status
        response.headers.extend(getattr(error, "headers", {}))  # e.g. a 403's Bearer challenge (insufficient_scope)
        return response
    title, _message = _describe(error.status)
    return error_page(error.status, title, error.message)


def error_page(status: int, title: str, message: str, back_label: str | None = None) -> Any:
    """The friendly error page (and status) with a title and message already translated."""
    page = render_template("lms/error.html", status=status, title=title, message=message, back_url=_back_url(),
                           back_label=back_label or _("Go back"))
    return page, status


def _back_url() -> str | None:
    """Where "Go back" leads: the page of this site that the request came from (its ``Referer``, path and query
    only), else, for a form sent to an address that also shows it (``GET``), that address. None when neither."""
    here = request.full_path.rstrip("?")
    referer = urlsplit(request.referrer or "")
    if referer.scheme in ("http", "https") and referer.netloc == request.host:
        target = referer.path + (f"?{referer.query}" if referer.query else "")
        if _is_local_path(target) and (target != here or request.method != "GET"):
            return target
    rule = request.url_rule
    if request.method != "GET" and rule is not None and "GET" in (rule.methods or ()):
        return here
    return None


def _is_local_path(target: str) -> bool:
    """A path on this host, never one a browser reads as another host (``//evil``, ``/\\evil``)."""
    return target.startswith("/") and not target.startswith("//") and "\\" not in target and target.isprintable()


def _upload_limit() -> tuple[str, bool]:
    """The limit a 413 states, in MB as the reader writes numbers (``2.5``, ``2,5``), and whether it is the form's
    own (:func:`upload_limit`) rather than the largest request body (``MAX_CONTENT_LENGTH``): the smaller of the two."""
    request_limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
    declared = getattr(current_app.view_functions.get(request.endpoint or ""), "_lms_upload_limit", None)
    form_limit = declared() if declared is not None else None
    of_form = form_limit is not None and (not request_limit or form_limit < request_limit)
    return format_megabytes(form_limit if of_form else request_limit), of_form


def handle_database_down(error: Exception) -> Any:
    """The database cannot be reached: a clear 503 (the pool reconnects by itself once it is back)."""
    from werkzeug.exceptions import ServiceUnavailable

    from lms import db

    current_app.logger.error("database unavailable: %s", error)
    try:
        db.session.rollback()
    except Exception:
        db.session.remove()
    return handle_http_error(ServiceUnavailable(retry_after=30))  # the page and the JSON alike say Retry-After: 30


def handle_unexpected(error: Exception) -> Any:
    from lms import db

    current_app.logger.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
    db.session.rollback()
    return handle_http_error(InternalServerError())
