"""Sign up, sign in and out, password reset, profile and personal API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from wtforms import HiddenField

from lms import db
from lms.accounts import services
from lms.errors import DomainError
from lms.i18n import SESSION_KEY as LANGUAGE_KEY
from lms.i18n import _, current_locale
from lms.limiter import failed_attempt, form_email_key, limiter
from lms.notify.services import MailError, send_email
from lms.orgs import services as org_services
from lms.security import access, current_user
from lms.web import reveal
from lms.web.auth import login_user, logout_user
from lms.web.forms import (
    EmptyForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    ResetForm,
    ResetRequestForm,
    SignupForm,
    TokenForm,
)
from lms.web.safety import safe_next
from lms.web.urls import external_url

bp = Blueprint("accounts", __name__)


def _login_limit_client() -> str:
    return current_app.config["LMS_LOGIN_LIMIT_PER_CLIENT"]


def _login_limit_account() -> str:
    return current_app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"]


def _reset_limit() -> str:
    return current_app.config["LMS_RESET_LIMIT_PER_CLIENT"]


def _reset_limit_account() -> str:
    return current_app.config["LMS_RESET_LIMIT_PER_ACCOUNT"]


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit(_login_limit_client, methods=["POST"], deduct_when=failed_attempt)
@limiter.limit(_login_limit_account, key_func=form_email_key, methods=["POST"], deduct_when=failed_attempt)
def login():
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            return redirect(safe_next(form.next.data) or url_for("lms.main.home"))
        g.lms_attempt_failed = True
        db.session.rollback()
        form.password.errors.append(_("The email or password is not right."))
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


@bp.route("/signup", methods=["GET", "POST"])
@access.public
def signup():
    if not current_app.config["LMS_SIGNUP_ENABLED"]:
        return render_template("lms/accounts/signup_closed.html"), 403
    form = SignupForm(next=request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = services.register_user(form.email.data, form.name.data, form.password.data, locale=current_locale())
        except DomainError as exc:
            form.email.errors.append(exc.message)
        else:
            login_user(user)
            db.session.commit()
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            return redirect(safe_next(form.next.data) or url_for("lms.main.home"))
    return render_template("lms/accounts/signup.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@access.public
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit_account, key_func=form_email_key, methods=["POST"])
def reset_request():
    """Always answers the same way, so the form does not reveal which emails have accounts."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.get_user_by_email(form.email.data)
        if user is not None and user.is_active:
            token = services.make_reset_token(user, current_app.config["SECRET_KEY"])
            link = external_url("lms.accounts.reset", token=token)
            try:
                send_email(
                    user.email,
                    "password_reset",
                    user.locale,
                    user=user,
                    link=link,
                    minutes=current_app.config["LMS_PASSWORD_RESET_MAX_AGE"] // 60,
                )
            except MailError:
                flash(_("We could not send the email just now. Please try again in a few minutes."), "error")
                return render_template("lms/accounts/reset_request.html", form=form), 503
        return render_template("lms/accounts/reset_sent.html", email=form.email.data)
    return render_template("lms/accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@access.public
def reset(token: str):
    config = current_app.config
    try:
        user = services.user_for_reset_token(token, config["SECRET_KEY"], config["LMS_PASSWORD_RESET_MAX_AGE"])
    except DomainError as exc:
        return render_template("lms/accounts/reset_invalid.html", message=exc.message), 400
    form = ResetForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data)
        except DomainError as exc:  # e.g. a password made of the person's own name, which only the service knows
            form.password.errors.append(exc.message)
        else:
            login_user(user)
            db.session.commit()
            flash(_("Your password is changed and you are signed in."), "success")
            return redirect(url_for("lms.main.home"))
    return render_template("lms/accounts/reset.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@access.signed_in
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        _show_current_choices(form)
    if form.validate_on_submit():
        services.update_profile(current_user, name=form.name.data, locale=form.locale.data, timezone=form.timezone.data)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("lms.accounts.profile"))
    return render_template(
        "lms/accounts/profile.html", form=form, password_form=PasswordChangeForm(formdata=None), memberships=_current_memberships()
    )


@bp.post("/profile/password")
@access.signed_in
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.current_password.data) is None:
            form.current_password.errors.append(_("Your current password is not right."))
        else:
            services.set_password(current_user._get_current_object(), form.new_password.data)
            login_user(current_user._get_current_object())
            db.session.commit()
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("lms.accounts.profile"))
    profile_form = ProfileForm(formdata=None, obj=current_user)
    _show_current_choices(profile_form)
    page = render_template("lms/accounts/profile.html", form=profile_form, password_form=form, memberships=_current_memberships())
    return page, 400


def _show_current_choices(form: ProfileForm) -> None:
    """The language and time zone the person has now, also when they never chose one (not the first choice listed:
    saving the form would silently move them to it)."""
    form.locale.data = current_user.locale or current_locale()
    form.timezone.data = current_user.timezone or current_app.config["LMS_DEFAULT_TIMEZONE"]


class KeyedTokenForm(TokenForm):
    """The token form with a hidden one-time submission key, made when the form is rendered (as the hours forms
    have), so that sending the same rendered form twice creates one token."""

    idempotency_key = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.idempotency_key.data:
            self.idempotency_key.data = secrets.token_urlsafe(24)


def _current_memberships() -> list[Any]:
    """The organisations the person works for now, with their role in each (shown beside the site role)."""
    return [m for m in org_services.list_user_memberships(current_user) if m.employment_end is None]


@bp.route("/tokens", methods=["GET", "POST"])
@access.signed_in
def tokens():
    """Post/Redirect/Get: the POST creates the token and redirects, so reloading the page cannot create another, and
    the form's submission key makes a second POST of the same form create nothing; the new secret is shown once, on
    the next GET, and never cached."""
    form = KeyedTokenForm()
    if form.validate_on_submit():
        try:
            token, raw = services.create_api_token(current_user, form.name.data, form.idempotency_key.data)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(exc.message)
        else:
            return _token_created(token, raw)
    response = make_response(
        render_template(
            "lms/accounts/tokens.html",
            form=form,
            created=reveal.take("api_token", current_user.id) if request.method == "GET" else None,
            tokens=services.list_api_tokens(current_user),
            revoke_form=EmptyForm(),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _token_created(token: Any, raw: str | None):
    """Commit, hold a new secret for the next page, or say the form had already created its token."""
    name = token.name
    db.session.commit()
    if raw is None:
        # i18n: after the API tokens form was sent twice; %(name)s is the name the person gave the token.
        flash(_("This form was already sent, so the token “%(name)s” was created only once. If its secret was not "
                "shown to you, revoke the token and create a new one.", name=name), "info")
    else:
        reveal.keep("api_token", raw, current_user.id)
    return redirect(url_for("lms.accounts.tokens"), 303)


@bp.post("/tokens/<int:token_id>/revoke")
@access.signed_in
def revoke_token(token_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.revoke_api_token(current_user, token_id)
    db.session.commit()
    flash(_("The token is revoked. Programs using it can no longer sign in."), "success")
    return redirect(url_for("lms.accounts.tokens"))
