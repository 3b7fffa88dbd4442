"""Sign up, sign in and out, password reset, profile (with a change of email address) and personal API tokens."""

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
from lms.accounts import email_change, services
from lms.accounts.models import User
from lms.errors import DomainError
from lms.i18n import SESSION_KEY as LANGUAGE_KEY
from lms.i18n import _, current_locale
from lms.limiter import failed_attempt, form_email_key, limiter
from lms.notify.services import MailError, recipient_locale, send_email
from lms.orgs import services as org_services
from lms.orgs.contacts import managers_of
from lms.security import access, current_user
from lms.web import reveal
from lms.web.auth import login_user, logout_user
from lms.web.forms import (
    EmailChangeForm,
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
        try:
            user = services.sign_in(form.email.data, form.password.data)
        except services.AccountDisabled as exc:  # the right password: the person may know why they cannot sign in
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


def disabled_message(user: User) -> str:
    """What the owner of a disabled account is told (on signing in with the right password, in the email a password
    reset sends instead of a link, on opening a link sent before the account was disabled): that only a site
    administrator can enable it, and who can ask one for them."""
    contacts = managers_of(user.id)
    if not contacts:
        return _("This account is disabled, so it cannot sign in. Only a site administrator can enable it again: ask "
                 "the organisation or trainer who gave you access to %(site)s to contact one.",
                 site=current_app.config["LMS_SITE_NAME"])
    # i18n: a manager of the person's organisation, and the organisation
    names = "; ".join(_("%(name)s (%(org)s)", name=c.name, org=c.org_name) for c in contacts)
    return _("This account is disabled, so it cannot sign in. Only a site administrator can enable it again. Your "
             "organisation's managers can ask one for you: %(managers)s.", managers=names)


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
        try:
            if user is not None:
                _send_reset(user)
        except MailError:
            flash(_("We could not send the email just now. Please try again in a few minutes."), "error")
            return render_template("lms/accounts/reset_request.html", form=form), 503
        return render_template("lms/accounts/reset_sent.html", email=form.email.data)
    return render_template("lms/accounts/reset_request.html", form=form)


def _send_reset(user: User) -> None:
    """The reset link; for a disabled account, which a new password would not open, why not and whom to ask instead
    (to the account's own mailbox: the page says the same either way)."""
    if not user.is_active:
        send_email(user.email, "account_disabled", recipient_locale(user), user=user, contacts=managers_of(user.id),
                   site=current_app.config["LMS_SITE_NAME"])
        return
    token = services.make_reset_token(user, current_app.config["SECRET_KEY"])
    send_email(user.email, "password_reset", user.locale, user=user, link=external_url("lms.accounts.reset", token=token),
               minutes=current_app.config["LMS_PASSWORD_RESET_MAX_AGE"] // 60)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@access.public
def reset(token: str):
    config = current_app.config
    try:
        user = services.user_for_reset_token(token, config["SECRET_KEY"], config["LMS_PASSWORD_RESET_MAX_AGE"])
    except DomainError as exc:
        return _link_refused("lms/accounts/reset_invalid.html", exc)
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


def _link_refused(template: str, exc: DomainError) -> tuple[str, int]:
    """The page of an emailed link that does not work: why, in ``template``; for an account disabled since the link
    was sent, which no new password or address would let in, that it is disabled and whom to ask instead."""
    if isinstance(exc, services.AccountDisabled):
        return render_template("lms/accounts/link_account_disabled.html", message=disabled_message(exc.user)), exc.status
    return render_template(template, message=exc.message), exc.status


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
    return _profile_page(form=form)


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
    return _profile_page(password_form=form), 400


def _profile_page(form: ProfileForm | None = None, password_form: PasswordChangeForm | None = None,
                  email_form: EmailChangeForm | None = None) -> str:
    """The profile page with the form that was sent (and its errors), the others empty."""
    if form is None:
        form = ProfileForm(formdata=None, obj=current_user)
        _show_current_choices(form)
    return render_template(
        "lms/accounts/profile.html",
        form=form,
        password_form=password_form or PasswordChangeForm(formdata=None),
        email_form=email_form or EmailChangeForm(formdata=None),
        memberships=_current_memberships(),
    )


def _email_change_limit() -> str:
    return current_app.config["LMS_EMAIL_CHANGE_LIMIT"]


def _email_change_key() -> str:
    return f"email-change:{current_user.id}"


@bp.post("/profile/email")
@access.signed_in
@limiter.limit(_email_change_limit, key_func=_email_change_key, methods=["POST"])
def request_email_change():
    """Check the password and the new address, then email a confirmation link to that address; nothing changes until
    the link is opened. Every request counts towards the limit: each sends an email, and a wrong password is a guess."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            email, token = email_change.request_email_change(user, form.password.data, form.new_email.data,
                                                             current_app.config["SECRET_KEY"])
        except email_change.WrongPassword as exc:
            form.password.errors.append(exc.message)
        except DomainError as exc:  # the address is taken, or already the account's
            form.new_email.errors.append(exc.message)
        else:
            db.session.commit()  # a password hash upgraded by the check: the link is bound to the hash
            if _send_confirmation(user, email, token):
                # i18n: %(email)s is the new address, where the confirmation link was sent.
                flash(_("We sent a link to %(email)s. Open it to confirm your new address; until then you keep "
                        "using %(current)s.", email=email, current=user.email), "success")
                return redirect(url_for("lms.accounts.profile"))
            return _profile_page(email_form=form), 503
    return _profile_page(email_form=form), 400


def _send_confirmation(user: User, email: str, token: str) -> bool:
    try:
        send_email(email, "email_change_confirm", recipient_locale(user), user=user, email=email,
                   link=external_url("lms.accounts.confirm_email_change", token=token),
                   hours=max(1, current_app.config["LMS_EMAIL_CHANGE_MAX_AGE"] // 3600))
    except MailError:
        flash(_("We could not send the email just now. Please try again in a few minutes."), "error")
        return False
    return True


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
        return _link_refused("lms/accounts/email_change_failed.html", exc)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            user, old = email_change.confirm_email_change(*link)
        except DomainError as exc:  # used or disabled a moment ago, or the address was taken meanwhile
            db.session.rollback()
            return _link_refused("lms/accounts/email_change_failed.html", exc)
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
