"""Publishing, archiving and moving a course back to draft go through a confirmation page that counts what the
change touches; previews speak the preview language inside the preview and the trainer's language around it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms import db
from lms.accounts.models import SiteRole
from lms.audit import AuditEvent
from lms.catalog import course_authoring, lesson_authoring, module_authoring, quiz_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, QuestionKind
from lms.catalog.texts import set_text
from lms.db import utcnow
from lms.enrollment import services as enrollment_services
from lms.enrollment.models import EnrollmentStatus
from lms.live import registration
from tests.live_support import live_course, schedule


@pytest.fixture
def trainer(make_user, login):
    user = make_user("trainer@example.org", name="Tina Trainer", role=SiteRole.TRAINER, locale="en")
    login(user)
    return user


def _status_changes() -> int:
    return db.session.execute(select(func.count(AuditEvent.id)).where(AuditEvent.action == "course.status_changed")).scalar_one()


# ---------------------------------------------------------------- confirming a status change


def test_archive_asks_first_and_counts_the_trainees_and_live_sessions_it_touches(client, u, trainer, make_user, login):
    course, module = live_course(trainer)
    [session] = schedule(module, trainer, capacity=1)
    ana, ben, cy, dee = (make_user(f"{name}@example.org") for name in ("ana", "ben", "cy", "dee"))
    registration.register(session, ana, ana, utcnow())  # the one seat
    registration.register(session, ben, ben, utcnow())  # the waitlist
    enrollment_services.enroll(cy, course)
    enrollment_services.transition(enrollment_services.enroll(dee, course), EnrollmentStatus.COMPLETED)
    db.session.commit()
    before = _status_changes()
    url = u("lms.authoring.set_status", course_slug=course.slug)

    response = client.submit(url, {"status": "archived"})  # the course page's button, no confirmation
    assert response.status_code == 303 and response.headers["Location"].endswith("/status?status=archived")
    assert catalog.get_course(course.slug).status is CourseStatus.PUBLISHED and _status_changes() == before

    page = client.get(response.headers["Location"]).text
    assert "Archive “Practice course”?" in page
    assert "3 trainees are enrolled and have not finished. They keep access to the course" in page
    assert "1 trainee has completed it. Their records and certificates stay as they are." in page
    assert "1 upcoming session will leave the list of sessions" in page and "It is not cancelled" in page
    assert "Trainers can no longer schedule new live sessions for it." in page
    row = page.split(u("lms.sessions.detail", session_id=session.id))[1].split("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "1"]  # one seat taken, one person waiting
    assert re.search(r'<button type="submit" name="confirm" value="yes">Yes, archive it</button>', page)
    assert catalog.get_course(course.slug).status is CourseStatus.PUBLISHED  # showing the page changes nothing

    assert client.submit(url, {"status": "archived", "confirm": "no"}).status_code == 303
    assert catalog.get_course(course.slug).status is CourseStatus.PUBLISHED
    response = client.submit(url, {"status": "archived", "confirm": "yes"}, follow_redirects=True)
    assert "The course is now: Archived." in response.text
    assert catalog.get_course(course.slug).status is CourseStatus.ARCHIVED and _status_changes() == before + 1
    assert "Practice course" not in client.get(u("lms.courses.catalog")).text  # what the page said

    page = client.get(url, query_string={"status": "draft"}).text
    assert "Move “Practice course” back to draft?" in page and "The course stays out of the catalog" in page
    assert "Trainers can schedule live sessions for it again." in page
    assert "1 upcoming session stays out of the list of sessions and closed for registration." in page

    login(cy)  # enrolled: keeps access, as the page said; someone else no longer finds the course
    assert client.get(u("lms.courses.course", course_slug=course.slug)).status_code == 200
    login(make_user("eve@example.org"))
    assert client.get(u("lms.courses.course", course_slug=course.slug)).status_code == 404


def test_publish_confirmation_says_what_becomes_visible_or_what_is_missing(client, u, trainer):
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), trainer)
    db.session.commit()
    url = u("lms.authoring.set_status", course_slug="heat")
    page = client.get(url, query_string={"status": "published"}).text
    assert "Publish “Heat safety”?" in page and "Add at least one module before publishing." in page
    assert 'name="confirm"' not in page  # nothing to confirm while something is missing
    response = client.submit(url, {"status": "published", "confirm": "yes"}, follow_redirects=True)
    assert "Add at least one module before publishing." in response.text
    assert catalog.get_course("heat").status is CourseStatus.DRAFT

    signs = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs"), trainer)
    lesson_authoring.add_lesson(course, signs, "stroke", "Heat stroke", "Hot, dry skin.", 5, trainer)  # something to complete
    set_text(course, course, "title", "es", "Seguridad ante el calor", trainer)
    db.session.commit()
    page = client.get(url, query_string={"status": "published"}).text
    assert "Everyone will see the course in the catalog" in page
    assert "It can be read in English, Spanish." in page
    assert "0 trainees are enrolled and have not finished." in page and "keep access" not in page
    assert "This course has no upcoming live sessions." in page
    assert "Yes, publish it</button>" in page
    response = client.submit(url, {"status": "published", "confirm": "yes"})
    assert response.status_code == 302 and catalog.get_course("heat").status is CourseStatus.PUBLISHED
    assert "Heat safety" in client.get(u("lms.courses.catalog")).text


def test_the_course_pages_buttons_lead_to_the_confirmation_and_odd_requests_change_nothing(client, u, trainer):
    course, _module = live_course(trainer)
    course_page = client.get(u("lms.authoring.course", course_slug=course.slug)).text
    assert 'name="status" value="draft"' in course_page and 'name="confirm"' not in course_page
    url = u("lms.authoring.set_status", course_slug=course.slug)
    response = client.submit(url, {"status": "draft"}, follow_redirects=True)
    assert response.status_code == 200 and "Move “Practice course” back to draft?" in response.text
    assert "The course leaves the catalog and the API's course list." in response.text

    response = client.get(url, query_string={"status": "bogus"}, follow_redirects=True)
    assert "Choose a status." in response.text
    response = client.get(url, follow_redirects=True)
    assert "Choose a status." in response.text
    response = client.get(url, query_string={"status": "published"}, follow_redirects=True)
    assert "The course is now: Published." in response.text and 'name="confirm"' not in response.text
    assert catalog.get_course(course.slug).status is CourseStatus.PUBLISHED and _status_changes() == 1


# ---------------------------------------------------------------- preview in another language


def _two_lessons_and_a_quiz(author):
    course = course_authoring.create_course(course_authoring.CourseData(slug="heat", title="Heat safety"), author)
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="signs", title="Warning signs"), author)
    first = lesson_authoring.add_lesson(course, module, "stroke", "Heat stroke", "## Signs\n\nHot, dry skin.", 12, author)
    lesson_authoring.add_lesson(course, module, "cooling", "Cooling down", "Shade and water.", 5, author)
    quiz = quiz_authoring.ensure_quiz(course, module, title="Check", pass_mark=70, max_attempts=None, actor=author)
    quiz_authoring.save_question(
        course,
        quiz,
        None,
        slug="q1",
        kind=QuestionKind.SINGLE,
        prompt="Which is a sign?",
        options=[quiz_authoring.OptionData("a", "Hot, dry skin", True), quiz_authoring.OptionData("b", "Cold", False)],
        actor=author,
    )
    set_text(course, first, "title", "es", "Golpe de calor", author)
    set_text(course, first, "body", "es", "## Señales\n\nPiel caliente y seca.", author)
    db.session.commit()
    return course


def _preview_pages(client, u, locale: str) -> list[str]:
    return [
        client.get(u(endpoint, course_slug="heat", preview_locale=locale, **args)).text
        for endpoint, args in (
            ("lms.authoring.preview", {}),
            ("lms.authoring.preview_lesson", {"module_slug": "signs", "lesson_slug": "stroke"}),
            ("lms.authoring.preview_quiz", {"module_slug": "signs"}),
        )
    ]


def test_preview_in_spanish_shows_the_trainees_labels_in_spanish_and_the_banner_in_english(client, u, trainer):
    _two_lessons_and_a_quiz(trainer)
    course_page, lesson_page, quiz_page = _preview_pages(client, u, "es")
    for page in (course_page, lesson_page, quiz_page):
        banner, area = page.split('<div class="preview" lang="es">')
        assert '<html lang="en' in banner and "Preview as a trainee. Nothing here is saved or counted." in banner
        assert "Back to authoring" in banner and "Preview in" in banner
        assert "Golpe de calor" in area or "Cuestionario" in area or "Calificación" in area
    # the course page's own module list: the quiz by its title, with the pass mark in Spanish
    assert '<span lang="en">Check</span></a>' in course_page.split('class="preview"')[1]  # an English title
    assert "cuestionario, se aprueba con 70%" in course_page.split('class="preview"')[1]
    lesson = lesson_page.split('class="preview"')[1]
    assert "Golpe de calor" in lesson and "<h2>Señales</h2>" in lesson
    assert "Lección 1 de 2 · aproximadamente 12 minutos" in lesson
    assert "Marcar como completada y continuar" in lesson and "Lección siguiente" in lesson
    assert "Next lesson" not in lesson_page and "Mark as complete" not in lesson_page and "Lesson 1 of 2" not in lesson_page
    quiz = quiz_page.split('class="preview"')[1]
    assert "Calificación para aprobar: 70%" in quiz and "Pass mark" not in quiz_page
    assert "Algunas partes todavía no están traducidas" in quiz  # the trainee's own note about untranslated parts


def test_a_spanish_speaking_trainer_previews_in_english_with_a_spanish_banner(client, u, make_user, login):
    author = make_user("entrenadora@example.org", role=SiteRole.TRAINER, locale="es")
    login(author)
    _two_lessons_and_a_quiz(author)
    _course_page, lesson_page, _quiz_page = _preview_pages(client, u, "en")
    banner, area = lesson_page.split('<div class="preview" lang="en">')
    assert '<html lang="es' in banner and "Vista previa como participante." in banner and "Preview as" not in banner
    assert "Lesson 1 of 2 · about 12 minutes" in area and "Next lesson" in area
    assert "Mark as complete and continue" in area and "Lección" not in area
