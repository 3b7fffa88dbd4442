"""The certificate part of a data export: each certificate of the person (number, verification code and page,
course, dates, status, revocation) and the PDF of each one in force, in the person's language, as the certificate
page makes it (from the content-hash cache when it was made before). A revoked certificate has no PDF, as on its page."""

from __future__ import annotations

from sqlalchemy import select

from lms import db
from lms.accounts.data_export.tables import Attachment, Person, Table, day, moment, names_of, number, title_of
from lms.certificates import render
from lms.certificates.codes import display
from lms.certificates.dates import expires_on
from lms.certificates.models import Certificate, CertificateStatus
from lms.i18n import _l

COLUMNS = (
    # i18n: column names of certificates.csv (the person's certificates) (“Download my data”)
    _l("Certificate number"), _l("Verification code"), _l("Verification page"), _l("Course"), _l("Version"),
    _l("Status"), _l("Started"), _l("Completed"), _l("Issued"), _l("Valid until"), _l("Minutes"), _l("Issued by"),
    _l("Reason for issuing by hand"), _l("Revoked"), _l("Revoked by"), _l("Reason for revocation"), _l("PDF file"),
)
FOLDER = "certificates"


def certificates(person: Person) -> tuple[Table, list[Attachment]]:
    """The table and the PDFs (made only when the zip is written)."""
    found = list(db.session.execute(
        select(Certificate).where(Certificate.user_id == person.id).order_by(Certificate.issued_at, Certificate.id)
    ).scalars())
    names = names_of([cert.issued_by_id for cert in found] + [cert.revoked_by_id for cert in found])
    pdfs = {cert.id: _pdf(person, cert) for cert in found if cert.status is CertificateStatus.VALID}
    table = Table("certificates", COLUMNS, [_row(person, cert, names, pdfs.get(cert.id)) for cert in found])
    return table, list(pdfs.values())


def _pdf(person: Person, cert: Certificate) -> Attachment:
    return Attachment(f"{FOLDER}/{cert.number}.pdf",
                      lambda: render.render_pdf(cert, person.locale, person.verify_url(cert.code)))


def _row(person: Person, cert: Certificate, names: dict[int, str], pdf: Attachment | None) -> list:
    snap = cert.snapshot or {}
    titles = snap.get("course_titles") or {}
    return [
        cert.number, display(cert.code), person.verify_url(cert.code),
        titles.get(person.locale) or titles.get(snap.get("source_locale", ""), ""), cert.course_version,
        title_of(cert.status), day(snap.get("started_on")), day(snap.get("completed_on")), day(snap.get("issued_on")),
        day(expires_on(cert)), number((snap.get("minutes") or {}).get("total")), names.get(cert.issued_by_id),
        cert.issue_reason, moment(person, cert.revoked_at), names.get(cert.revoked_by_id), cert.revocation_reason,
        pdf.path if pdf else None,
    ]
