"""Forms of the hours ledger: trainee submissions, decisions and managers' adjustments."""

from __future__ import annotations

import secrets
from typing import Any

from flask import g
from flask_babel import format_date
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from lms.catalog.areas import area_choices
from lms.errors import DomainError
from lms.hours.adjustments import MAX_ADJUSTMENT_MINUTES
from lms.hours.external_training import MAX_EXTERNAL_MINUTES
from lms.hours.field_experience import MAX_FIELD_MINUTES
from lms.hours.ledger import EARLIEST_DATE, IdempotencyKeyReused
from lms.hours.repeats import PossibleRepeat
from lms.i18n import _, _l, ngettext, today_for
from lms.web.validators import Length, NumberRange, PersonName, Reason


def new_key() -> str:
    return secrets.token_urlsafe(24)


class _KeyedForm(FlaskForm):
    """A submission with a hidden random idempotency key, so a double click or a resend creates one entry. Back, then
    send, comes with a new key: an entry identical to one saved shortly before is then only saved once the person
    ticks ``confirm_repeat`` (:mod:`lms.hours.repeats`), which the page shows only after asking."""

    idempotency_key = HiddenField()
    confirm_repeat = BooleanField(_l("Yes, save another identical entry"))
    #: The identical entry saved shortly before (set when the service asked, :meth:`show_error`).
    repeat_of: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.idempotency_key.data:
            self.idempotency_key.data = new_key()

    def guard_repeats(self) -> bool:
        """Whether the service should refuse an entry identical to a recent one (not once the person confirmed)."""
        return not self.confirm_repeat.data

    def show_error(self, error: DomainError) -> None:
        """Put a service's error next to the field it names, or above the form: also when that field is hidden,
        since nobody would see it there (and the summary would announce a highlighted field that is not)."""
        if isinstance(error, PossibleRepeat):  # Back, send: the details stay, and the page asks
            self.repeat_of = error.earlier
            self.form_errors.append(error.message)
            return
        if isinstance(error, IdempotencyKeyReused):  # Back, edit, send: keep the new details under a new key
            self.idempotency_key.data = new_key()
            self.form_errors.append(f"{error.message} " + _("The form below keeps your new details: check them and "
                                                              "send it again to save them as another entry."))
            return
        target = getattr(self, str(error.details.get("field", "")), None)
        shown = target is not None and isinstance(target.errors, list) and not isinstance(target, HiddenField)
        (target.errors if shown else self.form_errors).append(error.message)


class _TimeSpent(_KeyedForm):
    """Date and time spent, checked here against the service's limits so that every mistake shows on the first
    submit, each in the unit of its box (the service checks again and speaks of minutes, the unit of its API)."""

    #: The most one entry may hold (the service's limit for this kind of entry).
    max_minutes = MAX_EXTERNAL_MINUTES

    org_id = SelectField(
        _l("Organisation"),
        coerce=int,
        validators=[Optional()],
        description=_l("Only needed if you worked for more than one organisation on that date."),
    )
    activity_date = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter the date (YYYY-MM-DD)."))])
    hours = IntegerField(
        _l("Hours"), validators=[Optional()], default=0, invalid_value_message=_l("Enter whole hours, and the rest under Minutes.")
    )
    minutes = IntegerField(
        _l("Minutes"),
        validators=[Optional()],
        default=0,
        render_kw={"min": 0, "max": 59},
        invalid_value_message=_l("Enter whole minutes, from 0 to 59."),
    )
    competency_areas = SelectMultipleField(_l("Competency areas covered"), validate_choice=True)
    #: The id of the rejected entry this one submits again (lms.hours.resubmissions), or empty.
    resubmits = HiddenField()

    def __init__(self, *args: Any, orgs: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.competency_areas.choices = area_choices()
        self.org_id.choices = [(0, _l("The one I worked for on that date"))] + [(org.id, org.name) for org in orgs]
        self.has_org_choice = len(orgs) > 1
        self.hours.render_kw = {"min": 0, "max": self.max_hours()}

    def max_hours(self) -> int:
        return self.max_minutes // 60

    def validate_activity_date(self, field: Any) -> None:
        # the rules of lms.hours.ledger.check_date: today on the calendar of the person entering it
        if field.data > today_for(g.get("lms_user")):
            raise ValidationError(_("The date cannot be in the future."))
        if field.data < EARLIEST_DATE:
            raise ValidationError(_("Enter a date on or after %(date)s.", date=format_date(EARLIEST_DATE)))

    def validate_hours(self, field: Any) -> None:
        most = self.max_hours()
        if field.data is not None and not 0 <= field.data <= most:
            raise ValidationError(ngettext("Enter between 0 and %(num)d hour.", "Enter between 0 and %(num)d hours.", most))

    def validate_minutes(self, field: Any) -> None:
        if field.data is not None and not 0 <= field.data <= 59:
            raise ValidationError(_("Enter whole minutes, from 0 to 59."))

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the total time (also when a box was left empty), under the Hours box."""
        valid = super().validate(extra_validators)
        if self.hours.errors or self.minutes.errors:
            return False
        total = self.total_minutes()
        if 0 < total <= self.max_minutes:
            return valid
        most = self.max_hours()
        self.hours.errors.append(
            _("Enter the time you spent (hours and minutes).")
            if total <= 0
            else ngettext("Enter at most %(num)d hour in all.", "Enter at most %(num)d hours in all.", most)
        )
        return False

    def total_minutes(self) -> int:
        return (self.hours.data or 0) * 60 + (self.minutes.data or 0)


class ExternalForm(_TimeSpent):
    title = StringField(_l("Name of the training"), validators=[DataRequired(), Length(max=300)])
    provider = StringField(
        _l("Who gave it"), validators=[Optional(), Length(max=200)], description=_l("For example: County Public Health Department.")
    )
    evidence = FileField(
        _l("Certificate or sign-in sheet (optional)"),
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"},
    )
    #: The signed token of the file chosen before the form was last shown again (lms.hours.pending_evidence).
    evidence_token = HiddenField()
    remove_evidence = BooleanField(_l("Do not attach this file"))
    #: When submitting a rejected entry again: attach its evidence file (the page names it) unless a new one is chosen.
    reuse_evidence = BooleanField(_l("Attach the same file again"), default=True)
    #: The name of that kept file, when the page shows it (:meth:`show_kept`).
    kept_name: str | None = None

    def __init__(self, *args: Any, max_size: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.evidence.description = _("A PDF, PNG or JPEG file of at most %(size)s MB.", size=max_size)

    def show_kept(self, filename: str, token: str | None = None) -> None:
        """Say that ``filename`` is attached and kept (under ``token``, when new), and offer to replace it."""
        self.kept_name = filename
        if token is not None:
            self.evidence_token.data = token
        self.evidence.label.text = _("Replace it with another file (optional)")

    def forget_kept(self) -> None:
        self.kept_name, self.evidence_token.data, self.remove_evidence.data = None, "", False


def _chosen_id(value: Any) -> int | None:
    """A choice's id; None for the empty "Choose one"."""
    return None if value in (None, "") else int(value)


class FieldForm(_TimeSpent):
    max_minutes = MAX_FIELD_MINUTES

    description = TextAreaField(
        _l("What you did"),
        validators=[DataRequired(), Length(max=4000)],
        description=_l("For example: home visits with a supervisor, a health fair, a charla."),
    )
    supervisor_name = StringField(_l("Supervisor's name"), validators=[DataRequired(), PersonName(), Length(max=200)])
    supervisor_title = StringField(_l("Supervisor's job title"), validators=[DataRequired(), Length(max=200)])
    module_id = SelectField(_l("For which course"), coerce=_chosen_id)

    def __init__(self, *args: Any, modules: list[Any] = (), chosen: int | None = None, **kwargs: Any) -> None:
        """``modules``: the person's field modules (:func:`lms.hours.field_experience.list_field_modules`).
        With any, the person must choose one or "Not for a course" (nothing is chosen for them, so hours meant for
        a course are not logged for none), except that ``chosen`` (the module of the course page they came from)
        is chosen when it is one of theirs. With none, the entry is for no course and the choice is not shown."""
        super().__init__(*args, **kwargs)
        courses = [(m.module_id, f"{m.course_title} — {m.module_title}") for m in modules]
        self.module_id.choices = [(0, _l("Not for a course")), *courses]
        if not courses:
            self.module_id.data = 0
            return
        self.module_id.choices.insert(0, ("", _l("Choose one")))
        self.module_id.flags.required = True
        if not self.is_submitted() and chosen is not None and any(value == chosen for value, _label in courses):
            self.module_id.data = chosen

    def validate_module_id(self, field: Any) -> None:
        if field.data is None:
            raise ValidationError(_l("Choose the course this counts towards, or “Not for a course”."))


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for rejecting"), validators=[Reason(invisible=_l("Give a reason for rejecting: the person will see it.")),
                                                Length(max=2000)], description=_l("The person sees this reason.")
    )


class AdjustForm(_KeyedForm):
    minutes = IntegerField(
        _l("Minutes to add (negative to remove)"),
        validators=[InputRequired(), NumberRange(min=-MAX_ADJUSTMENT_MINUTES, max=MAX_ADJUSTMENT_MINUTES)],
        invalid_value_message=_l("Enter a whole number of minutes, for example 30 or -15."),
        description=_l("For example 30 adds half an hour; -15 removes a quarter of an hour."),
    )
    activity_date = DateField(_l("Date of the activity"), validators=[Optional()])
    description = TextAreaField(_l("Reason"), validators=[Reason(invisible=_l("Give the reason for this adjustment.")),
                                                          Length(max=2000)])
    corrects_id = HiddenField()
    approve_now = BooleanField(_l("Approve it now"))

    #: Whether it corrects an entry, whose date it then takes when the date is left empty (:meth:`set_correcting`).
    is_correcting = False

    def set_correcting(self, correcting: bool) -> None:
        """A correction may leave the date empty (the corrected entry's date is used); an adjustment of its own
        needs one, and its help text says so."""
        self.is_correcting = correcting
        self.activity_date.description = (
            _("Leave empty to use the date of the corrected entry.") if correcting
            else _("The day of the activity this adjustment pays for (or takes back).")
        )

    def validate_minutes(self, field: Any) -> None:
        if field.data == 0:
            raise ValidationError(_l("An adjustment cannot be zero minutes."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.is_correcting and self.activity_date.data is None and not self.activity_date.errors:
            self.activity_date.errors.append(_("Enter the date (YYYY-MM-DD)."))
            return False
        return valid

    def corrects(self) -> int | None:
        value = (self.corrects_id.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 and int(value) < 2**31 else None
