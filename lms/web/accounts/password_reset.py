"""Password reset: the form that emails a link, and the link's page that sets a new password."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from functools import partial

from flask import current_app, redirect, render_template, session, url_for

from lms import db
from lms.accounts import password_reset, sent_links
from lms.accounts.models import User
from lms.accounts.tokens import AccountDisabled
from lms.db import utcnow
from lms.errors import DomainError
from lms.limiter import form_email_key, limiter
from lms.notify.after_response import send_after_response
from lms.notify.services import compose_email, recipient_locale
from lms.orgs.contacts import managers_of
from lms.security import access
from lms.web.accounts import bp
from lms.web.accounts.links import link_refused, resend_wait
from lms.web.auth import login_user
from lms.web.forms import ResetForm, ResetRequestForm
from lms.web.urls import external_url

#: The session key under which :func:`reset` hands what it ended to :func:`reset_done`.
_DONE_KEY = "lms_reset_done"


def _reset_limit() -> str:
    return current_app.config["LMS_RESET_LIMIT_PER_CLIENT"]


def _reset_limit_account() -> str:
    return current_app.config["LMS_RESET_LIMIT_PER_ACCOUNT"]


@bp.route("/reset", methods=["GET", "POST"])
@access.public
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit_account, key_func=form_email_key, methods=["POST"])
def reset_request():
    """Always answers the same way, so the form does not reveal which emails have accounts (nor whether a link was
    sent a moment ago, in which case none is sent now: see :func:`lms.accounts.sent_links.request_password_reset`).
    Only an address with an account gets an email, so it is sent after the response
    (:mod:`lms.notify.after_response`): the page comes as soon, whatever the address, and a mail server that is down
    cannot change it. The message is written here (its link, its language); the record that it was sent is committed
    first and taken back if the send fails (:func:`_not_sent`), so asking again then sends at once."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        wait, asked_at = resend_wait(), utcnow()
        user = sent_links.request_password_reset(form.email.data, wait)
        message = _reset_message(user) if user is not None else None
        user_id = user.id if user is not None else None
        db.session.commit()
        if message is not None:
            send_after_response(message, on_failure=partial(_not_sent, user_id, asked_at))
        return render_template("lms/accounts/reset_sent.html", email=form.email.data,
                               wait_minutes=max(1, round(wait.total_seconds() / 60)))
    return render_template("lms/accounts/reset_request.html", form=form)


def _reset_message(user: User) -> EmailMessage:
    """The reset link; for a disabled account, which a new password would not open, why not and whom to ask instead
    (to the account's own mailbox: the page says the same either way)."""
    if not user.is_active:
        return compose_email(user.email, "account_disabled", recipient_locale(user), user=user,
                             contacts=managers_of(user.id), site=current_app.config["LMS_SITE_NAME"])
    token = password_reset.make_reset_token(user, current_app.config["SECRET_KEY"])
    return compose_email(user.email, "password_reset", user.locale, user=user,
                         link=external_url("lms.accounts.reset", token=token),
                         minutes=current_app.config["LMS_PASSWORD_RESET_MAX_AGE"] // 60)


def _not_sent(user_id: int, asked_at: datetime) -> None:
    """After the response, when the email could not be sent: no record of a link that was not sent."""
    if sent_links.withdraw(user_id, sent_links.RESET_SENT, asked_at):
        db.session.commit()


@bp.route("/reset/<token>", methods=["GET", "POST"])
@access.public
def reset(token: str):
    """The new password; as the link proved the mailbox, not the old password, every other way into the account ends
    (sessions, API tokens, the calendar-feed link: :func:`lms.accounts.password_reset.reset_password`)."""
    config = current_app.config
    try:
        user = password_reset.user_for_reset_token(token, config["SECRET_KEY"], config["LMS_PASSWORD_RESET_MAX_AGE"])
    except DomainError as exc:
        return link_refused("lms/accounts/reset_invalid.html", exc)
    form = ResetForm()
    if form.validate_on_submit():
        try:
            done = password_reset.reset_password(user, form.password.data)
        except (password_reset.ResetLinkUsed, AccountDisabled) as exc:  # used by another request a moment ago
            db.session.rollback()
            return link_refused("lms/accounts/reset_invalid.html", exc)
        except DomainError as exc:  # e.g. a password made of the person's own name, which only the service knows
            form.password.errors.append(exc.message)
        else:
            login_user(user)
            db.session.commit()
            session[_DONE_KEY] = [done.tokens_revoked, done.feed_link_replaced]  # for the page, once
            return redirect(url_for("lms.accounts.reset_done"))
    return render_template("lms/accounts/reset.html", form=form)


@bp.get("/reset/done")
@access.signed_in
def reset_done():
    """What the reset just ended (held in the session by :func:`reset` for this page, once); opened again, or
    without a reset, it says only that the password is changed."""
    held = session.pop(_DONE_KEY, None)
    tokens, feed = held if isinstance(held, list) and len(held) == 2 else (0, False)
    done = password_reset.ResetDone(tokens_revoked=int(tokens), feed_link_replaced=bool(feed))
    return render_template("lms/accounts/reset_done.html", done=done)
