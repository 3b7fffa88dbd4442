"""The friendly error pages, and the handlers Flask calls for any error (they answer the API in JSON: see
:mod:`lms.errors.api`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, Unauthorized

from lms.errors.api import _api_http_error, wants_json
from lms.errors.domain import DomainError
from lms.errors.uploads import _too_large_message
from lms.i18n import _
from lms.waiting import wait_text


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
        # As for "Form expired": only the browser's Back shows the form as it was typed (the link opens it empty).
        message, back_label = _too_large_message(), _("Open the form again (empty)")
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
                           back_label=back_label or _("Go back"), history_back=status == 413)
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
