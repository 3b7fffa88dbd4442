"""Error flashes are told like error summaries (WCAG 4.1.3, 3.3.1, 2.4.2): in their own box with role="alert" that
takes focus when the page opens (unless a form's summary does) and "Error:" at the start of the page's title, while
other flashes stay in a status region; a box drawn around them, not a colour alone (1.4.1). A problem about one box
of a form is shown at the box instead of in a flash: checking out just after checking in without ticking "I am
leaving the session now"."""

from __future__ import annotations

import re
from datetime import timedelta

from lms import db
from lms.db import utcnow
from lms.live import checkin
from tests.authoring_support import translated_heat_course
from tests.live_support import live_course, seat, soon

TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)
ENROL_FIRST = "Enrol in this course to read its lessons and take its quizzes."
TICK_FIRST = "You checked in a moment ago. To check out now, tick “I am leaving the session now” and press “Check out” again."


def _title(page: str) -> str:
    return re.sub(r"\s+", " ", TITLE_RE.search(page).group(1)).strip()


def _box(page: str, text: str) -> str:
    """The opening tag of the flashes box holding ``text``."""
    start = page.rindex('<div class="flashes"', 0, page.index(text))
    return page[start:page.index(">", start) + 1]


def test_an_error_flash_is_an_alert_that_takes_focus_and_names_the_page_an_error(client, u, login, trainer, make_user):
    _course, module, lesson, _quiz = translated_heat_course(trainer)
    login(make_user())
    response = client.get(u("lms.courses.lesson", course_slug="heat", module_slug=module.slug, lesson_slug=lesson.slug),
                          follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f'<p class="flash flash-error">{ENROL_FIRST}</p>' in page
    assert _box(page, ENROL_FIRST) == '<div class="flashes" role="alert" id="flash-errors" tabindex="-1" autofocus>'
    assert _title(page).startswith("Error: ")
    assert page.count("autofocus") == 1


def test_other_flashes_stay_a_status_without_focus(client, u, login, trainer, make_user):
    translated_heat_course(trainer)
    login(make_user())
    page = client.submit(u("lms.courses.enroll", course_slug="heat"), follow_redirects=True).get_data(as_text=True)
    (flash,) = re.findall(r'<p class="flash flash-(\w+)">', page)
    assert flash in ("success", "info")
    assert '<div class="flashes" role="status">' in page and 'role="alert" id="flash-errors"' not in page
    assert not _title(page).startswith("Error:") and "autofocus" not in page


def _checked_in_now(trainer, person):
    session = soon(live_course(trainer)[1], trainer, -10)
    seat(session, person)
    checkin.check_in(session, person, utcnow(), timedelta(minutes=15))
    db.session.commit()
    return session


def test_a_check_out_without_the_tick_shows_the_problem_at_the_box(client, u, login, trainer, make_user):
    person = make_user(name="Ana Ruiz")
    session = _checked_in_now(trainer, person)
    login(person)
    response = client.submit(u("lms.sessions.checkout", session_id=session.id))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "You are checked in" in page and 'class="flash' not in page
    summary = re.search(r'<div class="error-summary" role="alert" id="error-summary" tabindex="-1" autofocus>(.*?)</div>',
                        page, re.S)
    assert summary and f'<a href="#confirm-out">{TICK_FIRST}</a>' in summary.group(1)
    box = re.search(r'<input type="checkbox" name="confirm"[^>]*>', page).group(0)
    assert 'id="confirm-out"' in box and 'aria-invalid="true"' in box and 'aria-describedby="confirm-out-error"' in box
    assert f'<p class="error" id="confirm-out-error">{TICK_FIRST}</p>' in page
    assert _title(page).startswith("Error: ")
    # nothing is left to show on the next page
    assert TICK_FIRST not in client.get(u("lms.sessions.checked_in", session_id=session.id)).get_data(as_text=True)
    assert client.submit(u("lms.sessions.checkout", session_id=session.id), {"confirm": "yes"}).status_code == 302


def test_the_page_before_any_mistake_shows_no_problem(client, u, login, trainer, make_user):
    person = make_user()
    session = _checked_in_now(trainer, person)
    login(person)
    page = client.get(u("lms.sessions.checked_in", session_id=session.id)).get_data(as_text=True)
    assert 'name="confirm" value="yes" required id="confirm-out">' in page
    assert "error-summary" not in page and "aria-invalid" not in page and not _title(page).startswith("Error:")
