"""Trainee forms of the learning pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField

from lms.enrollment.attempt_requests import MAX_MESSAGE_LENGTH, clean_message
from lms.i18n import _l
from lms.web.validators import Length


class AskAttemptForm(FlaskForm):
    """Ask the trainers for another attempt at a quiz (the message is optional; spaces are tidied before counting)."""

    message = TextAreaField(
        _l("Message to the trainers (optional)"),
        filters=[clean_message],
        validators=[Length(max=MAX_MESSAGE_LENGTH, message=_l("Keep your message to %(max)d characters or fewer."))],
        description=_l("For example, what you found hard. Up to %(max)d characters.", max=MAX_MESSAGE_LENGTH),
        render_kw={"maxlength": MAX_MESSAGE_LENGTH, "rows": 3},
    )
