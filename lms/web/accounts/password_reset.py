"""Password reset: the form that emails a link, and the link's page that sets a new password."""

from __future__ import annotations

from flask import current_app, redirect, render_template, session, url_for

from lms import db
from lms.accounts import password_reset, sent_links
from lms.accounts.models import User
from lms.accounts.tokens import AccountDisabled
from lms.errors import DomainError
from lms.limiter import form_email_key, limiter
from lms.notify.services import MailError, recipient_locale, send_email
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
    sent a moment ago, in which case none is sent now: see :func:`lms.accounts.sent_links.request_password_reset`),
    not even when the mail server is down: only an address with an account gets an email, so only it could fail,
    and saying so would tell. The failure is logged (by ``send_email``) and nothing is recorded, so asking again
    sends at once (whoever gets nothing asks again, as for an email lost on its way)."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        wait = resend_wait()
        user = sent_links.request_password_reset(form.email.data, wait)
        try:
            if user is not None:
                _send_reset(user)
        except MailError:
            db.session.rollback()  # no record of a link that was not sent: asking again sends
        else:
            db.session.commit()
        return render_template("lms/accounts/reset_sent.html", email=form.email.data,
                               wait_minutes=max(1, round(wait.total_seconds() / 60)))
    return render_template("lms/accounts/reset_request.html", form=form)


def _send_reset(user: User) -> None:
    """The reset link; for a disabled account, which a new password would not open, why not and whom to ask instead
    (to the account's own mailbox: the page says the same either way)."""
    if not user.is_active:
        send_email(user.email, "account_disabled", recipient_locale(user), user=user, contacts=managers_of(user.id),
                   site=current_app.config["LMS_SITE_NAME"])
        return
    token = password_reset.make_reset_token(user, current_app.config["SECRET_KEY"])
    send_email(user.email, "password_reset", user.locale, user=user, link=external_url("lms.accounts.reset", token=token),
               minutes=current_app.config["LMS_PASSWORD_RESET_MAX_AGE"] // 60)


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
