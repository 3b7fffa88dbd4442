"""The profile page: name, language and time zone, a change of password, and the change of email address's form and
pending link (whose views are in :mod:`lms.web.accounts.email_address`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for

from lms import db
from lms.accounts import email_change, login_sessions, password_reset, services
from lms.i18n import _, current_locale
from lms.orgs import services as org_services
from lms.security import access, current_user
from lms.web.accounts import bp
from lms.web.accounts.links import resend_wait
from lms.web.accounts.tokens_after_password import after_password_change
from lms.web.auth import login_user
from lms.web.forms import EmailChangeForm, EmptyForm, PasswordChangeForm, ProfileForm


@bp.route("/profile", methods=["GET", "POST"])
@access.signed_in
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        _show_current_choices(form)
    if form.validate_on_submit():
        services.update_profile(current_user._get_current_object(), name=form.name.data, locale=form.locale.data,
                                timezone=form.timezone.data)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("lms.accounts.profile"))
    return profile_page(form=form)


@bp.post("/profile/password")
@access.signed_in
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if login_sessions.authenticate(current_user.email, form.current_password.data) is None:
            form.current_password.errors.append(_("Your current password is not right."))
        else:
            password_reset.set_password(current_user._get_current_object(), form.new_password.data)
            login_user(current_user._get_current_object())
            db.session.commit()
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return after_password_change(current_user, then="profile")  # API tokens in use? say so
    return profile_page(password_form=form), 400


def profile_page(form: ProfileForm | None = None, password_form: PasswordChangeForm | None = None,
                 email_form: EmailChangeForm | None = None) -> str:
    """The profile page with the form that was sent (and its errors), the others empty."""
    if form is None:
        form = ProfileForm(formdata=None, obj=current_user)
        _show_current_choices(form)
    max_age = timedelta(seconds=current_app.config["LMS_EMAIL_CHANGE_MAX_AGE"])
    return render_template(
        "lms/accounts/profile.html",
        form=form,
        password_form=password_form or PasswordChangeForm(formdata=None),
        email_form=email_form or EmailChangeForm(formdata=None),
        pending=email_change.pending_email_change(current_user, resend_wait(), max_age),
        resend_form=EmptyForm(),
        memberships=_current_memberships(),
    )


def _show_current_choices(form: ProfileForm) -> None:
    """The language and time zone the person has now, also when they never chose one (not the first choice listed:
    saving the form would silently move them to it)."""
    form.locale.data = current_user.locale or current_locale()
    form.timezone.data = current_user.timezone or current_app.config["LMS_DEFAULT_TIMEZONE"]


def _current_memberships() -> list[Any]:
    """The organisations the person works for now, with their role in each (shown beside the site role)."""
    return [m for m in org_services.list_user_memberships(current_user) if m.employment_end is None]
