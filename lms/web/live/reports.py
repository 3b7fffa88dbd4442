"""The trainer's import of a meeting report or sign-in sheet (:mod:`lms.live.report_parsing`,
:mod:`lms.live.report_import`).

A file chosen on the form is kept when the form is shown again without importing it (a missing reason once
attendance is final, a reason too long...), as on the external-training form (:mod:`lms.web.kept_upload`): the page
says "Attached: <name> (kept)" and the next submit imports it, unless it was replaced or removed. A file refused for
itself (not a .csv, .tsv or .txt file; no participant table in it) is not kept: another one must be chosen. Kept files
wait under ``report-pending`` in the storage folder (:mod:`lms.pending_uploads`).
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from lms import db
from lms.db import utcnow
from lms.errors import DomainError
from lms.live import roster as rosters
from lms.live.models import LiveSession
from lms.live.report_import import ImportResult, apply_report
from lms.live.report_parsing import decode, parse_report
from lms.pending_uploads import PendingFile, PendingUploads
from lms.security import access, current_user
from lms.web.kept_upload import KeptUpload
from lms.web.live import bp
from lms.web.live.attendance_forms import ReportForm, mark_reason
from lms.web.live.attendance_support import actor, min_share, session_page
from lms.web.live.credit_mail import tell_changed
from lms.web.org_forms import show_error

#: The longest file name kept with a report (the audit row keeps 200 characters of it).
MAX_NAME = 200


class ReportUpload(KeptUpload):
    """The report file one submit of a :class:`ReportForm` imports (``upload``, a :class:`PendingFile`): newly
    chosen, or kept from an earlier showing."""

    file_field = "file"
    kept_field = "file_token"
    remove_field = "remove_file"
    store = PendingUploads(folder="report-pending", salt="lms-pending-report", field="file")

    def check(self, chosen: Any) -> PendingFile:
        """The form checked its type (its name); its content is read when it is imported."""
        return PendingFile((chosen.filename or "")[:MAX_NAME], chosen.read())


@bp.route("/<int:session_id>/attendance/import", methods=["GET", "POST"])
@access.trainer
def import_report(session_id: int):
    session = rosters.get_managed_session(session_id, current_user)
    form = mark_reason(ReportForm(), session.attendance_finalized_at is not None)  # final: a correction, with a reason
    valid, upload, result = form.validate_on_submit(), ReportUpload(form, actor().id), None
    if request.method == "POST":
        upload.read()
    if upload.upload is not None and not form.file.errors:
        result = _import(session, form, upload) if valid else _check_only(session, form, upload)
    if result is None:
        upload.keep()
    status = 400 if request.method == "POST" and result is None else 200
    return render_template("lms/live/attendance/import.html", form=form, result=result, **session_page(session)), status


def _import(session: LiveSession, form: ReportForm, upload: ReportUpload) -> ImportResult | None:
    """Import the file; on a refusal, None and why above the form (a file that is no report is not kept)."""
    file = upload.upload
    parsed = parse_report(decode(file.data), session.timezone, (session.starts_at, session.ends_at))
    try:
        result = apply_report(session, parsed, actor(), utcnow(), min_share(), form.reason.data or "", file.filename)
    except DomainError as exc:
        db.session.rollback()
        show_error(form, exc)  # a missing reason: at its box
        if parsed.error:
            upload.discard()
        return None
    db.session.commit()
    tell_changed(result.credit_notices)  # the people whose credited time changed
    upload.used()
    return result


def _check_only(session: LiveSession, form: ReportForm, upload: ReportUpload) -> None:
    """The form refused for its own boxes (a correction without a reason...): the file is read all the same, so that
    one that is no report says so now, and is not kept to be refused on the next submit (as the import refuses it
    first)."""
    parsed = parse_report(decode(upload.upload.data), session.timezone, (session.starts_at, session.ends_at))
    if parsed.error:
        form.form_errors.append(parsed.error)
        upload.discard()
