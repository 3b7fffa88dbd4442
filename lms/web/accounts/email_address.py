"""A person's change of their own email address: the request on the profile (new address and password), the link
emailed to the new address, sending it again, and the link's page that makes the change; and the notices sent once
an address has changed (also after an administrator's change)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for

from lms import db
from lms.accounts import email_change
from lms.accounts.models import User
from lms.accounts.services import get_user_by_email
from lms.errors import DomainError
from lms.i18n import _
from lms.limiter import limiter
from lms.notify.services import MailError, recipient_locale, send_email
from lms.security import access, current_user
from lms.web.accounts import bp
from lms.web.accounts.links import link_refused, resend_wait
from lms.web.accounts.profile import profile_page
from lms.web.forms import EmailChangeForm, EmptyForm
from lms.web.org_limits import spend_signup_notice
from lms.web.urls import external_url


def _email_change_limit() -> str:
    return current_app.config["LMS_EMAIL_CHANGE_LIMIT"]


def _email_change_key() -> str:
    return f"email-change:{current_user.id}"


@bp.post("/profile/email")
@access.signed_in
@limiter.limit(_email_change_limit, key_func=_email_change_key, methods=["POST"])
def request_email_change():
    """Check the password and the new address, then email a confirmation link to that address; nothing changes until
    the link is opened. Every request counts towards the limit: each may send an email, and a wrong password is a
    guess. The same address again within the wait (a double tap) sends nothing and says when the link was sent."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            email, token = email_change.request_email_change(user, form.password.data, form.new_email.data,
                                                             current_app.config["SECRET_KEY"], wait=resend_wait())
        except email_change.AlreadySent as exc:
            return _not_sent(exc)
        except email_change.WrongPassword as exc:
            form.password.errors.append(exc.message)
        except DomainError as exc:  # already the account's address (a taken one is answered as a free one)
            form.new_email.errors.append(exc.message)
        else:
            if _send_confirmation(user, email, token):
                return redirect(url_for("lms.accounts.profile"))
            return profile_page(email_form=form), 503
    return profile_page(email_form=form), 400


@bp.post("/profile/resend-email-link")
@access.signed_in
@limiter.limit(_email_change_limit, key_func=_email_change_key, methods=["POST"])
def resend_email_change():
    """"Send the link again", offered on the profile once the wait after the last one is over: a new link to the
    address waiting to be confirmed (no password: the request that chose it checked that)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    config = current_app.config
    try:
        email, token = email_change.resend_email_change(
            user, config["SECRET_KEY"], wait=resend_wait(), max_age=timedelta(seconds=config["LMS_EMAIL_CHANGE_MAX_AGE"]))
    except DomainError as exc:  # too soon, or nothing pending any more
        return _not_sent(exc)
    _send_confirmation(user, email, token)
    return redirect(url_for("lms.accounts.profile"), 303)


def _not_sent(exc: DomainError):
    db.session.rollback()
    flash(exc.message, "info" if isinstance(exc, email_change.AlreadySent) else "error")
    return redirect(url_for("lms.accounts.profile"), 303)


def _send_confirmation(user: User, email: str, token: str | None) -> bool:
    """Email the link, then commit the request's record (and a password hash the check upgraded: the link is bound
    to it); if the email cannot be sent, roll both back, so that asking again sends at once. Without a ``token`` the
    address is another account's: its owner gets a note instead (at most ``LMS_SIGNUP_NOTICE_LIMIT`` per address),
    and the person is told the same as for a free address."""
    try:
        if token is not None:
            send_email(email, "email_change_confirm", recipient_locale(user), user=user, email=email,
                       link=external_url("lms.accounts.confirm_email_change", token=token),
                       hours=max(1, current_app.config["LMS_EMAIL_CHANGE_MAX_AGE"] // 3600))
        else:
            _note_to_the_owner(email)
    except MailError:
        db.session.rollback()
        flash(_("We could not send the email just now. Please try again in a few minutes."), "error")
        return False
    db.session.commit()
    # i18n: %(email)s is the new address, where the confirmation link was sent.
    flash(_("We sent a link to %(email)s. Open it to confirm your new address; until then you keep using "
            "%(current)s.", email=email, current=user.email), "success")
    return True


def _note_to_the_owner(email: str) -> None:
    owner = get_user_by_email(email)
    if owner is not None and spend_signup_notice(email):
        send_email(owner.email, "email_change_attempt", recipient_locale(owner), user=owner,
                   login=external_url("lms.accounts.login"), reset=external_url("lms.accounts.reset_request"))


@bp.route("/profile/email/<token>", methods=["GET", "POST"])
@access.public
def confirm_email_change(token: str):
    """The link sent to the new address. GET only shows the change (mail scanners open links); the button's POST makes
    it. It needs no sign-in: the link proves the mailbox, and the request that sent it proved the password."""
    config = current_app.config
    link = (token, config["SECRET_KEY"], config["LMS_EMAIL_CHANGE_MAX_AGE"])
    try:
        user, email = email_change.read_email_change_token(*link)
    except DomainError as exc:
        return link_refused("lms/accounts/email_change_failed.html", exc)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            user, old = email_change.confirm_email_change(*link)
        except DomainError as exc:  # used or disabled a moment ago, or the address was taken meanwhile
            db.session.rollback()
            return link_refused("lms/accounts/email_change_failed.html", exc)
        db.session.commit()
        notify_email_changed(user, old, by_admin=False)
        if current_user and current_user.id == user.id:
            flash(_("Your email address is now %(email)s.", email=user.email), "success")
            return redirect(url_for("lms.accounts.profile"))
        flash(_("Your email address is now %(email)s. Sign in with it from now on.", email=user.email), "success")
        return redirect(url_for("lms.accounts.login"))
    return render_template("lms/accounts/email_confirm.html", form=form, user=user, email=email)


def notify_email_changed(user: User, old: str, *, by_admin: bool) -> None:
    """Tell the old address that the account left it (no link: undoing takes an administrator), and after an
    administrator's change the new address too. The change is made already: a message that cannot be sent is
    logged and said on the page, not a reason to undo it."""
    locale = recipient_locale(user)
    try:
        send_email(old, "email_changed", locale, user=user, old=old, by_admin=by_admin)
        if by_admin:
            send_email(user.email, "email_set_by_admin", locale, user=user, login=external_url("lms.accounts.login"))
    except MailError:
        flash(_("The change is saved, but we could not send the email about it just now."), "error")
