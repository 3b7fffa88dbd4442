"""The hours ledger: every source, exactly-once entries, the append-only rule, evidence files, organisation scoping,
the trainee's pages and the API."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind
from lms.db import utcnow
from lms.enrollment import completion as enrollment_completion
from lms.enrollment import services as enrollment_services
from lms.enrollment import visits as enrollment_visits
from lms.enrollment.models import ModuleCompletion
from lms.errors import DomainError
from lms.hours import adjustments, approvals, corrections, entry_orgs, external_training, field_experience, listeners, review_queue
from lms.hours.evidence import path_of
from lms.hours.models import EntrySource, EntryStatus, EvidenceFile, HoursEntry, LedgerViolation
from lms.live.models import Attendance, LiveSession
from lms.orgs.models import Membership
from lms.signals import attendance_finalized, module_completed
from tests import bulk_forms

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
DAY = date(2026, 3, 10)


# ---------------------------------------------------------------- fixtures and helpers (also used by the approval tests)

@dataclass
class Staff:
    org: Any
    other: Any
    manager: Any
    other_manager: Any
    trainee: Any
    colleague: Any


@pytest.fixture
def staff(make_user, make_org, add_member) -> Staff:
    return make_staff(make_user, make_org, add_member)


def make_staff(make_user, make_org, add_member) -> Staff:
    """acme (biweekly from 2026-01-05, $24/h) with a manager and two trainees; "other" with its own manager."""
    manager = make_user("boss@example.org", name="Bea Boss")
    other_manager = make_user("rival@example.org", name="Rex Rival")
    org = make_org("acme", manager=manager, training_pay_rate_cents=2400)
    other = make_org("other", manager=other_manager, training_pay_rate_cents=3000)
    trainee = make_user("tina@example.org", name="Tina Trainee")
    colleague = make_user("carl@example.org", name="Carl Colleague")
    add_member(org, trainee, employment_start=date(2025, 1, 1))
    add_member(org, colleague, employment_start=date(2025, 1, 1))
    return Staff(org, other, manager, other_manager, trainee, colleague)


def external(user, key: str = "k1", day: date = DAY, minutes: int = 90, title: str = "Workshop", **extra):
    entry, _created = external_training.submit_external(
        user, external_training.ExternalTraining(title=title, activity_date=day, minutes=minutes, **extra), key)
    db.session.commit()
    return entry


def field_log(user, key: str = "f1", day: date = DAY, minutes: int = 60, **extra):
    data = field_experience.FieldExperience(activity_date=day, minutes=minutes, description="Home visits", supervisor_name="Sam",
                                            supervisor_title="Supervisor", **extra)
    entry, _created = field_experience.log_field(user, data, key)
    db.session.commit()
    return entry


def entries_of(user) -> list[HoursEntry]:
    return list(db.session.execute(
        select(HoursEntry).where(HoursEntry.user_id == user.id).order_by(HoursEntry.id)).scalars())


def audit_rows(action: str, entry: HoursEntry) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_type == "HoursEntry", AuditEvent.object_id == entry.id)).scalars())


def make_course(trainer, slug: str = "core", **modules: tuple[ModuleKind, int]):
    """A published course with the named modules (kind, credited minutes); self-paced ones get one lesson."""
    course = course_authoring.create_course(course_authoring.CourseData(slug=slug, title=f"Course {slug}"), trainer)
    made = {}
    for name, (kind, minutes) in modules.items():
        module = module_authoring.add_module(course, module_authoring.ModuleData(slug=name, title=f"Module {name}", kind=kind,
                                                               credited_minutes=minutes,
                                                               competency_areas=("outreach",)), trainer)
        if kind is ModuleKind.SELF_PACED:
            lesson_authoring.add_lesson(course, module, "l1", "Lesson", "Text.", 5, trainer)
        made[name] = module
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course, made


def form_token(client, path: str) -> tuple[str, str]:
    """The CSRF token and the hidden idempotency key of the form at ``path``."""
    import re

    page = client.get(path).get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="idempotency_key"', page)
    return client.csrf_token(path), key.group(1)


# ---------------------------------------------------------------- external training

def test_external_training_form_with_evidence(client, u, login, staff):
    login(staff.trainee)
    token, key = form_token(client, u("lms.hours.submit_external"))
    response = client.post(u("lms.hours.submit_external"), data={
        "csrf_token": token, "idempotency_key": key, "title": "CPR and first aid", "provider": "Red Cross",
        "activity_date": "2026-03-10", "hours": "2", "minutes": "30", "competency_areas": ["professional-conduct"],
        "evidence": (BytesIO(PDF), "cpr-card.pdf"),
    }, follow_redirects=True)
    assert response.status_code == 200
    assert "CPR and first aid" in response.get_data(as_text=True)
    [entry] = entries_of(staff.trainee)
    assert (entry.source, entry.status, entry.minutes, entry.org_id) == (
        EntrySource.EXTERNAL, EntryStatus.PENDING, 150, staff.org.id)
    assert entry.competency_areas == ["professional-conduct"] and entry.provider == "Red Cross"
    evidence = db.session.get(EvidenceFile, entry.evidence_id)
    assert (evidence.content_type, evidence.filename, evidence.size_bytes) == ("application/pdf", "cpr-card.pdf", len(PDF))
    stored = path_of(evidence)
    assert stored.read_bytes() == PDF and stored.name == evidence.storage_key and "cpr" not in stored.name
    assert Path(client.application.config["LMS_STORAGE_PATH"]) in stored.parents
    [event] = audit_rows("hours.entry_created", entry)
    assert (event.org_id, event.actor_id) == (staff.org.id, staff.trainee.id)


def test_double_submit_of_a_form_creates_one_entry(client, u, login, staff):
    login(staff.trainee)
    token, key = form_token(client, u("lms.hours.submit_external"))
    data = {"csrf_token": token, "idempotency_key": key, "title": "Workshop", "activity_date": "2026-03-10",
            "hours": "1", "minutes": "0"}
    first = client.post(u("lms.hours.submit_external"), data=data)
    second = client.post(u("lms.hours.submit_external"), data=data, follow_redirects=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "already received" in second.get_data(as_text=True)
    assert len(entries_of(staff.trainee)) == 1
    assert first.headers["Location"].endswith(f"/hours/entries/{entries_of(staff.trainee)[0].id}")


def test_external_form_errors_rerender(client, u, login, staff):
    login(staff.trainee)
    token, key = form_token(client, u("lms.hours.submit_external"))
    response = client.post(u("lms.hours.submit_external"), data={
        "csrf_token": token, "idempotency_key": key, "title": "", "activity_date": "not a date", "hours": "0",
        "minutes": "0", "competency_areas": ["made-up"]})
    assert response.status_code == 400
    assert entries_of(staff.trainee) == []
    future = client.post(u("lms.hours.submit_external"), data={
        "csrf_token": token, "idempotency_key": key, "title": "X", "hours": "1", "minutes": "0",
        "activity_date": (date.today() + timedelta(days=5)).isoformat()})
    assert future.status_code == 400 and "future" in future.get_data(as_text=True)
    ancient = client.post(u("lms.hours.submit_external"), data={
        "csrf_token": token, "idempotency_key": key, "title": "X", "hours": "1", "minutes": "0",
        "activity_date": "0224-05-01"})
    assert ancient.status_code == 400 and "on or after" in ancient.get_data(as_text=True)
    assert entries_of(staff.trainee) == []


def test_no_employer_on_the_date_keeps_the_entry_personal(staff):
    entry = external(staff.trainee, day=date(2024, 6, 1))  # before employment started
    assert entry.org_id is None
    assert review_queue.list_queue(staff.org, review_queue.QueueFilters(status=None)).rows == []
    with pytest.raises(DomainError):
        approvals.approve(entry, staff.manager)


def test_organisation_is_the_employer_on_the_activity_date(staff, add_member):
    person = staff.colleague
    membership = add_member(staff.other, person, employment_start=date(2026, 3, 1))
    assert membership.org_id == staff.other.id
    acme = db.session.execute(select(Membership).where(
        Membership.user_id == person.id, Membership.org_id == staff.org.id)).scalar_one()
    acme.employment_end = date(2026, 3, 15)
    db.session.commit()
    assert external(person, "a", date(2026, 2, 1)).org_id == staff.org.id
    assert external(person, "b", date(2026, 3, 20)).org_id == staff.other.id
    with pytest.raises(DomainError) as both:  # two employers that day: the person must choose
        external(person, "c", date(2026, 3, 10))
    assert both.value.details["field"] == "org_id"
    db.session.rollback()
    assert external(person, "c", date(2026, 3, 10), org_id=staff.other.id).org_id == staff.other.id
    with pytest.raises(DomainError):  # not their employer that day
        external(person, "d", date(2026, 2, 1), org_id=staff.other.id)
    db.session.rollback()
    # automatic entries take the earliest-started employer
    assert entry_orgs.resolve_org(person.id, date(2026, 3, 10), must_choose=False) == staff.org.id


def test_competency_areas_and_minutes_are_checked(staff):
    for bad in ({"minutes": 0}, {"minutes": -5}, {"minutes": 10**6}, {"competency_areas": ("nope",)},
                {"title": "  "}):
        with pytest.raises(DomainError):
            external(staff.trainee, **{"minutes": 30, **bad})
        db.session.rollback()
    assert entries_of(staff.trainee) == []


# ---------------------------------------------------------------- supervised field experience

def test_field_experience_signed_off_completes_the_field_module(app, make_user, staff):
    trainer = make_user(role=SiteRole.TRAINER)
    course, modules = make_course(trainer, field=(ModuleKind.FIELD, 120), reading=(ModuleKind.SELF_PACED, 30))
    enrollment = enrollment_services.enroll(staff.trainee, course)
    db.session.commit()
    first = field_log(staff.trainee, "f1", minutes=60, module_id=modules["field"].id)
    second = field_log(staff.trainee, "f2", minutes=45, module_id=modules["field"].id)
    assert (first.source, first.course_id, first.supervisor_name) == (EntrySource.FIELD, course.id, "Sam")
    approvals.approve(first, staff.manager)
    approvals.approve(second, staff.manager)
    db.session.commit()
    assert _completions(enrollment) == {}  # 105 of 120 minutes
    third = field_log(staff.trainee, "f3", minutes=15, module_id=modules["field"].id)
    approvals.approve(third, staff.manager)
    db.session.commit()
    completion = _completions(enrollment)[modules["field"].id]
    assert completion.source == "field"
    assert third.decided_by_id == staff.manager.id  # "signed off by a named supervisor": the approving manager
    # the field module's completion pays nothing more: the field logs are the pay
    assert [e.source for e in entries_of(staff.trainee)] == [EntrySource.FIELD] * 3


def _completions(enrollment) -> dict[int, ModuleCompletion]:
    return {c.module_id: c for c in db.session.execute(
        select(ModuleCompletion).where(ModuleCompletion.enrollment_id == enrollment.id)).scalars()}


def test_field_log_needs_an_employer_and_a_module_of_ones_own_course(make_user, staff):
    loner = make_user()
    with pytest.raises(DomainError):
        field_log(loner)
    db.session.rollback()
    trainer = make_user(role=SiteRole.TRAINER)
    _course, modules = make_course(trainer, field=(ModuleKind.FIELD, 60))
    with pytest.raises(DomainError) as error:  # not enrolled in that course
        field_log(staff.trainee, module_id=modules["field"].id)
    assert error.value.details["field"] == "module_id"


def test_field_form(client, u, login, make_user, staff):
    trainer = make_user(role=SiteRole.TRAINER)
    course, modules = make_course(trainer, field=(ModuleKind.FIELD, 60))
    enrollment_services.enroll(staff.trainee, course)
    db.session.commit()
    login(staff.trainee)
    path = u("lms.hours.log_field")
    assert "Course core — Module field" in client.get(path).get_data(as_text=True)
    token, key = form_token(client, path)
    missing = client.post(path, data={"csrf_token": token, "idempotency_key": key, "activity_date": "2026-03-10",
                                      "hours": "1", "minutes": "0", "description": "Visits"})
    assert missing.status_code == 400 and entries_of(staff.trainee) == []
    response = client.post(path, data={
        "csrf_token": token, "idempotency_key": key, "activity_date": "2026-03-10", "hours": "1", "minutes": "15",
        "description": "Visits\nwith notes", "supervisor_name": "Sam Super", "supervisor_title": "Lead CHW",
        "module_id": str(modules["field"].id), "competency_areas": ["outreach"]})
    assert response.status_code == 302
    [entry] = entries_of(staff.trainee)
    assert (entry.minutes, entry.title, entry.module_id, entry.supervisor_title) == (
        75, "Visits", modules["field"].id, "Lead CHW")


# ---------------------------------------------------------------- self-paced modules and live attendance

def test_completed_self_paced_module_adds_its_credited_minutes_once(app, make_user, staff):
    trainer = make_user(role=SiteRole.TRAINER)
    course, modules = make_course(trainer, reading=(ModuleKind.SELF_PACED, 45), live=(ModuleKind.LIVE, 90),
                                  field=(ModuleKind.FIELD, 60))
    enrollment = enrollment_services.enroll(staff.trainee, course)
    db.session.commit()
    outline = catalog.load_outline(course)
    lesson = outline.lessons[modules["reading"].id][0]
    now = utcnow()
    enrollment_visits.visit_lesson(enrollment, lesson, now - timedelta(minutes=10), timedelta(minutes=30))
    enrollment_visits.complete_lesson(enrollment, lesson, now, timedelta(minutes=30))
    enrollment_completion.complete_module(enrollment, modules["live"], "live")
    enrollment_completion.complete_module(enrollment, modules["field"], "field")
    db.session.commit()
    [entry] = entries_of(staff.trainee)  # live and field completions are paid through attendance and field logs
    completion = _completions(enrollment)[modules["reading"].id]
    assert (entry.source, entry.minutes, entry.measured_minutes, entry.source_ref) == (
        EntrySource.SELF_PACED, 45, 10, f"module-completion:{completion.id}")
    assert (entry.title, entry.module_id, entry.org_id, entry.competency_areas) == (
        "Module reading", modules["reading"].id, staff.org.id, ["outreach"])
    module_completed.send(completion, enrollment=enrollment, module=modules["reading"])  # a repeated signal
    db.session.commit()
    assert len(entries_of(staff.trainee)) == 1


def _attendance(make_user, staff, minutes: int):
    trainer = make_user(role=SiteRole.TRAINER)
    course, modules = make_course(trainer, "live-course", session=(ModuleKind.LIVE, 120))
    starts = utcnow() - timedelta(days=1)
    session = LiveSession(module_id=modules["session"].id, course_id=course.id, starts_at=starts,
                          ends_at=starts + timedelta(hours=2), timezone="America/Los_Angeles")
    db.session.add(session)
    db.session.flush()
    row = Attendance(session_id=session.id, user_id=staff.trainee.id, minutes=minutes)
    db.session.add(row)
    db.session.commit()
    return session, row


def test_finalised_attendance_adds_a_live_entry_and_corrections_add_adjustments(make_user, staff):
    session, row = _attendance(make_user, staff, 90)
    attendance_finalized.send(row, session=session, correction=False)
    attendance_finalized.send(row, session=session, correction=False)  # sent twice: still one entry
    db.session.commit()
    [original] = entries_of(staff.trainee)
    assert (original.source, original.minutes, original.source_ref, original.session_id, original.org_id) == (
        EntrySource.LIVE, 90, f"attendance:{row.id}", session.id, staff.org.id)
    assert original.activity_date == listeners._local_date(session.starts_at, "America/Los_Angeles")
    for minutes in (60, 60, 100):
        row.minutes = minutes  # the attendance row (not the ledger) is what the trainer corrects
        attendance_finalized.send(row, session=session, correction=True)
        db.session.commit()
    entries = entries_of(staff.trainee)
    # Still pending, so each correction replaces the live entry (tests/test_live_correction_chain.py has the rest)
    assert [(e.source, e.minutes, e.status) for e in entries] == [
        (EntrySource.LIVE, 90, EntryStatus.WITHDRAWN), (EntrySource.LIVE, 60, EntryStatus.WITHDRAWN),
        (EntrySource.LIVE, 100, EntryStatus.PENDING)]
    db.session.refresh(original)
    assert original.minutes == 90  # never edited


def test_absent_person_gets_no_entry_until_a_correction_gives_minutes(make_user, staff):
    session, row = _attendance(make_user, staff, 0)
    attendance_finalized.send(row, session=session, correction=False)
    assert entries_of(staff.trainee) == []
    row.minutes = 45
    attendance_finalized.send(row, session=session, correction=True)
    db.session.commit()
    [entry] = entries_of(staff.trainee)
    assert (entry.source, entry.minutes) == (EntrySource.LIVE, 45)


# ---------------------------------------------------------------- managers' adjustments

def test_adjustments(staff):
    original = external(staff.trainee, minutes=90)
    approvals.approve(original, staff.manager)
    entry, created = adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=-30, description="Left early", corrects_id=original.id), staff.manager, "adj-1")
    db.session.commit()
    assert created and (entry.source, entry.minutes, entry.corrects_id, entry.activity_date, entry.org_id) == (
        EntrySource.ADJUSTMENT, -30, original.id, original.activity_date, staff.org.id)
    assert adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=-30, description="Left early", corrects_id=original.id), staff.manager, "adj-1") == (entry, False)
    plain, _ = adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=20, description="Travel to the training", activity_date=DAY), staff.manager, "adj-2")
    assert plain.corrects_id is None and plain.status is EntryStatus.PENDING
    refused = [
        adjustments.Adjustment(minutes=10, description=" ", activity_date=DAY),  # no reason
        adjustments.Adjustment(minutes=0, description="x", activity_date=DAY),
        adjustments.Adjustment(minutes=-61, description="x", corrects_id=original.id),  # below zero (90 - 30 - 61)
        adjustments.Adjustment(minutes=-61, description="x", corrects_id=entry.id),  # same, through the adjustment
        adjustments.Adjustment(minutes=10, description="x", activity_date=date(2020, 1, 1)),  # not on staff then
    ]
    for data in refused:
        with pytest.raises(DomainError):
            adjustments.add_adjustment(staff.org, staff.trainee, data, staff.manager, f"r{data.minutes}{data.description}")
        db.session.rollback()
    fix, _ = adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=-60, description="Did not attend at all", corrects_id=entry.id), staff.manager, "adj-3")
    assert (fix.corrects_id, corrections.corrected_total(fix)) == (entry.id, 0)
    db.session.rollback()
    colleague_entry = external(staff.colleague, minutes=30)
    with pytest.raises(DomainError):  # corrects an entry of somebody else
        adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
            minutes=5, description="x", corrects_id=colleague_entry.id), staff.manager, "r-other")


def test_adjustment_form_with_approval(client, u, login, staff):
    original = external(staff.trainee, minutes=90)
    approvals.approve(original, staff.manager)  # a correction is decided after the entry it corrects
    db.session.commit()
    member = review_queue.get_member(staff.org, staff.trainee.id)
    login(staff.manager)
    path = u("lms.hours.adjust", org_slug="acme", membership_id=member.id)
    page = client.get(path + f"?corrects={original.id}")
    assert page.status_code == 200 and "Workshop" in page.get_data(as_text=True)
    token, key = form_token(client, path + f"?corrects={original.id}")
    bad = client.post(path, data={"csrf_token": token, "idempotency_key": key, "minutes": "-15",
                                  "corrects_id": str(original.id), "description": ""})
    assert bad.status_code == 400
    response = client.post(path, data={"csrf_token": token, "idempotency_key": key, "minutes": "-15",
                                       "corrects_id": str(original.id), "description": "Arrived late",
                                       "approve_now": "y"})
    assert response.status_code == 302
    adjustment = entries_of(staff.trainee)[-1]
    assert (adjustment.minutes, adjustment.corrects_id, adjustment.status, adjustment.decided_by_id) == (
        -15, original.id, EntryStatus.APPROVED, staff.manager.id)
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Arrived late" in detail and "−15 minutes" in detail
    other_member = review_queue.get_member(staff.other, staff.other_manager.id)
    assert client.get(u("lms.hours.adjust", org_slug="acme", membership_id=other_member.id)).status_code == 404


# ---------------------------------------------------------------- the append-only rule

def test_ledger_entries_cannot_be_edited_or_deleted(staff):
    entry = external(staff.trainee)
    entry.minutes = 600
    with pytest.raises(LedgerViolation):
        db.session.flush()
    db.session.rollback()
    entry.activity_date = date(2026, 1, 1)
    with pytest.raises(LedgerViolation):
        db.session.commit()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(LedgerViolation):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(HoursEntry, entry.id).minutes == 90


LMS_DIR = Path(__file__).resolve().parent.parent / "lms"
#: The conditional UPDATEs: of the status (workflow columns only), and of an own record's organisation (org_id only).
ALLOWED_CORE_UPDATE = {"hours/approvals.py", "hours/adoption.py"}


def _minutes_assignments(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AugAssign | ast.AnnAssign) else []
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and part.attr == "minutes":
                    lines.append(node.lineno)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr" and any(
                isinstance(a, ast.Constant) and a.value == "minutes" for a in node.args):
            lines.append(node.lineno)
    return lines


def test_no_code_assigns_minutes_of_a_ledger_entry():
    """Outside construction (``HoursEntry(minutes=...)``) nothing in lms/ writes an entry's minutes. Modules that touch
    the ledger must not assign ``.minutes`` at all (others, e.g. live attendance rows, have their own ``minutes``);
    a line that sets the minutes of something else in such a module says so with a ``# not-a-ledger-entry`` comment.
    Only the approval module may run a core UPDATE on the entries table, and not of the minutes."""
    offenders = []
    for path in sorted(LMS_DIR.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        relative = path.relative_to(LMS_DIR).as_posix()
        touches_ledger = "HoursEntry" in source or relative.startswith("hours/") or "lms.hours" in source
        lines = [n for n in _minutes_assignments(ast.parse(source))
                 if "not-a-ledger-entry" not in source.splitlines()[n - 1]]
        if touches_ledger and lines:
            offenders.append(f"{relative}:{lines}")
        if ("update(HoursEntry" in source or "lms_hours_entries SET" in source.replace("\n", " ")) and \
                relative not in ALLOWED_CORE_UPDATE:
            offenders.append(f"{relative}: core UPDATE of hours entries")
    assert offenders == []
    approvals_source = (LMS_DIR / "hours" / "approvals.py").read_text(encoding="utf-8")
    assert "minutes=" not in approvals_source.split(".values(", 1)[1].split(")", 1)[0]
    adoption_source = (LMS_DIR / "hours" / "adoption.py").read_text(encoding="utf-8")
    assert adoption_source.split(".values(", 1)[1].split(")", 1)[0] == "org_id=membership.org_id"


# ---------------------------------------------------------------- evidence files

def _upload(client, u, data: bytes, name: str):
    token, key = form_token(client, u("lms.hours.submit_external"))
    return client.post(u("lms.hours.submit_external"), data={
        "csrf_token": token, "idempotency_key": key, "title": f"Course ({name})", "activity_date": "2026-03-10",
        "hours": "1", "minutes": "0", "evidence": (BytesIO(data), name)})  # titled apart: not identical entries


def test_evidence_type_is_checked_by_content(client, u, login, staff, app):
    login(staff.trainee)
    for data, name in ((EXE, "certificate.pdf"), (b"<html><script>", "x.png"), (b"", "empty.pdf")):
        response = _upload(client, u, data, name)
        assert response.status_code == 400, name
        assert "PDF, PNG or JPEG" in response.get_data(as_text=True) or "empty" in response.get_data(as_text=True)
    assert entries_of(staff.trainee) == [] and db.session.scalar(select(func.count(EvidenceFile.id))) == 0
    assert list((Path(app.config["LMS_STORAGE_PATH"]) / "evidence").glob("*")) == [] if (
        Path(app.config["LMS_STORAGE_PATH"]) / "evidence").exists() else True
    assert _upload(client, u, PNG, "photo.exe").status_code == 302  # a real PNG with a wrong name is a PNG
    assert _upload(client, u, JPEG, "scan.jpeg").status_code == 302
    names = sorted((e.filename, e.content_type) for e in db.session.execute(select(EvidenceFile)).scalars())
    assert names == [("photo.png", "image/png"), ("scan.jpg", "image/jpeg")]


def test_evidence_size_limit(client, u, login, staff, app):
    login(staff.trainee)
    app.config["LMS_EVIDENCE_MAX_BYTES"] = 1000
    response = _upload(client, u, PDF + b"0" * 1000, "big.pdf")
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    assert entries_of(staff.trainee) == []
    assert _upload(client, u, PDF + b"0" * 900, "fits.pdf").status_code == 302
    app.config["MAX_CONTENT_LENGTH"] = 5000  # beyond the request cap the server refuses before reading the form
    assert _upload(client, u, PDF + b"0" * 6000, "huge.pdf").status_code == 413


def test_evidence_is_served_only_to_allowed_people_as_an_attachment(client, u, login, make_user, staff):
    from lms.hours.evidence import read_upload

    entry, _ = external_training.submit_external(staff.trainee, external_training.ExternalTraining(
        title="First aid", activity_date=DAY, minutes=60), "ev", read_upload(BytesIO(PDF), "card.pdf"))
    db.session.commit()
    path = u("lms.hours.evidence", entry_id=entry.id)
    admin = make_user(role=SiteRole.ADMIN)
    stranger = make_user()
    allowed = {staff.trainee: 200, staff.manager: 200, admin: 200, staff.other_manager: 404, staff.colleague: 404,
               stranger: 404}
    for person, status in allowed.items():
        client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
        login(person)
        response = client.get(path)
        assert response.status_code == status, person.email
        if status == 200:
            assert response.data == PDF
            assert response.headers["Content-Disposition"].startswith("attachment")
            assert "card.pdf" in response.headers["Content-Disposition"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Type"] == "application/pdf"
            assert "no-store" in response.headers["Cache-Control"]
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    assert client.get(path).status_code == 302  # anonymous → sign in
    plain = external(staff.trainee, "no-evidence")
    login(staff.trainee)
    assert client.get(u("lms.hours.evidence", entry_id=plain.id)).status_code == 404


# ---------------------------------------------------------------- pages, scoping and query counts

def test_my_hours_and_entry_pages(client, u, login, staff):
    mine = external(staff.trainee, "a", title="Nutrition basics")
    theirs = external(staff.colleague, "b", title="Colleague's course")
    approvals.reject(mine, staff.manager, "Please attach the certificate.")
    db.session.commit()
    login(staff.trainee)
    page = client.get(u("lms.hours.mine")).get_data(as_text=True)
    assert "Nutrition basics" in page and "Colleague" not in page and "Please attach the certificate." in page
    detail = client.get(u("lms.hours.entry", entry_id=mine.id))
    assert detail.status_code == 200 and "Bea Boss" in detail.get_data(as_text=True)
    assert client.get(u("lms.hours.entry", entry_id=theirs.id)).status_code == 404
    assert client.get(u("lms.hours.entry", entry_id=99999)).status_code == 404


def test_my_hours_page_queries_do_not_grow(client, u, login, staff, count_queries):
    login(staff.trainee)
    external(staff.trainee, "first")
    client.get(u("lms.hours.mine"))
    with count_queries() as few:
        assert client.get(u("lms.hours.mine")).status_code == 200
    for n in range(30):
        external(staff.trainee, f"k{n}", day=DAY - timedelta(days=n))
    with count_queries() as many:
        assert client.get(u("lms.hours.mine")).status_code == 200
    assert many.count == few.count


def test_queue_filters_and_scoping(client, u, login, staff, add_member, count_queries):
    add_member(staff.other, staff.colleague, employment_start=date(2025, 1, 1))
    tina = external(staff.trainee, "t1", day=date(2026, 3, 2), title="Tina early")
    external(staff.trainee, "t2", day=date(2026, 3, 20), title="Tina late")
    field_log(staff.trainee, "t3", day=date(2026, 3, 5))
    external(staff.colleague, "c1", org_id=staff.org.id, title="Carl for acme")
    external(staff.colleague, "c2", org_id=staff.other.id, title="Carl for other")
    approvals.approve(tina, staff.manager)
    db.session.commit()
    login(staff.manager)
    queue = u("lms.hours.queue", org_slug="acme")

    def titles(**args) -> set[str]:
        page = client.get(queue, query_string=args).get_data(as_text=True)
        return {t for t in ("Tina early", "Tina late", "Home visits", "Carl for acme", "Carl for other") if t in page}

    assert titles() == {"Tina late", "Home visits", "Carl for acme"}  # pending by default, acme only
    assert titles(status="all") == {"Tina early", "Tina late", "Home visits", "Carl for acme"}
    assert titles(status="approved") == {"Tina early"}
    assert titles(person=staff.trainee.id, status="all") == {"Tina early", "Tina late", "Home visits"}
    assert titles(source="field") == {"Home visits"}
    assert titles(status="all", **{"from": "2026-03-04", "to": "2026-03-19"}) == {"Home visits", "Carl for acme"}
    assert titles(person="x", source="nope", status="zz", **{"from": "garbage"}) == {
        "Tina early", "Tina late", "Home visits", "Carl for acme"}  # unreadable filters are ignored
    with count_queries() as few:
        client.get(queue, query_string={"status": "all"})
    for n in range(20):
        external(staff.colleague, f"more{n}", org_id=staff.org.id)
    with count_queries() as many:
        client.get(queue, query_string={"status": "all"})
    assert many.count == few.count
    carl_other = next(e for e in entries_of(staff.colleague) if e.org_id == staff.other.id)
    assert client.get(u("lms.hours.review", org_slug="acme", entry_id=carl_other.id)).status_code == 404
    assert client.get(u("lms.hours.evidence", entry_id=carl_other.id)).status_code == 404
    assert client.get(u("lms.hours.queue", org_slug="other")).status_code == 403
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    login(staff.other_manager)
    assert client.get(u("lms.hours.review", org_slug="other", entry_id=tina.id)).status_code == 404
    page = client.get(u("lms.hours.queue", org_slug="other"), query_string={"status": "all"}).get_data(as_text=True)
    assert "Carl for other" in page and "Carl for acme" not in page and "Tina" not in page
    api = client.get(u("lms.api.org_hours", org_slug="other")).get_json()
    assert {e["title"] for e in api["entries"]} == {"Carl for other"}
    assert client.get(u("lms.api.org_hours", org_slug="acme")).status_code == 403
    assert client.post(u("lms.api.approve_hours", org_slug="other", entry_id=tina.id),
                       headers={"X-CSRFToken": client.csrf_token()}).status_code == 404


# ---------------------------------------------------------------- API

def test_api_submit_is_idempotent(client, u, login, staff):
    login(staff.trainee)
    headers = {"X-CSRFToken": client.csrf_token(), "Idempotency-Key": "retry-me"}
    body = {"title": "Diabetes self-management", "provider": "Clinic", "activity_date": "2026-03-10",
            "minutes": 120, "competency_areas": ["education-facilitation"]}
    first = client.post(u("lms.api.my_hours"), json=body, headers=headers)
    again = client.post(u("lms.api.my_hours"), json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert first.get_json()["status"] == "pending" and first.get_json()["org_id"] == staff.org.id
    assert len(entries_of(staff.trainee)) == 1
    no_key = client.post(u("lms.api.my_hours"), json=body, headers={"X-CSRFToken": headers["X-CSRFToken"]})
    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.get_json()["error"]["message"]
    for bad in ({**body, "minutes": "120"}, {**body, "minutes": True}, {**body, "activity_date": "10/03/2026"},
                {**body, "competency_areas": "outreach"}, {**body, "title": ""}, [1, 2]):
        response = client.post(u("lms.api.my_hours"), json=bad, headers={**headers, "Idempotency-Key": "new"})
        assert response.status_code == 400 and "error" in response.get_json(), bad
    listed = client.get(u("lms.api.my_hours")).get_json()
    assert [e["title"] for e in listed["entries"]] == ["Diabetes self-management"] and listed["next_offset"] is None


def test_api_with_a_bearer_token(client, u, staff):
    from lms.accounts import api_tokens

    _token, raw = api_tokens.create_api_token(staff.trainee, "script")
    db.session.commit()
    auth = {"Authorization": f"Bearer {raw}", "Idempotency-Key": "script-1"}
    body = {"title": "Online course", "activity_date": "2026-03-10", "minutes": 30}
    assert client.post(u("lms.api.my_hours"), json=body, headers=auth).status_code == 201
    assert client.post(u("lms.api.my_hours"), json=body, headers=auth).status_code == 200
    assert len(client.get(u("lms.api.my_hours"), headers=auth).get_json()["entries"]) == 1


def test_api_org_list_filters(client, u, login, staff):
    external(staff.trainee, "a", title="A")
    b = external(staff.trainee, "b", title="B", day=date(2026, 3, 20))
    approvals.approve(b, staff.manager)
    db.session.commit()
    login(staff.manager)
    listing = u("lms.api.org_hours", org_slug="acme")
    assert {e["title"] for e in client.get(listing).get_json()["entries"]} == {"A", "B"}
    approved = client.get(listing, query_string={"status": "approved"}).get_json()["entries"]
    assert [e["title"] for e in approved] == ["B"] and approved[0]["person"]["name"] == "Tina Trainee"
    assert approved[0]["rate_cents"] == 2400 and approved[0]["paid_period_start"] == "2026-03-16"
    assert [e["title"] for e in client.get(listing, query_string={"from": "2026-03-15"}).get_json()["entries"]] == ["B"]
    assert client.get(listing, query_string={"source": "external", "to": "2026-03-11"}).get_json()["entries"][0][
        "title"] == "A"
    for bad, code in (({"status": "maybe"}, "invalid_parameter"), ({"from": "yesterday"}, "invalid_date"),
                      ({"limit": "-1"}, "invalid_parameter")):
        response = client.get(listing, query_string=bad)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == code


def test_openapi_lists_the_hours_paths(client, u):
    document = client.get(u("lms.api.openapi")).get_json()
    assert {"/me/hours", "/orgs/{org_slug}/hours", "/orgs/{org_slug}/hours/{entry_id}/approve",
            "/orgs/{org_slug}/hours/{entry_id}/reject"} <= set(document["paths"])
    assert "HoursEntry" in document["components"]["schemas"]


def test_demo_step_is_idempotent(app):
    from lms.demo import seed_demo

    seed_demo("demo-password-123")
    db.session.commit()
    first = db.session.scalar(select(func.count(HoursEntry.id)))
    seed_demo("demo-password-123")
    db.session.commit()
    assert db.session.scalar(select(func.count(HoursEntry.id))) == first
    statuses = {e.status for e in db.session.execute(select(HoursEntry)).scalars()}
    sources = {e.source for e in db.session.execute(select(HoursEntry)).scalars()}
    assert statuses == {EntryStatus.PENDING, EntryStatus.APPROVED, EntryStatus.REJECTED}
    assert {EntrySource.EXTERNAL, EntrySource.FIELD, EntrySource.ADJUSTMENT} <= sources


def test_demo_step_runs_again_on_a_later_day(app, monkeypatch):
    """``make run`` seeds the demo on every start: the next day its dates count back from another today."""
    from lms.demo import seed_demo
    from lms.hours import demo

    seed_demo("demo-password-123")
    db.session.commit()
    first = sorted((e.idempotency_key, e.activity_date) for e in db.session.execute(select(HoursEntry)).scalars())

    tomorrow = demo.utcnow() + timedelta(days=1)
    monkeypatch.setattr(demo, "utcnow", lambda: tomorrow)
    seed_demo("demo-password-123")
    db.session.commit()
    assert sorted((e.idempotency_key, e.activity_date) for e in db.session.execute(select(HoursEntry)).scalars()) == first


def test_odd_input_never_gives_a_server_error(client, u, login, staff):
    entry = external(staff.trainee)
    member = review_queue.get_member(staff.org, staff.trainee.id)
    huge = 10**25
    login(staff.manager)
    gets = [f"/hours/entries/{huge}", f"/hours/entries/{huge}/evidence", f"/hours/orgs/acme/entries/{huge}",
            f"/hours/orgs/acme/members/{huge}/adjust", f"/hours/?page={huge}", "/hours/?page=²",
            f"/hours/orgs/acme/queue?person={huge}&page=-1&from=2026-02-30&status=%00",
            f"/api/v1/orgs/acme/hours?person={huge}&offset={huge}&limit=5",
            u("lms.hours.adjust", org_slug="acme", membership_id=member.id) + f"?corrects={huge}"]
    for path in gets:
        assert client.get(path).status_code < 500, path
    token = client.csrf_token()
    posts = [
        ("/hours/orgs/acme/queue", {**bulk_forms.entries(huge, "²", "-3", entry.id), "action": "approve"}),
        ("/hours/orgs/acme/queue", {**bulk_forms.entries(entry.id), "action": "explode"}),
        (u("lms.hours.adjust", org_slug="acme", membership_id=member.id),
         {"minutes": "5", "description": "x", "corrects_id": str(huge), "idempotency_key": "z"}),
        (u("lms.hours.adjust", org_slug="acme", membership_id=member.id),
         {"minutes": str(huge), "description": "x", "idempotency_key": "y" * 200}),
        (f"/api/v1/orgs/acme/hours/{huge}/approve", {}),
    ]
    for path, data in posts:
        assert client.post(path, data={"csrf_token": token, **data}).status_code < 500, path
    # ticks the page cannot have listed (lms/web/bulk.py): nothing is decided, not even the one real id
    assert db.session.get(HoursEntry, entry.id).status is EntryStatus.PENDING
