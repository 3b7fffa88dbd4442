"""Signing up (``/signup``), its "check your email" page, and the emailed link that makes the account
(``/signup/confirm/<token>``). Whether or not the address already has an account, the visitor gets the same redirect
to the same page, with the same cookie, and the address is emailed: the link that creates the account, or, for an
address with an account, a note to its owner that someone tried to create one (:mod:`lms.accounts.signup`). Either
is counted against ``LMS_SIGNUP_NOTICE_LIMIT`` per address. Nobody is signed in by signing up, and no account exists
until the link is opened and the password chosen at sign-up typed on its page: that makes the account and signs the
person in (they have shown both the address and the password), as signing in would."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from functools import partial

from flask import current_app, flash, g, redirect, render_template, request, session, url_for

from lms import db
from lms.accounts import signup as signing_up
from lms.accounts.models import PendingSignup, User
from lms.accounts.names import InvalidName
from lms.accounts.services import normalize_email
from lms.db import utcnow
from lms.errors import DomainError
from lms.i18n import _, current_locale
from lms.limiter import failed_attempt, limiter
from lms.notify.after_response import send_after_response
from lms.notify.services import compose_email, recipient_locale
from lms.security import access, hash_token
from lms.web.accounts import bp
from lms.web.accounts.links import link_refused, resend_wait
from lms.web.auth import login_user
from lms.web.forms import SignupConfirmForm, SignupForm
from lms.web.org_limits import signup_limit, spend_signup_notice
from lms.web.safety import safe_next
from lms.web.urls import external_url

#: The session key under which :func:`signup` hands the address to :func:`signup_sent`.
_SENT_KEY = "lms_signup_sent"
#: When this browser last signed up with that address outside the resend wait (a POSIX timestamp), and whether the
#: latest sign-up came within the wait of it (:func:`_remember_sent`).
_SENT_AT_KEY, _AGAIN_KEY = "lms_signup_sent_at", "lms_signup_again"


@bp.route("/signup", methods=["GET", "POST"])
@access.public
@signup_limit
def signup():
    if not current_app.config["LMS_SIGNUP_ENABLED"]:
        return render_template("lms/accounts/signup_closed.html"), 403
    form = SignupForm(next=request.args.get("next"))
    if form.validate_on_submit():
        try:
            done = signing_up.sign_up(form.email.data, form.name.data, form.password.data, locale=current_locale(),
                                      wait=resend_wait(), max_age=_max_age())
        except DomainError as exc:  # checked before the address is looked up: the same whether it is taken or not
            db.session.rollback()
            (form.name if isinstance(exc, InvalidName) else form.password).errors.append(exc.message)
        else:
            _email_the_address(done)
            _remember_sent(form.email.data.strip())
            return redirect(url_for("lms.accounts.signup_sent", next=safe_next(form.next.data)))
    return render_template("lms/accounts/signup.html", form=form)


def _max_age() -> timedelta:
    """A sign-up link's life: that of the other links confirming an address (``LMS_EMAIL_CHANGE_MAX_AGE``)."""
    return timedelta(seconds=current_app.config["LMS_EMAIL_CHANGE_MAX_AGE"])


def _email_the_address(done: signing_up.SignUp) -> None:
    """The link that creates the account, or the note to the owner of the account the address has: written now,
    committed, and sent after the response (:mod:`lms.notify.after_response`), so the time taken does not tell which,
    nor whether one was sent. At most ``LMS_SIGNUP_NOTICE_LIMIT`` of either per address (beyond it, nothing is
    stored or sent). A link that cannot be sent is logged and taken back: signing up again sends at once. Within the
    resend wait nothing is sent, but the link just sent keeps the details entered last."""
    if done.kept is not None:
        db.session.commit()
        return
    address = done.pending.email if done.pending else done.owner.email if done.owner else None
    if address is None or not spend_signup_notice(address):
        db.session.rollback()  # a pending row replaced without its new link sent would leave no working link
        return
    if done.pending is not None:
        message = _signup_link(done.pending, done.token or "")
        on_failure = partial(_link_not_sent, done.token or "")
    else:
        message, on_failure = _signup_notice(done.owner), None
    db.session.commit()
    send_after_response(message, on_failure)


def _remember_sent(address: str) -> None:
    """Hand ``address`` to :func:`signup_sent`, and whether this browser signed up with it within the resend wait
    already: then no new link went out (unless the first could not be sent), and the page says that the link sent
    then takes the details just entered. Told from this browser's session alone, never from the address's state, so
    the page is the same whether or not the address has an account (someone who just signed up with it knows as
    much). The time kept is that of the sign-up that sent the link, so a sign-up after the wait reads as new."""
    now = utcnow().timestamp()
    last = session.get(_SENT_AT_KEY)
    again = (isinstance(last, (int, float)) and now - last < resend_wait().total_seconds()
             and normalize_email(str(session.get(_SENT_KEY, ""))) == normalize_email(address))
    session[_SENT_KEY], session[_AGAIN_KEY] = address, again
    if not again:
        session[_SENT_AT_KEY] = now


def _signup_link(pending: PendingSignup, token: str) -> EmailMessage:
    return compose_email(pending.email, "signup_confirm", recipient_locale(pending), name=pending.name,
                         email=pending.email, link=external_url("lms.accounts.confirm_signup", token=token),
                         hours=max(1, int(_max_age().total_seconds()) // 3600),
                         site=current_app.config["LMS_SITE_NAME"])


def _signup_notice(owner: User) -> EmailMessage:
    return compose_email(owner.email, "signup_attempt", recipient_locale(owner), user=owner,
                         login=external_url("lms.accounts.login"), reset=external_url("lms.accounts.reset_request"),
                         site=current_app.config["LMS_SITE_NAME"])


def _link_not_sent(token: str) -> None:
    """After the response, when the link could not be emailed: no pending sign-up waits on a link nobody got."""
    if signing_up.withdraw_pending(token):
        db.session.commit()


@bp.get("/signup/sent")
@access.public
def signup_sent():
    """After signing up: open the emailed link (the sign-in link keeps ``next``); ``again``: see
    :func:`_remember_sent`."""
    return render_template("lms/accounts/signup_sent.html", email=session.get(_SENT_KEY),
                           again=bool(session.get(_AGAIN_KEY)), wait_minutes=signing_up.minutes(resend_wait()),
                           login_url=url_for("lms.accounts.login", next=safe_next(request.args.get("next"))))


def _confirm_limit_client() -> str:
    """Wrong passwords on sign-up links from one client address: the sign-in limit per client address."""
    return current_app.config["LMS_LOGIN_LIMIT_PER_CLIENT"]


def _confirm_limit_link() -> str:
    """Wrong passwords on one sign-up link: the sign-in limit per account."""
    return current_app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"]


def _link_key() -> str:
    """The link's token, digested (the token itself is a credential: it is not written to the counters' storage)."""
    return "signup-link:" + hash_token(str((request.view_args or {}).get("token", "")))


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
@access.public
@limiter.limit(_confirm_limit_client, methods=["POST"], deduct_when=failed_attempt)
@limiter.limit(_confirm_limit_link, key_func=_link_key, methods=["POST"], deduct_when=failed_attempt)
def confirm_signup(token: str):
    """The emailed link. GET only asks (mail scanners open links, and someone who did not sign up should not create
    an account with their address); the button's POST, with the password chosen at sign-up typed again, creates the
    account and signs the person in (by :func:`lms.web.auth.login_user`, as signing in does: a new sign-in session,
    a new CSRF token). Wrong passwords count against limits like signing in does, so the link cannot
    be used to guess one. Refused like the form while sign-up is switched off."""
    if not current_app.config["LMS_SIGNUP_ENABLED"]:
        return render_template("lms/accounts/signup_closed.html"), 403
    try:
        pending = signing_up.pending_for_token(token, _max_age())
    except DomainError as exc:
        return link_refused("lms/accounts/signup_confirm_failed.html", exc)
    form = SignupConfirmForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = signing_up.confirm_signup(token, form.password.data, _max_age(), wait=resend_wait())
        except signing_up.WrongPassword as exc:
            db.session.rollback()
            g.lms_attempt_failed = True
            form.password.errors.append(exc.message)
            status = 400
        except DomainError as exc:  # used, or the address taken, a moment ago
            db.session.rollback()
            return link_refused("lms/accounts/signup_confirm_failed.html", exc)
        else:
            login_user(user)  # before the commit: signing in writes the sign-in session's row
            db.session.commit()
            flash(_("Your account is created and %(email)s is confirmed. You are signed in.", email=user.email),
                  "success")
            return redirect(url_for("lms.main.home"), 303)
    elif form.errors:
        status = 400
    return render_template("lms/accounts/signup_confirm.html", form=form, email=pending.email,
                           name=pending.name), status
