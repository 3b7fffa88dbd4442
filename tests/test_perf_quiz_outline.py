"""The quiz page (its form and the answers sent) and a lesson's "mark as complete" take the course outline and its texts
from the per-process cache (``lms.catalog.outline_cache``), as the lesson page does: fewer statements while the
content does not change, the same page, grading and completion as when everything is loaded from the database, and a
content edit seen on the very next request."""

from __future__ import annotations

import re

from sqlalchemy import select, text, update

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog.models import Course
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus, ModuleCompletion
from lms.hours.models import EntrySource, HoursEntry
from tests.test_learning import answers, attempts, build_course, complete_url, lesson_url, quiz_url, the_enrollment


def _revision() -> int:
    return db.session.execute(text("SELECT n FROM lms_content_revision WHERE id = 1")).scalar_one()


def _bump(course: Course) -> None:
    """A content change no page shows (the course's version label): the next request loads the outline again."""
    db.session.execute(update(Course).where(Course.id == course.id).values(version=str(_revision())))
    db.session.commit()


def _reader(make_user, login, course):
    user = make_user()
    enrollment.enroll(user, course)
    db.session.commit()
    login(user)
    return user


def _page(response) -> str:
    """The page without its CSRF tokens (they carry the second they were made in)."""
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", response.text)


def _counted(client, count_queries, method: str, url: str, data: dict | None = None):
    with count_queries() as queries:
        response = client.get(url) if method == "GET" else client.post(url, data=data)
    return response, queries.count


def test_the_quiz_page_runs_fewer_statements_and_is_the_same_page(client, u, make_user, login, count_queries):
    course = build_course(make_user(role=SiteRole.TRAINER), max_attempts=3)
    _reader(make_user, login, course)
    client.get(quiz_url(u))  # warm: the sign-in session, the cache
    response, warm = _counted(client, count_queries, "GET", quiz_url(u))
    assert response.status_code == 200 and "Pick the right one" in response.text
    _bump(course)
    cold_response, cold = _counted(client, count_queries, "GET", quiz_url(u))
    assert _page(cold_response) == _page(response)  # from the cache or loaded: the same page
    # the session, the course with the enrolment (one statement: 2 before), the revision, the questions (2), the
    # attempts, the granted attempts: 7 (12 before the cache: the outline (3), the quiz and its texts instead of the
    # revision); after a content change the outline (3) and all the course's texts (1) are loaded once
    assert warm == 7, warm
    assert cold == warm + 4, (cold, warm)
    assert _page(client.get(quiz_url(u))) == _page(response)


def test_answers_sent_are_graded_as_before_with_fewer_statements(client, u, make_user, login, count_queries):
    course = build_course(make_user(role=SiteRole.TRAINER), lessons=1, max_attempts=3)
    user = _reader(make_user, login, course)
    client.get(lesson_url(u))
    assert client.submit(complete_url(u)).status_code == 302
    token = client.csrf_token(quiz_url(u))
    _response, warm = _counted(client, count_queries, "POST", quiz_url(u),
                               {**answers(course, "m1", right=False), "csrf_token": token})
    assert [(a.number, a.passed, a.score_percent) for a in attempts(user, course)] == [(1, False, 50)]
    _bump(course)
    _response, cold = _counted(client, count_queries, "POST", quiz_url(u),
                               {**answers(course, "m1", right=False, attempt=2), "csrf_token": token})
    assert [(a.number, a.passed) for a in attempts(user, course)] == [(1, False), (2, False)]
    # a failed attempt, warm: 10 (18 before the cache: as on the page, and the questions (2) and their texts loaded
    # again to grade, which now uses those the page loaded; 11 before the course and the enrolment came in one)
    assert warm == 10, warm
    assert cold == warm + 4, (cold, warm)
    response = client.post(quiz_url(u), data={**answers(course, "m1", attempt=3), "csrf_token": token})
    assert response.status_code == 302
    mine = the_enrollment(user, course)
    assert [(a.number, a.passed, a.score_percent) for a in attempts(user, course)][-1] == (3, True, 100)
    assert mine.status is EnrollmentStatus.COMPLETED  # the quiz was the last step
    result = client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m1")).text
    assert "Pick the right one" in result and "Yes, that is it." in result
    kept = attempts(user, course)[-1].snapshot
    assert (kept["locale"], kept["questions"][0]["prompt"], kept["questions"][0]["options"][0]) == (
        "en", "Pick the right one", {"text": "Right", "right": True, "chosen": True, "feedback": "Yes, that is it."})


def test_marking_lessons_complete_runs_fewer_statements_and_completes_the_course(client, u, make_user, login,
                                                                                 count_queries):
    course = build_course(make_user(role=SiteRole.TRAINER), quiz=False)
    user = _reader(make_user, login, course)
    client.get(lesson_url(u))
    token = client.csrf_token(lesson_url(u))
    client.post(complete_url(u), data={"csrf_token": token})
    response, warm = _counted(client, count_queries, "POST", complete_url(u), {"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(lesson_url(u, lesson="l2"))
    _bump(course)
    _response, cold = _counted(client, count_queries, "POST", complete_url(u), {"csrf_token": token})
    # a lesson done again, warm: 14 (23 before the cache, which loaded the outline twice: to find the lesson, and again
    # for what it completes; 15 before the course and the enrolment came in one statement); after a content change
    # the outline (3) and the course's texts (1) are loaded once
    assert warm == 14, warm
    assert cold == warm + 4, (cold, warm)
    mine = the_enrollment(user, course)
    assert mine.status is EnrollmentStatus.ACTIVE
    client.get(lesson_url(u, lesson="l2"))
    response = client.post(complete_url(u, lesson="l2"), data={"csrf_token": token})
    assert response.headers["Location"] == u("lms.courses.course", course_slug="core")
    mine = the_enrollment(user, course)
    assert mine.status is EnrollmentStatus.COMPLETED
    completion = db.session.execute(select(ModuleCompletion).where(ModuleCompletion.enrollment_id == mine.id)).scalar_one()
    assert (completion.source, completion.credited_minutes) == ("self_paced", 60)
    entry = db.session.execute(select(HoursEntry).where(HoursEntry.user_id == user.id,
                                                        HoursEntry.source == EntrySource.SELF_PACED)).scalar_one()
    assert (entry.title, entry.minutes, entry.module_id) == ("Module 1", 60, completion.module_id)


def test_a_content_edit_shows_on_the_next_quiz_request_and_grading_follows_it(client, u, make_user, login):
    course = build_course(make_user(role=SiteRole.TRAINER), max_attempts=3)
    user = _reader(make_user, login, course)
    assert "Pick the right one" in client.get(quiz_url(u)).text
    assert "Pick the right one" in client.get(quiz_url(u)).text  # warm
    old_right = answers(course, "m1")
    with db.session.get_bind().begin() as conn:  # plain SQL, as a script or a database console would
        conn.execute(text("UPDATE lms_texts SET value = 'Pick the best one', html = NULL WHERE owner_type = 'question' "
                          "AND field = 'prompt' AND locale = 'en' AND value = 'Pick the right one'"))
        conn.execute(text("UPDATE lms_options SET is_correct = NOT is_correct WHERE slug IN ('a', 'b') AND question_id "
                          "IN (SELECT id FROM lms_questions WHERE slug = 'q1')"))
    page = client.get(quiz_url(u)).text
    assert "Pick the best one" in page and "Pick the right one" not in page
    assert client.submit(quiz_url(u), old_right).status_code == 302
    assert [(a.passed, a.score_percent) for a in attempts(user, course)] == [(False, 50)]
    with db.session.get_bind().begin() as conn:  # the quiz's questions all removed: the page says there is none
        conn.execute(text("UPDATE lms_questions SET is_archived = TRUE"))
    page = client.get(quiz_url(u))
    assert page.status_code == 200 and 'name="q' not in page.text and "Pick the best one" not in page.text
