"""Self sign-up that does not tell a visitor whether an address already has an account, and makes no account until
the address is proven.

A new address gets a *pending sign-up* (:class:`lms.accounts.models.PendingSignup`: the name, the password's
Argon2id hash, the language, and the digest of a random link token), and its owner is emailed the link. Opening the
link (GET asks, the button's POST confirms: mail scanners open links) makes the account, confirmed, and deletes the
pending row (:func:`confirm_signup`), but only with the password chosen at sign-up typed again: whoever knows an
address may sign up with it too, and the link creates the account with the details entered last, so without it the
address's owner could create an account whose password someone else chose. Until then there is no account: signing
in with the chosen password fails as for any address without one, so the sign-in form does not tell a visitor
either whether their sign-up made an account. An address that already has an account changes nothing: its owner is
emailed instead that someone tried to create an account with it. The visitor sees the same "check your email"
page either way; the name and password are checked (and the password hashed) the same way in both cases first, so
neither a message nor the time taken differs.

Signing up again with an address whose link was not opened replaces the pending row (a new link; the old one stops
working), except within the resend wait, when the link just sent stands and nothing is sent (a form sent twice), but
the row takes the name, password and language entered last: the link creates the account with those.
Either email is sent after the response, so the time taken does not tell either (not even for a form sent twice,
which sends nothing to a new address but a note to an account's owner); a link that could not be sent is taken back
(:func:`withdraw_pending`).
Once the link has created the account the row is kept, emptied of name and password hash, until it expires, so
that the link opened again says the account exists (:class:`LinkUsed`) rather than that it does not work.
Rows whose link has expired are deleted whenever a sign-up is stored: no scheduled job. Accounts that sign-ups made
unconfirmed before pending sign-ups existed (migration 0021) confirm by :mod:`lms.accounts.email_confirmation`.
Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from lms import db
from lms.accounts import services
from lms.accounts.email_confirmation import mark_email_confirmed
from lms.accounts.models import PendingSignup, User
from lms.accounts.names import clean_name
from lms.accounts.passwords import hash_password, verify_password
from lms.db import utcnow
from lms.errors import ConflictError, DomainError
from lms.i18n import _l, ngettext
from lms.security import hash_token, new_token

_INVALID = _l("This link does not work: it is not complete, it is old, or a newer link was sent to this address "
              "since. Use the link in the latest email we sent you. If that does not work either, sign up again.")
_USED = _l("This link has already created your account. Sign in with the password you chose, or reset it if you do "
           "not remember it.")
_EXPIRED = _l("This link has expired, so no account was created. Please sign up again.")
#: The name and password hash of a pending row whose link has created its account (no hash is empty).
_USED_MARK = ""
_TAKEN = _l("This link can no longer be used: this email address already has an account. Sign in, or reset the "
            "password if you do not know it.")


class LinkNotValid(DomainError):
    """Not a link of ours, or one replaced by a later sign-up, taken back, or deleted once expired."""

    code = "signup_link_invalid"


class LinkUsed(DomainError):
    """The link has created its account already."""

    code = "signup_link_used"


class LinkExpired(DomainError):
    code = "signup_link_expired"


class AddressTaken(ConflictError):
    """The address of a pending sign-up got an account after the link was sent (an invitation, an administrator):
    nothing is created."""

    code = "signup_address_taken"


class WrongPassword(DomainError):
    """The password typed on the link's page is not the one chosen at sign-up (the last sign-up of the address):
    nothing is created."""

    code = "signup_wrong_password"


@dataclass(frozen=True)
class SignUp:
    """What a sign-up did: ``pending`` was stored and its link (``token``) is to be emailed; or the address has an
    account, whose ``owner`` is to be told (never the visitor); or a link was sent to the address moments ago and
    stands, and nothing is to be sent: ``kept`` is its pending row, updated with the details just entered (none when
    the same form was stored at the same moment)."""

    pending: PendingSignup | None = None
    token: str | None = None
    owner: User | None = None
    kept: PendingSignup | None = None


def sign_up(email: str, name: str, password: str, *, locale: str | None, wait: timedelta,
            max_age: timedelta) -> SignUp:
    """Store a pending sign-up of ``email`` (see the module), or, when the address has an account, leave it as it is
    and say so. ``wait``: how long a link just sent stands before a new sign-up replaces it; ``max_age``: a link's
    life. Raises :class:`lms.accounts.names.InvalidName` or the password rules' :class:`DomainError` for bad input,
    whether or not the address is taken."""
    name = clean_name(name)
    services.check_password_rules(password, email=email, name=name)
    password_hash = hash_password(password)  # Argon2id, whichever way it goes: the time taken does not tell
    owner = services.get_user_by_email(email)
    if owner is not None:
        return SignUp(owner=owner)
    now = utcnow()
    purge_expired(max_age, now)
    normalized = services.normalize_email(email)
    pending = _pending_of(normalized)
    if pending is not None and not _used(pending) and pending.created_at > now - wait:
        pending.name, pending.password_hash, pending.locale = name, password_hash, locale  # the link, the token stand
        db.session.flush()
        return SignUp(kept=pending)
    token = new_token()
    pending = pending or PendingSignup(email=normalized)
    pending.name, pending.password_hash, pending.locale = name, password_hash, locale
    pending.token_hash, pending.created_at = hash_token(token), now
    try:
        with db.session.begin_nested():
            db.session.add(pending)
            db.session.flush()
    except IntegrityError:  # the same address signed up a moment ago (the form sent twice at once): that one stands
        return SignUp()
    return SignUp(pending=pending, token=token)


def purge_expired(max_age: timedelta, now: datetime | None = None) -> int:
    """Delete the pending sign-ups whose link has expired; how many."""
    cutoff = (now or utcnow()) - max_age
    result = db.session.execute(delete(PendingSignup).where(PendingSignup.created_at <= cutoff)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def pending_for_token(token: str, max_age: timedelta, now: datetime | None = None) -> PendingSignup:
    """The pending sign-up of an emailed link that still works; else :class:`DomainError` saying why:
    :class:`LinkNotValid` (not a link of ours, or the row is gone or was replaced), :class:`LinkUsed`,
    :class:`LinkExpired`, or :class:`AddressTaken`."""
    pending = db.session.execute(
        select(PendingSignup).where(PendingSignup.token_hash == hash_token(token))).scalar_one_or_none()
    if pending is None:
        raise LinkNotValid(str(_INVALID))
    if _used(pending):
        raise LinkUsed(str(_USED))
    if pending.created_at <= (now or utcnow()) - max_age:
        raise LinkExpired(str(_EXPIRED))
    if services.get_user_by_email(pending.email) is not None:
        raise AddressTaken(str(_TAKEN))
    return pending


def confirm_signup(token: str, password: str, max_age: timedelta, *, wait: timedelta) -> User:
    """Open an emailed sign-up link, with ``password`` typed again: the new account, its address confirmed (audited as
    ``user.registered`` and ``user.email_confirmed``), and the pending row marked used (emptied: see the module).
    :class:`WrongPassword` when ``password`` is not the one the row holds (the link's page asks for it: see the
    module). The row is marked first and only if still unused and holding the password checked, so the same link
    opened twice at once makes one account (the other gets :class:`LinkUsed`), and a sign-up storing another password
    meanwhile wins (:class:`WrongPassword`); a link that no longer works: :class:`DomainError`
    (:func:`pending_for_token`). ``wait``: the resend wait (:func:`sign_up`), which the wrong password's advice
    tells."""
    pending = pending_for_token(token, max_age)
    email, name, password_hash, locale = pending.email, pending.name, pending.password_hash, pending.locale
    if not verify_password(password_hash, password):
        raise WrongPassword(wrong_password_message(wait))
    used = db.session.execute(
        update(PendingSignup).where(PendingSignup.id == pending.id, PendingSignup.token_hash == pending.token_hash,
                                    PendingSignup.password_hash == password_hash)
        .values(name=_USED_MARK, password_hash=_USED_MARK).execution_options(synchronize_session=False))
    if used.rowcount != 1:  # the same link a moment ago (used), or a sign-up storing another password meanwhile
        db.session.expire(pending)
        pending_for_token(token, max_age)
        raise WrongPassword(wrong_password_message(wait))
    try:
        user = services.register_user(email, name, None, locale=locale, email_confirmed=False)
    except ConflictError:  # an account made with the address a moment ago
        raise AddressTaken(str(_TAKEN)) from None
    user.password_hash = password_hash  # the rules were checked, and the password hashed, at sign-up
    mark_email_confirmed(user)
    return user


def wrong_password_message(wait: timedelta) -> str:
    """What to do without the password chosen at sign-up: sign up again, which, within ``wait`` of this link (the
    latest: an older one no longer works), gives this link the new password and sends nothing, and after it emails a
    new link that replaces this one. True either way, and the same for every address."""
    # i18n: %(num)d is the resend wait in minutes (LMS_EMAIL_RESEND_WAIT, 5 by default).
    return ngettext("This is not the password chosen when signing up with this address. If you do not remember it, "
                    "sign up again: if this link was sent less than %(num)d minute ago, it then takes the new "
                    "password; if not, we email you a new link that replaces this one.",
                    "This is not the password chosen when signing up with this address. If you do not remember it, "
                    "sign up again: if this link was sent less than %(num)d minutes ago, it then takes the new "
                    "password; if not, we email you a new link that replaces this one.", minutes(wait))


def minutes(wait: timedelta) -> int:
    """``wait`` in whole minutes, rounded up (at least 1), for the messages that tell it."""
    return max(1, -(-int(wait.total_seconds()) // 60))


def withdraw_pending(token: str) -> bool:
    """Take back the pending sign-up whose link (``token``) could not be emailed after all (it is sent after the
    response: :mod:`lms.notify.after_response`), so that signing up again sends a new one at once instead of waiting
    out the resend wait for a link nobody got. Nothing once the link was used or replaced. The caller commits."""
    gone = db.session.execute(delete(PendingSignup).where(PendingSignup.token_hash == hash_token(token),
                                                          PendingSignup.password_hash != _USED_MARK)
                              .execution_options(synchronize_session=False))
    return gone.rowcount == 1


def _used(pending: PendingSignup) -> bool:
    return pending.password_hash == _USED_MARK


def _pending_of(email: str) -> PendingSignup | None:
    return db.session.execute(select(PendingSignup).where(PendingSignup.email == email)).scalar_one_or_none()

