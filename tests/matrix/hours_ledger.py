"""Role matrix: hours_ledger (the trainee's hours, the managers' approval queue, the hours API)."""

from __future__ import annotations

from io import BytesIO

EXPECTED: dict[str, str] = {
    "lms.hours.mine": "signed_in",
    "lms.hours.submit_external": "signed_in",
    "lms.hours.log_field": "signed_in",
    "lms.hours.entry": "signed_in",
    "lms.hours.evidence": "signed_in",
    "lms.hours.queue": "org_manager",
    "lms.hours.bulk_decide": "org_manager",
    "lms.hours.review": "org_manager",
    "lms.hours.approve": "org_manager",
    "lms.hours.reject": "org_manager",
    "lms.hours.status_reviewed": "org_manager",
    "lms.hours.adjust": "org_manager",
    "lms.api.my_hours": "signed_in",
    "lms.api.submit_hours": "signed_in",
    "lms.api.org_hours": "org_manager",
    "lms.api.approve_hours": "org_manager",
    "lms.api.reject_hours": "org_manager",
}

PDF = b"%PDF-1.4\n% a tiny test file\n%%EOF\n"


def world_entry(trainee) -> int:
    """A pending external-training entry of the ``world`` trainee in acme, with evidence (URL arg ``entry_id``)."""

    from lms import db
    from lms.hours import external_training
    from lms.hours.evidence import read_upload
    from lms.i18n import today_for

    upload = read_upload(BytesIO(PDF), "certificate.pdf")
    entry, _created = external_training.submit_external(
        trainee, external_training.ExternalTraining(title="Workshop", activity_date=today_for(trainee), minutes=60), "world", upload)
    db.session.commit()
    return entry.id
