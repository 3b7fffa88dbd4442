"""The training-hours part of a data export: every ledger entry of the person (also corrections, rejected and
withdrawn ones), with its state, who decided it and the pay period it was paid in; and the evidence files they
uploaded, copied into the zip. Each entry's history (created, approved, rejected, moved to another pay period) is in
the activity file, under the entry's number."""

from __future__ import annotations

from pathlib import PurePosixPath

from sqlalchemy import select

from lms import db
from lms.accounts.data_export.tables import Attachment, Person, Table, day, moment, names_of, number, title_of
from lms.catalog.areas import area_title, in_order
from lms.hours import evidence as evidence_files
from lms.hours.export import Number
from lms.hours.models import EvidenceFile, HoursEntry
from lms.hours.money import dollars_text
from lms.hours.titles import display_titles
from lms.i18n import _l
from lms.orgs.models import Organisation

COLUMNS = (
    # i18n: column names of hours.csv (the person's training-hours entries); "Entry": the entry's number (“Download my data”)
    _l("Entry"), _l("Date"), _l("Source"), _l("Status"), _l("Minutes"), _l("Measured minutes"), _l("Title"),
    _l("Who gave it"), _l("Description"), _l("Competency areas"), _l("Organisation"), _l("Supervisor's name"),
    _l("Supervisor's job title"), _l("Corrects entry"), _l("Recorded"), _l("Recorded by"), _l("Decided"),
    _l("Decided by"), _l("Reason for rejecting"), _l("Pay rate (per hour)"), _l("Pay period starting"),
    _l("Evidence file"),
)
FOLDER = "evidence"


def evidence(person: Person) -> dict[int, Attachment]:
    """Evidence file id → its copy in the zip, for the files the person uploaded that are still stored."""
    found = {}
    for stored in db.session.execute(
        select(EvidenceFile).where(EvidenceFile.owner_id == person.id).order_by(EvidenceFile.id)
    ).scalars():
        path = evidence_files.path_of(stored)
        if path.is_file():
            name = PurePosixPath(stored.filename).name or "evidence"
            found[stored.id] = Attachment(f"{FOLDER}/{stored.id}-{name}", path.read_bytes)
    return found


def entries(person: Person, files: dict[int, Attachment]) -> Table:
    """The ledger entries, by date of the activity then number (a fixed number of queries)."""
    rows = list(db.session.execute(
        select(HoursEntry).where(HoursEntry.user_id == person.id).order_by(HoursEntry.activity_date, HoursEntry.id)
    ).scalars())
    titles = display_titles(rows, person.locale)
    names = names_of([entry.created_by_id for entry in rows] + [entry.decided_by_id for entry in rows])
    org_ids = sorted({entry.org_id for entry in rows if entry.org_id})
    orgs = dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))).all()
                ) if org_ids else {}
    return Table("hours", COLUMNS, [_row(person, entry, titles, names, orgs, files) for entry in rows])


def _row(person: Person, entry: HoursEntry, titles: dict[int, str], names: dict[int, str], orgs: dict[int, str],
         files: dict[int, Attachment]) -> list:
    attached = files.get(entry.evidence_id) if entry.evidence_id else None
    return [
        number(entry.id), day(entry.activity_date), title_of(entry.source), title_of(entry.status), number(entry.minutes),
        number(entry.measured_minutes), titles.get(entry.id, entry.title), entry.provider, entry.description,
        "; ".join(area_title(code) for code in in_order(entry.competency_areas or [])) or None,
        orgs.get(entry.org_id) if entry.org_id else None, entry.supervisor_name, entry.supervisor_title,
        number(entry.corrects_id), moment(person, entry.created_at), names.get(entry.created_by_id),
        moment(person, entry.decided_at), names.get(entry.decided_by_id), entry.rejection_reason,
        Number(dollars_text(entry.rate_cents)) if entry.rate_cents is not None else None, day(entry.paid_period_start),
        attached.path if attached else None,
    ]
