"""A session's, module's or course's title shown in a language other than the page's is marked with its own
(``lang``, WCAG 3.1.2) on the pages that did not mark it yet: confirming a course's status change, leaving a course,
cancelling a session, registering staff, the sessions a trainer leads, giving up a place, the "you have already
completed this module" notice of "My registrations", and the modules (and title) of the trainee's course page. Each
runs both ways: a course titled in English only read in Spanish, and one titled in Spanish only read in English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from lms import db
from lms.catalog import course_authoring, module_authoring
from lms.catalog.models import Course, CourseStatus, Module, ModuleKind
from lms.enrollment import services as enrollment_services
from lms.live.models import LiveSession
from tests.live_support import live_course, schedule, seat, stayed
from tests.test_a11y_link_names import between
from tests.test_live_completed_module_notice import finalize, past


@dataclass
class Foreign:
    """A published course with one live module and an upcoming session, titled in ``lang`` only, and the language
    of the readers who see those titles as foreign (``reader``)."""

    course: Course
    module: Module
    session: LiveSession
    lang: str
    reader: str
    course_title: str
    module_title: str


def _course(trainer: Any, lang: str, course_title: str, module_title: str) -> tuple[Course, Module]:
    course = course_authoring.create_course(course_authoring.CourseData(
        slug=f"only-{lang}", title=course_title, source_locale=lang), trainer)
    module = module_authoring.add_module(course, module_authoring.ModuleData(
        slug="live", title=module_title, kind=ModuleKind.LIVE, credited_minutes=60), trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course, module


@pytest.fixture(params=["en", "es"])
def foreign(request, trainer) -> Foreign:
    lang = request.param
    titles = ("Course core", "Module a") if lang == "en" else ("Curso de salud", "Práctica en grupo")
    course, module = _course(trainer, lang, *titles)
    (session,) = schedule(module, trainer)
    return Foreign(course, module, session, lang, "es" if lang == "en" else "en", *titles)


@pytest.fixture
def reader(make_user, foreign):
    """Rosa, reading in the other language, enrolled in the course, with a seat in its session."""
    rosa = make_user("rosa@example.org", name="Rosa", locale=foreign.reader)
    enrollment_services.enroll(rosa, foreign.course)
    db.session.commit()
    seat(foreign.session, rosa)
    return rosa


def _main(page: str) -> str:
    return between(page, "<main", "</main>")


def assert_marked(part: str, title: str, lang: str) -> None:
    """``title`` is shown in ``part``, and every time as the whole text of an element carrying ``lang``."""
    shown = part.count(title)
    assert shown, f"{title!r} is not shown"
    marked = re.findall(rf'<\w+ lang="{lang}">{re.escape(title)}</\w+>', part)
    assert len(marked) == shown, f"{title!r}: {len(marked)} of {shown} marked lang={lang}"


def _as(login, user, locale: str):
    user.locale = locale
    db.session.commit()
    login(user)
    return user


def test_confirming_a_status_change_marks_the_course_and_session_titles(client, u, login, trainer, foreign):
    _as(login, trainer, foreign.reader)
    page = client.get(u("lms.authoring.set_status", course_slug=foreign.course.slug, status="archived"))
    assert page.status_code == 200
    h1 = between(page.text, "<h1", "</h1>")
    assert f'<span lang="{foreign.lang}">{foreign.course_title}</span>' in h1
    assert_marked(_main(page.text), foreign.module_title, foreign.lang)


def test_leaving_a_course_marks_its_title_and_the_sessions_held(client, u, login, reader, foreign):
    login(reader)
    page = client.get(u("lms.courses.withdraw", course_slug=foreign.course.slug))
    assert page.status_code == 200 and u("lms.sessions.detail", session_id=foreign.session.id) in page.text
    main = _main(page.text)
    assert_marked(main, foreign.course_title, foreign.lang)
    assert_marked(main, foreign.module_title, foreign.lang)


def test_cancelling_a_session_marks_its_title(client, u, login, trainer, foreign):
    _as(login, trainer, foreign.reader)
    page = client.get(u("lms.sessions.cancel", session_id=foreign.session.id))
    assert page.status_code == 200
    assert f'<span lang="{foreign.lang}">{foreign.module_title}</span>' in between(page.text, "<h1", "</h1>")
    assert_marked(_main(page.text), foreign.module_title, foreign.lang)


def test_registering_staff_marks_the_session_and_course_titles(client, u, login, make_user, make_org, add_member,
                                                               foreign):
    boss = make_user("boss@example.org", name="Bea Boss", locale=foreign.reader)
    add_member(make_org("clinic", manager=boss), make_user("worker@example.org", name="Walter Worker"))
    login(boss)
    page = client.get(u("lms.sessions.staff", session_id=foreign.session.id, org_slug="clinic"))
    assert page.status_code == 200 and "Walter Worker" in page.text
    main = _main(page.text)
    assert_marked(main, foreign.module_title, foreign.lang)
    assert_marked(main, foreign.course_title, foreign.lang)


def test_the_sessions_a_trainer_leads_mark_the_titles_also_in_the_links_names(client, u, login, trainer, foreign):
    _as(login, trainer, foreign.reader)
    page = client.get(u("lms.sessions.teach"))
    assert page.status_code == 200
    main = _main(page.text)
    assert_marked(main, foreign.module_title, foreign.lang)
    assert_marked(main, foreign.course_title, foreign.lang)
    assert main.count(foreign.module_title) == 3  # the title link, and the ends of the Edit and Roster links' names


def test_giving_up_a_place_marks_the_sessions_title(client, u, login, reader, foreign):
    login(reader)
    page = client.get(u("lms.sessions.unregister", session_id=foreign.session.id))
    assert page.status_code == 200
    main = _main(page.text)
    assert main.count(foreign.module_title) == 2  # the link back to the session, and the sentence
    assert_marked(main, foreign.module_title, foreign.lang)


def test_the_completed_module_notice_marks_the_sessions_title(client, u, login, trainer, reader, foreign):
    done = past(foreign.module, trainer, 2)
    seat(done, reader)
    stayed(done, reader, 120)
    finalize(done, trainer)
    login(reader)
    page = client.get(u("lms.sessions.mine")).text
    (notice,) = re.findall(r'<div class="notice live-completed-module">(.*?)</div>', page, re.S)
    assert notice.count(foreign.module_title) == 2  # the session's link, and the end of the button's name
    assert_marked(notice, foreign.module_title, foreign.lang)


def test_the_course_page_marks_its_title_and_module_headings(client, u, login, reader, foreign):
    login(reader)
    page = client.get(u("lms.courses.course", course_slug=foreign.course.slug)).text
    assert f'<h1 lang="{foreign.lang}">{foreign.course_title}</h1>' in page
    modules = between(page, '<ol class="learn-modules">', "</ol>")
    assert f'<h3 lang="{foreign.lang}">{foreign.module_title}</h3>' in modules
    assert_marked(modules, foreign.module_title, foreign.lang)


# ---------------------------------------------------------------- no lang where the title is in the page's language


def test_no_lang_for_titles_in_the_pages_language(client, u, login, trainer, make_user):
    course, module = live_course(trainer)  # English, translated into Spanish
    (session,) = schedule(module, trainer)
    for locale, title in (("en", "Role-play practice"), ("es", "Práctica de juegos de roles")):
        rosa = make_user(name=f"Rosa {locale}", locale=locale)
        enrollment_services.enroll(rosa, course)
        db.session.commit()
        seat(session, rosa)
        login(rosa)
        page = client.get(u("lms.courses.course", course_slug=course.slug)).text
        assert f"<h3>{title}</h3>" in page and " lang=" not in between(page, '<ol class="learn-modules">', "</ol>")
        assert "<h1 lang=" not in page
        page = client.get(u("lms.sessions.unregister", session_id=session.id)).text
        assert title in page and f'lang="es">{title}' not in page and f'lang="en">{title}' not in page
    _as(login, trainer, "en")  # the page gives the titles in the course's own language, English
    page = client.get(u("lms.authoring.set_status", course_slug=course.slug, status="archived")).text
    assert "Role-play practice" in page and " lang=" not in between(page, "<main", "</main>")
