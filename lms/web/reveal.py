"""A secret shown once, on the page a form redirects to (Post/Redirect/Get), e.g. a new API token.

The secret rides in the session cookie between the POST and the GET that shows it. Flask's session is only signed,
so anyone holding the cookie could read it, and an API token outlives the sign-in session (signing out does not
revoke it): the value is therefore encrypted (JWE, AES-256-GCM with a key derived from ``SECRET_KEY``), bound to the
person who created it, and refused after a few minutes. Taking it removes it from the session.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from flask import current_app, session
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

MAX_AGE_SECONDS = 600
_HEADER = {"alg": "dir", "enc": "A256GCM"}


def _key() -> OctKey:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode("utf-8") if isinstance(secret, str) else secret
    return OctKey.import_key(hmac.new(secret, b"lms-reveal-once", hashlib.sha256).digest())


def keep(name: str, value: str, user_id: int) -> None:
    """Hold ``value`` for the next :func:`take` of ``name`` by the same user."""
    plain = json.dumps({"v": value, "u": user_id, "t": int(time.time())}).encode("utf-8")
    session[f"lms_reveal_{name}"] = jwe.encrypt_compact(_HEADER, plain, _key())


def take(name: str, user_id: int) -> str | None:
    """The value kept under ``name`` for this user, once; None if there is none, it is stale or someone else's."""
    sealed = session.pop(f"lms_reveal_{name}", None)
    if not isinstance(sealed, str):
        return None
    try:
        data = json.loads(jwe.decrypt_compact(sealed, _key()).plaintext or b"")
    except (JoseError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("u") != user_id:
        return None
    if not isinstance(data.get("t"), int) or not 0 <= time.time() - data["t"] <= MAX_AGE_SECONDS:
        return None
    return data.get("v") if isinstance(data.get("v"), str) else None
