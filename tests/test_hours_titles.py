"""Titles of hours entries in the reader's language: module entries (self-paced completions, live attendance and the
corrections that copy their titles) show the module's title in the viewer's language, on every page and PDF that
lists entries; typed titles stay as typed; the ledger row, the API and the payroll CSV keep the stored title."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind
from lms.catalog.texts import set_text
from lms.db import utcnow
from lms.enrollment import services as enrollment_services
from lms.enrollment import visits as enrollment_visits
from lms.hours import adjustments, approvals, export, field_experience
from lms.hours.models import EntrySource, EntryStatus, HoursEntry
from lms.hours.titles import display_titles
from lms.live.models import Attendance, LiveSession
from lms.orgs.models import MemberRole
from lms.signals import attendance_finalized
from tests.hours_reports_helpers import add_entry
from tests.test_hours_compliance import pdf_text
from tests.test_hours_ledger import entries_of, external, make_staff

READING_EN, READING_ES = "Motivational interviewing", "Entrevista motivacional"
LIVE_EN, LIVE_ES = "Live practice session", "Sesión de práctica en vivo"
FIELD_EN, FIELD_ES = "Home visits", "Visitas domiciliarias"
TYPED = "CPR and first aid"
FIELD_TYPED = "Visited three families"


@dataclass
class World:
    staff: Any
    trainer: Any
    course: Any
    modules: dict[str, Any]
    reading: HoursEntry
    live: HoursEntry
    typed: HoursEntry
    field: HoursEntry
    session: LiveSession
    attendance: Attendance


def make_course(trainer, slug: str, titles: dict[str, tuple[ModuleKind, str, str | None]]):
    """A published English course whose modules have the given English and (optional) Spanish titles."""
    course = course_authoring.create_course(course_authoring.CourseData(slug=slug, title=f"Course {slug}"), trainer)
    modules = {}
    for name, (kind, english, spanish) in titles.items():
        module = module_authoring.add_module(course, module_authoring.ModuleData(slug=name, title=english, kind=kind,
                                                                                 credited_minutes=45,
                                                               competency_areas=("outreach",)), trainer)
        if kind is ModuleKind.SELF_PACED:
            lesson_authoring.add_lesson(course, module, "l1", "Lesson", "Text.", 5, trainer)
        if spanish:
            set_text(course, module, "title", "es", spanish, trainer)
        modules[name] = module
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course, modules


@pytest.fixture
def world(make_user, make_org, add_member) -> World:
    """A Spanish-speaking trainee of acme with a completed self-paced module, a finalised live session, external
    training and a field log on the course's field module (every entry but the field log approved)."""
    staff = make_staff(make_user, make_org, add_member)
    staff.trainee.locale = "es"
    trainer = make_user(role=SiteRole.TRAINER)
    course, modules = make_course(trainer, "core", {
        "reading": (ModuleKind.SELF_PACED, READING_EN, READING_ES), "practice": (ModuleKind.LIVE, LIVE_EN, LIVE_ES),
        "visits": (ModuleKind.FIELD, FIELD_EN, FIELD_ES)})
    enrollment = enrollment_services.enroll(staff.trainee, course)
    db.session.commit()
    lesson = catalog.load_outline(course).lessons[modules["reading"].id][0]
    now = utcnow()
    enrollment_visits.visit_lesson(enrollment, lesson, now - timedelta(minutes=10), timedelta(minutes=30))
    enrollment_visits.complete_lesson(enrollment, lesson, now, timedelta(minutes=30))
    session = LiveSession(module_id=modules["practice"].id, course_id=course.id, starts_at=now - timedelta(hours=3),
                          ends_at=now - timedelta(hours=1), timezone="America/Los_Angeles")
    db.session.add(session)
    db.session.flush()
    attendance = Attendance(session_id=session.id, user_id=staff.trainee.id, minutes=90)
    db.session.add(attendance)
    db.session.flush()
    attendance_finalized.send(attendance, session=session, correction=False)
    db.session.commit()
    reading, live = entries_of(staff.trainee)
    assert (reading.source, reading.title, live.source, live.title) == (
        EntrySource.SELF_PACED, READING_EN, EntrySource.LIVE, LIVE_EN)  # the ledger stores the source language
    typed = external(staff.trainee, "typed", day=reading.activity_date, title=TYPED)
    field, _created = field_experience.log_field(staff.trainee, field_experience.FieldExperience(
        activity_date=reading.activity_date, minutes=60, description=FIELD_TYPED, supervisor_name="Sam",
        supervisor_title="Supervisor", module_id=modules["visits"].id), "field")
    for entry in (reading, live, typed):
        approvals.approve(entry, staff.manager)
    db.session.commit()
    return World(staff, trainer, course, modules, reading, live, typed, field, session, attendance)


def page(client, path: str, **args: Any) -> str:
    response = client.get(path, query_string=args)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def words(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- the trainee, in Spanish

def test_spanish_trainee_sees_spanish_module_titles_and_typed_titles_as_typed(client, u, login, world):
    login(world.staff.trainee)
    mine = page(client, u("lms.hours.mine"))
    for shown in (READING_ES, LIVE_ES, TYPED, FIELD_TYPED):
        assert shown in mine, shown
    for hidden in (READING_EN, LIVE_EN, FIELD_ES):  # a field log keeps what the trainee typed, module or not
        assert hidden not in mine, hidden
    entry = page(client, u("lms.hours.entry", entry_id=world.reading.id))
    assert f"<h1>{READING_ES}</h1>" in entry and READING_EN not in entry
    assert f"<h1>{TYPED}</h1>" in page(client, u("lms.hours.entry", entry_id=world.typed.id))
    periods = "".join(page(client, u("lms.hours.my_timesheet"), start=e.activity_date.isoformat())
                      for e in (world.reading, world.live))
    assert READING_ES in periods and LIVE_ES in periods and TYPED in periods and FIELD_TYPED in periods
    assert READING_EN not in periods and LIVE_EN not in periods


def test_spanish_transcript_pdf_has_spanish_module_titles(client, u, login, world):
    login(world.staff.trainee)
    response = client.get(u("lms.hours.my_transcript"), headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = words(pdf_text(response.data))
    assert READING_ES in text and LIVE_ES in text and TYPED in text
    assert READING_EN not in text and LIVE_EN not in text


def test_the_ledger_the_api_and_the_payroll_file_keep_the_stored_title(client, u, login, world):
    login(world.staff.trainee)
    page(client, u("lms.hours.mine"))
    api = client.get(u("lms.api.my_hours")).get_json()
    assert {e["title"] for e in api["entries"]} == {READING_EN, LIVE_EN, TYPED, FIELD_TYPED}
    db.session.expire_all()
    assert db.session.get(HoursEntry, world.reading.id).title == READING_EN
    done = export.export_period(world.staff.org, world.reading.paid_period_start, world.staff.manager,
                                before_end=True)  # today's period
    assert READING_EN in done.content.decode() and READING_ES not in done.content.decode()


# ---------------------------------------------------------------- managers read in their own language

def test_english_manager_sees_english_titles_of_the_same_entries(client, u, login, world):
    login(world.staff.manager)
    queue = page(client, u("lms.hours.queue", org_slug="acme"), status="all")
    assert READING_EN in queue and LIVE_EN in queue and TYPED in queue and FIELD_TYPED in queue
    assert READING_ES not in queue and LIVE_ES not in queue
    review = page(client, u("lms.hours.review", org_slug="acme", entry_id=world.reading.id))
    assert f"<h1>{READING_EN}</h1>" in review
    sheet = page(client, u("lms.hours.person_timesheet", org_slug="acme", user_id=world.staff.trainee.id),
                 start=world.reading.activity_date.isoformat())
    assert READING_EN in sheet and READING_ES not in sheet
    checklist = words(pdf_text(client.get(u("lms.hours.checklist_pdf", org_slug="acme",
                                             user_id=world.staff.trainee.id)).data))
    assert READING_EN in checklist and LIVE_EN in checklist and TYPED in checklist and READING_ES not in checklist


def test_spanish_manager_sees_spanish_titles_in_the_queue_and_the_checklist(client, u, login, world, make_user,
                                                                            add_member):
    jefa = make_user(name="Jefa", locale="es")
    add_member(world.staff.org, jefa, role=MemberRole.MANAGER)
    login(jefa)
    queue = page(client, u("lms.hours.queue", org_slug="acme"), status="all")
    assert READING_ES in queue and LIVE_ES in queue and TYPED in queue and READING_EN not in queue
    checklist = words(pdf_text(client.get(u("lms.hours.checklist_pdf", org_slug="acme",
                                             user_id=world.staff.trainee.id)).data))
    assert READING_ES in checklist and LIVE_ES in checklist and TYPED in checklist and READING_EN not in checklist
    csv_text = client.get(u("lms.hours.checklist_csv", org_slug="acme", user_id=world.staff.trainee.id)).data.decode()
    assert READING_ES in csv_text and READING_EN not in csv_text  # the same checklist as the PDF


# ---------------------------------------------------------------- corrections, fallback, missing modules

def test_corrections_show_their_module_title_and_typed_adjustments_keep_theirs(client, u, login, world):
    staff = world.staff
    fix, _ = adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=-15, description="Left early", corrects_id=world.reading.id), staff.manager, "fix")
    field_fix, _ = adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=-10, description="Shorter visit", corrects_id=world.field.id), staff.manager, "field-fix")
    plain, _ = adjustments.add_adjustment(staff.org, staff.trainee, adjustments.Adjustment(
        minutes=20, description="Travel to the training", activity_date=world.reading.activity_date),
        staff.manager, "plain")
    world.attendance.minutes = 60
    attendance_finalized.send(world.attendance, session=world.session, correction=True)
    db.session.commit()
    corrected_live = entries_of(staff.trainee)[-1]
    assert (corrected_live.source, corrected_live.corrects_id) == (EntrySource.ADJUSTMENT, world.live.id)
    assert display_titles([fix, field_fix, plain, corrected_live], "es") == {
        fix.id: READING_ES, field_fix.id: FIELD_TYPED, plain.id: "Travel to the training", corrected_live.id: LIVE_ES}
    login(staff.trainee)
    detail = page(client, u("lms.hours.entry", entry_id=fix.id))
    assert f"<h1>{READING_ES}</h1>" in detail and f">{READING_ES}</a>" in detail and READING_EN not in detail


def test_fallback_to_the_source_language_and_missing_modules(world):
    course, modules = make_course(world.trainer, "other", {"untranslated": (ModuleKind.SELF_PACED, "Outreach 101", None)})
    trainee, org = world.staff.trainee, world.staff.org
    untranslated = add_entry(trainee, org, world.reading.activity_date, 30, status=EntryStatus.PENDING,
                             title="Outreach 101 (old name)", source=EntrySource.SELF_PACED,
                             module_id=modules["untranslated"].id, course_id=course.id)
    gone = HoursEntry(id=10**6, source=EntrySource.LIVE, title="Retired module", module_id=10**6)  # never saved
    titles = display_titles([untranslated, gone, None, world.reading], "es")
    assert titles == {untranslated.id: "Outreach 101", gone.id: "Retired module", world.reading.id: READING_ES}
    assert display_titles([world.reading, world.live], "en") == {world.reading.id: READING_EN, world.live.id: LIVE_EN}


# ---------------------------------------------------------------- a fixed number of queries per page

def _count(client, count_queries, path: str, **args: Any) -> int:
    with count_queries() as counter:
        assert client.get(path, query_string=args).status_code == 200
    return counter.count


def test_query_counts_do_not_grow_with_module_entries(client, u, login, world, count_queries):
    staff = world.staff
    day = world.reading.activity_date
    trainee_pages = [(u("lms.hours.mine"), {}), (u("lms.hours.my_timesheet"), {"start": day.isoformat()}),
                     (u("lms.hours.my_transcript"), {})]
    manager_pages = [(u("lms.hours.queue", org_slug="acme"), {"status": "all"}),
                     (u("lms.hours.person_timesheet", org_slug="acme", user_id=staff.trainee.id),
                      {"start": day.isoformat()}),
                     (u("lms.hours.checklist_pdf", org_slug="acme", user_id=staff.trainee.id), {})]

    def measure() -> list[int]:
        login(staff.trainee)
        counts = [_count(client, count_queries, path, **args) for path, args in trainee_pages]
        client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
        login(staff.manager)
        counts += [_count(client, count_queries, path, **args) for path, args in manager_pages]
        client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
        return counts

    measure()  # warm up
    few = measure()
    courses = [make_course(world.trainer, f"more{n}", {
        f"m{i}": (ModuleKind.SELF_PACED, f"Module {n}.{i}", f"Módulo {n}.{i}") for i in range(3)}) for n in range(2)]
    for n in range(24):
        course, modules = courses[n % 2]
        module = modules[f"m{n % 3}"]
        approved = n % 2 == 0
        add_entry(staff.trainee, staff.org, day, 10 + n, title=f"Module {n % 2}.{n % 3}", source=EntrySource.SELF_PACED,
                  status=EntryStatus.APPROVED if approved else EntryStatus.PENDING,
                  paid=world.reading.paid_period_start if approved else None, module_id=module.id, course_id=course.id)
    db.session.commit()
    login(staff.trainee)
    assert "Módulo 1.2" in page(client, u("lms.hours.mine"))
    client.post(u("lms.accounts.logout"), data={"csrf_token": client.csrf_token()})
    assert measure() == few
