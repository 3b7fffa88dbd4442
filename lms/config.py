"""Configuration: documented defaults, environment overrides and the secret key."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from flask import Flask

#: Every setting the LMS reads, with its default. Each may be set in the Flask config or, for the standalone app,
#: in the environment under the same name. Documented in docs/configuration.md.
DEFAULTS: dict[str, object] = {
    "LMS_SITE_NAME": "CHW Learn",
    "LMS_BASE_URL": "",
    "LMS_SIGNUP_ENABLED": True,
    "LMS_LOCALES": ["en", "es"],
    "LMS_DEFAULT_LOCALE": "en",
    "LMS_FORMAT_LOCALES": {"en": "en_US", "es": "es_US"},
    "LMS_DEFAULT_TIMEZONE": "America/Los_Angeles",
    "LMS_BASE_TEMPLATE": "lms/base.html",
    "LMS_MAIL_SERVER": "127.0.0.1",
    "LMS_MAIL_PORT": 25,
    "LMS_MAIL_USE_TLS": False,
    "LMS_MAIL_USERNAME": None,
    "LMS_MAIL_PASSWORD": None,
    "LMS_MAIL_SENDER": "CHW Learn <no-reply@localhost>",
    "LMS_MAIL_ENABLED": True,
    "LMS_MAIL_OUTBOX": "",
    "LMS_PASSWORD_RESET_MAX_AGE": 3600,
    "LMS_EMAIL_CHANGE_MAX_AGE": 86400,
    "LMS_EMAIL_RESEND_WAIT": 300,
    "LMS_INVITATION_MAX_AGE_DAYS": 14,
    "LMS_SESSION_IDLE_DAYS": 14,
    "LMS_REMEMBER_SIGN_IN": False,
    "LMS_LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",  # per email from one client address
    "LMS_LOGIN_LIMIT_PER_ACCOUNT_TOTAL": "50 per 15 minutes",  # per email from all addresses together
    "LMS_LOGIN_LIMIT_PER_CLIENT": "20 per 15 minutes",
    "LMS_RESET_LIMIT_PER_CLIENT": "5 per 15 minutes",
    "LMS_RESET_LIMIT_PER_ACCOUNT": "3 per hour",
    "LMS_EMAIL_CHANGE_LIMIT": "5 per hour",
    "LMS_DATA_EXPORT_LIMIT": "5 per hour",
    "LMS_ORG_CREATION": "confirmed",
    "LMS_SIGNUP_LIMIT": "100 per hour",  # a whole class may sign up together on one clinic network
    "LMS_SIGNUP_NOTICE_LIMIT": "3 per day",  # per address: sign-up links, "someone tried to sign up" emails
    "LMS_ORG_CREATION_LIMIT": "3 per day",
    "LMS_INVITATION_LIMIT_PER_ORG": "200 per day",
    "LMS_INVITATION_LIMIT_PER_USER": "50 per hour",
    "LMS_ROSTER_IMPORT_LIMIT": "10 per day",
    "LMS_RATELIMIT_ENABLED": True,
    "LMS_ARGON2_TIME_COST": 2,
    "LMS_ARGON2_MEMORY_COST": 19456,
    "LMS_ARGON2_PARALLELISM": 1,
    "LMS_ROSTER_MAX_ROWS": 2000,
    "LMS_LESSON_IDLE_CAP_MINUTES": 30,
    "LMS_STORAGE_PATH": "",
    "LMS_EVIDENCE_MAX_BYTES": 5 * 1024 * 1024,
    "LMS_CERT_ISSUER_NAME": "CHW Learn",
    "LMS_CERT_SIGNATORY_NAME": "Training Director",
    "LMS_CERT_SIGNATORY_TITLE": "CHW Training Program",
    "LMS_VERIFY_LIMIT": "60 per minute",
    "LMS_VERIFY_BULK_LIMIT": "10 per minute",
    "LMS_CHECKIN_GRACE_MINUTES": 15,
    "LMS_CHECKIN_LIMIT": "10 per 10 minutes",
    "LMS_CHECKIN_LIMIT_PER_CLIENT": "60 per 10 minutes",
    "LMS_ATTENDANCE_MIN_SHARE": 75,
    "LMS_REMINDER_OFFSETS": "24h,1h",
    "LMS_HANDLE_APP_ERRORS": False,
    "LMS_SECURE_ALL_RESPONSES": False,
    "LMS_DB_PING_AFTER": 1,
    "LMS_STARTUP_WARNINGS": True,
}

#: Secret keys that are public knowledge (examples, tutorials); the app refuses to start with one of these.
KNOWN_BAD_SECRETS = {"", "dev", "changeme", "change-me", "secret", "development", "please-change-me", "test"}
MIN_SECRET_LENGTH = 32
#: A key with fewer different characters than this is a pattern or a repeated word ("x" * 40, "abcabc..."), however
#: long. Not higher: a random hex key (``secrets.token_hex``, Flask's own recipe) has only 16 characters to draw
#: from, and one of 32 characters shows fewer than 10 of them about once in 10,000 keys, fewer than 12 once in 60.
MIN_SECRET_DISTINCT = 10
#: Documentation placeholders pasted as the key itself: a phrase in angle brackets ("<64 random characters, ...>";
#: random keys hold no spaces, while a key from a generator with symbols may hold a lone "<"), or their words.
PLACEHOLDER_RE = re.compile(r"<[^<>]*\s[^<>]*>")
PLACEHOLDER_WORDS = ("random characters", "paste the output", "same on every machine", "your secret key")

#: Settings that name the site and its certificates: left at these defaults in production, every certificate says
#: "CHW Learn" and "Training Director". Production start-up warns (docs/deploy.md, "Environment").
BRANDING_KEYS = ("LMS_SITE_NAME", "LMS_CERT_ISSUER_NAME", "LMS_CERT_SIGNATORY_NAME", "LMS_CERT_SIGNATORY_TITLE")

ENV_KEYS = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SERVER_NAME", "PREFERRED_URL_SCHEME")


def default_instance_path() -> str:
    """``LMS_INSTANCE_PATH`` or ``instance/`` beside the package (the project root in a checkout)."""
    return os.environ.get("LMS_INSTANCE_PATH") or str(Path(__file__).resolve().parent.parent / "instance")


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says what to change."""


def apply_defaults(app: Flask) -> None:
    """Set every ``LMS_*`` default that the host has not set."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's own default is None (unlimited)
        # Well above the evidence limit (5 MiB), so a photo or scan a little too large reaches the form, which refuses
        # it there and keeps what was typed; a 413 page cannot. Werkzeug spools file parts over 500 KB to temporary
        # files, so this costs disk while a request lasts, not memory (docs/configuration.md).
        app.config["MAX_CONTENT_LENGTH"] = 25 * 1024 * 1024
    # Flask-WTF's default (3600 s) refused a quiz left open over an hour while sign-ins last 14 days; without a time
    # limit a CSRF token lives as long as its browser's sign-in (lms.security.forget_csrf_token ends it).
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)


def load_environment(app: Flask) -> None:
    """Read ``LMS_*`` and the few plain keys from the environment (standalone app only)."""
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if os.environ.get("SESSION_COOKIE_SECURE"):  # an explicit choice: secure_cookies_over_https leaves it
        app.config["SESSION_COOKIE_SECURE"] = _coerce(os.environ["SESSION_COOKIE_SECURE"], False)
    for key, default in DEFAULTS.items():
        raw = os.environ.get(key)
        if raw is None:
            continue
        app.config[key] = _coerce(raw, default)


def secure_cookies_over_https(app: Flask, explicit: Iterable[str] = ()) -> None:
    """Standalone app served over HTTPS (``LMS_BASE_URL`` starts with ``https://``): the session cookie, which also
    carries a remembered sign-in, is sent over HTTPS only (``SESSION_COOKIE_SECURE``; ``REMEMBER_COOKIE_SECURE`` too,
    for a Flask-Login cookie), unless ``SESSION_COOKIE_SECURE`` is among the ``explicit`` settings (given in the
    config or the environment). A host app sets its own (docs/mounting.md)."""
    if "SESSION_COOKIE_SECURE" in explicit:
        return
    if str(app.config.get("LMS_BASE_URL") or "").strip().lower().startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def _coerce(raw: str, default: object) -> object:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, dict):
        pairs = (part.split(":", 1) for part in raw.split(",") if ":" in part)
        return {key.strip(): value.strip() for key, value in pairs}
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def load_secret_key(app: Flask, create: bool = False) -> None:
    """Take ``SECRET_KEY`` from config or from ``$LMS_INSTANCE_PATH/secret_key``; refuse weak or missing keys.

    ``create`` writes a new random key file once (``make run`` and ``lms init-secret`` do this).
    """
    key = app.config.get("SECRET_KEY")
    path = Path(app.instance_path) / "secret_key"
    if not key and path.exists():
        key = path.read_text(encoding="utf-8").strip()
    if not key and create:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key + "\n", encoding="utf-8")
        path.chmod(0o600)
    check_secret_key(key)
    app.config["SECRET_KEY"] = key


def check_secret_key(key: object) -> None:
    """Raise :class:`ConfigError` for a missing, known, short, placeholder or repetitive secret key."""
    if not isinstance(key, str) or not key:
        raise ConfigError(
            "No secret key: set SECRET_KEY or run 'lms init-secret' to create $LMS_INSTANCE_PATH/secret_key."
        )
    if key.strip().lower() in KNOWN_BAD_SECRETS or len(key) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is a known default or shorter than {MIN_SECRET_LENGTH} characters; "
            "use a long random value."
        )
    words_of_key = re.sub(r"[-_.]+", " ", key.lower())
    if PLACEHOLDER_RE.search(key) or any(words in words_of_key for words in PLACEHOLDER_WORDS):
        raise ConfigError(
            "SECRET_KEY still holds the documentation's placeholder text; use a long random value "
            "(docs/deploy.md says how to make one)."
        )
    if len(set(key)) < MIN_SECRET_DISTINCT:
        raise ConfigError(
            f"SECRET_KEY has fewer than {MIN_SECRET_DISTINCT} different characters, so it is a pattern, not a random "
            "value; use a long random value."
        )


def warn_about_production_defaults(app: Flask) -> None:
    """Log a warning for each setting a production site should not leave at its default: the site and certificate
    names. Silent in debug and testing, and with ``LMS_STARTUP_WARNINGS`` off (``make run``); never refuses to start,
    so a running deployment keeps running after an upgrade."""
    if not _warnings_wanted(app):
        return
    left = [key for key in BRANDING_KEYS if app.config.get(key) == DEFAULTS[key]]
    if left:
        app.logger.warning(
            "%s left at the default (%s): certificates and emails show these instead of your program's names. "
            "Set them in the environment (docs/deploy.md, 'Environment').",
            ", ".join(left), "; ".join(f"{key}={DEFAULTS[key]!r}" for key in left),
        )


def warn_about_sqlite_fallback(app: Flask) -> None:
    """The standalone app was given no database (no ``DATABASE_URL``) and uses the SQLite file in the instance
    folder: fine in development, almost certainly a mistake in production."""
    if not _warnings_wanted(app):
        return
    app.logger.warning(
        "DATABASE_URL is not set: using the SQLite database %s. Set DATABASE_URL to PostgreSQL in production "
        "(docs/deploy.md, 'PostgreSQL').", str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).removeprefix("sqlite:///"),
    )


def _warnings_wanted(app: Flask) -> bool:
    return not (app.debug or app.testing) and bool(app.config.get("LMS_STARTUP_WARNINGS", True))
