"""Passwords: the rules a new one must meet, and hashing with Argon2id at or above OWASP's minimum (m=19 MiB, t=2,
p=1).

A new password (sign-up, reset, change, ``lms create-user``, ``lms demo``) must have 10 to 128 characters and must not
be easy to guess, as NIST SP 800-63B asks of verifiers: no common or breached password, no run of repeated or
sequential characters, no keyboard pattern, no password made of the person's own name or email address or of words
of this site. The guessing estimate is zxcvbn's (Dropbox's estimator, with its bundled lists of common passwords,
names and words; nothing is fetched at run time); :data:`MIN_SCORE` is the least it must reach. Passwords already set
are not checked again: their owners sign in as before.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Flask, current_app
from zxcvbn import zxcvbn

from lms.errors import DomainError
from lms.i18n import _

OWASP_MIN_MEMORY_KIB = 19456
OWASP_MIN_TIME_COST = 2
MIN_LENGTH = 10
MAX_LENGTH = 128
#: zxcvbn's score (0-4) a new password must reach: 2 is "somewhat guessable", over a million guesses, far beyond what
#: the sign-in rate limits let anyone try; 0 and 1 are passwords like ``1234567890``, ``password12`` or ``qwerty123``.
MIN_SCORE = 2
#: zxcvbn's time grows quickly with length (0.1 s at 64 characters, 0.5 s at 128): only this many leading characters
#: are scored. A longer password is at least as hard to guess as its beginning.
SCORED_LENGTH = 64
#: Words of this site and common Spanish passwords that zxcvbn's English lists lack; scored as the most common words.
CONTEXT_WORDS = (
    "chw", "chwlearn", "chw learn", "learn", "training", "community health worker", "promotor", "promotora",
    "promotores", "promotoras", "salud", "contraseña", "contrasena", "clave", "teamo", "te amo", "tequiero",
    "mariposa", "princesa", "familia", "corazon", "amor", "hola", "bienvenido",
)
_NOT_LETTERS = re.compile(r"[\W\d_]+")


class WeakPassword(DomainError):
    """The new password is too easy to guess; ``message`` says why."""

    code = "weak_password"


def check_password_strength(password: str, *, email: str = "", name: str = "") -> None:
    """Raise :class:`WeakPassword` if ``password`` is common or guessable, also from the person's ``email`` or
    ``name``. Only the length limits are checked elsewhere (:data:`MIN_LENGTH`, :data:`MAX_LENGTH`)."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise WeakPassword(problem)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is too easy to guess (a translated message), or None when it is not."""
    personal = _personal_words(email, name)
    if _letters(password) in {_letters(word) for word in personal} - {""}:
        return _personal_message()
    result = zxcvbn(password[:SCORED_LENGTH], user_inputs=[*personal, *CONTEXT_WORDS], max_length=SCORED_LENGTH)
    if result["score"] >= MIN_SCORE:
        return None
    if any(match.get("dictionary_name") == "user_inputs" and match.get("matched_word") in personal
           for match in result["sequence"]):
        return _personal_message()
    return _weakness_message(result["sequence"])


def _weakness_message(sequence: list[dict]) -> str:
    """Why zxcvbn finds a password easy to guess, in our own words (its feedback is English only), from the pattern
    that covers most of it: ten 🌻 are a repeat, not a common password."""
    matches = [match for match in sequence if match["pattern"] != "bruteforce"]
    if not matches:
        return _("This password is too easy to guess. Choose one that is harder to guess.")
    pattern = max(matches, key=lambda match: len(match["token"]))
    kind = pattern["pattern"]
    if kind == "repeat":
        return _("This password repeats the same character or group of characters. Choose one that is harder to "
                 "guess.")
    if kind == "sequence":
        # i18n: abcd and 1234 are examples of letters or numbers in order; keep them as they are
        return _("This password is a run of letters or numbers in order, like abcd or 1234. Choose one that is "
                 "harder to guess.")
    if kind == "spatial":
        # i18n: qwerty is the first letters of the top row of an English keyboard; keep it as it is
        return _("This password is a pattern of keys next to each other on the keyboard, like qwerty. Choose one "
                 "that is harder to guess.")
    if kind in ("date", "regex"):  # regex: zxcvbn's only one is a recent year
        return _("This password is mostly a date or a year, which is easy to guess. Choose one that is harder to "
                 "guess.")
    if pattern.get("dictionary_name") == "passwords":
        return _("This password is too common. Choose one that is harder to guess.")
    return _("This password is mostly a common word or name. Choose one that is harder to guess.")


def _personal_message() -> str:
    return _("This password is too easy to guess from your name or email address. Choose one that is harder to guess.")


def _personal_words(email: str, name: str) -> list[str]:
    """The person's email, its local part and the pieces of it, their name, its parts, and the parts run together in
    either order (``Ana García`` → ``anagarcía``, ``garcíaana``), lower-cased, also without accents."""
    email = (email or "").strip().lower()
    local = email.partition("@")[0]
    parts = (name or "").lower().split()
    words = [email, local, *re.split(r"[._+\-]+", local), " ".join(parts), *parts, "".join(parts), "".join(reversed(parts))]
    words += [_fold(word) for word in words]
    return list(dict.fromkeys(word for word in words if len(word) >= 3))


def _letters(text: str) -> str:
    """Only the letters, lower-cased and without accents: ``Ana.García 1990!`` → ``anagarcia``."""
    return _NOT_LETTERS.sub("", _fold(text.lower()))


def _fold(text: str) -> str:
    """``garcía`` → ``garcia``: people type their name with and without its accents."""
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


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
