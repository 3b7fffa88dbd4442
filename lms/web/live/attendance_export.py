"""The roster's "Download attendance (CSV)" (:mod:`lms.live.attendance_csv`): for whoever may see the roster (the
session's trainers and site administrators; anyone else gets 404, as for the roster). UTF-8 with a byte-order mark,
so spreadsheets read accents right, as the other downloads people open in a spreadsheet (the CE checklist); every
text cell neutralised against formulas (:func:`lms.hours.export.write_csv`)."""

from __future__ import annotations

from codecs import BOM_UTF8

from flask import Response

from lms.db import utcnow
from lms.hours.export import Number, write_csv
from lms.live import attendance_csv as sheet
from lms.live import roster as rosters
from lms.live.times import to_zone
from lms.security import access, current_user
from lms.web.certs.helpers import download_headers
from lms.web.file_names import attendance_file_name
from lms.web.live import bp


@bp.get("/<int:session_id>/attendance.csv")
@access.trainer
def attendance_csv(session_id: int):
    session = rosters.get_managed_session(session_id, current_user)
    rows = [[row.name, row.email, row.status, row.joined, row.left,
             Number(row.minutes) if row.minutes is not None else "", row.notes]
            for row in sheet.list_rows(session, utcnow())]
    content = BOM_UTF8 + write_csv([sheet.header(session), *rows])
    name = attendance_file_name(session.id, f"{to_zone(session.starts_at, session.timezone):%Y-%m-%d}")
    return Response(content, mimetype="text/csv", headers=download_headers(name))
