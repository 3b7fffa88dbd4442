"""The audit log's filter by person: who a search text (an email address, or part of a name or address) finds
(:func:`find_people`), and which rows are about them (:func:`person_subjects`). Used by :mod:`lms.web.admin_audit`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Select, select

from lms import db
from lms.accounts.models import User
from lms.accounts.services import get_user_by_email
from lms.certificates.models import Certificate
from lms.enrollment.models import Enrollment, QuizAttemptGrant
from lms.hours.models import HoursEntry
from lms.i18n import _
from lms.orgs.models import Membership
from lms.search_text import contains_pattern, folded
from lms.web.audit_names import PERSONAL_RECORDS

#: How long a search text may be (an email address's longest).
MAX_SEARCH = 254
#: The fewest characters a search by name takes: one letter would find most people.
MIN_SEARCH = 2
#: The most people one search may find: more, and the page asks for a longer text.
MAX_PEOPLE = 20


@dataclass
class PersonFilter:
    """What a search found: ``people`` (by name), or ``error``, the message that says why it finds nobody."""

    text: str
    people: list[User] = field(default_factory=list)
    error: str = ""

    @property
    def ids(self) -> list[int]:
        return [person.id for person in self.people]


def find_people(text: str) -> PersonFilter:
    """The people ``text`` names: the account with that email address, else everyone whose name or address
    contains it (accents and case do not matter), at most :data:`MAX_PEOPLE`; an ``error`` for a text too short or
    too long, or one that finds no one or too many."""
    text = " ".join(text.split())
    found = PersonFilter(text)
    if len(text) > MAX_SEARCH:
        found.error = _("Type at most %(num)d characters to find a person.", num=MAX_SEARCH)
    elif len(text) < MIN_SEARCH:
        found.error = _("Type at least %(num)d characters of a name or email address.", num=MIN_SEARCH)
    elif "@" in text and (exact := get_user_by_email(text)) is not None:
        found.people = [exact]
    else:
        found.people = _search(text)
        if not found.people:
            found.error = (_("No account has the email address %(email)s.", email=text) if "@" in text
                           else _("Nobody's name or email address contains “%(text)s”.", text=text))
        elif len(found.people) > MAX_PEOPLE:
            found.people, found.error = [], _(
                "More than %(num)d people match “%(text)s”: type more of the name, or the whole email address.",
                num=MAX_PEOPLE, text=text)
    return found


def _search(text: str) -> list[User]:
    """Up to one more than :data:`MAX_PEOPLE` people whose name or address holds ``text``, by name; accents and
    case do not matter (:mod:`lms.search_text`). LIKE's wildcards in ``text`` are matched as themselves."""
    pattern = contains_pattern(text)
    query = (select(User).where(folded(User.name).like(pattern, escape="\\") | folded(User.email).like(pattern, escape="\\"))
             .order_by(User.name, User.id).limit(MAX_PEOPLE + 1))
    return list(db.session.execute(query).scalars())


def person_subjects(user_ids: Collection[int]) -> dict[str, Select]:
    """``type name`` → a query of the ids of the records about these people whose rows the log shows as about
    them: their accounts, staff records, enrolments, live-session registrations and attendance, hours entries,
    certificates and extra quiz attempts. Each query reads an index on the record's ``user_id``."""
    ids = sorted(user_ids)
    enrollments = select(Enrollment.id).where(Enrollment.user_id.in_(ids))
    return {
        "User": select(User.id).where(User.id.in_(ids)),
        "Membership": select(Membership.id).where(Membership.user_id.in_(ids)),
        **{name: select(model.id).where(model.user_id.in_(ids)) for name, model in PERSONAL_RECORDS.items()},
        "HoursEntry": select(HoursEntry.id).where(HoursEntry.user_id.in_(ids)),
        "Certificate": select(Certificate.id).where(Certificate.user_id.in_(ids)),
        "QuizAttemptGrant": select(QuizAttemptGrant.id).where(QuizAttemptGrant.enrollment_id.in_(enrollments)),
    }
