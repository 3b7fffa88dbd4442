"""Send email through the configured SMTP server, rendered from ``templates/lms/email/<name>.txt``.

The template's first line is ``Subject: ...``; the rest is the plain-text body. It is rendered with the recipient's
locale so every message arrives in their language, and its links to the site's pages open in that language
(:mod:`lms.notify.links`).

For development, ``LMS_MAIL_OUTBOX`` names a folder (relative to the instance folder) where each message is written as
an ``.eml`` file instead of being sent; ``make run`` sets it, so password resets and invitations work on a machine
without a mail server.
"""

from __future__ import annotations

import os
import re
import secrets
import smtplib
from email.header import Header
from email.headerregistry import UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from lms.db import utcnow
from lms.notify.links import links_in_language


class MailError(RuntimeError):
    """The SMTP server refused or could not be reached."""


class _MailPolicy(EmailPolicy):
    """``email.policy.default``, but a free-text header (the subject) that is not plain ASCII or does not fit on one
    line is written as RFC 2047 encoded words from end to end, spaces included. The standard library's folding of
    such a header can leave a space at the end of a line before an encoded word (the reader then sees two spaces)
    or drop the one between two encoded words (seen with Python 3.11); encoded words decode to exactly the text."""

    def fold(self, name: str, value: Any) -> str:
        if self._needs_encoded_words(name, value):
            return self._encoded_words(name, value)
        return super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        if self._needs_encoded_words(name, value):
            return self._encoded_words(name, value).encode("ascii")
        return super().fold_binary(name, value)

    def _needs_encoded_words(self, name: str, value: Any) -> bool:
        if self.utf8 or not isinstance(value, UnstructuredHeader):  # (an SMTPUTF8 server takes UTF-8 as it is)
            return False
        text = str(value)
        return not text.isascii() or len(name) + 2 + len(text) > (self.max_line_length or 78)

    def _encoded_words(self, name: str, value: Any) -> str:
        words = Header(str(value), "utf-8", maxlinelen=self.max_line_length or 78, header_name=name)
        return f"{name}: {words.encode(linesep=self.linesep)}{self.linesep}"


#: How every message is written (:class:`_MailPolicy`).
MAIL_POLICY = _MailPolicy()


def recipient_locale(user: Any) -> str:
    """The language to write to ``user`` in: theirs if the site offers it, else the site's default."""
    config = current_app.config
    return user.locale if user.locale in config["LMS_LOCALES"] else config["LMS_DEFAULT_LOCALE"]


def render_email(template: str, locale: str | None, **context: Any) -> tuple[str, str]:
    """Subject and body of ``template`` in ``locale``, its links to pages opening in that language; every template
    may name the site as ``site``."""
    context.setdefault("site", current_app.config["LMS_SITE_NAME"])
    locale = locale or current_app.config["LMS_DEFAULT_LOCALE"]
    context = links_in_language(context, locale.split("_")[0])
    with force_locale(locale):
        text = render_template(f"lms/email/{template}.txt", **context)
    first, _, body = text.lstrip().partition("\n")
    # Names in the subject (an organisation, a course) may hold a carriage return or other line breaks, which a mail
    # header must not: the subject is one line of single spaces.
    subject = " ".join(first.removeprefix("Subject:").split())
    return subject, body.strip() + "\n"


def render_multilingual(template: str, locales: list[str], **context: Any) -> tuple[str, str]:
    """One message in several languages (when the recipient's language is not known yet)."""
    parts = [render_email(template, locale, **context) for locale in locales]
    subjects = list(dict.fromkeys(subject for subject, _ in parts))
    return " / ".join(subjects), "\n-----\n\n".join(body for _, body in parts)


def _message_id_domain(sender: str) -> str:
    """The right-hand side of our Message-IDs: the sender address's domain (filters score an ID whose domain is not
    a real one as spam-like), or ``chw-learn`` when the sender has no domain."""
    _local, at, domain = parseaddr(sender)[1].rpartition("@")
    return domain if at and domain else "chw-learn"


def send_email(to: str, template: str, locale: str | list[str] | None = None, **context: Any) -> EmailMessage:
    """Render and send one message in ``locale`` (or each of a list of locales, one after the other), or write it to
    the outbox folder when ``LMS_MAIL_OUTBOX`` is set.

    Raises :class:`MailError` if the SMTP server cannot be reached or refuses the message (or the outbox cannot be
    written). To send after the response instead, :func:`compose_email` here and hand the message to
    :func:`lms.notify.after_response.send_after_response`.
    """
    message = compose_email(to, template, locale, **context)
    deliver(message)
    return message


def compose_email(to: str, template: str, locale: str | list[str] | None = None, **context: Any) -> EmailMessage:
    """The message :func:`send_email` would send, rendered now (in ``locale``, its links made now) but not sent."""
    if isinstance(locale, list):
        subject, body = render_multilingual(template, locale, **context)
    else:
        subject, body = render_email(template, locale, **context)
    config = current_app.config
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = config["LMS_MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    # RFC 5322 requires Date; without it the receiving server adds its own (or the message scores as spam).
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=_message_id_domain(config["LMS_MAIL_SENDER"]))
    message.set_content(body)
    return message


def deliver(message: EmailMessage) -> None:
    """Send a composed message by SMTP, or write it to the outbox folder, or (mail switched off) only log it.
    Raises :class:`MailError` as :func:`send_email` does."""
    config = current_app.config
    outbox = outbox_path()
    to, subject = str(message["To"]), str(message["Subject"])
    if not config["LMS_MAIL_ENABLED"]:
        # WARNING, not INFO: Flask's default logger drops INFO, and a developer must see that nothing was sent.
        current_app.logger.warning("mail disabled (LMS_MAIL_ENABLED); not sending %r to %s", subject, to)
    elif outbox is not None:
        path = _write_to_outbox(message, outbox)
        current_app.logger.warning("mail to %s written to %s", to, path)
    else:
        _send_smtp(message)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    try:
        with smtplib.SMTP(config["LMS_MAIL_SERVER"], int(config["LMS_MAIL_PORT"]), timeout=10) as smtp:
            if config["LMS_MAIL_USE_TLS"]:
                smtp.starttls()
            if config["LMS_MAIL_USERNAME"]:
                smtp.login(config["LMS_MAIL_USERNAME"], config["LMS_MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        current_app.logger.warning("could not send %r to %s: %s", message["Subject"], message["To"], exc)
        raise MailError(str(exc)) from exc


def outbox_path() -> Path | None:
    """The folder ``LMS_MAIL_OUTBOX`` names (a relative one is inside the instance folder), or None: send by SMTP."""
    setting = str(current_app.config.get("LMS_MAIL_OUTBOX") or "").strip()
    return Path(current_app.instance_path) / Path(setting).expanduser() if setting else None


def _write_to_outbox(message: EmailMessage, folder: Path) -> Path:
    """Write ``message`` as a new ``.eml`` file (readable by its owner only: it may hold a password-reset link)."""
    recipient = re.sub(r"[^A-Za-z0-9@._-]+", "_", str(message["To"]))[:80]
    path = folder / f"{utcnow():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}-{recipient}.eml"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
            file.write(message.as_bytes())
    except OSError as exc:
        current_app.logger.warning("could not write %r to %s: %s", message["Subject"], folder, exc)
        raise MailError(str(exc)) from exc
    return path


def describe_delivery() -> str:
    """Where messages go with this configuration, in one line for the console (``lms demo``)."""
    config = current_app.config
    if not config["LMS_MAIL_ENABLED"]:
        return "Email: off (LMS_MAIL_ENABLED is false): messages are neither sent nor kept."
    folder = outbox_path()
    if folder is not None:
        return f"Email: not sent; each message is written to {folder}/ as an .eml file (LMS_MAIL_OUTBOX)."
    return f"Email: sent by SMTP through {config['LMS_MAIL_SERVER']}:{config['LMS_MAIL_PORT']} (LMS_MAIL_SERVER, LMS_MAIL_PORT)."
