"""Trainer actions that change records keep an audit row and read in the course History (docs/learning.md,
"History"): reordering modules, lessons and questions (the order before and after, by name); a live session's
module, capacity, deadline, cost, notes and language (old → new); the enrolment a certificate issued by hand makes;
and rows about a question name its quiz and module."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import lesson_authoring, module_authoring, quiz_authoring, removal
from lms.catalog import services as catalog
from lms.catalog.models import ModuleKind, QuestionKind
from lms.catalog.quiz_authoring import OptionData
from lms.db import utcnow
from lms.live import scheduling
from tests.authoring_support import heat_course
from tests.live_support import live_course, schedule
from tests.test_certificates_manual import _hours_page, world  # noqa: F401 (a fixture)
from tests.test_course_history import history_page, rows


@pytest.fixture
def tina(make_user):
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


@pytest.fixture
def heat(tina):
    """Heat safety: module “Warning signs” (lessons “Heat stroke”, “Cramps”; quiz “Check” with two questions),
    then module “Cooling”."""
    course, module, _lesson, quiz = heat_course(tina)
    lesson_authoring.add_lesson(course, module, "cramps", "Cramps", "Rest.", 5, tina)
    for slug, prompt in (("q1", "First sign?"), ("q2", "Second sign?")):
        quiz_authoring.save_question(course, quiz, None, slug=slug, kind=QuestionKind.SINGLE, prompt=prompt,
                                     options=[OptionData("a", "Yes", True), OptionData("b", "No")], actor=tina)
    module_authoring.add_module(course, module_authoring.ModuleData(slug="cool", title="Cooling"), tina)
    db.session.commit()
    return course


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)).scalars())


def _row(page: str, title: str) -> str:
    return next(row for row in rows(page) if title in row)


def test_moving_a_lesson_records_the_order_before_and_after_by_name(client, u, login, tina, heat):
    login(tina)
    move = u("lms.authoring.move_lesson", course_slug="heat", module_slug="signs", lesson_slug="cramps")
    assert client.submit(move, {"direction": "up"}).status_code == 302
    assert client.submit(move, {"direction": "up"}).status_code == 302  # already first: nothing moves, no row
    [event] = _events("module.lessons_reordered")
    assert event.object_type == "Module" and event.actor_id == tina.id
    assert [item["name"] for item in event.data["order"]] == ["Cramps", "Heat stroke"]
    assert [item["name"] for item in event.data["was"]["order"]] == ["Heat stroke", "Cramps"]
    row = _row(history_page(client, u), "Lessons reordered")
    assert "Tina Trainer" in row and "Warning signs" in row
    assert "Order of the lessons: 1. Heat stroke; 2. Cramps → 1. Cramps; 2. Heat stroke" in row


def test_moving_a_module_and_a_question_records_a_row_each(client, u, login, tina, heat):
    login(tina)
    client.submit(u("lms.authoring.move_module", course_slug="heat", module_slug="cool"), {"direction": "up"})
    question = next(q for q, _options in catalog.load_questions(catalog.get_quiz(catalog.get_module(heat, "signs")))
                    if q.slug == "q1")
    client.submit(u("lms.authoring.move_question", course_slug="heat", module_slug="signs", question_id=question.id),
                  {"direction": "down"})
    assert [e.object_type for e in _events("course.modules_reordered")] == ["Course"]
    [moved] = _events("quiz.questions_reordered")
    assert moved.object_type == "Quiz" and [i["name"] for i in moved.data["order"]] == ["Second sign?", "First sign?"]
    page = history_page(client, u)
    assert "Order of the modules: 1. Warning signs; 2. Cooling → 1. Cooling; 2. Warning signs" in _row(
        page, "Modules reordered")
    row = _row(page, "Questions reordered")
    assert "Check" in row and "Module: Warning signs" in row
    assert "Order of the questions: 1. First sign?; 2. Second sign? → 1. Second sign?; 2. First sign?" in row


def test_question_rows_name_their_quiz_and_module(client, u, login, tina, heat):
    quiz = catalog.get_quiz(catalog.get_module(heat, "signs"))
    question = next(q for q, _options in catalog.load_questions(quiz) if q.slug == "q2")
    removal.remove(heat, question, tina)
    db.session.commit()
    login(tina)
    page = history_page(client, u)
    for title in ("Question added", "Question removed"):
        row = _row(page, title)
        assert "Quiz: Check" in row and "Module: Warning signs" in row, row


def test_a_live_session_edit_records_its_other_settings_old_and_new(app, client, u, login, tina):
    course, module = live_course(tina)
    other = module_authoring.add_module(course, module_authoring.ModuleData(slug="drill", title="Cooling drill", kind=ModuleKind.LIVE,
                                                          credited_minutes=120), tina)
    db.session.commit()
    session = schedule(module, tina, notes="Bring water", cost_cents=500)[0]
    data = scheduling.data_of(session)
    deadline = data.deadline or (session.starts_at - timedelta(days=1)).replace(tzinfo=None)
    changed = dataclasses.replace(data, module_id=other.id, capacity=25, cost_cents=1250, notes="",
                                  locale="es", deadline=deadline.replace(hour=12, minute=0, second=0, microsecond=0))
    scheduling.update_session(session, changed, tina, utcnow())
    db.session.commit()
    [event] = _events("live_session.updated")
    assert event.data["capacity"] == 25 and event.data["was"]["capacity"] == 10
    assert event.data["module_id"] == other.id and event.data["was"]["module_id"] == module.id
    login(tina)
    row = _row(history_page(client, u, course.slug), "Live session changed")
    for line in ("Module: Role-play practice → Cooling drill", "Seats: 10 → 25",
                 "Cost per participant (US dollars): $5.00 → $12.50", "Notes for participants: Bring water → —",
                 "Language the session is given in: English → Spanish", "Registration closes: — → "):
        assert line in row, row


def test_an_edit_that_changes_none_of_them_records_none(tina):
    _course, module = live_course(tina)
    session = schedule(module, tina)[0]
    scheduling.update_session(session, scheduling.data_of(session), tina, utcnow())
    db.session.commit()
    [event] = _events("live_session.updated")
    assert "was" not in event.data and "capacity" not in event.data


def test_a_certificate_issued_by_hand_records_the_enrolment_it_makes(client, u, login, world):  # noqa: F811
    nadia, trainer = world["nadia"], world["trainer"]
    login(trainer)
    path = _hours_page(client, u, nadia)
    done = client.submit(path, {"live_hours": "3", "self_paced_hours": "0", "field_hours": "0",
                                "reason": "Completed the county's paper course"})
    assert done.status_code == 200
    [event] = [e for e in _events("enrollment.created") if e.data.get("via") == "manual_certificate"]
    assert event.actor_id == trainer.id and event.reason == "Completed the county's paper course"
    row = _row(history_page(client, u, "core"), "Enrolled in a course")
    assert "Nadia New" in row and "How: certificate issued by hand" in row
    assert "Reason: Completed the county's paper course" in row
    # an enrolment of the trainee's own is not a trainer's doing: not in the course history
    assert sum("Enrolled in a course" in r for r in rows(history_page(client, u, "core"))) == 1
