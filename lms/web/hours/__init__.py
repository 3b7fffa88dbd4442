"""Training hours: my hours and submissions, approval queue, timesheets, payroll export, compliance."""

from flask import Blueprint

bp = Blueprint("hours", __name__, url_prefix="/hours")

from lms.web.hours import ledger, queue, reports, status_changes  # noqa: E402,F401
