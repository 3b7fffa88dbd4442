"""A person's own data as one zip file ("Download my data" on the profile page): what the LMS holds about them, for
their right to know under California's CCPA/CPRA. ``docs/privacy.md`` lists every file and what is left out.

:func:`build_export` gathers each part (:mod:`.account`, :mod:`.learning` and :mod:`.quizzes`, :mod:`.live_sessions`,
:mod:`.hours`, :mod:`.certificates`, :mod:`.activity`) and writes them (:mod:`.archive`). Only the person's own
records are read; other people appear by name only, where they acted on those records (who approved their hours,
enrolled them, recorded the end of their employment), as the person's own pages show them. Secrets never leave:
no password hash, no API token or session secret (nor their hashes or first characters).

Reading only: nothing is written but the audit row of :func:`record_export`, which the caller adds and commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import IO

from lms import audit
from lms.accounts.data_export import account, activity, certificates, hours, learning, live_sessions, quizzes
from lms.accounts.data_export.archive import write_zip
from lms.accounts.data_export.tables import Attachment, Person, Table
from lms.accounts.models import User
from lms.i18n import in_language

__all__ = ["Person", "build_export", "file_name", "record_export"]

def build_export(person: Person, now: datetime) -> IO[bytes]:
    """The zip of everything held about ``person.user``, in their language and time zone, as a file positioned at its
    start (the caller sends and closes it)."""
    with in_language(person.locale):
        tables, attachments = _gather(person)
        return write_zip(person, tables, attachments, now)


def _gather(person: Person) -> tuple[list[Table], list[Attachment]]:
    courses = learning.load_courses(person)
    lesson_rows, module_rows = learning.progress_rows(courses)
    attempt_rows, grant_rows = quizzes.attempt_rows(courses), quizzes.grant_rows(courses)
    named = [*(obj for _progress, *objs in lesson_rows for obj in objs), *(module for _done, module in module_rows),
             *(obj for _row, *objs in [*attempt_rows, *grant_rows] for obj in objs)]
    learning.with_titles(courses, named, person)
    evidence = hours.evidence(person)
    certificate_table, pdfs = certificates.certificates(person)
    tables = [
        account.profile(person), account.organisations(person), account.invitations(person),
        learning.enrolments(person, courses), learning.lessons(person, courses, lesson_rows),
        learning.modules(person, courses, module_rows), quizzes.attempts(person, courses, attempt_rows),
        quizzes.answers(person, courses, attempt_rows), quizzes.grants(person, courses, grant_rows),
        *live_sessions.live_sessions(person), hours.entries(person, evidence), certificate_table,
        account.api_tokens(person), account.sign_ins(person), activity.activity(person),
    ]
    return tables, [*evidence.values(), *pdfs]


def record_export(user: User) -> None:
    """The audit row of a download (added to the session; the caller commits)."""
    audit.record("account.data_exported", user, user)


def file_name(person: Person, now: datetime) -> str:
    """``my-data-2026-07-04.zip``: the day in the person's time zone."""
    return f"my-data-{now.astimezone(person.zone).date().isoformat()}.zip"
