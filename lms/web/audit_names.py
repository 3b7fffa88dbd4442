"""What the admin audit log calls the records its rows are about (:func:`names_of`), which rows an organisation's
log holds besides those written with its id (:func:`org_subjects`), and which rows make a course's history
(:func:`course_subjects`). A fixed number of queries per page, whatever the number of rows. Used by
:mod:`lms.web.admin` and the course history of :mod:`lms.web.authoring.history`; how the rows read is
:mod:`lms.web.audit_display`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Select, and_, or_, select

from lms import db
from lms.accounts.models import ApiToken, User
from lms.audit import AuditEvent, Some
from lms.catalog.edits import source_names
from lms.catalog.models import Course, Lesson, Module, Option, Question, Quiz
from lms.certificates.models import Certificate
from lms.enrollment.models import Enrollment, QuizAttemptGrant
from lms.hours.models import HoursEntry
from lms.hours.titles import display_titles
from lms.i18n import _, current_locale, format_when
from lms.live.models import Attendance, LiveSession, Registration
from lms.orgs.models import Membership
from lms.web.audit_display import REFERENCES, object_label

Names = dict[tuple[str, int | None], str]

#: Records about one person that are written without an organisation: an organisation's log holds the rows about
#: those of its staff (current or former), see :func:`org_subjects`.
PERSONAL_RECORDS = {"Enrollment": Enrollment, "Registration": Registration, "Attendance": Attendance}


def org_subjects(org_id: int) -> dict[str, Select]:
    """``type name`` → a query of the ids of the records about the organisation's staff (anyone with a membership,
    ended or not) that rows are written about without an organisation: their enrolments, live-session registrations
    and attendance. The person's membership is what ties an enrolment to an organisation: who enrolled them is the
    trainee themself, or a trainer or site administrator who belongs to none, most of the time."""
    staff = select(Membership.user_id).where(Membership.org_id == org_id)
    return {name: select(model.id).where(model.user_id.in_(staff)) for name, model in PERSONAL_RECORDS.items()}


#: A course's records whose rows are its history (what it is made of, and when it meets), by the type name rows store.
COURSE_RECORDS = {"Course": Course, "Module": Module, "Lesson": Lesson, "Quiz": Quiz, "Question": Question,
                  "Option": Option, "LiveSession": LiveSession}
#: Rows about those records that are not changes to the course: a trainee asking for another attempt at a quiz (the
#: quiz page lists the requests, with the trainee's name).
COURSE_HISTORY_SKIPS = ("quiz.attempt_requested",)
#: What trainers (and managers) did for the course's trainees that its history shows, by the type name rows store:
#: extra quiz attempts granted, certificates issued by hand (with a reason: an issue on completion has none) or
#: revoked, one person's attendance marked or corrected, and an enrolment made by finalising attendance or by issuing
#: a certificate by hand (with the issue's reason: an enrolment of one's own has none). Not the
#: rest of the rows about its people (enrolments, registrations, issues on completion): trainees' own doings.
COURSE_PEOPLE_ACTIONS = {
    "QuizAttemptGrant": AuditEvent.action == "quiz.attempt_granted",
    "Certificate": or_(AuditEvent.action == "certificate.revoked",
                       and_(AuditEvent.action == "certificate.issued", AuditEvent.reason.is_not(None))),
    "Attendance": AuditEvent.action.in_(("live.attendance_changed", "live.attendance_corrected")),
    "Enrollment": or_(AuditEvent.action == "live.enrolled_by_attendance",
                      and_(AuditEvent.action == "enrollment.created", AuditEvent.reason.is_not(None))),
}


def course_subjects(course_id: int) -> dict[str, Select | Some]:
    """``type name`` → a query of the ids of the course's own records, removed ones too: the course, its modules,
    lessons, quizzes, questions and answers, and its live sessions; and :class:`~lms.audit.Some` of the rows about
    its people's records (:data:`COURSE_PEOPLE_ACTIONS`). Their rows (but :data:`COURSE_HISTORY_SKIPS`) are its
    history; each query reads an index on ``course_id`` (``quiz_id``, ``session_id``)."""
    own = {name: select(model.id).where((model.id if model is Course else model.course_id) == course_id)
           for name, model in COURSE_RECORDS.items()}
    people = {
        "QuizAttemptGrant": select(QuizAttemptGrant.id).where(QuizAttemptGrant.quiz_id.in_(own["Quiz"])),
        "Certificate": select(Certificate.id).where(Certificate.course_id == course_id),
        "Attendance": select(Attendance.id).where(Attendance.session_id.in_(own["LiveSession"])),
        "Enrollment": select(Enrollment.id).where(Enrollment.course_id == course_id),
    }
    return {**own, **{name: Some(ids, COURSE_PEOPLE_ACTIONS[name]) for name, ids in people.items()}}


def names_of(events: list[AuditEvent], org_names: dict[int, str]) -> Names:
    """``(object type, id)`` → what the log calls it: people by name (actors are ``("User", id)`` too), API tokens by
    their name, staff by their person's name, hours entries by their title in the reader's language, invitations by
    the address they were sent to, courses, modules, lessons and quizzes by their title and questions by their wording (in the course's
    source language), certificates by number, holder (as printed) and course, enrolments by person and course,
    registrations by person and live session, live sessions by module and start time (in the reader's zone; a row
    about a session also names it with its start at that row, under ``("AuditEvent", id)``: :func:`_sessions_then`), extra
    quiz attempts by person and quiz, one person's attendance by person and live session. A few queries per page,
    whatever the number of rows."""
    ids = _ids_by_type(events)
    people = _user_names(ids.get("User", set()))
    names: Names = {("User", key): name for key, name in people.items()}
    names |= {("Organisation", key): name for key, name in org_names.items()}
    if ids.get("Membership"):
        rows = db.session.execute(select(Membership.id, User.name).join(User, User.id == Membership.user_id)
                                  .where(Membership.id.in_(sorted(ids["Membership"]))))
        names |= {("Membership", key): name for key, name in rows}
    if ids.get("ApiToken"):  # by the name its owner gave it (a token removed with its account: "API token #3")
        rows = db.session.execute(select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(sorted(ids["ApiToken"]))))
        names |= {("ApiToken", key): name for key, name in rows}
    if ids.get("HoursEntry"):
        entries = db.session.execute(select(HoursEntry).where(HoursEntry.id.in_(sorted(ids["HoursEntry"])))).scalars()
        names |= {("HoursEntry", key): title for key, title in display_titles(list(entries), current_locale()).items()}
    subjects = _subjects(ids)  # adds the courses and modules they name to ``ids``, so one look-up finds every title
    names |= source_names(ids)
    for key, compose in subjects.items():  # in order: a registration's name holds its session's
        names[key] = compose(names)
    for event in events:
        if event.object_type == "Invitation" and isinstance((event.data or {}).get("email"), str):
            names[("Invitation", event.object_id)] = event.data["email"]
        elif event.object_type in _NAMED_BY_DATA and (named := _named_by_data(names, event)):
            names[(event.object_type, event.object_id)] = named
    names |= _sessions_then(events, names, {key: compose.keywords["module"] for key, compose in subjects.items()
                                            if key[0] == "LiveSession"})
    return names


#: The row of a live session that holds its start before the row (``was_starts_at``) or when it was made.
_SESSION_STARTS = {"live_session.updated": "was_starts_at", "live_session.created": "starts_at"}


def _sessions_then(events: list[AuditEvent], names: Names, modules: dict[tuple[str, int], int]) -> Names:
    """``("AuditEvent", id)`` → the live session a row is about as it was at that row: its start then, from the row
    itself (when scheduled; before a change) or else from the first change of its time after the row (which keeps
    the time before it); nothing (its name now) when no row says. One query, whatever the number of rows."""
    about = [e for e in events if e.object_type == "LiveSession" and ("LiveSession", e.object_id) in modules]
    if not about:
        return {}
    later = db.session.execute(
        select(AuditEvent.id, AuditEvent.object_id, AuditEvent.data)
        .where(AuditEvent.object_type == "LiveSession", AuditEvent.action == "live_session.updated",
               AuditEvent.object_id.in_(sorted({e.object_id for e in about})), AuditEvent.id > min(e.id for e in about))
        .order_by(AuditEvent.id)).all()
    found: Names = {}
    for event in about:
        starts = _moment_in(event.data, _SESSION_STARTS.get(event.action)) or next(
            (start for key, session, data in later if session == event.object_id and key > event.id
             and (start := _moment_in(data, "was_starts_at"))), None)
        if starts is not None:
            found[("AuditEvent", event.id)] = _session_name(names, modules[("LiveSession", event.object_id)], starts)
    return found


def _moment_in(data: Any, key: str | None) -> datetime | None:
    """The moment a row's data holds under ``key`` (an ISO text), or None."""
    try:
        return datetime.fromisoformat(data[key]) if key and isinstance((data or {}).get(key), str) else None
    except ValueError:
        return None


#: Records their rows name by the rows' data, with no query: whom (``user_id``) and the record a key names (its type).
_NAMED_BY_DATA = {"QuizAttemptGrant": ("quiz_id", "Quiz"), "Attendance": ("session_id", "LiveSession")}


def _named_by_data(names: Names, event: AuditEvent) -> str | None:
    """An extra-attempts grant as "person, quiz", one person's attendance as "person at session"; None if the row
    lacks the ids."""
    key, kind = _NAMED_BY_DATA[event.object_type]
    data = event.data or {}
    if not (isinstance(data.get("user_id"), int) and isinstance(data.get(key), int)):
        return None
    person = names.get(("User", data["user_id"])) or object_label("User", data["user_id"])
    if kind == "Quiz":
        # i18n: the audit log's name for extra attempts at a quiz given to one trainee: their name, and the quiz
        return _("%(name)s, %(quiz)s", name=person, quiz=_title(names, kind, data[key]))
    # i18n: the audit log's name for one person's attendance of a live session (its module's title and start time)
    return _("%(name)s at %(session)s", name=person, session=_title(names, kind, data[key]))


def _subjects(ids: dict[str, set[int]]) -> dict[tuple[str, int], Any]:
    """Certificates, enrolments, registrations and live sessions: ``(type, id)`` → a function of the names loaded
    later (course and module titles, and sessions' names, so the sessions come first) that gives the record's name.
    One query per type present."""
    registrations = _registrations(ids)  # adds the sessions it names
    return {**_sessions(ids), **_certificates(ids), **_enrollments(ids), **registrations}


def _title(names: Names, kind: str, key: int) -> str:
    return names.get((kind, key)) or object_label(kind, key)


def _certificates(ids: dict[str, set[int]]) -> dict[tuple[str, int], Any]:
    if not ids.get("Certificate"):
        return {}
    holder = Certificate.snapshot["holder_name"].as_string()  # the name it prints, which a reissue may correct
    rows = db.session.execute(select(Certificate.id, Certificate.number, holder, Certificate.course_id)
                              .where(Certificate.id.in_(sorted(ids["Certificate"])))).all()
    ids.setdefault("Course", set()).update(course_id for *_rest, course_id in rows)
    return {("Certificate", key): partial(_certificate_name, number=number, holder=holder, course=course)
            for key, number, holder, course in rows}


def _certificate_name(names: Names, number: str, holder: str | None, course: int) -> str:
    # i18n: the audit log's name for a certificate: its number, the holder's name as printed, the course's title
    return _("Certificate %(number)s: %(name)s, %(course)s", number=number, name=holder or "—",
             course=_title(names, "Course", course))


def _enrollments(ids: dict[str, set[int]]) -> dict[tuple[str, int], Any]:
    if not ids.get("Enrollment"):
        return {}
    rows = db.session.execute(select(Enrollment.id, User.name, Enrollment.course_id).join(User, User.id == Enrollment.user_id)
                              .where(Enrollment.id.in_(sorted(ids["Enrollment"])))).all()
    ids.setdefault("Course", set()).update(course_id for *_rest, course_id in rows)
    return {("Enrollment", key): partial(_enrollment_name, person=name, course=course) for key, name, course in rows}


def _enrollment_name(names: Names, person: str, course: int) -> str:
    # i18n: the audit log's name for an enrolment: who is enrolled, and in which course
    return _("%(name)s in %(course)s", name=person, course=_title(names, "Course", course))


def _registrations(ids: dict[str, set[int]]) -> dict[tuple[str, int], Any]:
    if not ids.get("Registration"):
        return {}
    rows = db.session.execute(select(Registration.id, User.name, Registration.session_id)
                              .join(User, User.id == Registration.user_id)
                              .where(Registration.id.in_(sorted(ids["Registration"])))).all()
    ids.setdefault("LiveSession", set()).update(session_id for *_rest, session_id in rows)
    return {("Registration", key): partial(_registration_name, person=name, session=session)
            for key, name, session in rows}


def _registration_name(names: Names, person: str, session: int) -> str:
    # i18n: the audit log's name for a live-session registration: who registered, and for which session (its
    # module's title and start time)
    return _("%(name)s for %(session)s", name=person, session=_title(names, "LiveSession", session))


def _sessions(ids: dict[str, set[int]]) -> dict[tuple[str, int], Any]:
    if not ids.get("LiveSession"):
        return {}
    rows = db.session.execute(select(LiveSession.id, LiveSession.module_id, LiveSession.starts_at)
                              .where(LiveSession.id.in_(sorted(ids["LiveSession"])))).all()
    ids.setdefault("Module", set()).update(module_id for _key, module_id, _start in rows)
    return {("LiveSession", key): partial(_session_name, module=module, starts=starts) for key, module, starts in rows}


def _session_name(names: Names, module: int, starts: Any) -> str:
    # i18n: the audit log's name for a live session: its module's title and when it starts (in the reader's zone)
    return _("%(module)s, %(when)s", module=_title(names, "Module", module), when=format_when(starts))


def _ids_by_type(events: Iterable[AuditEvent]) -> dict[str, set[int]]:
    """The ids of the records the rows are about or refer to in their data (``REFERENCES``), by type."""
    found: dict[str, set[int]] = {"User": {e.actor_id for e in events if e.actor_id is not None}}
    for event in events:
        if event.object_id is not None:
            found.setdefault(event.object_type, set()).add(event.object_id)
        data = event.data or {}
        was = data.get("was") if isinstance(data.get("was"), dict) else {}
        for key, value in [*data.items(), *was.items()]:  # an old value too (a live session's module before an edit)
            if key in REFERENCES and isinstance(value, int) and not isinstance(value, bool):
                found.setdefault(REFERENCES[key], set()).add(value)
    return found


def _user_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(sorted(ids)))).all())
