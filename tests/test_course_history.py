"""A course's history for its authors (docs/learning.md, "History"): the audit rows about the course and what is in
it (modules, lessons, quizzes, questions, answers, translations, live sessions), newest first, paginated, with who
and when in the reader's language and zone, in words; none of another course's; a fixed number of queries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time
from sqlalchemy import select

from lms import audit, db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import archive, course_authoring, lesson_authoring, module_authoring, quiz_authoring, removal
from lms.catalog import services as catalog
from lms.catalog.models import ModuleKind, QuestionKind
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import set_text, text_hash
from lms.web.authoring import history
from tests.authoring_support import heat_course
from tests.live_support import schedule


@pytest.fixture
def tina(make_user):
    return make_user("tina@example.org", name="Tina Trainer", role=SiteRole.TRAINER)


@pytest.fixture
def heat(tina):
    """Heat safety with a question, a live module with a session, and a lesson changed, removed and restored."""
    course, module, lesson, quiz = heat_course(tina)
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="First sign?",
                                 options=[OptionData("a", "Cramps", True, "Yes"), OptionData("b", "Sleep")], actor=tina)
    lesson_authoring.update_lesson(course, lesson, "Heat stroke signs", "Call 911.", 12, tina)
    removal.remove(course, lesson, tina)
    removal.restore(course, lesson, tina)
    live = module_authoring.add_module(course, module_authoring.ModuleData(slug="drill", title="Cooling drill", kind=ModuleKind.LIVE,
                                                         credited_minutes=60, is_required=False), tina)
    db.session.commit()
    schedule(live, tina)
    return course


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def rows(page: str) -> list[str]:
    return [_text(row) for row in re.findall(r'<tr id="event-\d+">.*?</tr>', page, re.S)]


def history_page(client, u, course_slug: str = "heat", **args) -> str:
    response = client.get(u("lms.authoring.history", course_slug=course_slug, **args))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def ids_on(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr id="event-(\d+)">', page)]


def test_the_history_lists_the_courses_changes_newest_first_in_words(client, u, login, tina, heat, make_user):
    oscar = make_user("oscar@example.org", name="Oscar Other", role=SiteRole.TRAINER)
    other = course_authoring.create_course(course_authoring.CourseData(slug="other", title="Other course"), oscar)
    module_authoring.add_module(other, module_authoring.ModuleData(slug="elsewhere", title="Elsewhere"), oscar)
    trainee = make_user(name="Tere Trainee")
    quiz = catalog.get_quiz(catalog.get_module(heat, "signs"))
    audit.record("quiz.attempt_requested", quiz, trainee, reason="Please", user_id=trainee.id)  # not a change
    db.session.commit()

    login(tina)
    page = history_page(client, u)
    actions = dict(db.session.execute(select(AuditEvent.id, AuditEvent.action)).all())
    assert [actions[key] for key in ids_on(page)] == [
        "live_session.created", "module.created", "lesson.restored", "lesson.archived", "lesson.updated",
        "question.created", "quiz.created", "lesson.created", "module.created", "course.created"]
    found = rows(page)
    assert "Tina Trainer Live session scheduled Cooling drill," in found[0]
    assert "Tina Trainer Module added Cooling drill Short name in addresses: drill Title: Cooling drill" in found[1]
    assert "Course: Heat safety" not in page  # the page is the course's: its rows do not repeat it
    assert "Lesson changed Heat stroke signs Short name in addresses: stroke Title: Heat stroke → Heat stroke signs" \
        in found[4]
    assert "Estimated minutes: 10 minutes → 12 minutes" in found[4]
    assert "Question added First sign? Module: Warning signs Quiz: Check Short name in addresses: q1 Question: First sign?" in found[5]
    assert "Correct answers: Cramps" in found[5]
    assert "Course created Heat safety Title: Heat safety" in found[-1]
    assert "Elsewhere" not in page and "Other course" not in page and "Please" not in page
    assert f'href="{u("lms.authoring.history", course_slug="heat")}"' in client.get(
        u("lms.authoring.course", course_slug="heat")).get_data(as_text=True)


def test_a_translators_save_is_in_the_history_with_old_and_new_words(client, u, login, tina, heat):
    lesson = catalog.get_lesson(catalog.get_module(heat, "signs"), "stroke")
    login(tina)
    url = u("lms.authoring.translate_lesson", course_slug="heat", locale="es", module_slug="signs",
            lesson_slug="stroke")
    key = f"lesson-{lesson.id}"
    for title in ("Golpe de calor", "Señales del golpe de calor"):
        response = client.submit(url, {f"t-{key}-title": title, f"h-{key}-title": text_hash("Heat stroke signs"),
                                       f"t-{key}-body": "", f"h-{key}-body": text_hash("Call 911.")})
        assert response.status_code == 302
    client.submit(url, {f"t-{key}-title": "Señales del golpe de calor", f"h-{key}-title": text_hash("Heat stroke signs")})
    first, second = db.session.execute(select(AuditEvent).where(AuditEvent.action == "translation.updated")
                                       .order_by(AuditEvent.id)).scalars()  # the third saved nothing: no row
    assert first.data == {"locale": "es", "course_id": heat.id, "slug": "stroke", "title": "Golpe de calor",
                          "was": {"title": ""}} and first.actor_id == tina.id
    newest = rows(history_page(client, u))[0]
    assert "Translation changed" in newest and "Heat stroke signs" in newest and "Language: Spanish" in newest
    assert "Title: Golpe de calor → Señales del golpe de calor" in newest and second.object_id == lesson.id


def test_when_and_what_read_in_the_readers_language_and_time_zone(client, u, login, make_user, heat):
    reader = make_user("rosa@example.org", name="Rosa", role=SiteRole.TRAINER, locale="es", timezone="Asia/Tokyo")
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "course.created")).scalar_one()
    event.at = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 2 March, 01:30 in Tokyo
    db.session.commit()
    login(reader)
    oldest = rows(history_page(client, u))[-1]
    local = event.at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert _text(f"{format_date(local, 'medium', locale='es_US')}, {format_time(local, 'short', locale='es_US')}") \
           in oldest and "2 mar 2026" in oldest
    assert "Lección agregada" in history_page(client, u) and "Course created" not in oldest


def test_import_rows_have_no_one_as_actor(client, u, login, tina, courses, run_import):
    run_import(courses)
    login(tina)
    page = history_page(client, u, "listening-basics")
    assert "the change came from a course import" in page
    # nobody is named: the import ran as `lms import-courses`, so each row says the command line made it
    assert all(" Command line " in f" {row} " and "Made with: the command line" in row for row in rows(page))
    assert "Course created" in page


def test_the_history_is_paginated(client, u, login, tina, heat):
    lesson = catalog.get_lesson(catalog.get_module(heat, "signs"), "stroke")
    for minutes in range(20, 20 + history.PAGE_SIZE):
        lesson_authoring.update_lesson(heat, lesson, "Heat stroke signs", "Call 911.", minutes, tina)
    db.session.commit()
    login(tina)
    first = history_page(client, u)
    assert len(rows(first)) == history.PAGE_SIZE and "Next page" in first and "Previous page" not in first
    assert "Course created" not in first
    second = history_page(client, u, page=2)
    assert "Course created" in rows(second)[-1] and "Previous page" in second and "Next page" not in second
    assert "There is nothing more." in history_page(client, u, page=99)


def test_the_page_runs_a_fixed_number_of_queries(client, u, login, tina, heat, count_queries):
    login(tina)
    path = u("lms.authoring.history", course_slug="heat")

    def measure() -> int:
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        return queries.count

    before = measure()
    module = catalog.get_module(heat, "signs")
    quiz = catalog.get_quiz(module)
    for n in range(6):
        added = module_authoring.add_module(heat, module_authoring.ModuleData(slug=f"m{n}", title=f"Module {n}"), tina)
        lesson = lesson_authoring.add_lesson(heat, added, "l", f"Lesson {n}", "Text.", 5, tina)
        quiz_authoring.save_question(heat, quiz, None, slug=f"x{n}", kind=QuestionKind.SINGLE, prompt=f"Q{n}",
                                     options=[OptionData("a", "A", True), OptionData("b", "B")], actor=tina)
        archive.archive(heat, lesson, tina)
    db.session.commit()
    schedule(catalog.get_module(heat, "drill"), tina, repeat=3, day=date.today() + timedelta(days=12))
    after = measure()
    assert len(rows(client.get(path).get_data(as_text=True))) > 30 and after == before


@pytest.mark.parametrize("who", ["trainee", "manager"])
def test_people_who_do_not_author_courses_cannot_read_it(client, u, login, make_user, make_org, heat, who):
    person = make_user(name="Someone")
    if who == "manager":
        make_org("acme", manager=person)
    login(person)
    assert client.get(u("lms.authoring.history", course_slug="heat")).status_code == 403
    assert client.get(u("lms.authoring.export", course_slug="heat")).status_code == 403


def test_an_unknown_course_is_not_found_and_admins_read_it(client, u, login, make_user, heat):
    login(make_user(name="Ada Admin", role=SiteRole.ADMIN))
    assert client.get(u("lms.authoring.history", course_slug="nope")).status_code == 404
    assert "Course created" in history_page(client, u)


def test_a_translated_answer_is_named_by_its_text_with_its_question(client, u, login, tina, heat):
    quiz = catalog.get_quiz(catalog.get_module(heat, "signs"))
    question, (cramps, _sleep) = catalog.load_questions(quiz)[0]
    login(tina)
    url = u("lms.authoring.translate_question", course_slug="heat", locale="es", module_slug="signs",
            question_id=question.id)
    key = f"option-{cramps.id}-feedback"
    assert client.submit(url, {f"t-{key}": "Sí", f"h-{key}": text_hash("Yes")}).status_code == 302
    newest = rows(history_page(client, u))[0]
    assert "Tina Trainer Translation changed Cramps Question: First sign? Language: Spanish Feedback: — → Sí" in newest


def test_a_translation_confirmed_as_still_right_says_so(client, u, login, tina, heat):
    lesson = catalog.get_lesson(catalog.get_module(heat, "signs"), "stroke")
    set_text(heat, lesson, "title", "es", "Golpe de calor", tina)
    lesson_authoring.update_lesson(heat, lesson, "Heat stroke: signs", "Call 911.", 12, tina)  # the Spanish title is stale
    db.session.commit()
    login(tina)
    url = u("lms.authoring.translate_lesson", course_slug="heat", locale="es", module_slug="signs",
            lesson_slug="stroke")
    key = f"lesson-{lesson.id}-title"
    client.submit(url, {f"t-{key}": "Golpe de calor", f"h-{key}": text_hash("Heat stroke: signs"), f"ok-{key}": "y"})
    (row,) = db.session.execute(select(AuditEvent).where(AuditEvent.action == "translation.updated")).scalars()
    assert row.data == {"locale": "es", "course_id": heat.id, "slug": "stroke", "confirmed": ["title"]}
    newest = rows(history_page(client, u))[0]
    assert "Translation changed Heat stroke: signs Short name in addresses: stroke Language: Spanish " \
           "Marked as still right: Title" in newest
