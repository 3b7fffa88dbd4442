"""Signing in and out (signing up: :mod:`lms.web.accounts.signup`)."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address

from lms import db
from lms.accounts import login_sessions, tokens
from lms.i18n import SESSION_KEY as LANGUAGE_KEY
from lms.i18n import _, current_locale
from lms.limiter import failed_attempt, form_email_key, limiter
from lms.security import access
from lms.web.accounts import bp
from lms.web.accounts.links import disabled_message
from lms.web.auth import login_user, logout_user
from lms.web.forms import LoginForm
from lms.web.safety import safe_next


def _login_limit_client() -> str:
    return current_app.config["LMS_LOGIN_LIMIT_PER_CLIENT"]


def _login_limit_account() -> str:
    return current_app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"]


def _login_limit_account_total() -> str:
    return current_app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT_TOTAL"]


def _account_and_client_key() -> str:
    """The strict per-account limit counts one client address's failures only: keyed on the email alone, anyone could
    lock a person out by typing wrong passwords for their email. The looser total limit covers guessing from many."""
    return f"{form_email_key()}|client:{get_remote_address()}"


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit(_login_limit_client, methods=["POST"], deduct_when=failed_attempt)
@limiter.limit(_login_limit_account, key_func=_account_and_client_key, methods=["POST"], deduct_when=failed_attempt)
@limiter.limit(_login_limit_account_total, key_func=form_email_key, methods=["POST"], deduct_when=failed_attempt)
def login():
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = login_sessions.sign_in(form.email.data, form.password.data)
        except tokens.AccountDisabled as exc:  # the right password: the person may know why they cannot sign in
            form.form_errors.append(disabled_message(exc.user))
        else:
            if user is not None:
                login_user(user)
                db.session.commit()
                return redirect(safe_next(form.next.data) or url_for("lms.main.home"))
            form.password.errors.append(_("The email or password is not right."))
        g.lms_attempt_failed = True  # a disabled account's attempts count against the limits too
        db.session.rollback()
    status = 401 if request.method == "POST" else 200
    return render_template("lms/accounts/login.html", form=form), status


@bp.post("/logout")
@access.public
def logout():
    language = current_locale()
    logout_user()
    db.session.commit()
    session[LANGUAGE_KEY] = language  # the signed-out page stays in the language the person was using
    flash(_("You are signed out."), "info")
    return redirect(url_for("lms.accounts.login"))
