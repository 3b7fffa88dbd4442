"""Confirming the address of a self sign-up: the email sent at sign-up and on "Resend the confirmation email" (from
the banner every page shows until then), and the link's page (:mod:`lms.accounts.email_confirmation`)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from lms import db
from lms.accounts import email_confirmation
from lms.accounts.models import User
from lms.errors import DomainError
from lms.i18n import _
from lms.limiter import limiter
from lms.notify.services import MailError, send_email
from lms.security import access, current_user
from lms.web.accounts import bp
from lms.web.accounts.links import link_refused, resend_wait
from lms.web.forms import EmptyForm
from lms.web.safety import safe_next
from lms.web.urls import external_url


def _resend_limit() -> str:
    return current_app.config["LMS_EMAIL_CHANGE_LIMIT"]


def _resend_key() -> str:
    return f"email-confirm:{current_user.id}"


def _max_age() -> int:
    return current_app.config["LMS_EMAIL_CHANGE_MAX_AGE"]


def send_confirmation(user: User) -> bool:
    """Email ``user`` a confirmation link (recorded, then sent; the caller commits). False, with a message on the page
    and nothing recorded, when the link was sent moments ago or the mail server refused it."""
    try:
        token = email_confirmation.request_confirmation(user, current_app.config["SECRET_KEY"], resend_wait())
        send_email(user.email, "email_confirm_signup", user.locale, user=user,
                   link=external_url("lms.accounts.confirm_address", token=token),
                   reset=external_url("lms.accounts.reset_request"), hours=max(1, _max_age() // 3600),
                   site=current_app.config["LMS_SITE_NAME"])
    except DomainError as exc:  # confirmed already, or sent moments ago
        db.session.rollback()
        flash(exc.message, "info")
        return False
    except MailError:
        db.session.rollback()  # no record of a link that was not sent: asking again sends
        flash(_("We could not send the confirmation email just now. Please try again in a few minutes."), "error")
        return False
    return True


@bp.post("/confirm-email/resend")
@access.signed_in
@limiter.limit(_resend_limit, key_func=_resend_key, methods=["POST"])
def resend_confirmation():
    """The banner's "Resend the confirmation email" (at most one every ``LMS_EMAIL_RESEND_WAIT``, and
    ``LMS_EMAIL_CHANGE_LIMIT`` requests); back to the page it was pressed on."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if send_confirmation(user):
        db.session.commit()
        flash(_("We have sent a confirmation link to %(email)s.", email=user.email), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("lms.main.home"), 303)


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
@access.public
def confirm_address(token: str):
    """The emailed link. GET only asks (mail scanners open links, and someone who did not sign up should not confirm
    an account made with their address: the page offers a password reset instead); the button's POST confirms."""
    try:
        user = email_confirmation.read_confirmation_link(token, current_app.config["SECRET_KEY"], _max_age())
    except DomainError as exc:
        return _refused(exc)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            email_confirmation.confirm_email(token, current_app.config["SECRET_KEY"], _max_age())
        except DomainError as exc:  # used a moment ago, or the account disabled
            db.session.rollback()
            return _refused(exc)
        db.session.commit()
        flash(_("Your email address %(email)s is confirmed.", email=user.email), "success")
        return redirect(url_for("lms.main.home" if current_user else "lms.accounts.login"), 303)
    return render_template("lms/accounts/address_confirm.html", form=form, email=user.email)


def _refused(exc: DomainError):
    """A link that confirms nothing: that the address is confirmed already (not an error), or why it does not work."""
    if isinstance(exc, email_confirmation.AlreadyConfirmed):
        return render_template("lms/accounts/address_already_confirmed.html")
    return link_refused("lms/accounts/address_confirm_failed.html", exc)
