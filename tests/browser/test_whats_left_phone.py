"""The QA pass on a phone, in Spanish, in the demo core course: passing the last self-paced quiz says what is left (the
live session she holds a seat in, field experience) instead of leading into the live module's optional reading, and
the course page lists her live sessions; both pages pass axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.catalog import services as catalog
from lms.db import utcnow
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as enrollment
from lms.live import registration
from lms.live.models import SessionMode
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.browser.helpers import core_course, es, new_person, schedule

pytestmark = pytest.mark.browser

LUPE = "lupe.left@example.org"


@pytest.fixture
def lupe(live_server):
    """Lupe, in Spanish: every self-paced module of the core course done but the last quiz; a seat next week."""
    with live_server.data():
        person = new_person(LUPE, "Lupe Left", locale="es", employee_id="E-4511")  # field work needs an employer
        course, _live = core_course()
        mine = enrollment.enroll(person, course)
        outline = catalog.load_outline(course)
        for module in outline.modules:
            if module.kind.value != "self_paced":
                continue
            for lesson in outline.lessons[module.id]:
                visits.complete_lesson(mine, lesson, utcnow(), timedelta(minutes=30))
            quiz = outline.quizzes[module.id]
            if module.slug != "public-health-sdoh":
                quiz_attempts.submit_quiz(mine, quiz, {q.id: {o.id for o in options if o.is_correct}
                                                    for q, options in catalog.load_questions(quiz)})
        session = schedule(utcnow() + timedelta(days=9), 180, locale="es", mode=SessionMode.ONLINE,
                           join_url="https://meet.example.org/lupe")
        registration.register(session, person, person, utcnow())
        last = outline.quizzes[catalog.get_module(course, "public-health-sdoh").id]
        answers = {q.id: {o.id for o in options if o.is_correct} for q, options in catalog.load_questions(last)}
        return {"session": session.id, "answers": answers}


def test_the_last_quiz_says_what_is_left_on_a_phone_in_spanish(open_page, lupe):
    page = open_page(phone=True, locale="es-US")
    sign_in(page, LUPE)
    page.goto("/courses/chw-core/public-health-sdoh/quiz")
    for question_id, right in lupe["answers"].items():
        for option_id in right:
            page.locator(f"input[name=q{question_id}][value='{option_id}']").check()
    follow(page.get_by_role("button", name=es("Send my answers")), tap=True)
    assert page.locator(".result.pass").inner_text().startswith(es("Passed"))
    assert page.locator("a[rel=next]").count() == 0  # no "Next lesson" into the live module's reading
    left = page.locator("#still-to-do")
    assert left.is_visible()
    assert left.locator(f"a[href='/sessions/{lupe['session']}']").is_visible()  # the session she holds a seat in
    assert left.locator("a[href='/courses/chw-core/live-practice/prepare-for-practice']").is_visible()  # optional
    assert left.locator("a[href^='/hours/field?module=']").is_visible()  # the link names the module
    check_accessibility(page, "resultado: lo que falta")

    follow(page.get_by_role("link", name=es("Back to the course")), tap=True)
    mine = page.locator("#my-sessions")
    assert mine.locator(f"a[href='/sessions/{lupe['session']}']").is_visible()
    assert page.locator("#still-to-do").is_visible()
    check_accessibility(page, "curso: lo que falta y mis sesiones")
