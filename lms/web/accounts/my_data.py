"""“Download my data” on the profile page: everything the LMS holds about the person, as a zip file
(:mod:`lms.accounts.data_export`; docs/privacy.md). A POST with the form's CSRF token, so that no other site can make
a signed-in browser download (or count towards the limit); limited per account, since each download reads the
person's whole history."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import abort, current_app, send_file

from lms import db
from lms.accounts import data_export
from lms.db import utcnow
from lms.i18n import current_locale, zone_of
from lms.limiter import limiter
from lms.security import access, current_user
from lms.web.accounts import bp
from lms.web.audit_display import ACTION_TITLES
from lms.web.certs.helpers import verify_url
from lms.web.forms import EmptyForm


def _export_limit() -> str:
    return current_app.config["LMS_DATA_EXPORT_LIMIT"]


def _export_key() -> str:
    return f"data-export:{current_user.id}"


@bp.post("/profile/data")
@access.signed_in
@limiter.limit(_export_limit, key_func=_export_key, methods=["POST"])
def download_data():
    """The zip, in the person's language and time zone; the download is written to the audit log."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    person = data_export.Person(user, current_locale(), ZoneInfo(zone_of(user)), verify_url, ACTION_TITLES)
    now = utcnow()
    archive = data_export.build_export(person, now)
    data_export.record_export(user)
    db.session.commit()
    response = send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name=data_export.file_name(person, now), max_age=0, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response
