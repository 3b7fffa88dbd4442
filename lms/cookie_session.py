"""Flask's signed-cookie session, with its signing serializer made once per process instead of on every request, and
a permanent session's cookie sent again only every few minutes instead of on every response.

Flask builds an ``itsdangerous`` serializer in ``open_session`` (and in ``save_session`` when it sets the cookie) on
every request, signed in or not (about 30 µs each here, a tenth of what serving the stylesheet costs). The serializer
depends only on the secret key, its fallbacks and the interface's fixed settings, so one is kept per key set: a
changed key (or fallback list) gets a new one. ``save_session`` reads the seven cookie settings only when it sets or
deletes the cookie. Cookies are the same bytes as with Flask's own interface.

A sign-in is a permanent session (``lms.web.auth.login_user``), so its cookie outlives the browser and expires after
``PERMANENT_SESSION_LIFETIME`` (the standalone app sets it to ``LMS_SESSION_IDLE_DAYS``). Flask would sign and send
that cookie again on every response to slide its expiry; here an unchanged one is sent again once it was signed
:data:`COOKIE_REFRESH_INTERVAL` ago (the cookie's own signed timestamp says when), and never on a response that
shared caches may keep (``Cache-Control: public``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: How often an unchanged permanent session's cookie is sent again with a new expiry. The server-side sign-in notes
#: itself seen as often (``lms.accounts.login_sessions.SESSION_TOUCH_INTERVAL``), so cookie and sign-in lapse together.
COOKIE_REFRESH_INTERVAL = timedelta(minutes=5)


class TimedSession(SecureCookieSession):
    """The session, with the time its cookie was signed (None for a new session)."""

    signed_at: datetime | None = None


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    """:class:`flask.sessions.SecureCookieSessionInterface` with the serializer kept per secret key set and permanent
    cookies refreshed every :data:`COOKIE_REFRESH_INTERVAL`."""

    session_class = TimedSession

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        key = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        found = self._serializers.get(key)
        if found is None:
            found = super().get_signing_serializer(app)
            if len(self._serializers) > 8:  # keys are not rotated often; never let a changing key grow this
                self._serializers.clear()
            self._serializers[key] = found
        return found

    def open_session(self, app: Flask, request: Request) -> TimedSession | None:
        # Flask's own method, keeping the cookie's signing time.
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        try:
            data, signed_at = serializer.loads(cookie, max_age=int(app.permanent_session_lifetime.total_seconds()),
                                               return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or datetime.now(UTC) - signed_at >= COOKIE_REFRESH_INTERVAL

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        # Flask's own method, minus reading the cookie settings when the cookie is neither set nor deleted: an
        # unchanged session that is empty, that need not be refreshed yet, or whose response a shared cache may keep.
        if not session.modified and (
            not session or response.cache_control.public or not self.should_set_cookie(app, session)
        ):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
