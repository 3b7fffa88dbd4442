"""Certificate forms: bulk verification, revocation and manual issuance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import format_decimal, get_locale
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import DateField, EmailField, Field, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional, StopValidation, ValidationError
from wtforms.widgets import TextInput

from lms.certificates.training import MAX_STATED_HOURS, TrainingMinutes, stated_minutes_problem
from lms.certificates.verification import MAX_BULK
from lms.i18n import _, _l, ngettext
from lms.web.validators import Email, Length, Reason

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
        validators=[Reason(_l("Write the reason for revoking this certificate.")), Length(max=REASON_MAX)],
        description=_l("Shown to anyone who verifies this certificate."),
    )


class IssueForm(FlaskForm):
    """Issuing by hand, step 1: who and which course (step 2, :class:`IssueHoursForm`, states the hours)."""

    email = EmailField(_l("Trainee's email"), validators=[DataRequired(), Email(), Length(max=254)])
    course = SelectField(_l("Course"), validators=[DataRequired()])


def format_hours(hours: Decimal) -> str:
    """``Decimal("1.5")`` → ``1.5`` (``1,5`` where the format locale writes a decimal comma): at most two decimals."""
    return format_decimal(hours, "#,##0.##")


def hours_from_minutes(minutes: int) -> Decimal:
    """Minutes as hours, to the nearest quarter hour (the step the form takes)."""
    return Decimal((minutes + 7) // 15) / 4


class HoursField(Field):
    """A number of hours typed the viewer's way (``1.5`` or ``1,5``), read with Babel; ``data`` is a ``Decimal``. A
    text input, not ``type=number``: browsers show a number input's value with a dot whatever the language."""

    widget = TextInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off", "size": 6})
        super().__init__(label, [*(validators or []), _quarter_hours], **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_hours(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None  # a field missing from the request is not the pre-filled value
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            return
        try:
            self.data = parse_decimal(text, locale=get_locale(), strict=True)
        except (NumberFormatError, ValueError, ArithmeticError) as exc:
            raise ValueError(_("Enter a number of hours, for example %(example)s.", example=format_hours(Decimal("1.5")))) from exc


def _quarter_hours(form: Any, field: HoursField) -> None:
    """Whole quarter hours from 0 to :data:`MAX_STATED_HOURS`."""
    if field.process_errors:
        raise StopValidation()  # not a number: already said
    hours = field.data
    if hours is None:
        raise StopValidation(_("Enter the hours (0 if none)."))
    if not hours.is_finite():
        raise StopValidation(_("Enter a number of hours, for example %(example)s.", example=format_hours(Decimal("1.5"))))
    if hours < 0:
        raise StopValidation(_("Enter 0 or more hours."))
    if hours > MAX_STATED_HOURS:
        raise StopValidation(
            ngettext(
                "Enter at most %(max)s hour.",
                "Enter at most %(max)s hours.",
                MAX_STATED_HOURS,
                max=format_hours(Decimal(MAX_STATED_HOURS)),
            )
        )
    if hours * 4 != (hours * 4).to_integral_value():
        raise StopValidation(
            _("Use quarter-hour steps, for example %(a)s or %(b)s.", a=format_hours(Decimal("1.25")), b=format_hours(Decimal("1.5")))
        )


class IssueHoursForm(FlaskForm):
    """Issuing by hand, step 2: the training time the certificate states (pre-filled with what the trainee completed
    in the LMS) and the reason."""

    live_hours = HoursField(_l("Live (synchronous) training, in hours"))
    self_paced_hours = HoursField(_l("Self-paced (asynchronous) training, in hours"))
    field_hours = HoursField(_l("Supervised field experience, in hours"))
    completed_on = DateField(
        _l("Day the training was completed"),
        validators=[Optional()],
        description=_l(
            "For training done elsewhere, the day it ended: the certificate states it. Leave it empty to state the day "
            "the LMS recorded the completion, or today."
        ),
    )
    reason = TextAreaField(
        _l("Reason for issuing by hand"),
        validators=[Reason(_l("Write the reason for issuing this certificate by hand.")), Length(max=REASON_MAX)],
        description=_l("Kept in the audit log. For example: completed the course on paper at a community event."),
    )

    def fill_from(self, credited: TrainingMinutes) -> None:
        self.live_hours.data = hours_from_minutes(credited.live)
        self.self_paced_hours.data = hours_from_minutes(credited.self_paced)
        self.field_hours.data = hours_from_minutes(credited.field)

    def stated(self) -> TrainingMinutes:
        """The hours typed, as minutes (valid fields only)."""
        return TrainingMinutes(
            live=int(self.live_hours.data * 60), self_paced=int(self.self_paced_hours.data * 60), field=int(self.field_hours.data * 60)
        )

    def validate(self, extra_validators: Any = None) -> bool:
        """Each field, and then (when the three numbers are good) the training time as a whole: never 0."""
        valid = super().validate(extra_validators)
        hours = (self.live_hours, self.self_paced_hours, self.field_hours)
        if all(f.data is not None and not f.errors for f in hours):
            problem = stated_minutes_problem(self.stated())
            if problem:
                self.form_errors.append(problem)
                valid = False
        return valid
