"""Forms for scheduling live sessions and cancelling them. Times are typed in the session's own time zone."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import InputRequired, Optional, StopValidation, ValidationError

from lms.i18n import _l, locale_names
from lms.live.afterwards import RECORD_WINDOW
from lms.live.models import SessionMode
from lms.live.plans import MAX_CAPACITY, MAX_MINUTES, MAX_REPEAT, SessionData, end_before_start_text
from lms.web.fields import TimezoneField
from lms.web.validators import Length, NumberRange, Reason


def finite(form, field) -> None:
    """``NaN`` and ``Infinity`` parse as decimals but cannot be compared: refuse them before range checks."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l("Enter an amount in dollars, like 25 or 12.50."))


def whole_cents(form, field) -> None:
    """Money is stored in whole cents: refuse 12.345 rather than round it silently (12.340 is 12.34)."""
    if field.data is not None and field.data.normalize().as_tuple().exponent < -2:
        raise ValidationError(_l("Enter the cost in dollars and cents, with at most 2 decimal places, like 12.50."))


class SessionForm(FlaskForm):
    module = SelectField(_l("Course and live module"), coerce=int, validate_choice=False)
    starts_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date."))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(message=_l("Enter the start time."))])
    end_time = TimeField(
        _l("End time"),
        validators=[Optional()],
        # i18n: the hint under "End time"; "Length in minutes" is the field below it.
        description=_l("Give an end time or a length. The end time is on the day the session starts: for a session "
                       "that ends after midnight, give its length in minutes instead."),
    )
    minutes = IntegerField(_l("Length in minutes"), validators=[Optional(), NumberRange(min=1, max=MAX_MINUTES)])
    timezone = TimezoneField(_l("Time zone of the date and times"))
    locale = SelectField(_l("Language the session is given in"))
    mode = SelectField(_l("How people take part"))
    address = TextAreaField(
        _l("Address"),
        validators=[Optional(), Length(max=1000)],
        description=_l("For sessions in person. Only registered people see it."),
    )
    join_url = URLField(
        _l("Join link"),
        validators=[Optional(), Length(max=500)],
        description=_l("For online sessions, e.g. a Zoom or Teams link. Only registered people see it."),
    )
    capacity = IntegerField(
        _l("Seats"), validators=[InputRequired(message=_l("Enter the number of seats.")), NumberRange(min=1, max=MAX_CAPACITY)]
    )
    deadline = DateTimeLocalField(
        _l("Registration closes"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l(
            "Optional. A date and time in the session's time zone, the one chosen above under “Time zone of the date "
            "and times”. Left empty, registration closes when the session starts."
        ),
    )
    cost = DecimalField(
        _l("Cost per participant (US dollars)"),
        places=2,
        validators=[Optional(), finite, NumberRange(min=0, max=100_000), whole_cents],
        description=_l("Leave empty if there is no cost."),
    )
    trainers = SelectMultipleField(_l("Trainers"), coerce=int, validate_choice=False)
    notes = TextAreaField(_l("Notes for participants"), validators=[Optional(), Length(max=4000)])
    repeat = IntegerField(
        _l("Number of weekly sessions"),
        default=1,
        validators=[InputRequired(), NumberRange(min=1, max=MAX_REPEAT)],
        description=_l("1 for a single session. More repeats it every week at the same local time."),
    )

    def __init__(self, *args, module_choices=None, trainer_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.module.choices = module_choices or []
        self.trainers.choices = trainer_choices or []
        self.locale.choices = locale_names()
        self.mode.choices = SessionMode.choices()

    def validate_mode(self, field):
        if field.data not in {m.value for m in SessionMode}:
            raise ValidationError(_l("Choose how people take part."))

    def validate_locale(self, field):
        if field.data not in {code for code, _name in self.locale.choices}:
            raise ValidationError(_l("Choose the language of the session."))

    def validate_module(self, field):
        if field.data not in _flat_values(self.module.choices):
            raise ValidationError(_l("Choose a live module."))

    def validate_trainers(self, field):
        if not field.data:  # also checked by the service; here it shows beside the form's other mistakes
            raise ValidationError(_l("Choose at least one trainer: the trainers take attendance."))
        allowed = {value for value, _label in self.trainers.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Choose trainers from the list."))

    def validate_minutes(self, field):
        if self.end_time.data is None and field.data is None:
            raise ValidationError(_l("Give an end time or a length."))

    def validate_end_time(self, field):
        end_time, _minutes = self.end_and_length()
        if end_time is not None and self.start_time.data is not None and end_time <= self.start_time.data:
            raise ValidationError(end_before_start_text())

    def end_and_length(self) -> tuple:
        """The end time and length the plan takes: as typed (the edit form keeps only the one the trainer changed)."""
        return self.end_time.data, self.minutes.data

    def data_for(self, kept_trainer_ids: Sequence[int] = ()) -> SessionData:
        """The plan the form holds; ``kept_trainer_ids`` when the form has no trainers field (the viewer may not
        change who leads the session)."""
        cost = self.cost.data
        trainer_ids = (self.trainers.data or ()) if self.trainers is not None else kept_trainer_ids
        end_time, minutes = self.end_and_length()
        return SessionData(
            module_id=self.module.data,
            starts_on=self.starts_on.data,
            start_time=self.start_time.data,
            minutes=int(minutes or 0),
            end_time=end_time,
            timezone=self.timezone.data,
            locale=self.locale.data,
            mode=SessionMode(self.mode.data),
            capacity=self.capacity.data,
            address=self.address.data or "",
            join_url=(self.join_url.data or "").strip(),
            notes=self.notes.data or "",
            deadline=self.deadline.data,
            cost_cents=int((cost * 100).to_integral_value()) if cost is not None else None,
            trainer_ids=tuple(trainer_ids),
        )

    def fill_from(self, data: SessionData) -> None:
        self.module.data, self.starts_on.data, self.start_time.data = data.module_id, data.starts_on, data.start_time
        self.end_time.data, self.minutes.data = data.end_time, data.minutes
        self.timezone.data, self.locale.data = data.timezone, data.locale
        self.mode.data, self.capacity.data = data.mode.value, data.capacity
        self.address.data, self.join_url.data, self.notes.data = data.address, data.join_url, data.notes
        self.deadline.data = data.deadline
        self.cost.data = Decimal(data.cost_cents) / 100 if data.cost_cents is not None else None
        if self.trainers is not None:
            self.trainers.data = list(data.trainer_ids)

    def show_error(self, message: str, name: str | None) -> None:
        """Put a service's error on its field (or at the top of the form)."""
        target = self._fields.get(name or "")
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            self.form_errors.append(message)


class EditSessionForm(SessionForm):
    """The form that edits one session. It opens with both the end time (when the session ends on the day it starts)
    and the length; what the form showed is kept in hidden fields, so that only the one the trainer changed counts:
    moving the start keeps the end time, unless the trainer changed the length (or the end time) too. And a tick box
    to tell people of a change they are not always told of (new notes)."""

    shown_end_time = HiddenField()
    shown_minutes = HiddenField()
    tell = BooleanField(
        _l("Email the people registered about this change"),
        # i18n: the hint under the tick box "Email the people registered about this change".
        description=_l("A new time, place, join link, language or cost is always emailed to the people registered "
                       "or on the waitlist. Tick this to email them about other changes too, such as new notes."),
    )

    def fill_from(self, data: SessionData) -> None:
        super().fill_from(data)
        self.shown_end_time.data = data.end_time.strftime("%H:%M") if data.end_time else ""
        self.shown_minutes.data = str(data.minutes or "")

    def end_and_length(self) -> tuple:
        end_time, minutes = self.end_time.data, self.minutes.data
        if end_time is None or minutes is None or not self.shown_end_time.data:
            return end_time, minutes  # one of them, as typed (or both, when the form did not show both)
        end_changed = end_time.strftime("%H:%M") != self.shown_end_time.data
        length_changed = str(minutes) != (self.shown_minutes.data or "")
        if length_changed and not end_changed:
            return None, minutes
        if not length_changed:
            return end_time, None  # the end stays where it is (or where it was moved to); the length follows
        return end_time, minutes  # both changed: they must agree (lms.live.plans.check_end_and_length)


class NewSessionForm(SessionForm):
    """The scheduling form with a hidden one-time submission key, made when the form is rendered (as the API token
    and hours forms have), so that sending the same rendered form twice schedules once; and the tick box that records
    a session that has already started or taken place (:mod:`lms.live.afterwards`)."""

    idempotency_key = HiddenField()
    afterwards = BooleanField(
        _l("This session has already started or taken place"),
        # i18n: the hint under the tick box "This session has already started or taken place".
        description=_l("Tick this to record a session of the last %(num)s days that was not scheduled in time, so that "
                       "its attendance and training hours can be recorded. Registration, the waitlist and reminders "
                       "end when a session starts, so it has none of them.", num=RECORD_WINDOW.days),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.idempotency_key.data:
            self.idempotency_key.data = secrets.token_urlsafe(24)


def _flat_values(choices) -> set:
    if isinstance(choices, dict):
        return {value for group in choices.values() for value, _label in group}
    return {value for value, _label in choices}


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Reason(_l("Give a reason for cancelling.")), Length(max=2000)],
        description=_l("Everyone registered or on the waitlist receives it by email."),
    )
