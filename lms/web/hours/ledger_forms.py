"""Forms of the hours ledger: trainee submissions, decisions and managers' adjustments."""

from __future__ import annotations

import secrets
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from lms.catalog.areas import area_choices
from lms.errors import DomainError
from lms.hours.ledger import MAX_ADJUSTMENT_MINUTES
from lms.i18n import _, _l
from lms.web.validators import NumberRange


def new_key() -> str:
    return secrets.token_urlsafe(24)


class _KeyedForm(FlaskForm):
    """A submission with a hidden random idempotency key, so a double click or a resend creates one entry."""

    idempotency_key = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.idempotency_key.data:
            self.idempotency_key.data = new_key()

    def show_error(self, error: DomainError) -> None:
        """Put a service's error next to the field it names (or above the form)."""
        target = getattr(self, str(error.details.get("field", "")), None)
        (target.errors if target is not None and isinstance(target.errors, list) else self.form_errors).append(
            error.message)


class _TimeSpent(_KeyedForm):
    org_id = SelectField(_l("Organisation"), coerce=int, validators=[Optional()],
                         description=_l("Only needed if you worked for more than one organisation on that date."))
    activity_date = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter the date (YYYY-MM-DD)."))])
    hours = IntegerField(_l("Hours"), validators=[Optional(), NumberRange(min=0, max=200)], default=0)
    minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(min=0, max=59)], default=0)
    competency_areas = SelectMultipleField(_l("Competency areas covered"), validate_choice=True)

    def __init__(self, *args: Any, orgs: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competency_areas.choices = area_choices()
        self.org_id.choices = [(0, _l("Choose for me"))] + [(org.id, org.name) for org in orgs]
        self.has_org_choice = len(orgs) > 1

    def validate_minutes(self, field: Any) -> None:
        if self.total_minutes() <= 0:
            raise ValidationError(_l("Enter the time you spent (hours and minutes)."))

    def total_minutes(self) -> int:
        return (self.hours.data or 0) * 60 + (self.minutes.data or 0)


class ExternalForm(_TimeSpent):
    title = StringField(_l("Name of the training"), validators=[DataRequired(), Length(max=300)])
    provider = StringField(_l("Who gave it"), validators=[Optional(), Length(max=200)],
                           description=_l("For example: County Public Health Department."))
    evidence = FileField(_l("Certificate or sign-in sheet (optional)"),
                         render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"})

    def __init__(self, *args: Any, max_size: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.evidence.description = _("A PDF, PNG or JPEG file of at most %(size)s.", size=max_size)


class FieldForm(_TimeSpent):
    description = TextAreaField(_l("What you did"), validators=[DataRequired(), Length(max=4000)],
                                description=_l("For example: home visits with a supervisor, a health fair, a charla."))
    supervisor_name = StringField(_l("Supervisor's name"), validators=[DataRequired(), Length(max=200)])
    supervisor_title = StringField(_l("Supervisor's job title"), validators=[DataRequired(), Length(max=200)])
    module_id = SelectField(_l("For which course"), coerce=int, validators=[Optional()])

    def __init__(self, *args: Any, modules: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.module_id.choices = [(0, _l("Not for a course"))] + [
            (m.module_id, f"{m.course_title} — {m.module_title}") for m in modules]


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason for rejecting"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("The person sees this reason."))


class AdjustForm(_KeyedForm):
    minutes = IntegerField(
        _l("Minutes to add (negative to remove)"),
        validators=[InputRequired(), NumberRange(min=-MAX_ADJUSTMENT_MINUTES, max=MAX_ADJUSTMENT_MINUTES)],
        description=_l("For example 30 adds half an hour; -15 removes a quarter of an hour."))
    activity_date = DateField(_l("Date of the activity"), validators=[Optional()],
                              description=_l("Leave empty to use the date of the corrected entry."))
    description = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    corrects_id = HiddenField()
    approve_now = BooleanField(_l("Approve it now"))

    def validate_minutes(self, field: Any) -> None:
        if field.data == 0:
            raise ValidationError(_l("An adjustment cannot be zero minutes."))

    def corrects(self) -> int | None:
        value = (self.corrects_id.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 and int(value) < 2**31 else None
