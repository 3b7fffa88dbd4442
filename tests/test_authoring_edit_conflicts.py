"""Two tabs, one record (lms.catalog.edit_versions, lms.web.authoring.conflicts): the lesson, module, course and
question forms carry the version they were opened on; a save of a record changed since writes nothing, comes back
409 with the person's entries, the changed fields named and their saved values, and saving that page again replaces
them knowingly. Also: the remove-lesson page of a published course's last lesson says why it cannot be removed and
offers no button.

The forms are sent as a browser would send them: read from the page each tab loaded."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from sqlalchemy import select

from lms import db
from lms.catalog import course_authoring, edit_versions, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, Lesson, Module, Option, Question, QuestionKind
from lms.catalog.quiz_authoring import OptionData
from lms.catalog.texts import load_texts
from tests.authoring_support import heat_course
from tests.security._injection import page_forms

WHERE = {"course_slug": "heat", "module_slug": "signs"}
CONFLICT = "Not saved: this was changed and saved after you opened it"


@pytest.fixture
def course(trainer):
    course, _module, _lesson, quiz = heat_course(trainer, body="Move to shade.")
    quiz_authoring.save_question(course, quiz, None, slug="q1", kind=QuestionKind.SINGLE, prompt="What helps first?",
                                 options=[OptionData("water", "Drink water", True, "Yes."),
                                          OptionData("work", "Keep working", False)], actor=trainer)
    db.session.commit()
    return course


def _tab(client, url: str) -> dict[str, Any]:
    """The edit form as the page shows it, as a browser would send it untouched (a textarea's first line break is
    not part of its value)."""
    response = client.get(url)
    assert response.status_code == 200
    return _sent(response.get_data(as_text=True))


def _sent(page: str) -> dict[str, Any]:
    (form,) = [f for f in page_forms(page) if f.method == "post" and "seen_version" in f.names()]
    data = form.defaults()
    for control in form.controls:
        if control.kind == "textarea":
            data[control.name] = control.value.removeprefix("\r\n").removeprefix("\n")
    return data


def _text(response) -> str:
    return unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def _conflict_box(response) -> str:
    match = re.search(r'<div class="error-summary" role="alert" id="edit-conflict"[^>]*>.*?</dl>\s*</div>',
                      response.get_data(as_text=True), re.S)
    assert match, "no conflict message"
    return unescape(re.sub(r"<[^>]+>", " ", match.group(0)))


def _source(course, obj, name: str) -> str:
    db.session.expire_all()
    return load_texts(course, course.source_locale)(obj, name)


def _lesson() -> Lesson:
    return db.session.execute(select(Lesson).where(Lesson.slug == "stroke")).scalar_one()


def _module() -> Module:
    return db.session.execute(select(Module).where(Module.slug == "signs")).scalar_one()


# ---------------------------------------------------------------- the four forms


def test_a_lesson_saved_in_another_tab_is_not_undone(client, u, signed_in_trainer, course):
    url = u("lms.authoring.edit_lesson", **WHERE, lesson_slug="stroke")
    tab_a, tab_b = _tab(client, url), _tab(client, url)
    assert tab_a["seen_version"] == tab_b["seen_version"] != ""

    response = client.submit(url, {**tab_a, "body": "Move to shade.\n\nGive water in small sips."})
    assert response.status_code == 302
    response = client.submit(url, {**tab_b, "title": "Heat stroke: what to do"})

    assert response.status_code == 409 and "Lesson saved." not in _text(response)
    box = _conflict_box(response)
    assert CONFLICT in box and "Changed since: Lesson text (Markdown)." in box
    assert "Give water in small sips." in box and "Title" not in box.split("The saved values")[1]
    assert 'value="Heat stroke: what to do"' in response.get_data(as_text=True)  # their entries are kept
    lesson = _lesson()
    assert _source(course, lesson, "body") == "Move to shade.\n\nGive water in small sips."
    assert _source(course, lesson, "title") == "Heat stroke"

    again = _sent(response.get_data(as_text=True))  # the page now carries the version it showed
    assert again["seen_version"] == edit_versions.version_of(course, lesson) != tab_b["seen_version"]
    assert client.submit(url, again).status_code == 302  # saving again replaces it knowingly
    assert (_source(course, lesson, "title"), _source(course, lesson, "body")) == ("Heat stroke: what to do",
                                                                                   "Move to shade.")


def test_back_and_saving_an_old_lesson_form_again_is_refused_too(client, u, signed_in_trainer, course):
    url = u("lms.authoring.edit_lesson", **WHERE, lesson_slug="stroke")
    old = _tab(client, url)
    assert client.submit(url, {**old, "estimated_minutes": "15"}).status_code == 302
    response = client.submit(url, {**old, "body": "Move to shade. Cool the skin."})
    assert response.status_code == 409 and "Changed since: Estimated minutes." in _conflict_box(response)
    assert _lesson().estimated_minutes == 15 and _source(course, _lesson(), "body") == "Move to shade."

    preview = client.submit(url, {**old, "preview": "y"})  # previewing saves nothing, so it is no conflict
    assert preview.status_code == 200 and "edit-conflict" not in preview.get_data(as_text=True)


def test_a_module_saved_in_another_tab_is_not_undone(client, u, signed_in_trainer, course):
    url = u("lms.authoring.edit_module", **WHERE)
    tab_a, tab_b = _tab(client, url), _tab(client, url)
    assert client.submit(url, {**tab_a, "summary": "Spot heat illness early."}).status_code == 302
    response = client.submit(url, {**tab_b, "title": "Warning signs of heat illness"})

    assert response.status_code == 409
    box = _conflict_box(response)
    assert "Changed since: Summary." in box and "Spot heat illness early." in box
    assert _source(course, _module(), "title") == "Warning signs"
    assert client.submit(url, _sent(response.get_data(as_text=True))).status_code == 302
    assert (_source(course, _module(), "title"), _source(course, _module(), "summary")) == (
        "Warning signs of heat illness", "")


def test_course_settings_saved_in_another_tab_are_not_undone(client, u, signed_in_trainer, course):
    url = u("lms.authoring.edit_course", course_slug="heat")
    tab_a, tab_b = _tab(client, url), _tab(client, url)
    assert client.submit(url, {**tab_a, "version": "2026.2", "certificate_validity_months": "24"}).status_code == 302
    response = client.submit(url, {**tab_b, "title": "Heat safety at work"})

    assert response.status_code == 409
    box = _conflict_box(response)
    assert "Changed since: Version and Certificate valid for (months)." in box and "2026.2" in box and "24" in box
    db.session.expire_all()
    assert (catalog.get_course("heat").version, _source(course, course, "title")) == ("2026.2", "Heat safety")
    assert client.submit(url, _sent(response.get_data(as_text=True))).status_code == 302
    db.session.expire_all()
    assert (catalog.get_course("heat").version, _source(course, course, "title")) == ("1", "Heat safety at work")


def test_a_question_saved_in_another_tab_is_not_undone(client, u, signed_in_trainer, course):
    question = db.session.execute(select(Question).where(Question.slug == "q1")).scalar_one()
    url = u("lms.authoring.edit_question", **WHERE, question_id=question.id)
    tab_a, tab_b = _tab(client, url), _tab(client, url)
    changed = {**tab_a, "options-1-is_correct": "y"}
    del changed["options-0-is_correct"]
    assert client.submit(url, changed).status_code == 302  # "Keep working" is now the right answer
    response = client.submit(url, {**tab_b, "prompt": "What helps most?"})

    assert response.status_code == 409
    box = _conflict_box(response)
    assert "Changed since: Answers." in box and "Keep working correct" in " ".join(box.split())
    assert "Drink water Feedback: Yes." in " ".join(box.split())

    def right_answers() -> list[str]:
        db.session.expire_all()
        return list(db.session.execute(select(Option.slug).where(Option.question_id == question.id,
                                                                 Option.is_correct.is_(True))).scalars())

    assert right_answers() == ["work"] and _source(course, question, "prompt") == "What helps first?"
    assert client.submit(url, _sent(response.get_data(as_text=True))).status_code == 302
    assert right_answers() == ["water"] and _source(course, question, "prompt") == "What helps most?"


def test_an_unchanged_record_saves_as_before_and_a_form_without_a_version_is_not_checked(client, u,
                                                                                          signed_in_trainer, course):
    url = u("lms.authoring.edit_lesson", **WHERE, lesson_slug="stroke")
    form = _tab(client, url)
    response = client.submit(url, form, follow_redirects=True)
    assert "No changes to save." in _text(response)
    assert client.submit(url, {**form, "title": "Heat stroke!"}).status_code == 302
    del form["seen_version"]  # a client that sends no version is not checked (as before this check)
    assert client.submit(url, {**form, "title": "Heat stroke"}).status_code == 302
    assert _source(course, _lesson(), "title") == "Heat stroke"


def test_an_altered_version_counts_every_field_as_changed(client, u, signed_in_trainer, course):
    url = u("lms.authoring.edit_module", **WHERE)
    response = client.submit(url, {**_tab(client, url), "seen_version": "nonsense"})
    assert response.status_code == 409 and "Changed since: Title, Summary, Kind of module" in _conflict_box(response)


# ---------------------------------------------------------------- removing the last lesson of a published course


def test_the_remove_page_of_a_published_modules_last_lesson_says_why_and_offers_no_button(client, u, trainer,
                                                                                          login):
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs"), trainer)
    lesson_authoring.add_lesson(course, module, "stroke", "Heat stroke", "Call 911.", 10, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    login(trainer)
    url = u("lms.authoring.remove_lesson", **WHERE, lesson_slug="stroke")

    page = _text(client.get(url))
    assert "In a published course, a self-paced module needs a lesson or a quiz" in page
    assert "Yes, remove it" not in page and u("lms.sessions.teach", all=1) not in page
    assert "Back" in page

    lesson_authoring.add_lesson(course, module, "shade", "Shade", "Rest in the shade.", 5, trainer)
    db.session.commit()
    page = _text(client.get(url))
    assert "Yes, remove it" in page and "needs a lesson or a quiz" not in page
