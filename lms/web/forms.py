"""Account forms. Labels and messages are lazily translated; WTForms' own messages come translated too."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Optional

from lms.accounts.admin_actions import MAX_ACTIVE_REASON
from lms.accounts.passwords import MAX_LENGTH, MIN_LENGTH
from lms.i18n import _l, locale_names
from lms.orgs.joining import CONSENT_MISSING
from lms.web.fields import TimezoneField
from lms.web.validators import Email, HardToGuess, Length, PersonName, Reason


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    next = HiddenField()


class SignupConfirmForm(FlaskForm):
    """The emailed sign-up link's button: the password chosen at sign-up, typed again (lms/accounts/signup.py)."""

    password = PasswordField(_l("The password you chose when signing up"),
                             validators=[DataRequired(), Length(max=MAX_LENGTH)])


def _password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
            HardToGuess(),
        ],
        description=_l("At least %(num)d characters. A few words you can remember make a strong password.", num=MIN_LENGTH),
    )


class SignupForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), PersonName(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = _password_field(_l("Password"))
    confirm = PasswordField(
        _l("Repeat password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))]
    )
    next = HiddenField()
    agree = BooleanField(
        _l("I agree that my training records are kept and shared with my employer."),
        # i18n: the sign-up form sent without its tick box "I agree that my training records are kept and shared with
        # my employer.": the problem is shown on its own, without the box's words
        validators=[DataRequired(message=_l("To create your account, tick the box to agree that your training records "
                                            "are kept and shared with your employer."))],
    )


class InvitedSignupForm(FlaskForm):
    """Create an account while accepting an invitation (the email is the invitation's)."""

    name = StringField(_l("Full name"), validators=[DataRequired(), PersonName(), Length(max=200)])
    password = _password_field(_l("Password"))
    confirm = PasswordField(
        _l("Repeat password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))]
    )
    agree = BooleanField(_l("I agree that my training records are kept and shared with my employer."),
                         validators=[DataRequired(message=CONSENT_MISSING)])


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class ResetForm(FlaskForm):
    password = _password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class ProfileForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), PersonName(), Length(max=200)])
    locale = SelectField(_l("Preferred language"))
    timezone = TimezoneField(_l("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = locale_names()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = _password_field(_l("New password"))
    confirm_password = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
    )


class EmailChangeForm(FlaskForm):
    """The person's new address, confirmed with their password (the link to confirm goes to the new address)."""

    new_email = EmailField(_l("New email address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("To make sure it is you."),
    )


class AdminEmailForm(FlaskForm):
    """A site administrator sets someone's address (no confirmation: the person may have lost the old mailbox)."""

    email = EmailField(_l("New email address"), validators=[DataRequired(), Email(), Length(max=254)])
    reason = TextAreaField(
        _l("Reason"),
        validators=[Reason(invisible=_l("Write the reason for changing the email address.")), Length(max=500)],
        description=_l("Kept in the audit log. For example: can no longer open the old mailbox; asked by phone."),
    )


class AdminNameForm(FlaskForm):
    """A site administrator corrects someone's name, e.g. misspelt on a certificate that is to be reissued."""

    name = StringField(
        _l("Full name"),
        validators=[DataRequired(), PersonName(), Length(max=200)],
        description=_l("As it is to be printed on certificates."),
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Reason(invisible=_l("Write the reason for correcting the name.")), Length(max=500)],
        description=_l("Kept in the audit log. For example: misspelt on certificate CHW-2026-000123; asked by email."),
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"), validators=[DataRequired(), Length(max=100)], description=_l("For example: payroll export script.")
    )


class AdminDisableForm(FlaskForm):
    """A site administrator disables an account, saying why (kept in the audit log, shown on the people page)."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[Reason(invisible=_l("Write the reason for disabling the account.")), Length(max=MAX_ACTIVE_REASON)],
        description=_l("Required. Kept in the audit log and shown on the people page. For example: left the "
                       "organisation; the password was shared."),
    )


class AdminRoleForm(FlaskForm):
    """A site administrator changes someone's site role, saying why (kept in the audit log). The role itself is read
    by the view (the list's menu, or the confirmation page's hidden field)."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[Reason(_l("Write the reason for changing the site role.")), Length(max=MAX_ACTIVE_REASON)],
        description=_l("Required. Kept in the audit log. For example: runs the Tuesday sessions now; left the "
                       "training team."),
    )


class AdminEnableForm(FlaskForm):
    """A site administrator enables an account again, with a note for the audit log if they like."""

    note = StringField(_l("Note (optional)"), validators=[
        Optional(), Reason(invisible=_l("Write the note in words, or leave the box empty."), optional=True),
        Length(max=MAX_ACTIVE_REASON)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""
