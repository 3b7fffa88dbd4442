"""Changing which answers of a question are right, after trainees answered it, is asked about first (no JavaScript:
the form comes back with the count and carries the new right answers; sending it again saves). Rewording alone, or
a question nobody answered yet, saves at once."""

from __future__ import annotations

import re

from lms import db
from lms.catalog.models import Option
from lms.enrollment import services as enrollment
from tests.quiz_support import take
from tests.test_learning import build_course
from tests.test_quiz_result_snapshot import question_of

ASKED = "attempts were already graded with the old answer; they stay as marked. Save anyway?"


def _send(client, u, course, rows, confirm: str | None = None, prompt: str = "Pick the right one"):
    question, _options = question_of(course, "q1")
    data = {"slug": "q1", "kind": question.kind.value, "prompt": prompt}
    for index, (slug, text, correct) in enumerate(rows):
        data.update({f"options-{index}-slug": slug, f"options-{index}-text": text})
        if correct:
            data[f"options-{index}-is_correct"] = "y"
    if confirm is not None:
        data["confirm"] = confirm
    path = u("lms.authoring.edit_question", course_slug="core", module_slug="m1", question_id=question.id)
    return client.submit(path, data)


def _right_answers(course) -> list[str]:
    db.session.expire_all()
    _question, options = question_of(course, "q1")
    return [o.slug for o in options if o.is_correct]


def test_new_right_answers_on_an_answered_question_are_asked_about_then_saved(client, u, trainer, make_user,
                                                                              client_as):
    course = build_course(trainer, es_title=None)
    first, second = make_user(), make_user()
    for user in (first, second):
        enrollment.enroll(user, course)
    db.session.commit()
    take(first, course, times=2)
    take(second, course, right=True)
    editor = client_as(trainer)

    page = _send(editor, u, course, [("a", "Right", False), ("b", "Wrong", True)])
    assert page.status_code == 200
    assert f"3 {ASKED}" in page.text and "Confirm and save" in page.text
    assert _right_answers(course) == ["a"]  # nothing saved yet
    confirm = re.search(r'name="confirm" type="hidden" value="([^"]*)"', page.text).group(1)
    assert confirm == "b"

    saved = _send(editor, u, course, [("a", "Right", False), ("b", "Wrong", True)], confirm=confirm)
    assert saved.status_code == 302 and _right_answers(course) == ["b"]


def test_a_confirmation_for_other_answers_asks_again(client, u, trainer, make_user, client_as):
    course = build_course(trainer, es_title=None)
    user = make_user()
    enrollment.enroll(user, course)
    db.session.commit()
    take(user, course)
    editor = client_as(trainer)
    # a confirmation for other right answers (a stale form) does not confirm this change: asked again
    page = _send(editor, u, course, [("a", "Right", False), ("b", "Wrong", True)], confirm="a")
    assert page.status_code == 200
    assert "1 attempt was already graded with the old answer; it stays as marked. Save anyway?" in page.text
    assert _right_answers(course) == ["a"]
    # answers the save refuses (two right answers to a single-answer question) are refused, not asked about
    refused = _send(editor, u, course, [("a", "Right", True), ("b", "Wrong", True)])
    assert refused.status_code == 400 and "Mark exactly one answer as correct." in refused.text
    assert "Save anyway?" not in refused.text


def test_rewording_or_an_unanswered_question_saves_at_once(client, u, trainer, make_user, client_as):
    course = build_course(trainer, es_title=None)
    editor = client_as(trainer)
    # nobody took the quiz: the right answer changes at once
    assert _send(editor, u, course, [("a", "Right", False), ("b", "Wrong", True)]).status_code == 302
    assert _right_answers(course) == ["b"]
    user = make_user()
    enrollment.enroll(user, course)
    db.session.commit()
    take(user, course)
    # answered, but the same right answer: a reworded question saves without asking
    response = _send(editor, u, course, [("a", "Right", False), ("b", "Wrong!", True)], prompt="Pick one")
    assert response.status_code == 302
    assert db.session.query(Option).filter_by(slug="b").count() >= 1
