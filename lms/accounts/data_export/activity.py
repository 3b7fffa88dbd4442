"""The audit-log part of a data export: every row the person made (as the one who acted) and every row about them
or their own records (their account, memberships, invitations, enrolments, extra quiz attempts, live-session seats and
attendance, hours entries, certificates, API tokens, calendar feed).

A row the person made about someone else's records (a manager approving a staff member's hours, a trainer editing a
course) says what they did, when, to which record and in which organisation, but leaves out its reason and details:
those are about the other person."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Select, select, union

from lms import db
from lms.accounts.data_export.tables import Person, Table, moment, names_of, number, yes_no
from lms.accounts.models import ApiToken
from lms.audit import AuditEvent
from lms.certificates.models import Certificate
from lms.enrollment.models import Enrollment, QuizAttemptGrant
from lms.hours.models import HoursEntry
from lms.i18n import _l
from lms.live.models import Attendance, CalendarFeed, Registration
from lms.orgs.models import Invitation, Membership, Organisation

COLUMNS = (
    # i18n: column names of activity.csv (audit rows); "Record type"/"Record number": the record a row is about (“Download my data”)
    _l("When"), _l("Action"), _l("Action code"), _l("Record type"), _l("Record number"), _l("About your records"),
    _l("Organisation"), _l("Who"), _l("Reason"), _l("Details"),
)
#: Rows streamed from the database this many at a time (an administrator may have made a great many).
CHUNK = 1000


def subjects(person: Person) -> dict[str, Select]:
    """Type name → a query of the ids of the person's own records, as audit rows name them."""
    uid = person.id
    return {
        "Membership": select(Membership.id).where(Membership.user_id == uid),
        "Invitation": select(Invitation.id).where(Invitation.email == person.user.email),
        "Enrollment": select(Enrollment.id).where(Enrollment.user_id == uid),
        "QuizAttemptGrant": select(QuizAttemptGrant.id).join(Enrollment, Enrollment.id == QuizAttemptGrant.enrollment_id)
        .where(Enrollment.user_id == uid),
        "Registration": select(Registration.id).where(Registration.user_id == uid),
        "Attendance": select(Attendance.id).where(Attendance.user_id == uid),
        "HoursEntry": select(HoursEntry.id).where(HoursEntry.user_id == uid),
        "Certificate": select(Certificate.id).where(Certificate.user_id == uid),
        "ApiToken": select(ApiToken.id).where(ApiToken.user_id == uid),
        "CalendarFeed": select(CalendarFeed.id).where(CalendarFeed.user_id == uid),
    }


def _about_them(person: Person) -> list[Select]:
    """One id query per kind of record, each through the log's ``object_type, object_id`` index."""
    own = [select(AuditEvent.id).where(AuditEvent.object_type == "User", AuditEvent.object_id == person.id)]
    return own + [select(AuditEvent.id).where(AuditEvent.object_type == kind, AuditEvent.object_id.in_(ids))
                  for kind, ids in subjects(person).items()]


def activity(person: Person) -> Table:
    """The rows, oldest first, read from the database a chunk at a time as the file is written."""
    return Table("activity", COLUMNS, _rows(person))


def _rows(person: Person) -> Iterator[list[Any]]:
    about = _about_them(person)
    made = select(AuditEvent.id).where(AuditEvent.actor_id == person.id)
    query = (select(AuditEvent, AuditEvent.id.in_(union(*about)))
             .where(AuditEvent.id.in_(union(*about, made))).order_by(AuditEvent.id))
    names: dict[int, str] = {}
    orgs: dict[int, str] = {}
    for chunk in db.session.execute(query.execution_options(yield_per=CHUNK)).partitions():
        names.update(names_of(event.actor_id for event, _own in chunk if event.actor_id not in names))
        orgs.update(_org_names(event.org_id for event, _own in chunk if event.org_id not in orgs))
        yield from (_row(person, event, bool(own) or _names_them(person, event), names, orgs) for event, own in chunk)


def _names_them(person: Person, event: AuditEvent) -> bool:
    """A row the person made about a course record on their own behalf (asking for another quiz attempt) names
    them as its ``user_id``: it is about them too."""
    return isinstance(event.data, dict) and event.data.get("user_id") == person.id


def _row(person: Person, event: AuditEvent, own: bool, names: dict[int, str], orgs: dict[int, str]) -> list[Any]:
    title = person.action_titles.get(event.action)
    return [
        moment(person, event.at), str(title) if title is not None else event.action, event.action, event.object_type,
        number(event.object_id), yes_no(own), orgs.get(event.org_id) if event.org_id else None,
        names.get(event.actor_id) if event.actor_id else None,
        event.reason if own else None, _details(event.data) if own else None,
    ]


def _details(data: dict[str, Any] | None) -> str | None:
    return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else None


def _org_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({org_id for org_id in ids if org_id is not None})
    if not wanted:
        return {}
    return dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))).all())

