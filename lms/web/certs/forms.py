"""Certificate forms: bulk verification, revocation and manual issuance."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import EmailField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from lms.certificates.verification import MAX_BULK
from lms.i18n import _l

REASON_MAX = 1000


class BulkVerifyForm(FlaskForm):
    codes = TextAreaField(
        _l("Certificate codes"),
        description=_l("One code per line, or separated by commas or spaces. At most %(max)d codes.", max=MAX_BULK),
    )
    file = FileField(
        _l("Or upload a file"),
        validators=[FileAllowed(["csv", "txt"], _l("Upload a .csv or .txt file."))],
        description=_l("A .csv or .txt file: the codes can be in any column."),
    )

    def validate_codes(self, field):
        if not (field.data or "").strip() and not self.file.data:
            raise ValidationError(_l("Paste at least one code or upload a file."))


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[DataRequired(_l("Write the reason for revoking this certificate.")), Length(max=REASON_MAX)],
        description=_l("Shown to anyone who verifies this certificate."),
    )


class IssueForm(FlaskForm):
    email = EmailField(_l("Trainee's email"), validators=[DataRequired(), Email(), Length(max=254)])
    course = SelectField(_l("Course"), validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason for issuing by hand"),
        validators=[DataRequired(_l("Write the reason for issuing this certificate by hand.")), Length(max=REASON_MAX)],
        description=_l("Kept in the audit log. For example: completed the course on paper at a community event."),
    )
