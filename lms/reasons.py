"""The one rule for a reason or note a person must write (rejecting hours, revoking a certificate, correcting
attendance, changing an account...): spaces around it are trimmed, and a text with nothing visible in it (spaces,
zero-width and bidi characters alone: :func:`lms.catalog.texts.has_visible_text`, the rule names and catalog texts
follow) is refused, as the person who reads it would see nothing. The services call :func:`required_reason`, so the
web forms and the API refuse alike; the forms check it first, next to the box (:class:`lms.web.validators.Reason`)."""

from __future__ import annotations

from lms.errors import DomainError
from lms.i18n import _


def visible(text: str | None) -> bool:
    """Whether ``text`` holds a character that prints."""
    from lms.catalog.texts import has_visible_text  # the catalog imports models that import this module's callers

    return has_visible_text(text)


def invisible_message(missing: str) -> str:
    """``missing`` ("Write the reason for ..."), saying why a box that is not empty counts as empty."""
    # i18n: %(problem)s is the request to write the reason ("Write the reason for revoking this certificate."); the box
    # held only zero-width spaces, bidi marks and the like, so it looked empty
    return _("%(problem)s This one holds only invisible characters (such as zero-width spaces).", problem=missing)


def required_reason(reason: str | None, missing: str, *, field: str | None = "reason", most: int | None = None,
                    too_long: str | None = None) -> str:
    """``reason`` trimmed; :class:`DomainError` (on ``field``) with ``missing`` when it is empty, with
    :func:`invisible_message` when it holds nothing visible, and with ``too_long`` (or "Use at most N characters.")
    when it is longer than ``most``."""
    text = (reason or "").strip()
    if not text:
        raise _refused(missing, field)
    if not visible(text):
        raise _refused(invisible_message(missing), field)
    if most is not None and len(text) > most:
        raise _refused(too_long or _("Use at most %(num)d characters.", num=most), field)
    return text


def optional_reason(reason: str | None, missing: str, *, field: str | None = "reason", most: int | None = None,
                    too_long: str | None = None) -> str | None:
    """A reason or note a person may leave out: None when empty, else as :func:`required_reason` checks it (one of
    invisible characters alone is refused with ``missing``, said as :func:`invisible_message`)."""
    if not (reason or "").strip():
        return None
    return required_reason(reason, missing, field=field, most=most, too_long=too_long)


def _refused(message: str, field: str | None) -> DomainError:
    return DomainError(message, field=field) if field else DomainError(message)
