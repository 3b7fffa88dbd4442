"""Account use cases: register, look people up, check a new password, the person's own profile, list users.

Signing in and sessions are in :mod:`lms.accounts.login_sessions`, password reset in :mod:`lms.accounts.password_reset`,
API tokens in :mod:`lms.accounts.api_tokens`, and what a site administrator changes (enabled, site role) in
:mod:`lms.accounts.admin_actions`.

Services flush and never commit; the caller (view, API handler, CLI command) commits once.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import audit, db
from lms.accounts.languages import set_language
from lms.accounts.models import SiteRole, User
from lms.accounts.names import clean_name, record_name_change
from lms.accounts.passwords import MAX_LENGTH, MIN_LENGTH, check_password_strength, hash_password
from lms.db import is_id, utcnow
from lms.errors import ConflictError, DomainError, NotFoundError
from lms.i18n import _
from lms.search_text import contains_pattern, folded
from lms.signals import user_registered


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == normalize_email(email))).scalar_one_or_none()


def get_confirmed_user_by_email(email: str) -> User | None:
    """The account of ``email`` for someone else looking a person up by address (a trainer issuing a certificate, an
    attendance import): only once its owner confirmed the address, so that an account made with another person's
    address is never taken for theirs. None otherwise, as for no account."""
    user = get_user_by_email(email)
    return user if user is not None and user.is_email_confirmed else None


def get_confirmed_user(user_id: int) -> User:
    """The account ``user_id`` for someone else acting on it as a person whose address is known (a trainer's step 2
    of issuing a certificate, reached by its address): as :func:`get_confirmed_user_by_email`, an account whose owner
    has not confirmed the address is refused like one that does not exist (:class:`NotFoundError`)."""
    user = db.session.get(User, user_id) if is_id(user_id) else None
    if user is None or not user.is_email_confirmed:
        raise NotFoundError(unconfirmed_message())
    return user


def unconfirmed_message() -> str:
    """Why an account cannot be acted on by someone else: it does not exist, or its address is not confirmed."""
    return _("No such user, or they have not confirmed their email address yet.")


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id) if is_id(user_id) else None
    if user is None:
        raise NotFoundError(_("No such user."))
    return user


def check_password_rules(password: str, *, email: str = "", name: str = "") -> None:
    """Length, then guessability, also from the person's ``email`` and ``name`` (:mod:`lms.accounts.passwords`)."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_("Use at least %(num)d characters.", num=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise DomainError(_("Use at most %(num)d characters.", num=MAX_LENGTH))
    check_password_strength(password, email=email, name=name)


def register_user(
    email: str,
    name: str,
    password: str | None,
    *,
    locale: str | None = None,
    timezone: str | None = None,
    role: SiteRole = SiteRole.TRAINEE,
    email_confirmed: bool = True,
) -> User:
    """Create an account. Raises :class:`ConflictError` if the email is taken, and
    :class:`lms.accounts.names.InvalidName` if the name has nothing visible (it is stored normalised).

    ``email_confirmed``: whether the address is known to be the person's (an administrator, the CLI, the demo, an
    invitation emailed to it). Until an unconfirmed account opens a confirmation link
    (:mod:`lms.accounts.email_confirmation`) nobody else can find it by its address. Self sign-up
    (:mod:`lms.accounts.signup`) passes False and then records the confirmation, its emailed link opened."""
    name = clean_name(name)
    if get_user_by_email(email) is not None:
        raise ConflictError(_("An account with this email address already exists."))
    if password is not None:
        check_password_rules(password, email=email, name=name)
    user = User(
        email=normalize_email(email),
        name=name,
        password_hash=hash_password(password) if password else None,
        role=role,
        locale=locale,
        timezone=timezone,
        email_confirmed_at=utcnow() if email_confirmed else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:  # the same address registered a moment ago (a form sent twice at once)
        raise ConflictError(_("An account with this email address already exists.")) from None
    # made with an ``lms`` command: by nobody the log can name (not the new person), with the role given
    cli = audit.origin() == "cli"
    audit.record("user.registered", user, None if cli else user, **({"role": role} if cli else {}))
    user_registered.send(user)
    return user


def update_profile(user: User, *, name: str, locale: str | None, timezone: str | None) -> None:
    """Change the person's own details; the name is normalised and checked like at sign-up (:func:`clean_name`), and
    a changed name is recorded in the audit log (it is printed on certificates), and so is a changed language (a
    certificate's language of delivery rests on it: :mod:`lms.accounts.languages`)."""
    old, user.name = user.name, clean_name(name)
    record_name_change(user, old, user)
    set_language(user, locale, user)
    user.timezone = timezone or None


def count_users() -> int:
    return db.session.execute(select(func.count(User.id))).scalar_one()


def list_users(search: str = "", limit: int = 100, *, unconfirmed_only: bool = False) -> list[User]:
    """Up to ``limit`` people by name; with ``search``, those whose name or email address contains it, accents and
    case aside (:mod:`lms.search_text`: "maria" finds "María"), its ``%`` and ``_`` matching only themselves; with
    ``unconfirmed_only``, only those who have not confirmed their email address
    (:mod:`lms.accounts.email_confirmation`)."""
    query = select(User).order_by(User.name).limit(limit)
    if unconfirmed_only:
        query = query.where(User.email_confirmed_at.is_(None))
    if search := search.strip():
        pattern = contains_pattern(search)
        query = query.where(folded(User.name).like(pattern, escape="\\") | folded(User.email).like(pattern, escape="\\"))
    return list(db.session.execute(query).scalars())


def list_trainers() -> list[User]:
    """Active trainers and site admins (who may lead live sessions), by name."""
    return list(
        db.session.execute(
            select(User).where(User.role.in_([SiteRole.TRAINER, SiteRole.ADMIN]), User.is_active.is_(True)).order_by(User.name)
        ).scalars()
    )
