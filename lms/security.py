"""Access control declared per endpoint, the request's user, CSRF for every state change, and tokens.
Response headers: :mod:`lms.security_headers`.

Every LMS view carries exactly one policy (``@access.public``, ``@access.signed_in``, ``@access.role(...)``,
``@access.org_manager``). A ``before_request`` hook enforces it, and a test walks ``app.url_map`` so that no endpoint
can be added without one.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, flash, g, request, session
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, Unauthorized
from werkzeug.local import LocalProxy
from wtforms import ValidationError

from lms.db import MAX_ID
from lms.errors import DomainError, wants_json
from lms.i18n import _
from lms.json_text import InvalidJSON, refuse_bad_text, too_deep

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class AnonymousUser:
    """Stands in for the user when nobody is signed in."""

    id = None
    is_authenticated = False
    is_admin = False
    is_trainer = False
    locale = None
    timezone = None
    name = ""

    def __bool__(self) -> bool:
        return False


ANONYMOUS = AnonymousUser()


def _current_user() -> Any:
    return g.get("lms_user") or ANONYMOUS


#: The signed-in user of this request, or an :class:`AnonymousUser`.
current_user: Any = LocalProxy(_current_user)


@dataclass(frozen=True)
class Policy:
    """Who may call an endpoint. ``roles`` empty means any signed-in user; ``org_manager`` scopes to the
    organisation named by the ``org_slug`` URL argument."""

    name: str
    needs_user: bool = True
    roles: frozenset[str] = field(default_factory=frozenset)
    org_manager: bool = False
    api_token_ok: bool = True

    def __call__(self, view: Callable) -> Callable:
        view._lms_access = self  # type: ignore[attr-defined]
        return view


class access:
    """The policies an LMS endpoint can declare."""

    public = Policy("public", needs_user=False)
    signed_in = Policy("signed_in")
    trainer = Policy("trainer", roles=frozenset({"trainer", "admin"}))
    admin = Policy("admin", roles=frozenset({"admin"}))
    org_manager = Policy("org_manager", org_manager=True)

    @staticmethod
    def role(*roles: str) -> Policy:
        return Policy("role:" + ",".join(sorted(roles)), roles=frozenset(roles) | {"admin"})


def policy_for(endpoint: str | None) -> Policy | None:
    if endpoint is None:
        return None
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "_lms_access", None)


def enforce_policy() -> None:
    """``before_request`` for LMS blueprints: deny by default, then apply the endpoint's policy."""
    policy = policy_for(request.endpoint)
    if policy is None:
        current_app.logger.error("endpoint %s declares no access policy", request.endpoint)
        raise Forbidden()
    if not policy.needs_user:
        return
    user = g.get("lms_user")
    if user is None:
        if request.method not in SAFE_METHODS and not wants_json():
            _say_the_form_was_lost()
        raise Unauthorized()
    if g.get("lms_via_token") and not policy.api_token_ok:
        raise Forbidden()
    if user.is_admin:
        return
    if policy.roles and user.site_role not in policy.roles:
        raise Forbidden()
    if policy.org_manager:
        slug = (request.view_args or {}).get("org_slug")
        if not slug or slug not in manager_org_slugs(user):
            raise Forbidden()


def _say_the_form_was_lost() -> None:
    """A form sent after the sign-in ended (idle, signed out in another tab) goes nowhere: the sign-in page it is sent
    to says so, or the person would believe their quiz answers or hours were sent."""
    flash(_("You were signed out, so what you sent was not saved. If it was a quiz, no attempt was used. "
            "Sign in, then try again."), "error")


def manager_org_slugs(user: Any) -> set[str]:
    """Slugs of the organisations the user manages (cached for the request)."""
    if "lms_managed" not in g:
        g.lms_managed = current_app.extensions["lms"].managed_org_slugs(user)
    return g.lms_managed


def _has_no_input() -> bool:
    """No query string and no body type: ``request.args`` and ``request.form`` are empty and the body is not JSON
    (Werkzeug parses a form only when a ``Content-Type`` is sent), known without building either. Most requests."""
    environ = request.environ
    return not environ.get("QUERY_STRING") and not environ.get("CONTENT_TYPE")


def reject_nul_bytes() -> None:
    """No text anywhere may contain NUL: databases refuse it, and no person types it. A multipart part whose header
    cannot be read (e.g. a field name with a line break) arrives with no name: refused too. A JSON body may not hold a
    lone surrogate either (a form or query string cannot: Werkzeug keeps bytes that are not UTF-8 as the %XX sent);
    there the 400 ``invalid_json`` names the field (:mod:`lms.json_text`)."""
    if _has_no_input():
        return
    for values in (request.args, request.form):
        if any(key is None or "\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            raise BadRequest()
    if request.is_json and not _reads_own_json():  # such a view refuses a NUL or a surrogate itself, rate-limited
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # e.g. [[[[...]]]] thousands deep; ``silent`` only covers ValueError
            raise InvalidJSON(too_deep()) from None
        refuse_bad_text(body)


def reject_out_of_range_ids() -> None:
    """An ``<int:...>`` URL argument too large for any id names nothing: 404 (the database would refuse the query)."""
    if any(isinstance(value, int) and value > MAX_ID for value in (request.view_args or {}).values()):
        raise NotFound()


class NotJSON(DomainError):
    """A JSON-only endpoint got a body of another type (a form, ``text/plain``, curl's default)."""

    code = "unsupported_media_type"
    status = 415


def check_csrf() -> None:
    """Refuse any state-changing request without a valid CSRF token (bearer-token API calls excepted). A safe method
    (GET, HEAD, OPTIONS) needs none, so it may carry no form: Flask answers HEAD with the GET view, and a view that
    reads its form whenever the method is not GET would otherwise act on a HEAD without a token."""
    if request.method in SAFE_METHODS:
        if request.environ.get("CONTENT_TYPE") and request.form:
            raise BadRequest()
        return
    if g.get("lms_via_token"):
        return
    if _reads_own_json():
        return  # the view refuses any body but JSON itself (415), inside its rate limit, before it does anything
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise CSRFError(str(exc)) from exc


def same_for_everyone(view: Callable) -> Callable:
    """For a public endpoint whose answer is the same whoever calls (the API description, certificate verification,
    the course list): a bearer token that is not valid (revoked, mistyped, its owner disabled) is ignored there and the
    call is answered as for anyone, instead of a 401 that would block a public resource. A valid token still counts.
    Endpoints whose answer depends on the caller keep the 401: answering them as anonymous would hide the bad token."""
    view._lms_same_for_everyone = True  # type: ignore[attr-defined]
    return view


def is_same_for_everyone() -> bool:
    return getattr(current_app.view_functions.get(request.endpoint or ""), "_lms_same_for_everyone", False)


def authorization() -> tuple[str, str] | None:
    """The ``Authorization`` header as ``(scheme, credentials)``, the scheme in lower case (RFC 7235: it is
    case-insensitive, so ``bearer`` and ``BEARER`` are Bearer); None when the header is absent or blank."""
    scheme, _space, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    return (scheme.lower(), credentials.strip()) if scheme else None


def json_csrf_exempt(view: Callable) -> Callable:
    """For a public JSON endpoint that acts for nobody (e.g. bulk certificate verification by an employer's script):
    a JSON body needs no CSRF token, and any other body is refused (415). A cross-site page cannot send
    ``application/json`` without a CORS preflight, which is never granted, and the endpoint uses no one's session.
    The view must read its body with :func:`lms.api.bodies.json_body` before doing anything else: that refuses a
    body other than JSON (415) and text no field may hold (400), inside the view's rate limit, so those answers
    carry its ``X-RateLimit-*`` headers as every other answer of it does (docs/api.md)."""
    view._lms_json_no_csrf = True  # type: ignore[attr-defined]
    return view


def _reads_own_json() -> bool:
    """The request is for a :func:`json_csrf_exempt` view, which checks its body itself."""
    return bool(getattr(current_app.view_functions.get(request.endpoint or ""), "_lms_json_no_csrf", False))


def forget_csrf_token() -> None:
    """End this browser's CSRF token with its sign-in (call on signing in and out): CSRF tokens have no time limit
    (``WTF_CSRF_TIME_LIMIT = None``, so a form left open for hours still goes through), so they must die with the
    session instead. The next page gets a new one."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """Tokens (sessions, API, invitations) are stored only as SHA-256 digests; they are long and random."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
