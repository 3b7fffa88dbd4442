"""Hours views for trainees: my hours by pay period, my summary, and my transcript PDF."""

from __future__ import annotations

from flask import Response, current_app, render_template, request

from lms.db import utcnow
from lms.hours import timesheets, transcript
from lms.hours.pdf import download_headers, render_pdf
from lms.i18n import current_locale, format_month_year, in_language, to_local
from lms.orgs.services import list_user_memberships
from lms.security import access, current_user
from lms.web.file_names import transcript_file_name
from lms.web.hours import bp
from lms.web.hours.reports import period_nav, requested_day, sheet_export_text


@bp.get("/my/periods")
@access.signed_in
def my_timesheet():
    memberships = list_user_memberships(current_user)
    chosen = next((m for m in memberships if m.organisation.slug == request.args.get("org")), None)
    membership = chosen or (memberships[0] if memberships else None)
    if membership is None:
        return render_template("lms/hours/reports/my_timesheet.html", sheet=None, memberships=[])
    org = membership.organisation
    sheet = timesheets.get_timesheet(org, current_user, requested_day(org), current_locale())
    return render_template("lms/hours/reports/my_timesheet.html", org=org, sheet=sheet, memberships=memberships,
                           nav=period_nav(sheet), exported_at=sheet_export_text(org, sheet))


@bp.get("/my/summary")
@access.signed_in
def my_summary():
    return render_template("lms/hours/reports/summary.html", summary=transcript.hours_summary(current_user),
                           month_year=format_month_year)


@bp.get("/my/transcript.pdf")
@access.signed_in
def my_transcript():
    """The transcript in the trainee's own language, whatever language the page was in."""
    user = current_user._get_current_object()
    language = user.locale or current_app.config["LMS_DEFAULT_LOCALE"]
    with in_language(language):
        data = transcript.build_transcript(user, to_local(utcnow()).date(), language)
        pdf = render_pdf("lms/pdf/transcript.html", t=data)
        name = transcript_file_name()  # in the transcript's language, as its text
    return Response(pdf, mimetype="application/pdf", headers=download_headers(name))

