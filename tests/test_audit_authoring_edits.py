"""Every change to what a course teaches and credits is in the audit log: saving a course, module, lesson, quiz or
question on the authoring pages records a row with each field that changed, old and new (a long lesson text by its
length and checksum, never copied), adding one records its first values, and a course import records the same rows
with no one as actor. A save that changes nothing records nothing. Administrators read the rows on /admin/audit in
words, and can filter by each of these actions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import course_authoring, edits, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import Module, Question, QuestionKind
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import text_hash
from lms.web import audit_display
from tests.conftest import html_text

COURSE = "heat-safety"
YOUTUBE, VIMEO = "https://www.youtube.com/watch?v=abcdefghijk", "https://vimeo.com/123456789"
BODY = "## Heat illness\n\n" + "Drink water often when it is hot. " * 12 + "\n\nhttps://youtu.be/abcdefghijk"
NEW_BODY = BODY.replace("often", "every 15 minutes").replace("https://youtu.be/abcdefghijk", VIMEO)
COURSE_FORM = {"title": "Heat safety", "summary": "", "version": "2026.1", "kind": "continuing",
               "competency_areas": [], "specialties": "", "certificate_validity_months": "", "issuer_org": ""}
MODULE_FORM = {"title": "Heat illness", "summary": "", "kind": "self_paced", "credited_minutes": "60",
               "is_required": "y", "specialties": ""}
LESSON_FORM = {"title": "Warning signs", "body": BODY, "estimated_minutes": "10"}
QUIZ_FORM = {"title": "Check", "pass_mark": "80", "max_attempts": ""}
QUESTION_FORM = {"kind": "single", "prompt": "What helps first?",
                 "options-0-slug": "water", "options-0-text": "Drink water", "options-0-is_correct": "y",
                 "options-0-feedback": "Yes.", "options-1-slug": "work", "options-1-text": "Keep working",
                 "options-1-feedback": ""}
EDIT_ACTIONS = [f"{kind}.{verb}" for kind in ("module", "lesson", "quiz", "question") for verb in ("created", "updated")]


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
                .scalars())


def _count(*actions: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.in_(actions)))



def _row(page: str, action: str) -> str:
    """The newest row of ``action`` on the audit log page, as text (its code is under its title)."""
    rows = [html_text(row) for row in re.findall(r'<tr id="event-\d+">.*?</tr>', page, re.S)]
    return next(row for row in rows if f" {action} " in row)


@pytest.fixture
def course(trainer):
    """Heat safety (draft) by Carmen: module m1 (60 credited minutes, required) with the lesson "signs" (a long body
    with a YouTube video) and a quiz (pass mark 80) of one question whose right answer is "Drink water"."""
    course = course_authoring.create_course(course_authoring.CourseData(slug=COURSE, title="Heat safety", version="2026.1"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="m1", title="Heat illness", credited_minutes=60),
                                trainer)
    lesson_authoring.add_lesson(course, module, "signs", "Warning signs", BODY, 10, trainer)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Check", pass_mark=80, max_attempts=None, actor=trainer)
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="What helps first?",
                                 options=[OptionData("water", "Drink water", True, "Yes."),
                                          OptionData("work", "Keep working", False)], actor=trainer)
    db.session.commit()
    return course


@pytest.fixture
def urls(u, course):
    question = db.session.execute(select(Question.id).where(Question.slug == "q1")).scalar_one()
    where = {"course_slug": COURSE, "module_slug": "m1"}
    return {"course": u("lms.authoring.edit_course", course_slug=COURSE),
            "module": u("lms.authoring.edit_module", **where),
            "lesson": u("lms.authoring.edit_lesson", **where, lesson_slug="signs"),
            "quiz": u("lms.authoring.quiz", **where),
            "question": u("lms.authoring.edit_question", **where, question_id=question)}


def _module() -> Module:
    return db.session.execute(select(Module).where(Module.slug == "m1")).scalar_one()


def _quiz_place() -> dict[str, int]:
    """What rows about a question of module m1's quiz say of where it is (its module and quiz)."""
    return {"module_id": _module().id, "quiz_id": catalog.get_quiz(_module()).id}


# ---------------------------------------------------------------- what the rows hold


def test_a_module_edit_records_each_changed_field_old_and_new(client, signed_in_trainer, course, urls):
    form = {**MODULE_FORM, "title": "Heat illness at work", "credited_minutes": "90"}
    del form["is_required"]
    assert client.submit(urls["module"], form).status_code == 302
    (event,) = _events("module.updated")
    assert (event.actor_id, event.object_type, event.object_id) == (signed_in_trainer.id, "Module", _module().id)
    assert event.data == {"course_id": course.id, "slug": "m1", "title": "Heat illness at work",
                          "credited_minutes": 90, "is_required": False,
                          "was": {"title": "Heat illness", "credited_minutes": 60, "is_required": True}}


def test_making_another_answer_the_right_one_records_the_answers_that_changed(client, signed_in_trainer, course, urls):
    form = {**QUESTION_FORM, "options-0-feedback": "Not first: rest in the shade.", "options-1-is_correct": "y"}
    del form["options-0-is_correct"]
    assert client.submit(urls["question"], form).status_code == 302
    (event,) = _events("question.updated")
    assert event.actor_id == signed_in_trainer.id and event.object_type == "Question"
    assert event.data == {
        "course_id": course.id, **_quiz_place(), "slug": "q1", "correct_answers": ["Keep working"],
        "feedback": [["Drink water", "Not first: rest in the shade."]],
        "was": {"correct_answers": ["Drink water"], "feedback": [["Drink water", "Yes."]]},
    }
    client.submit(urls["question"], {**form, "prompt": "What helps most?", "options-1-text": "Keep on working"})
    assert _events("question.updated")[-1].data == {
        "course_id": course.id, **_quiz_place(), "slug": "q1", "prompt": "What helps most?",
        "answers": ["Drink water", "Keep on working"], "correct_answers": ["Keep on working"],
        "was": {"prompt": "What helps first?", "answers": ["Drink water", "Keep working"],
                "correct_answers": ["Keep working"]},
    }


def test_quiz_settings_record_the_pass_mark_and_attempts_old_and_new(client, signed_in_trainer, course, urls):
    assert client.submit(urls["quiz"], {**QUIZ_FORM, "pass_mark": "90", "max_attempts": "3"}).status_code == 302
    (event,) = _events("quiz.updated")
    assert event.actor_id == signed_in_trainer.id
    assert event.data == {"course_id": course.id, "module_id": _module().id, "pass_mark": 90, "max_attempts": 3,
                          "was": {"pass_mark": 80, "max_attempts": None}}


def test_a_quiz_brought_back_by_its_form_records_the_restore_and_the_settings_it_changed(client, signed_in_trainer, u,
                                                                                       course, urls):
    client.submit(u("lms.authoring.remove_quiz", course_slug=COURSE, module_slug="m1"))
    client.submit(urls["quiz"], {**QUIZ_FORM, "title": "Check again"})
    assert [e.action for e in _events("quiz.restored") + _events("quiz.updated")] == ["quiz.restored", "quiz.updated"]
    assert _events("quiz.updated")[0].data["was"] == {"title": "Check"}


def test_a_lesson_edit_keeps_a_long_text_as_its_length_and_checksum_and_names_the_videos(client, signed_in_trainer,
                                                                                         course, urls):
    form = {**LESSON_FORM, "title": "Signs of heat illness", "body": NEW_BODY, "estimated_minutes": "15"}
    assert client.submit(urls["lesson"], form).status_code == 302
    (event,) = _events("lesson.updated")
    assert event.actor_id == signed_in_trainer.id and event.object_type == "Lesson"
    diff = event.data["body"].pop("diff")  # what changed, not the text twice (tests/test_lesson_text_diffs.py)
    assert event.data == {
        "course_id": course.id, "slug": "signs", "title": "Signs of heat illness",
        "body": {"length": len(NEW_BODY), "hash": text_hash(NEW_BODY)}, "videos": [VIMEO], "estimated_minutes": 15,
        "was": {"title": "Warning signs", "body": {"length": len(BODY), "hash": text_hash(BODY)}, "videos": [YOUTUBE],
                "estimated_minutes": 10},
    }
    assert ["~", [["=", "https://"], ["-", "youtu"], ["+", "vimeo"], ["=", "."], ["-", "be"], ["+", "com"],
                  ["=", "/"], ["-", "abcdefghijk"], ["+", "123456789"]]] in diff
    short = "Drink water.\n\nRest in the shade."  # a short text is kept as it is, and has no video
    client.submit(urls["lesson"], {**form, "body": short})
    assert _events("lesson.updated")[-1].data["body"] == short and _events("lesson.updated")[-1].data["videos"] == []


def test_course_settings_changes_now_say_what_changed(client, signed_in_trainer, course, urls):
    form = {**COURSE_FORM, "title": "Heat safety at work", "version": "2026.2", "competency_areas": ["outreach"],
            "certificate_validity_months": "24"}
    assert client.submit(urls["course"], form).status_code == 302
    (event,) = _events("course.updated")
    assert event.actor_id == signed_in_trainer.id
    assert event.data == {"title": "Heat safety at work", "version": "2026.2", "competency_areas": ["outreach"],
                          "certificate_validity_months": 24,
                          "was": {"title": "Heat safety", "version": "2026.1", "competency_areas": [],
                                  "certificate_validity_months": None}}


def test_saving_any_form_unchanged_records_nothing(client, signed_in_trainer, course, urls):
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    for name, form in (("course", COURSE_FORM), ("module", MODULE_FORM), ("lesson", LESSON_FORM),
                       ("quiz", QUIZ_FORM), ("question", QUESTION_FORM)):
        response = client.submit(urls[name], form, follow_redirects=True)
        assert response.status_code == 200, name
        page = html_text(response.get_data(as_text=True))
        assert "No changes to save." in page and "saved." not in page.lower(), name
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before
    client.submit(urls["module"], {**MODULE_FORM, "credited_minutes": "61"})
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before + 1
    quiz = html_text(client.submit(urls["quiz"], {**QUIZ_FORM, "pass_mark": "81"}, follow_redirects=True)
                 .get_data(as_text=True))
    question = html_text(client.submit(urls["question"], {**QUESTION_FORM, "prompt": "What helps most?"},
                                   follow_redirects=True).get_data(as_text=True))
    assert "Quiz settings saved." in quiz and "Question saved." in question
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before + 3


def test_adding_records_the_first_values(client, signed_in_trainer, u, course):
    client.submit(u("lms.authoring.new_module", course_slug=COURSE), {
        "slug": "m2", "title": "Field day", "kind": "field", "credited_minutes": "120", "is_required": "y"})
    (event,) = [e for e in _events("module.created") if e.data["slug"] == "m2"]
    assert event.actor_id == signed_in_trainer.id
    assert event.data == {"course_id": course.id, "slug": "m2", "title": "Field day", "kind": "field",
                          "credited_minutes": 120, "is_required": True}
    (added,) = [e for e in _events("question.created")]
    assert added.data == {"course_id": course.id, **_quiz_place(), "slug": "q1", "prompt": "What helps first?", "kind": "single",
                          "answers": ["Drink water", "Keep working"], "correct_answers": ["Drink water"],
                          "feedback": [["Drink water", "Yes."]]}
    assert [e.data["pass_mark"] for e in _events("quiz.created")] == [80]
    assert _events("lesson.created")[0].data["body"] == {"length": len(BODY), "hash": text_hash(BODY)}
    assert _events("course.created")[0].data == {"title": "Heat safety", "version": "2026.1", "kind": "continuing",
                                                 "source_locale": "en"}


def test_every_recorded_field_has_a_label(app, course):
    module = _module()
    objects = [course, module, catalog.get_lesson(module, "signs"), catalog.get_quiz(module),
               db.session.execute(select(Question).where(Question.slug == "q1")).scalar_one()]
    for obj in objects:
        kind = type(obj).__name__.lower()
        for action in (f"{kind}.created", f"{kind}.updated"):
            assert action in audit_display.ACTION_TITLES
            assert set(edits.snapshot(course, obj)) <= set(audit_display.FIELDS[action]), action


# ---------------------------------------------------------------- the log page


def test_administrators_read_the_changes_in_words_and_filter_by_them(client, signed_in_trainer, u, make_user,
                                                                      client_as, course, urls):
    form = {**MODULE_FORM, "title": "Heat illness at work", "credited_minutes": "90"}
    del form["is_required"]
    client.submit(urls["module"], form)
    question = {**QUESTION_FORM, "options-1-is_correct": "y", "options-0-feedback": "Not first."}
    del question["options-0-is_correct"]
    client.submit(urls["question"], question)
    client.submit(urls["quiz"], {**QUIZ_FORM, "pass_mark": "90", "max_attempts": "3"})
    client.submit(urls["lesson"], {**LESSON_FORM, "body": NEW_BODY, "estimated_minutes": "15"})
    admin = client_as(make_user(name="Ada", role=SiteRole.ADMIN))
    page = admin.get(u("lms.admin.audit_log")).get_data(as_text=True)

    module_row = _row(page, "module.updated")
    assert "Module changed" in module_row and "Heat illness at work" in module_row and "Carmen Coach" in module_row
    assert "Credited minutes: 1 hour → 1 hour 30 minutes" in module_row
    assert "Required to complete the course: Yes → No" in module_row
    assert "Title: Heat illness → Heat illness at work" in module_row and "Course: Heat safety" in module_row
    assert "credited_minutes" not in module_row and "is_required" not in module_row

    question_row = _row(page, "question.updated")
    assert "Question changed" in question_row and "What helps first?" in question_row
    assert "Correct answers: Drink water → Keep working" in question_row
    assert "Feedback: “Drink water”: Yes. → “Drink water”: Not first." in question_row

    quiz_row = _row(page, "quiz.updated")
    assert "Quiz settings changed" in quiz_row and "Pass mark (%): 80 → 90" in quiz_row
    assert "Attempts allowed: — → 3" in quiz_row

    lesson_row = _row(page, "lesson.updated")
    assert "Lesson changed" in lesson_row and "Warning signs" in lesson_row
    assert (f"Lesson text (Markdown): {len(BODY)} characters, checksum {text_hash(BODY)} → {len(NEW_BODY)} characters, "
            f"checksum {text_hash(NEW_BODY)}") in lesson_row
    assert f"Videos: {YOUTUBE} → {VIMEO}" in lesson_row
    assert "Estimated minutes: 10 minutes → 15 minutes" in lesson_row

    for action in [*EDIT_ACTIONS, "course.updated"]:
        assert f'<option value="{action}"' in page
    only = admin.get(u("lms.admin.audit_log", action="module.updated")).get_data(as_text=True)
    assert len(re.findall(r'<tr id="event-\d+">', only)) == 1 and "Heat illness at work" in only


# ---------------------------------------------------------------- a course import


def test_an_import_records_what_its_files_change_with_no_actor(app, courses, run_import):
    run_import(courses)
    added = _count("module.created", "lesson.created", "quiz.created", "question.created")
    assert added == 2 + 3 + 1 + 3 and _count("module.updated", "lesson.updated", "quiz.updated",
                                             "question.updated", "course.updated") == 0
    module = courses / "listening-basics" / "listening"
    _edit(module / "module.yaml", "credited_minutes: 45", "credited_minutes: 60")
    _edit(module / "module.yaml", "en: Listening\n", "en: Listening well\n")  # a text alone changes too
    _edit(module / "quiz.en.yaml", "text: Nodding\n        correct: true", "text: Nodding")
    _edit(module / "01-why-listen.en.md", "minutes: 10", "minutes: 12")
    run_import(courses)

    (changed,) = _events("module.updated")
    assert changed.actor_id is None and changed.data["origin"] == "cli"  # `lms import-courses`: the command line
    assert {k: v for k, v in changed.data.items() if k not in ("course_id", "origin")} == {
        "slug": "listening", "title": "Listening well", "credited_minutes": 60,
        "was": {"title": "Listening", "credited_minutes": 45}}
    (question,) = _events("question.updated")
    assert question.actor_id is None and question.data["slug"] == "good-signs"
    assert (question.data["correct_answers"], question.data["was"]) == (
        ["Repeating back"], {"correct_answers": ["Nodding", "Repeating back"]})
    (lesson,) = _events("lesson.updated")
    assert lesson.data["estimated_minutes"] == 12 and lesson.data["was"] == {"estimated_minutes": 10}

    rows = db.session.scalar(select(func.count(AuditEvent.id)))
    run_import(courses)  # the same files again: nothing changes, nothing is recorded
    assert db.session.scalar(select(func.count(AuditEvent.id))) == rows
