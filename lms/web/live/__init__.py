"""Live sessions: schedules, registration, calendars, check-in and attendance."""

from flask import Blueprint

bp = Blueprint("sessions", __name__, url_prefix="/sessions")

from lms.web.live import attendance, schedule  # noqa: E402,F401
