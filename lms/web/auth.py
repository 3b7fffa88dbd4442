"""Who is making this request: a server-side sign-in session (browser) or a personal API token (API)."""

from __future__ import annotations

from flask import abort, current_app, g, request, session

from lms import db
from lms.accounts import api_tokens, login_sessions
from lms.accounts.models import User
from lms.i18n import _
from lms.security import SAFE_METHODS, authorization, forget_csrf_token, is_same_for_everyone

SESSION_KEY = "lms_sid"

#: Endpoints served alike to everyone that never read the session: a static file (a shared cache may keep it, so no
#: ``Vary: Cookie``) and the health checks a load balancer calls. Nobody is signed in on them.
SESSIONLESS_ENDPOINTS = frozenset({"lms.main.static", "lms.health.healthz", "lms.health.readyz"})


def load_user() -> None:
    """Set ``g.lms_user`` once per request; a revoked or idle session counts as signed out."""
    if "lms_user" in g:
        return
    g.lms_user = None
    g.lms_via_token = False
    g.lms_api_token = None
    if request.endpoint in SESSIONLESS_ENDPOINTS:
        return
    sent = authorization()
    if sent is not None and sent[0] == "bearer" and (request.blueprint or "").startswith("lms.api"):
        check = api_tokens.check_bearer_token(sent[1]) if sent[1] else api_tokens.BearerCheck()
        if check.token is None and not is_same_for_everyone():
            g.lms_token_expired_at = check.expired_at  # the 401 says the token expired (lms.errors)
            abort(401)
        g.lms_api_token = check.token
        g.lms_token_expires_soon_at = check.expires_soon_at  # the API's answer says so (lms.api.warn_of_token_expiry)
        g.lms_user = check.token.user if check.token is not None else None
        g.lms_via_token = g.lms_user is not None
    elif SESSION_KEY in session:
        found = login_sessions.user_for_session(str(session[SESSION_KEY]), current_app.config["LMS_SESSION_IDLE_DAYS"])
        if found is None:
            session.pop(SESSION_KEY, None)
        else:
            g.lms_user, g.lms_managed = found  # security.manager_org_slugs reads g.lms_managed
            if not session.permanent and current_app.config["LMS_REMEMBER_SIGN_IN"]:
                session.permanent = True  # a sign-in made before sign-ins were remembered: from now on
    else:
        return  # nobody to look up: no database session is opened for a visitor's stylesheet or form
    if db.session.dirty:
        db.session.commit()  # last-seen / last-used touches, throttled by the services
    if request.method not in SAFE_METHODS and not is_same_for_everyone():
        refuse_read_only_token()


def refuse_read_only_token(message: str | None = None) -> None:
    """403 ``insufficient_scope`` (RFC 6750) when this request came with a read-only API token: called for every
    method that may change data (above), and by a GET that does (the payroll export, which locks a pay period).
    Endpoints answered the same for everyone (bulk certificate verification) act for nobody and are let through."""
    token = g.get("lms_api_token")
    if token is None or not token.is_read_only:
        return
    raise api_tokens.InsufficientScope(
        message or _("This API token is read only, so it cannot change anything. Create a token with read and "
                     "write access on the API tokens page to do this."))


def login_user(user: User) -> None:
    """Start a fresh session (a new token defeats session fixation)."""
    old = session.pop(SESSION_KEY, None)
    if old:
        login_sessions.end_session(str(old))
    forget_csrf_token()
    session[SESSION_KEY] = login_sessions.start_session(user, request.user_agent.string)
    if current_app.config["LMS_REMEMBER_SIGN_IN"]:
        # The cookie outlives the browser (a phone closes it often); the sign-in still ends on signing out, on being
        # disabled and after LMS_SESSION_IDLE_DAYS unused (login_sessions.user_for_session).
        session.permanent = True
    g.lms_user = user
    g.pop("lms_managed", None)  # another person's organisations, if any were loaded in this request


def logout_user() -> None:
    token = session.pop(SESSION_KEY, None)
    if token:
        login_sessions.end_session(str(token))
    forget_csrf_token()
    g.lms_user = None
    g.pop("lms_managed", None)
