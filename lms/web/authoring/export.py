"""Downloading a course as course files (docs/course-format.md): a zip of the folder ``lms export-courses`` writes,
which ``lms import-courses`` reads back as the same course (:mod:`lms.content.export`)."""

from __future__ import annotations

from flask import Response, render_template

from lms.catalog import services as catalog
from lms.catalog.texts import load_texts
from lms.content.export import ExportRefused
from lms.content.export_files import checked_files, zip_bytes
from lms.i18n import current_locale
from lms.security import access
from lms.web.authoring import bp


@bp.get("/<course_slug>/export")
@access.trainer
def export(course_slug: str):
    """The zip, or (409) a page saying what course files cannot describe yet."""
    course = catalog.get_course(course_slug)
    try:
        files = checked_files(course)
    except ExportRefused as exc:
        t = load_texts(course, current_locale(), owners=[("course", course.id)], fields=("title",))
        return render_template("lms/authoring/export_refused.html", course=course, reasons=exc.reasons, t=t), 409
    return Response(zip_bytes(files), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{course.slug}.zip"'})
