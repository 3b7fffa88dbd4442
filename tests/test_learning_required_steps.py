"""Where a trainee is sent next (lms.enrollment.next_steps): only to required steps, the lessons and quizzes of
required self-paced modules. Optional reading (in a live or field module, or an optional module) stays reachable and
is labelled optional, but once the required steps are done the pages say what is left (a live session to register
for, field experience to log) instead of leading into it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from markupsafe import escape

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus, ModuleKind
from lms.db import utcnow
from lms.enrollment import completion, next_steps
from lms.enrollment import services as enrollment
from lms.i18n import _
from lms.live import registration
from lms.live.times import when_text
from tests.live_support import schedule
from tests.test_learning import answers, build_course, complete_url, lesson_url, quiz_url

MODULES = ["m1", "m2", "extra", "live", "field"]


@pytest.fixture
def trainer(make_user):
    return make_user("trainer@example.org", role=SiteRole.TRAINER)


@pytest.fixture
def course(trainer):
    """Two required self-paced modules with quizzes, an optional self-paced one, then a live and a field module,
    each with reading (optional: neither is completed by reading)."""
    course = build_course(trainer, modules=2, live=True, optional_extra=True, publish=False)
    live = catalog.get_module(course, "live")
    lesson_authoring.add_lesson(course, live, "prepare", "Prepare for practice", "Read this first.", 5, trainer)
    lesson_authoring.add_lesson(course, live, "role-plays", "About role plays", "And this.", 5, trainer)
    field = module_authoring.add_module(course, module_authoring.ModuleData(slug="field", title="Field work", kind=ModuleKind.FIELD,
                                                          credited_minutes=60), trainer)
    lesson_authoring.add_lesson(course, field, "visits", "Home visits", "Text.", 5, trainer)
    course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
    db.session.commit()
    return course


@pytest.fixture
def trainee(make_user, login, client, u, course, make_org, add_member):
    """Kai, on the staff of Acme (field experience is offered only to someone with an employer today), enrolled."""
    user = make_user("kai@example.org", name="Kai")
    add_member(make_org("acme"), user)
    login(user)
    assert client.submit(u("lms.courses.enroll", course_slug="core")).status_code == 302
    return user


def read(client, u, module: str, lesson: str) -> str:
    """Open a lesson and mark it complete; where that leads."""
    assert client.get(lesson_url(u, module=module, lesson=lesson)).status_code == 200
    return client.submit(complete_url(u, module=module, lesson=lesson)).headers["Location"]


def finish_required(client, u, course) -> None:
    for module in ("m1", "m2"):
        read(client, u, module, "l1")
        read(client, u, module, "l2")
        client.submit(quiz_url(u, module=module), answers(course, module))


def the_progress(user, course):
    db.session.expire_all()
    mine = enrollment.get_enrollment(user, course)
    return mine, completion.load_progress(mine)


def box(page: str) -> str:
    return page.split('id="you-heading"', 1)[1].split("</section>", 1)[0]


def actions(page: str) -> str:
    return " ".join(page.split('<p class="actions">', 1)[1].split("</p>", 1)[0].split())


# ---------------------------------------------------------------- the rule


def test_required_steps_are_those_of_required_self_paced_modules(course):
    outline = catalog.load_outline(course)
    assert [m.slug for m in outline.modules] == MODULES
    assert [m.slug for m in outline.modules if next_steps.has_required_steps(m)] == ["m1", "m2"]
    required = next_steps.required_steps(outline)
    assert [(s.module.slug, s.lesson.slug if s.lesson else "quiz") for s in required] == [
        ("m1", "l1"), ("m1", "l2"), ("m1", "quiz"), ("m2", "l1"), ("m2", "l2"), ("m2", "quiz")]


def test_once_the_required_steps_are_done_nothing_optional_is_next(client, u, course, trainee):
    finish_required(client, u, course)
    mine, progress = the_progress(trainee, course)
    assert next_steps.next_step(mine, progress) is None
    assert next_steps.resume_step(mine, progress) is None
    assert [m.slug for m in next_steps.still_to_do(progress)] == ["live", "field"]


def test_an_optional_lesson_left_open_is_not_where_continue_leads(client, u, course, trainee):
    read(client, u, "m1", "l1")
    assert client.get(lesson_url(u, module="live", lesson="prepare")).status_code == 200  # left open, unfinished
    mine, progress = the_progress(trainee, course)
    step = next_steps.next_step(mine, progress)
    assert (step.module.slug, step.lesson.slug) == ("m1", "l2")


# ---------------------------------------------------------------- the quiz result (the QA finding)


def test_passing_the_last_required_quiz_says_what_is_left_and_leads_to_the_sessions(client, u, course, trainee):
    finish_required(client, u, course)
    page = client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m2")).text
    assert "Next lesson" not in page and "Next quiz" not in page
    assert "You have finished every required lesson and quiz of this course." in page
    assert '<h2 id="still-to-do-heading">What is left</h2>' in page
    assert "Still to do: Live practice, Field work." in page
    left = page.split('id="still-to-do"', 1)[1].split("</section>", 1)[0]
    sessions = u("lms.sessions.index", course="core")
    assert "Register for a live session and attend it to complete this module." in left
    assert f'href="{sessions}">Find a live session<span class="visually-hidden"> Live practice</span></a>' in left
    # the link names the module, so the form has it chosen (tests/test_field_form_preselect.py)
    assert "Log your supervised field experience" in left and f'href="{u("lms.hours.log_field")}?module=' in left
    # the reading stays reachable, labelled optional, never as the next step
    assert "Optional reading (it does not count toward completing the module):" in left
    assert f'href="{lesson_url(u, module="live", lesson="prepare")}">Prepare for practice</a>' in left
    assert actions(page) == (f'<a class="button" href="{sessions}">Find a live session</a> '
                             f'<a class="button secondary" href="{u("lms.courses.course", course_slug="core")}">'
                             "Back to the course</a>")


def test_the_last_required_lesson_leads_to_the_course_page_not_into_optional_reading(client, u, course, trainee):
    for module in ("m1", "m2"):
        client.submit(quiz_url(u, module=module), answers(course, module))  # the quizzes first
    read(client, u, "m1", "l1")
    read(client, u, "m1", "l2")
    read(client, u, "m2", "l1")
    assert read(client, u, "m2", "l2") == u("lms.courses.course", course_slug="core")
    page = client.get(u("lms.courses.course", course_slug="core")).text
    assert "Still to do: Live practice, Field work." in box(page)
    assert "Continue where you left off" not in page


def test_the_course_page_says_what_is_left_with_a_button_to_the_sessions(client, u, course, trainee):
    finish_required(client, u, course)
    mine = box(client.get(u("lms.courses.course", course_slug="core")).text)
    assert "Still to do: Live practice, Field work." in mine
    assert "Register for a live session and attend it to complete this module." in mine
    assert lesson_url(u, module="live", lesson="prepare") in mine  # listed as optional reading
    assert f'<a class="button" href="{u("lms.sessions.index", course="core")}">Find a live session</a>' in mine
    assert "Continue where you left off" not in mine and "Start the course" not in mine


def test_with_a_seat_booked_the_page_names_the_session_and_offers_field_work_next(client, u, course, trainee,
                                                                                    trainer, app):
    finish_required(client, u, course)
    session, = schedule(catalog.get_module(course, "live"), trainer)
    registration.register(session, trainee, trainee, utcnow())
    db.session.commit()
    mine = box(client.get(u("lms.courses.course", course_slug="core")).text)
    when = when_text(session.starts_at, session.ends_at, "America/Los_Angeles", "en")
    assert str(escape(f"You have a seat in the session on {when}. Attend it to complete this module.")) in mine
    assert (f'href="{u("lms.sessions.detail", session_id=session.id)}">See your session'
            '<span class="visually-hidden"> Live practice</span></a>') in mine
    assert "Find a live session</a>" not in mine.split('<p class="actions">', 1)[1]
    assert f'<a class="button" href="{u("lms.hours.log_field")}">Log field experience</a>' in mine


# ---------------------------------------------------------------- optional reading is labelled, and reads on


def test_the_pager_labels_the_way_into_optional_reading(client, u, course, trainee):
    finish_required(client, u, course)
    last = client.get(lesson_url(u, module="m2", lesson="l2")).text
    assert f'rel="next" class="next" href="{lesson_url(u, module="extra", lesson="more")}">' in last
    assert "<small>Next (optional reading)</small>" in last and 'id="optional-reading"' not in last
    extra = client.get(lesson_url(u, module="extra", lesson="more")).text
    assert "This module is optional: it does not count toward completing the course." in extra
    reading = client.get(lesson_url(u, module="live", lesson="prepare")).text
    assert "Read before the session. This reading is optional: it does not count toward completing the module." in reading
    assert "<small>Next</small>" in reading  # within optional reading, no need to say it again
    visits = client.get(lesson_url(u, module="field", lesson="visits")).text
    assert "Read before your field work. This reading is optional" in visits


def test_optional_reading_reads_on_through_its_module_then_back_to_the_course(client, u, course, trainee):
    finish_required(client, u, course)
    assert read(client, u, "live", "prepare") == lesson_url(u, module="live", lesson="role-plays")
    assert read(client, u, "live", "role-plays") == u("lms.courses.course", course_slug="core")  # not into "field"
    mine, progress = the_progress(trainee, course)
    assert not progress.module_done(catalog.get_module(course, "live"))  # reading completes nothing


def test_halfway_reading_optional_material_leads_back_to_the_required_steps(client, u, course, trainee):
    read(client, u, "m1", "l1")
    # from optional reading the way on is its own module, never another module's optional reading
    assert read(client, u, "extra", "more") == u("lms.courses.course", course_slug="core")
    assert read(client, u, "live", "prepare") == lesson_url(u, module="live", lesson="role-plays")
    assert read(client, u, "live", "role-plays") == u("lms.courses.course", course_slug="core")
    page = box(client.get(u("lms.courses.course", course_slug="core")).text)
    assert "Continue where you left off" in page and lesson_url(u, module="m1", lesson="l2") in page
    assert "Still to do" not in page


def test_the_required_m1_lessons_still_lead_through_the_course(client, u, course, trainee):
    assert read(client, u, "m1", "l1") == lesson_url(u, module="m1", lesson="l2")
    assert read(client, u, "m1", "l2") == quiz_url(u, module="m1")
    client.submit(quiz_url(u, module="m1"), answers(course, "m1"))
    page = client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m1")).text
    assert f'rel="next" href="{lesson_url(u, module="m2")}">Next lesson: Lesson 2.1</a>' in page
    assert 'id="still-to-do"' not in page


# ---------------------------------------------------------------- in Spanish, on both databases


def test_what_is_left_in_spanish(app, client, u, course, trainer, make_user, login):
    promotora = make_user("promotora@example.org", name="María", locale="es", timezone="America/New_York")
    login(promotora)
    assert client.submit(u("lms.courses.enroll", course_slug="core")).status_code == 302
    finish_required(client, u, course)
    start = utcnow() + timedelta(days=6)
    session, = schedule(catalog.get_module(course, "live"), trainer, day=start.date())
    registration.register(session, promotora, promotora, utcnow())
    db.session.commit()
    page = client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="m2")).text
    when = when_text(session.starts_at, session.ends_at, "America/New_York", "es_US")  # as Spanish pages write it
    assert when != when_text(session.starts_at, session.ends_at, session.timezone, "es_US")  # the trainee's own zone
    with app.test_request_context(), force_locale("es"):
        seat = _("You have a seat in the session on %(when)s. Attend it to complete this module.", when=when)
        left = _("Still to do: %(modules)s.", modules="Live practice, Field work")
    assert '<html lang="es"' in page and str(escape(seat)) in page and str(escape(left)) in page


@pytest.mark.parametrize("capacity", [1, 0], ids=["seat", "waitlist"])
def test_the_result_page_main_button_follows_the_seat(client, u, trainer, make_user, login, capacity):
    """Only a live module left: with a seat the list names the session and "Back to the course" stays the main button;
    on the waitlist "Find a live session" still is."""
    course = build_course(trainer, slug="short", live=True)
    session, = schedule(catalog.get_module(course, "live"), trainer, capacity=max(capacity, 1))
    if not capacity:
        someone = make_user("first@example.org")
        registration.register(session, someone, someone, utcnow())
    user = make_user("kai@example.org")
    registration.register(session, user, user, utcnow())  # registering enrols
    db.session.commit()
    login(user)
    for n in ("l1", "l2"):
        client.get(lesson_url(u, course="short", lesson=n))
        client.submit(complete_url(u, course="short", lesson=n))
    client.submit(quiz_url(u, course="short"), answers(course, "m1"))
    page = client.get(u("lms.courses.quiz_result", course_slug="short", module_slug="m1")).text
    detail = u("lms.sessions.detail", session_id=session.id)
    back = f'href="{u("lms.courses.course", course_slug="short")}">Back to the course</a>'
    if capacity:
        assert f'href="{detail}">See your session<span class="visually-hidden"> ' in page
        assert actions(page) == f'<a class="button" {back}'
    else:
        assert "You are on the waitlist for the session on" in page
        assert f'href="{detail}">See the session<span class="visually-hidden"> ' in page
        assert actions(page) == (f'<a class="button" href="{u("lms.sessions.index", course="short")}">Find a live '
                                 f'session</a> <a class="button secondary" {back}')
