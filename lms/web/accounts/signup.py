"""Signing up (``/signup``) and its "check your email" page. Whether or not the address already has an account, the
visitor gets the same redirect to the same page, with the same cookie, and the address is emailed: the confirmation
link of the new account, or, for an address with an account, a note to its owner that someone tried to create one
(:mod:`lms.accounts.signup`). Nobody is signed in by signing up: the visitor signs in once they have the email."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for

from lms import db
from lms.accounts import signup as signing_up
from lms.accounts.models import User
from lms.accounts.names import InvalidName
from lms.errors import DomainError
from lms.i18n import _, current_locale
from lms.notify.services import MailError, recipient_locale, send_email
from lms.security import access
from lms.web.accounts import bp
from lms.web.accounts.confirm_address import send_confirmation
from lms.web.forms import SignupForm
from lms.web.org_limits import signup_limit, spend_signup_notice
from lms.web.safety import safe_next
from lms.web.urls import external_url

#: The session key under which :func:`signup` hands the address to :func:`signup_sent`.
_SENT_KEY = "lms_signup_sent"


@bp.route("/signup", methods=["GET", "POST"])
@access.public
@signup_limit
def signup():
    if not current_app.config["LMS_SIGNUP_ENABLED"]:
        return render_template("lms/accounts/signup_closed.html"), 403
    form = SignupForm(next=request.args.get("next"))
    if form.validate_on_submit():
        try:
            done = signing_up.sign_up(form.email.data, form.name.data, form.password.data, locale=current_locale())
        except DomainError as exc:  # checked before the address is looked up: the same whether it is taken or not
            db.session.rollback()
            (form.name if isinstance(exc, InvalidName) else form.password).errors.append(exc.message)
        else:
            db.session.commit()  # the account stands even if the confirmation email cannot be sent now
            _email_the_address(done)
            session[_SENT_KEY] = form.email.data.strip()
            return redirect(url_for("lms.accounts.signup_sent", next=safe_next(form.next.data)))
    return render_template("lms/accounts/signup.html", form=form)


def _email_the_address(done: signing_up.SignUp) -> None:
    """The new account's confirmation link, or the note to the owner of the account the address has. A failure says
    the same either way (``send_confirmation``'s message)."""
    if done.is_new:
        if send_confirmation(done.user):  # anyone can type any address: the link proves it is theirs
            db.session.commit()
        return
    if done.user is None or not spend_signup_notice(done.user.email):  # the owner is not flooded with these
        return
    try:
        _send_signup_notice(done.user)
    except MailError:  # the words of send_confirmation's failure, so that this one looks the same
        flash(_("We could not send the confirmation email just now. Please try again in a few minutes."), "error")


def _send_signup_notice(owner: User) -> None:
    send_email(owner.email, "signup_attempt", recipient_locale(owner), user=owner,
               login=external_url("lms.accounts.login"), reset=external_url("lms.accounts.reset_request"),
               site=current_app.config["LMS_SITE_NAME"])


@bp.get("/signup/sent")
@access.public
def signup_sent():
    """After signing up: open the emailed link, then sign in (the sign-in link keeps ``next``)."""
    return render_template("lms/accounts/signup_sent.html", email=session.get(_SENT_KEY),
                           login_url=url_for("lms.accounts.login", next=safe_next(request.args.get("next"))))
