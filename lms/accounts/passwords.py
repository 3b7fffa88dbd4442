"""Password hashing with Argon2id at or above OWASP's minimum (m=19 MiB, t=2, p=1)."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Flask, current_app

OWASP_MIN_MEMORY_KIB = 19456
OWASP_MIN_TIME_COST = 2
MIN_LENGTH = 10
MAX_LENGTH = 128


def make_hasher(app: Flask) -> PasswordHasher:
    """Argon2id hasher from ``LMS_ARGON2_*`` settings (tests may lower them; production never below OWASP)."""
    return PasswordHasher(
        time_cost=app.config["LMS_ARGON2_TIME_COST"],
        memory_cost=app.config["LMS_ARGON2_MEMORY_COST"],
        parallelism=app.config["LMS_ARGON2_PARALLELISM"],
    )


def _hasher() -> PasswordHasher:
    return current_app.extensions["lms"].password_hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


#: Verifying against this when the account does not exist keeps sign-in timing the same either way.
_DUMMY: dict[int, str] = {}


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    if password_hash is None:
        dummy = _DUMMY.setdefault(id(hasher), hasher.hash("not-a-real-password"))
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy, password)
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
