"""How the admin audit log reads: every action's title, and each data field's label and value formatter (the names of
the records rows are about: :mod:`lms.web.audit_names`). Used by the log page in :mod:`lms.web.admin`;
``tests/test_audit_titles.py`` checks that every recorded action and field is covered."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal

from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog.areas import area_title, specialty_title
from lms.catalog.models import CourseKind, CourseStatus, ModuleKind, QuestionKind
from lms.enrollment.models import EnrollmentStatus
from lms.hours.models import EntrySource
from lms.i18n import _, _l, current_locale, format_minutes, format_money, format_when, language_name, ngettext
from lms.live.models import AttendanceStatus, RegistrationStatus, SessionStatus
from lms.orgs.models import CEYearBasis, EmploymentType, MemberRole, OrgKind, PayPeriod
from lms.web import audit_display_course
from lms.web.hours.queue import EVENT_TITLES

#: The log's words for every action recorded in ``lms/`` (``tests/test_audit_titles.py`` checks that none is missing);
#: the hours actions keep the words of an entry's history (``EVENT_TITLES``). An unknown action is shown by its code.
ACTION_TITLES = {
    "user.registered": _l("Account created"),
    "user.password_changed": _l("Password changed"),
    "user.enabled": _l("Account enabled"),
    "user.disabled": _l("Account disabled"),
    "user.role_changed": _l("Site role changed"),
    "user.email_changed": _l("Email address changed"),
    "user.email_change_requested": _l("Link sent to confirm a new email address"),
    "user.password_reset_requested": _l("Password reset email sent"),
    "user.name_changed": _l("Name changed"),
    # i18n: in the audit log: the person's interface language (profile or language switcher)
    "user.language_changed": _l("Language changed"),
    # i18n: in the audit log: the person downloaded the zip of their own data from their profile ("Download my data")
    "account.data_exported": _l("Personal data downloaded"),
    "api_token.created": _l("API token created"),
    "api_token.revoked": _l("API token revoked"),
    "org.created": _l("Organisation created"),
    "org.settings_changed": _l("Organisation settings changed"),
    "membership.created": _l("Joined the organisation"),
    "membership.updated": _l("Staff details changed"),
    "membership.ended": _l("Employment ended"),
    "membership.reinstated": _l("End of employment undone"),
    # i18n: in the audit log: a former staff member accepted a new invitation; their earlier employment is kept
    "membership.rejoined": _l("Joined the organisation again"),
    "invitation.created": _l("Invitation sent"),
    "invitation.resent": _l("Invitation sent again"),
    "invitation.replaced": _l("Invitation replaced"),
    "invitation.revoked": _l("Invitation withdrawn"),
    "invitation.accepted": _l("Invitation accepted"),
    "payroll.exported": _l("Payroll exported"),
    "certificate.issued": _l("Certificate issued"),
    "certificate.revoked": _l("Certificate revoked"),
    # i18n: in the audit log: a course was completed, but its completed modules credit 0 minutes, so no certificate.
    "certificate.withheld": _l("Certificate not issued: no training time credited"),
    "signing_key.created": _l("Certificate signing key created"),
    "course.created": _l("Course created"),
    "course.updated": _l("Course settings changed"),
    "course.issuer_changed": _l("Course's issuing organisation changed"),
    "course.status_changed": _l("Course status changed"),
    "module.created": _l("Module added"),
    "module.updated": _l("Module changed"),
    "lesson.created": _l("Lesson added"),
    "lesson.updated": _l("Lesson changed"),
    "quiz.created": _l("Quiz added"),
    "quiz.updated": _l("Quiz settings changed"),
    "question.created": _l("Question added"),
    "question.updated": _l("Question changed"),
    **audit_display_course.REORDER_TITLES,
    "module.archived": _l("Module removed"),
    "module.restored": _l("Module restored"),
    "lesson.archived": _l("Lesson removed"),
    "lesson.restored": _l("Lesson restored"),
    "quiz.archived": _l("Quiz removed"),
    "quiz.restored": _l("Quiz restored"),
    "question.archived": _l("Question removed"),
    "question.restored": _l("Question restored"),
    # i18n: the course history and audit log: a translator saved texts of a course, module, lesson, quiz, question or
    # answer in another language
    "translation.updated": _l("Translation changed"),
    "quiz.attempt_granted": _l("Extra quiz attempts granted"),
    "quiz.attempt_requested": _l("Another quiz attempt requested"),
    "enrollment.created": _l("Enrolled in a course"),
    "enrollment.status_changed": _l("Enrolment status changed"),
    "live_session.created": _l("Live session scheduled"),
    "live_session.updated": _l("Live session changed"),
    "live_session.status_changed": _l("Live session status changed"),
    "registration.registered": _l("Registered for a live session"),
    "registration.waitlisted": _l("Put on a live session's waitlist"),
    "registration.cancelled": _l("Live session registration cancelled"),
    "registration.promoted": _l("Moved from the waitlist to registered"),
    # i18n: the audit log: someone with a seat or waitlist place in a live session was made one of its trainers
    "registration.ended_as_trainer": _l("Live session registration ended: the person now leads the session"),
    "live.checkin_code_created": _l("Check-in code created"),
    "live.attendance_changed": _l("Attendance changed"),
    "live.attendance_finalized": _l("Attendance made final"),
    "live.attendance_corrected": _l("Final attendance corrected"),
    "live.report_imported": _l("Attendance report imported"),
    "live.enrolled_by_attendance": _l("Enrolled by attending a live session"),
    "calendar_feed.reset": _l("Calendar feed address reset"),
    "calendar_feed.disabled": _l("Calendar feed turned off"),
    # i18n: a calendar app (or anyone with the private link) read a person's calendar-feed link for the first time.
    "calendar_feed.first_read": _l("Calendar feed link first read"),
    **EVENT_TITLES,
}

#: What the log calls an object it has no name for, before its id ("Live session #2").
OBJECT_TYPES = {
    "User": _l("Person"), "Organisation": _l("Organisation"), "Membership": _l("Staff member"),
    "Invitation": _l("Invitation"), "HoursEntry": _l("Hours entry"), "PayrollExport": _l("Payroll export"),
    "ApiToken": _l("API token"), "Certificate": _l("Certificate"), "SigningKey": _l("Signing key"),
    "Course": _l("Course"), "Module": _l("Module"), "Lesson": _l("Lesson"), "Quiz": _l("Quiz"),
    "Question": _l("Question"), "Option": _l("Answer"), "QuizAttemptGrant": _l("Extra quiz attempts"), "Enrollment": _l("Enrolment"),
    "LiveSession": _l("Live session"), "Registration": _l("Registration"), "Attendance": _l("Attendance"),
    "CalendarFeed": _l("Calendar feed"),
}


def _titled(enum: Any) -> Callable[[Any], str]:
    return lambda value: enum(value).title


def _date(value: Any) -> str:
    return format_when(date.fromisoformat(value))


def _moment(value: Any) -> str:
    return format_when(datetime.fromisoformat(value))


def _number(value: Any) -> str:
    return format_decimal(int(value), locale=current_locale())


def _yes_no(value: Any) -> str:
    return str(_l("Yes") if value else _l("No"))


def _words(titles: dict[str, Any]) -> Callable[[Any], str]:
    """A code, or a list of codes, in words (a code the log has no word for as stored)."""
    def fmt(value: Any) -> str:
        return ", ".join(str(titles.get(item, item)) for item in (value if isinstance(value, list) else [value]))
    return fmt


_MINUTE_KINDS = {"live": EntrySource.LIVE, "self_paced": EntrySource.SELF_PACED, "field": EntrySource.FIELD}


def _minutes_by_kind(value: Any) -> str:
    """A certificate's minutes by kind of module (``{"live": 60, "total": 60}``)."""
    return ", ".join(
        _("%(what)s: %(minutes)s", what=_MINUTE_KINDS[key].title if key in _MINUTE_KINDS else _("Total") if key == "total"
          else key, minutes=format_minutes(minutes)) for key, minutes in value.items())


def _interval(value: Any) -> str:
    """An attendance interval that was added or removed: its join and leave times."""
    left = _moment(value["left_at"]) if value.get("left_at") else _("still there")
    return _("%(joined)s to %(left)s", joined=_moment(value["joined_at"]), left=left)


def _catalog_text(value: Any) -> str:
    """A course text as a row keeps it (:mod:`lms.catalog.edits`): itself, or a long one's length and hash."""
    if isinstance(value, dict):
        # i18n: a long text the audit log does not copy (a lesson's body): its length, and a checksum that tells
        # versions apart
        return ngettext("%(count)s character, checksum %(hash)s", "%(count)s characters, checksum %(hash)s",
                        int(value["length"]), count=_number(value["length"]), hash=value["hash"])
    return str(value)


def _texts(value: Any) -> str:
    """A list of texts (answers, video links), in order; "—" for none."""
    return "; ".join(_catalog_text(item) for item in value) or "—"


def _feedback(value: Any) -> str:
    """Each answer that has feedback, with its feedback."""
    # i18n: an answer of a quiz question and the feedback a trainee who chooses it reads
    return "; ".join(_("“%(answer)s”: %(feedback)s", answer=_catalog_text(answer), feedback=_catalog_text(feedback))
                     for answer, feedback in value) or "—"


def _people(value: Any) -> str:
    """People a row names as ``{"id", "name"}``, by the name they had then."""
    return ", ".join(str(person["name"]) for person in value) or "—"


def _areas(value: Any) -> str:
    return ", ".join(area_title(code) for code in value) or "—"


def _specialties(value: Any) -> str:
    return ", ".join(specialty_title(slug) for slug in value) or "—"


#: Fields that refer to another record: the type of what their id names (its name on the page if the log loads it).
REFERENCES = {
    "user_id": "User", "issuer_org_id": "Organisation", "corrects_id": "HoursEntry", "because_rejected": "HoursEntry",
    "session_id": "LiveSession", "course_id": "Course", "module_id": "Module", "quiz_id": "Quiz",
    "question_id": "Question",
    "evidence_id": "EvidenceFile", "by": "Invitation", "replaces": "Invitation", "replaced_by": "HoursEntry",
}
_MEMBER_FIELDS = {
    "role": (_l("Role in the organisation"), _titled(MemberRole)),
    "employee_id": (_l("Employee ID"), str),
    "job_title": (_l("Job title"), str),
    "employment_start": (_l("Employment start date"), _date),
    "employment_type": (_l("Type of employment"), _titled(EmploymentType)),
    "employment_end": (_l("Last day of employment"), _date),
    "ended_on": (_l("Last day of employment"), _date),
}
#: An invitation's rows: the role it offers and, on accepting, the consent given.
_INVITATION_FIELDS = {
    "role": _MEMBER_FIELDS["role"],
    # i18n: in the audit log: the person ticked "I agree that my training records are kept and shared with my
    # employer" on accepting an invitation
    "agreed": (_l("Agreed that their training records are kept and shared with the employer"), _yes_no),
}
_ORG_FIELDS = {
    "name": (_l("Organisation name"), str),
    "kind": (_l("Type of organisation"), _titled(OrgKind)),
    "timezone": (_l("Time zone"), str),
    "pay_period": (_l("Pay period"), _titled(PayPeriod)),
    "pay_period_anchor": (_l("First day of any pay period"), _date),
    "training_pay_rate_cents": (_l("Default training pay rate (US dollars per hour)"), format_money),
    "ce_year_basis": (_l("Continuing-education year"), _titled(CEYearBasis)),
    "ce_fiscal_start_month": (_l("Fiscal year starts in month (1–12)"), str),
    "ce_annual_minimum_minutes": (_l("Yearly continuing-education minimum (hours)"), format_minutes),
    "signatory_name": (_l("Signatory's name"), str),
    "signatory_title": (_l("Signatory's title"), str),
}
_TITLE = (_l("Title"), _catalog_text)
_SUMMARY = (_l("Summary"), _catalog_text)
_AREAS = (_l("Competency areas"), _areas)
_SPECIALTIES = (_l("Specialties"), _specialties)
#: The fields of a course, module, lesson, quiz and question the log records when one is added or changed.
_COURSE_FIELDS = {
    "title": _TITLE, "summary": _SUMMARY, "version": (_l("Version"), str),
    "kind": (_l("Kind of training"), _titled(CourseKind)), "source_locale": (_l("Source language"), language_name),
    "competency_areas": _AREAS, "specialties": _SPECIALTIES,
    "certificate_validity_months": (_l("Certificate valid for (months)"), _number),
}
_MODULE_FIELDS = {
    "title": _TITLE, "summary": _SUMMARY, "kind": (_l("Kind of module"), _titled(ModuleKind)),
    "credited_minutes": (_l("Credited minutes"), format_minutes),
    "is_required": (_l("Required to complete the course"), _yes_no),
    "competency_areas": _AREAS, "specialties": _SPECIALTIES,
}
_LESSON_FIELDS = {
    "title": _TITLE, "body": (_l("Lesson text (Markdown)"), _catalog_text), "videos": (_l("Videos"), _texts),
    "estimated_minutes": (_l("Estimated minutes"), format_minutes),
}
_QUIZ_FIELDS = {
    "title": (_l("Quiz title"), _catalog_text), "pass_mark": (_l("Pass mark (%)"), _number),
    "max_attempts": (_l("Attempts allowed"), _number),
}
_QUESTION_FIELDS = {
    "prompt": (_l("Question"), _catalog_text), "kind": (_l("Kind of question"), _titled(QuestionKind)),
    "answers": (_l("Answers"), _texts), "correct_answers": (_l("Correct answers"), _texts),
    "feedback": (_l("Feedback"), _feedback),
}
#: A translation's row (:func:`lms.catalog.edits.record_translation`): each text saved, old and new, and those marked
#: still right after their source changed, by field name.
_TRANSLATION_FIELDS = {
    "locale": (_l("Language"), language_name), "title": _TITLE, "summary": _SUMMARY,
    "body": (_l("Lesson text (Markdown)"), _catalog_text), "prompt": (_l("Question"), _catalog_text),
    "text": (_l("Answer"), _catalog_text), "feedback": (_l("Feedback"), _catalog_text),
    # i18n: a translation's row in the course history: texts whose source changed, confirmed as still right
    "confirmed": (_l("Marked as still right"), _words({"title": _l("Title"), "summary": _l("Summary"),
                                                       "body": _l("Lesson text (Markdown)"), "prompt": _l("Question"),
                                                       "text": _l("Answer"), "feedback": _l("Feedback")})),
}
#: Who a module archived by a course import touched (:mod:`lms.content.importer`, ``--archive-missing``).
_ARCHIVED_FIELDS = {
    # i18n: a module archived by a course import: how many trainees were taking its course then
    "enrolled": (_l("Trainees taking the course"), _number),
    "with_progress": (_l("Trainees who worked on the module"), _number),
    "completed": (_l("Trainees who completed the module"), _number),
}
_SESSION_CHANGES = {"time": _l("Time"), "address": _l("Address"), "join_url": _l("Join link"), "mode": _l("Mode"),
                    "trainers": _l("Trainers")}
_ENROLLED_VIA = {"registration": _l("registered for the session"), "check_in": _l("checked in"),
                 "report_import": _l("attendance report imported"), **audit_display_course.ENROLLED_VIA}
#: The data keys any action may hold: label and value formatter. A key not here nor in the action's ``FIELDS`` is
#: shown as stored.
COMMON_FIELDS: dict[str, tuple[Any, Callable[[Any], str]]] = {
    "minutes": (_l("Hours"), format_minutes),
    "rate_cents": (_l("Pay rate (per hour)"), format_money),
    "paid_period_start": (_l("Pay period starting"), _date),
    "period_start": (_l("Pay period starting"), _date),
    "source": (_l("Source"), _titled(EntrySource)),
    "activity_date": (_l("Date of the activity"), _date),
    "corrects_id": (_l("Corrects entry"), str),
    "evidence_id": (_l("Evidence file"), str),
    "source_ref": (_l("Source reference"), str),
    "because_rejected": (_l("Rejected with entry"), str),
    "replaced_by": (_l("Replaced by entry"), str),
    "rows": (_l("Rows"), _number),
    "sha256": (_l("SHA-256 checksum"), str),
    "kid": (_l("Key ID"), str),
    "issuer_org_id": (_l("Issuing organisation"), str),
    "user_id": (_l("Person"), str),
    "course_id": (_l("Course"), str),
    "module_id": (_l("Module"), str),
    "quiz_id": (_l("Quiz"), str),
    "question_id": (_l("Question"), str),
    "session_id": (_l("Live session"), str),
    "slug": (_l("Short name in addresses"), str),
    "moved_to_end": (_l("Moved to the end of the list"), _yes_no),
    "made_optional": (_l("Restored as optional"), _yes_no),
    "extra": (_l("Extra attempts"), _number),
    "attempts_used": (_l("Attempts used"), _number),
    "email": (_l("Email"), str),
    "replaces": (_l("Replaces"), str),
    "by": (_l("Replaced by"), str),
    "code_prefix": (_l("Code begins with"), str),
    "lms_minutes": (_l("Minutes credited"), _minutes_by_kind),
    "stated_minutes": (_l("Minutes stated"), _minutes_by_kind),
    "completed_on": (_l("Date completed"), _date),
    "series_key": (_l("Series"), str),
    "changes": (_l("Changed"), _words(_SESSION_CHANGES)),
    "was_starts_at": (_l("Start before the change"), _moment),
    "was_ends_at": (_l("End before the change"), _moment),
    "starts_at": (_l("Starts"), _moment),
    "ends_at": (_l("Ends"), _moment),
    # i18n: in the audit log: a trainer entered a live session after it had started or taken place ("Yes")
    "recorded_afterwards": (_l("Recorded after it started"), _yes_no),
    "trainers_added": (_l("Trainers added"), _people),
    "trainers_removed": (_l("Trainers removed"), _people),
    "via": (_l("How"), _words(_ENROLLED_VIA)),
    "kind": (_l("Report"), _words({"zoom": "Zoom", "teams": "Microsoft Teams", "csv": "CSV"})),
    "filename": (_l("File"), str),
    "imported": (_l("Times imported"), _number),
    "duplicates": (_l("Already there"), _number),
    "unmatched": (_l("People not matched"), _number),
    "problems": (_l("Problems"), _number),
    "status": (_l("Attendance"), _titled(AttendanceStatus)),
    "new_status": (_l("Attendance"), _titled(AttendanceStatus)),
    "new_minutes": (_l("Minutes attended"), format_minutes),
    "voided": (_l("Time removed"), _interval),
    "added": (_l("Time added"), _interval),
    "people": (_l("People"), _number),
    "completed": (_l("Completed the live module"), _number),
    "ended_early_at": (_l("Ended early at"), _moment),
    "scheduled_ends_at": (_l("Scheduled end"), _moment),
}
#: Rows that hold a value before and after under two keys: the old key's value is shown as the new key's old one.
OLD_KEYS = {"previous_paid_period_start": "paid_period_start", "old_minutes": "new_minutes", "old_status": "new_status",
            "was_starts_at": "starts_at", "was_ends_at": "ends_at"}
#: How the fields of an action's data read, before ``COMMON_FIELDS``; the first one labels a row's ``old``/``new``.
FIELDS = {
    "org.settings_changed": _ORG_FIELDS,
    **dict.fromkeys(("membership.created", "membership.updated", "membership.ended", "membership.reinstated",
                     "membership.rejoined"), _MEMBER_FIELDS),
    **dict.fromkeys(("invitation.created", "invitation.resent", "invitation.accepted"), _INVITATION_FIELDS),
    "user.role_changed": {"role": (_l("Site role"), _titled(SiteRole))},
    "user.name_changed": {"name": (_l("Name"), str)},
    "user.language_changed": {"locale": (_l("Language"), language_name)},
    "course.status_changed": {"status": (_l("Status"), _titled(CourseStatus))},
    **dict.fromkeys(("course.created", "course.updated"), _COURSE_FIELDS),
    **dict.fromkeys(("module.created", "module.updated"), _MODULE_FIELDS),
    **dict.fromkeys(("lesson.created", "lesson.updated"), _LESSON_FIELDS),
    **dict.fromkeys(("quiz.created", "quiz.updated"), _QUIZ_FIELDS),
    **dict.fromkeys(("question.created", "question.updated"), _QUESTION_FIELDS),
    **audit_display_course.REORDER_FIELDS,
    "live_session.updated": audit_display_course.SESSION_SETTING_FIELDS,
    "translation.updated": _TRANSLATION_FIELDS,
    "module.archived": _ARCHIVED_FIELDS,
    "enrollment.status_changed": {"status": (_l("Status"), _titled(EnrollmentStatus))},
    "live_session.status_changed": {"status": (_l("Status"), _titled(SessionStatus))},
    # i18n: the audit log: the seat or waitlist place a person held before being made the session's trainer
    "registration.ended_as_trainer": {"held": (_l("Place held"), _titled(RegistrationStatus))},
    "calendar_feed.first_read": {"version": (_l("Version"), str)},
    "certificate.issued": {"replaces": (_l("Replaces certificate"), str)},
    "hours.paid_period_moved": {"paid_period_start": (_l("Pay period starting"), _date)},
}


@dataclass(frozen=True)
class Change:
    """One line of a row's details: ``label: old → new``, or ``label: new`` (``old`` is None) when the row holds the
    new value only; ``label`` is empty for a row's own ``old``/``new``, of a field the log has no word for."""

    label: str
    new: str
    old: str | None = None


def action_title(action: str) -> str:
    title = str(ACTION_TITLES.get(action, action))
    return title[:1].upper() + title[1:]


def object_label(object_type: str, object_id: int | None) -> str:
    """What the log calls a record it has no name for: its kind in words and its id ("Live session #2")."""
    kind = str(OBJECT_TYPES.get(object_type, object_type))
    return f"{kind} #{object_id}" if object_id is not None else kind


def what(event: AuditEvent, names: dict[tuple[str, int | None], str]) -> str:
    """What the row is about: its own name for it when it has one (a live session as it was then, under
    ``("AuditEvent", id)``: :func:`lms.web.audit_names.names_of`), else the record's name."""
    return (names.get(("AuditEvent", event.id)) or names.get((event.object_type, event.object_id))
            or object_label(event.object_type, event.object_id))


def changes(event: AuditEvent, names: dict[tuple[str, int | None], str] | None = None,
            omit: Collection[str] = ()) -> list[Change]:
    """An audit row's data, readable: each changed field with its old and new value where the row holds both, other
    data under its label in the reader's language, with values formatted by kind (money, time, dates, names); but
    the keys in ``omit`` (what the page says already: a course's history omits the course)."""
    names = names or {}
    data = {key: value for key, value in (event.data or {}).items() if key not in omit}
    own = FIELDS.get(event.action, {})
    fields = {**COMMON_FIELDS, **own}
    lines = []
    if "old" in data and "new" in data:  # one attribute of the object changed (a site role, a status)
        field = next(iter(own), "")
        label = str(own[field][0]) if field else ""
        lines.append(Change(label, _value(fields, field, data.pop("new"), names),
                            _value(fields, field, data.pop("old"), names)))
    was = data.pop("was", None)
    was = dict(was) if isinstance(was, dict) else {}
    for old_key, key in OLD_KEYS.items():
        if old_key in data and key in data:
            was[key] = data.pop(old_key)
    for key, value in data.items():
        if key in was:
            lines.append(Change(_label(fields, key), _value(fields, key, value, names),
                                _value(fields, key, was[key], names)))
        elif not (value is None or value == "" or value == []) or key in own:  # an empty field of a row: noise
            lines.append(Change(_label(fields, key), _value(fields, key, value, names)))
    return lines


def _label(fields: dict[str, Any], key: str) -> str:
    return str(fields[key][0]) if key in fields else key


def _value(fields: dict[str, Any], key: str, value: Any, names: dict[tuple[str, int | None], str]) -> str:
    if value is None or value == "":
        return "—"
    if key in REFERENCES and isinstance(value, int | list):
        ids = value if isinstance(value, list) else [value]
        return ", ".join(names.get((REFERENCES[key], item)) or f"#{item}" for item in ids)
    if isinstance(value, list) and key not in fields:
        return ", ".join(str(item) for item in value)
    try:
        return fields[key][1](value) if key in fields else str(value)
    except (ValueError, TypeError, KeyError, AttributeError):  # a value written by an older version: shown as stored
        return str(value)
