"""Forms of the attendance pages. Times are typed as local wall-clock time in the session's zone
(``datetime-local`` inputs, which phones show as a date and time picker without any script)."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, DateTimeLocalField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from lms.errors import DomainError
from lms.i18n import _l
from lms.live.checkin import CODE_LENGTH
from lms.live.models import AttendanceStatus
from lms.live.times import NonexistentTime, nonexistent_message, wall_to_utc, zone
from lms.web.kept_upload import KeptFileForm
from lms.web.validators import Length, Reason

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
REASON_HELP = _l("Attendance is final, so this is a correction: say why (it is kept in the audit log).")


#: The services' own words for a correction sent without a reason (:mod:`lms.live.attendance_changes`,
#: :mod:`lms.live.report_import`), said by the form at the box.
REASON_MISSING = _l("Attendance is final: give a reason for this correction.")
REASON_MAX = 1000


def _reason() -> TextAreaField:
    """The reason of a correction: shown, required and checked only once attendance is final (:func:`mark_reason`)."""
    return TextAreaField(_l("Reason for the correction"), validators=[Optional(), Length(max=REASON_MAX)],
                         description=REASON_HELP)


def mark_reason(form: FlaskForm, final: bool, *, checked: bool | None = None) -> FlaskForm:
    """Once attendance is final every change is a correction, which the services refuse without a reason (empty, or
    invisible characters alone: :func:`lms.reasons.required_reason`); before that the box is not shown. So the box of
    final attendance is marked required, and the form refuses it empty at the box, as the service would.
    ``checked``: whether this submission is a correction (default: ``final``); a roster saved without changing a
    status writes nothing, and the service asks no reason then (:func:`lms.live.attendance_changes.is_correction`)."""
    if final:
        form.reason.flags.required, form.reason.flags.optional = True, False
    if final if checked is None else checked:
        form.reason.validators = [Reason(REASON_MISSING), Length(max=REASON_MAX)]  # the class's list stays as it is
    return form


def local_to_utc(value: datetime | None, tz: str, after: datetime | None = None, field: str = "") -> datetime | None:
    """A naive wall-clock time typed in the session's zone → UTC (an ambiguous time is the first one, unless that is
    before ``after``, the join time of a leave time: :func:`lms.live.times.wall_to_utc`). A time the clocks skip
    that night is refused (:class:`DomainError` shown at the form's ``field``), as scheduling refuses it."""
    if value is None:
        return None
    try:
        return wall_to_utc(value, zone(tz), after)
    except NonexistentTime:
        raise DomainError(nonexistent_message(value), field=field) from None


def utc_to_local(value: datetime | None, tz: str) -> datetime | None:
    return value.astimezone(zone(tz)).replace(tzinfo=None) if value else None


def time_defaults(starts_at: datetime, tz: str) -> dict[str, datetime | None]:
    """What a fresh "Add or correct a time" shows: both boxes at the session's start, in its zone, so the trainer
    changes only the times, not the date. Saved unchanged it credits nothing (the leave time must be after the join
    time): a stray "Save time" never credits the whole session."""
    start = utc_to_local(starts_at, tz)
    return {"joined_at": start, "left_at": start}


class CheckinForm(FlaskForm):
    code = StringField(
        _l("Check-in code"),
        # up to 20: room for the spaces and hyphens people type between the letters, which do not count
        validators=[DataRequired(), Length(max=20, message=_l("A check-in code has %(num)d letters and digits.",
                                                              num=CODE_LENGTH))],
        description=_l("The 6 letters and digits on the trainer's screen."),
    )


class _PersonForm(FlaskForm):
    """The person page holds several forms, told apart by prefix. A prefix would rename the CSRF field too, so these
    forms leave CSRF to the global check (``lms.security.check_csrf``) and templates send the plain ``csrf_token``."""

    class Meta:
        csrf = False


class StatusForm(_PersonForm):
    status = SelectField(_l("Attendance"), choices=[], validators=[DataRequired(message=_l("Choose a status."))])
    reason = _reason()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # no status yet shows as such: a first option of Present would be saved by a stray "Save status"
        self.status.choices = [("", _l("Choose a status")), *AttendanceStatus.choices()]


def _plausible(form, field) -> None:
    """A year far from now (0001, 9999) cannot be converted between time zones; no session is then."""
    if field.data is not None and not 1900 <= field.data.year <= 2999:
        raise ValidationError(_l("Enter a date and time close to the session."))


class TimeForm(_PersonForm):
    joined_at = DateTimeLocalField(_l("Joined at"), format=LOCAL_FORMATS, validators=[DataRequired(), _plausible])
    left_at = DateTimeLocalField(
        _l("Left at"),
        format=LOCAL_FORMATS,
        validators=[Optional(), _plausible],
        description=_l("Leave empty if the person is still in the session."),
    )
    replaces = SelectField(
        _l("Replaces"),
        choices=[],
        validators=[Optional()],
        description=_l("To correct a wrong time, choose it here: it is set aside (kept, not counted) and this one counts instead."),
    )
    reason = _reason()


class RemoveForm(_PersonForm):
    interval_id = IntegerField(validators=[DataRequired()])
    reason = _reason()


class RosterStatusForm(FlaskForm):
    """The roster's one form: a status per person (read from ``status-<user id>``) and a reason when final."""

    reason = _reason()


class FindPersonForm(_PersonForm):
    """The roster's "Add a person by email": someone who came without a phone to check in with (prefixed ``find``
    beside the roster's own form; CSRF as :class:`_PersonForm`)."""

    email = EmailField(
        _l("Email of their account"),
        validators=[DataRequired(message=_l("Enter the email address of their account.")), Length(max=254)],
    )  # who may be added is said once, in the paragraph above the form


class FinalizeForm(FlaskForm):
    """Finalising, sent by the roster's form (so the statuses chosen on it come along). Finalising cannot be undone
    and sends hours to managers, so ``confirm`` must be ticked, as for locking a pay period. Before the scheduled end
    the trainer must also tick ``early``; with it, ``ended_at`` is when the session really ended (empty: now). The
    service checks both (:func:`lms.live.attendance.early_end`)."""

    confirm = BooleanField(
        _l("I have checked the roster above. Finalise it now: this cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm that you checked the roster before it is made final."))],
    )
    early = BooleanField(_l("The session ended early"))
    ended_at = DateTimeLocalField(
        _l("It ended at"),
        format=LOCAL_FORMATS,
        validators=[Optional(), _plausible],
        description=_l("Leave empty if it ended just now."),
    )


class ReportForm(KeptFileForm):
    """A report file and, once attendance is final, the reason. A file chosen before the form was shown again (a
    missing reason...) is kept (:mod:`lms.web.live.reports`): it need not be chosen again."""

    file = FileField(
        _l("Participant report (CSV or TSV from Zoom or Teams)"),
        validators=[FileAllowed(["csv", "tsv", "txt"], _l("Upload a .csv, .tsv or .txt file."))],
    )
    choose_message = _l("Choose a report file.")
    reason = _reason()
