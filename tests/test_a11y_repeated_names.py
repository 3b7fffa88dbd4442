"""Links and buttons whose visible words repeat on a page are told apart by their names (WCAG 2.4.4, 2.4.6): the
trainee's "What is left" ("Find a live session", "See your session" per live module) and the course's modules, the
trainer's "Allow one more attempt" per trainee, "Check in" / "Check out" per session under way on "My registrations",
the outline's lesson buttons when two modules have lessons of the same title; and a session's title shown in the
course's language to a reader of another is marked with it (3.1.2), on the session list and the session's page."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from lms import db
from lms.catalog import lesson_authoring, removal
from lms.catalog import services as catalog
from lms.catalog.models import ModuleKind
from lms.db import utcnow
from lms.enrollment import services as enrollment_services
from lms.live import checkin
from lms.live.models import RegistrationStatus
from tests.live_support import live_course, schedule, seat, soon
from tests.test_a11y_link_names import assert_unique, between, controls, names, outline_course  # noqa: F401
from tests.test_hours_ledger import make_course
from tests.test_learning import build_course

# ---------------------------------------------------------------- the trainee's course page: one link per live module


@pytest.fixture
def two_live(trainer, make_user):
    """Course core with the live modules “Module a” and “Module b” (English titles only); Lia enrolled, English."""
    course, modules = make_course(trainer, a=(ModuleKind.LIVE, 60), b=(ModuleKind.LIVE, 60))
    lia = make_user("lia@example.org", name="Lia", locale="en")
    enrollment_services.enroll(lia, course)
    db.session.commit()
    return course, modules, lia


def _left(client, u, course) -> str:
    page = client.get(u("lms.courses.course", course_slug=course.slug)).text
    return between(page, 'id="still-to-do"', '<ol class="learn-modules">')


def test_each_live_modules_find_a_live_session_names_the_module(client, u, login, two_live):
    course, _modules, lia = two_live
    login(lia)
    found = [name for name in names(_left(client, u, course)) if name.startswith("Find a live session")]
    assert found == ["Find a live session Module a", "Find a live session Module b"]
    page = client.get(u("lms.courses.course", course_slug=course.slug)).text
    in_modules = [c.name for c in controls(page.split('<ol class="learn-modules">', 1)[1])
                  if c.name.startswith("Find a live session")]
    assert in_modules == ["Find a live session Module a", "Find a live session Module b"]
    assert '>Find a live session<span class="visually-hidden"> Module a</span></a>' in page  # seen: the same words


def test_see_your_session_and_see_the_session_name_their_module(client, u, login, trainer, make_user, two_live):
    course, modules, lia = two_live
    (taken,) = schedule(modules["a"], trainer)
    (full,) = schedule(modules["b"], trainer, capacity=1, at=time(9, 0))
    seat(taken, lia)
    seat(full, make_user(name="Other"))
    seat(full, lia, status=RegistrationStatus.WAITLISTED)
    login(lia)
    found = names(_left(client, u, course))
    assert_unique(found)
    assert "See your session Module a" in found
    assert "See the session Module b" in found and "Find a live session Module b" in found
    assert not {"See your session", "See the session", "Find a live session"} & set(found)


def test_a_spanish_reader_hears_the_english_module_title_marked_english(client, u, login, two_live):
    course, _modules, lia = two_live
    lia.locale = "es"
    db.session.commit()
    login(lia)
    found = [c for c in controls(_left(client, u, course)) if c.attrs.get("href", "").startswith(
        u("lms.sessions.index"))]
    assert len(found) == 2
    assert [c.langs for c in found] == [[("en", "Module a")], [("en", "Module b")]]
    assert_unique([c.name for c in found])


# ---------------------------------------------------------------- the quiz page: one "Allow one more attempt" per trainee


@pytest.fixture
def course(trainer):
    return build_course(trainer, max_attempts=2)


def _grant_buttons(client, u) -> list[str]:
    page = client.get(u("lms.authoring.quiz", course_slug="core", module_slug="m1")).text
    return [c.name for c in controls(between(page, 'id="locked-out"', "</section>")) if c.tag == "button"]


def test_each_allow_one_more_attempt_names_the_trainee(client, u, login, trainer, locked_out):
    locked_out("Ana Alvarez")
    locked_out("Berta Bravo")
    db.session.commit()
    login(trainer)
    assert sorted(_grant_buttons(client, u)) == ["Allow one more attempt for Ana Alvarez",
                                                 "Allow one more attempt for Berta Bravo"]


def test_two_trainees_of_the_same_name_are_told_apart_by_email(client, u, login, trainer, locked_out):
    locked_out("Maria Lopez", "maria.l@example.org")
    locked_out("Maria Lopez", "mlopez@example.org")
    locked_out("Ana Alvarez")
    db.session.commit()
    login(trainer)
    found = _grant_buttons(client, u)
    assert sorted(found) == ["Allow one more attempt for Ana Alvarez",
                             "Allow one more attempt for Maria Lopez (maria.l@example.org)",
                             "Allow one more attempt for Maria Lopez (mlopez@example.org)"]


# ---------------------------------------------------------------- "My registrations": Check in / Check out per session


def _happening(client, u) -> str:
    page = client.get(u("lms.sessions.mine")).text
    return between(page, 'id="now-heading"', 'id="upcoming-heading"')


def test_each_check_in_names_its_session(client, u, login, module, trainer, make_user):
    first, second = soon(module, trainer, -10), soon(module, trainer, -40)
    ana = make_user("ana@example.org", name="Ana", locale="en")
    for session in (first, second):
        checkin.new_code(session, trainer)
        seat(session, ana)
    db.session.commit()
    login(ana)
    found = [c for c in controls(_happening(client, u)) if c.name.startswith("Check in")]
    assert {c.attrs["href"] for c in found} == {u("lms.sessions.checkin", session=s.id) for s in (first, second)}
    assert_unique([c.name for c in found])
    assert all(c.name.startswith("Check in Role-play practice, ") for c in found), found


def test_check_out_names_its_session_and_a_spanish_title_has_no_lang(client, u, login, module, trainer, make_user):
    session = soon(module, trainer, -10)
    checkin.new_code(session, trainer)
    ana = make_user("ana@example.org", name="Ana", locale="es")
    seat(session, ana)
    checkin.check_in(session, ana, utcnow(), timedelta(minutes=15))
    db.session.commit()
    login(ana)
    (out,) = [c for c in controls(_happening(client, u))
              if c.attrs.get("href") == u("lms.sessions.checked_in", session_id=session.id)]
    assert " Práctica de juegos de roles, " in out.name, out.name
    assert out.langs == []  # translated: in the page's language


# ---------------------------------------------------------------- the outline: lessons of the same title in two modules


def test_lessons_of_the_same_title_in_two_modules_have_distinct_names(client, u, login, outline_course):  # noqa: F811
    course, author = outline_course
    cooling = catalog.get_module(course, "cooling")
    lesson_authoring.add_lesson(course, cooling, "stroke", "Heat stroke", "Again.", 5, author)
    db.session.commit()
    login(author)
    page = client.get(u("lms.authoring.course", course_slug=course.slug)).text
    found = names(between(page, '<ol class="outline">', "</main>"))
    assert_unique(found)
    for expected in ("Remove Heat stroke (in Warning signs)", "Remove Heat stroke (in Cooling down)",
                     "Preview Heat stroke (in Warning signs)", "Preview Heat stroke (in Cooling down)",
                     "Up Move Heat stroke (in Cooling down) up", "Heat stroke (in Warning signs)",
                     "Heat stroke (in Cooling down)"):
        assert expected in found, (expected, found)
    assert '>Remove<span class="visually-hidden"> Heat stroke (in Cooling down)</span></a>' in page


def test_restore_names_the_removed_lessons_module(client, u, login, outline_course):  # noqa: F811
    course, author = outline_course
    cooling = catalog.get_module(course, "cooling")
    again = lesson_authoring.add_lesson(course, cooling, "stroke", "Heat stroke", "Again.", 5, author)
    first = catalog.get_lesson(catalog.get_module(course, "signs"), "stroke")
    for lesson in (first, again):
        removal.remove(course, lesson, author)
    db.session.commit()
    login(author)
    page = client.get(u("lms.authoring.course", course_slug=course.slug)).text
    found = [n for n in names(between(page, 'id="removed"', "</section>")) if n.startswith("Restore Heat stroke")]
    assert sorted(found) == ["Restore Heat stroke (in Cooling down)", "Restore Heat stroke (in Warning signs)"]


# ---------------------------------------------------------------- session titles in the course's language


@pytest.fixture
def english_only(trainer):
    """A session of “Module a” of course core, titled in English only."""
    _course, modules = make_course(trainer, a=(ModuleKind.LIVE, 60))
    (session,) = schedule(modules["a"], trainer)
    return session


def test_a_fallback_title_on_the_session_list_is_marked_with_its_language(client, u, login, trainer, make_user,
                                                                          english_only):
    (translated,) = schedule(live_course(trainer, slug="practice")[1], trainer, at=time(9, 0))
    rosa = make_user("rosa@example.org", name="Rosa", locale="es")
    login(rosa)
    found = controls(between(client.get(u("lms.sessions.index")).text, "<main", "</main>"))
    (fallback,) = [c for c in found if c.attrs.get("href") == u("lms.sessions.detail", session_id=english_only.id)]
    assert fallback.langs == [("en", "Module a")]
    (spanish,) = [c for c in found if c.attrs.get("href") == u("lms.sessions.detail", session_id=translated.id)]
    assert spanish.name.startswith("Práctica de juegos de roles, ") and spanish.langs == []
    assert '<p class="learn-meta"><span lang="en">Course core</span></p>' in client.get(u("lms.sessions.index")).text


def test_a_fallback_title_on_the_sessions_page_and_none_for_a_reader_of_its_language(client, u, login, make_user,
                                                                                    english_only):
    rosa = make_user("rosa@example.org", name="Rosa", locale="es")
    login(rosa)
    page = client.get(u("lms.sessions.detail", session_id=english_only.id)).text
    assert '<h1 lang="en">Module a</h1>' in page
    rosa.locale = "en"
    db.session.commit()
    page = client.get(u("lms.sessions.detail", session_id=english_only.id)).text
    assert "<h1>Module a</h1>" in page and 'lang="en">Module a' not in page
    found = controls(between(client.get(u("lms.sessions.index")).text, "<main", "</main>"))
    (link,) = [c for c in found if c.attrs.get("href") == u("lms.sessions.detail", session_id=english_only.id)]
    assert link.langs == []


def test_the_card_carries_the_language_of_each_title(app, trainer, make_user):
    from lms.live.session_cards import describe

    (translated,) = schedule(live_course(trainer)[1], trainer, at=time(9, 0))
    (english,) = schedule(make_course(trainer, a=(ModuleKind.LIVE, 60))[1]["a"], trainer)
    spanish, other = describe([translated, english], "es", make_user(locale="es"), utcnow())
    assert (spanish.title, spanish.title_lang, spanish.course_title_lang) == ("Práctica de juegos de roles", "es", "es")
    assert (other.title, other.title_lang, other.course_title_lang) == ("Module a", "en", "en")
