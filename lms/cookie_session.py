"""Flask's signed-cookie session, with its signing serializer made once per process instead of on every request.

Flask builds an ``itsdangerous`` serializer in ``open_session`` (and in ``save_session`` when it sets the cookie) on
every request, signed in or not (about 30 µs each here, a tenth of what serving the stylesheet costs). The serializer
depends only on the secret key, its fallbacks and the interface's fixed settings, so one is kept per key set: a
changed key (or fallback list) gets a new one. ``save_session`` reads the seven cookie settings only when it sets or
deletes the cookie. Cookies and headers are the same bytes as with Flask's own interface.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Response
from itsdangerous import URLSafeTimedSerializer


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    """:class:`flask.sessions.SecureCookieSessionInterface` with the serializer kept per secret key set."""

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

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        # Flask's own method, minus reading the cookie settings when the cookie is neither set nor deleted: an
        # unchanged session that is empty, or that need not be refreshed on every request (not permanent).
        if not session.modified and (not session or not self.should_set_cookie(app, session)):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
