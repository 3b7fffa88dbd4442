"""María, a Spanish-speaking promotora, on her phone: from signing in to her certificate, in Spanish throughout."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import delete

from lms import db
from lms.catalog import services as catalog
from lms.catalog.models import ModuleKind
from lms.certificates.issuance import get_certificate
from lms.db import utcnow
from lms.enrollment import completion, quiz_attempts, visits
from lms.enrollment import services as enrollment
from lms.enrollment.models import Enrollment
from lms.live import checkin
from lms.live.models import SessionMode
from tests.browser.conftest import check_accessibility, follow, menu, sign_in
from tests.browser.helpers import core_course, es, minutes_ago, schedule, seat, user

pytestmark = pytest.mark.browser

MARIA = "promotora@example.org"
JOIN_URL = "https://meet.example.org/practica-navegador"


@pytest.fixture
def maria_setup(live_server):
    """A Spanish online session next week with seats, and one in the room now whose check-in code the trainer shows.

    The demo registered María for its Spanish session, which enrolled her in the core course; this journey starts
    before that, so that enrolment is taken back."""
    with live_server.data():
        maria, trainer = user(MARIA), user("trainer@example.org")
        course, _live = core_course()
        db.session.execute(delete(Enrollment).where(Enrollment.user_id == maria.id, Enrollment.course_id == course.id))
        later = schedule(utcnow() + timedelta(days=6), 180, locale="es", mode=SessionMode.ONLINE, join_url=JOIN_URL)
        now = schedule(minutes_ago(10), 180, locale="es")
        seat(now, maria)
        code = checkin.new_code(now, trainer)
        ids = {"later": later.id, "later_starts": later.starts_at, "now": now.id, "code": code}
    return ids


def _answers(live_server, module_slug: str) -> dict[int, set[int]]:
    with live_server.data():
        module = catalog.get_module(catalog.get_course("chw-core"), module_slug)
        return {q.id: {o.id for o in options if o.is_correct}
                for q, options in catalog.load_questions(catalog.get_quiz(module))}


def _finish_course(live_server) -> str:
    """The rest of the core course, as if done over the following weeks: every lesson and quiz, the live session and
    the supervised field hours. Completing it issues the certificate; returns its code."""
    with live_server.data():
        maria = user(MARIA)
        course = catalog.get_course("chw-core")
        mine = enrollment.require_enrollment(maria, course)
        outline = catalog.load_outline(course)
        for module in outline.modules:
            if module.kind is not ModuleKind.SELF_PACED:
                completion.complete_module(mine, module, module.kind.value)
                continue
            for lesson in outline.lessons[module.id]:
                visits.complete_lesson(mine, lesson, utcnow(), timedelta(minutes=30))
            quiz = outline.quizzes.get(module.id)
            if quiz is not None and quiz.id not in completion.load_progress(mine).passed_quizzes:
                quiz_attempts.submit_quiz(mine, quiz, {q.id: {o.id for o in options if o.is_correct}
                                                    for q, options in catalog.load_questions(quiz)})
        cert = get_certificate(maria, course)
        assert cert is not None, "completing the course issues a certificate"
        return cert.code


def test_promotora_on_her_phone(open_page, live_server, maria_setup):
    page = open_page(phone=True, locale="es-US")
    sign_in(page, MARIA)
    assert page.locator("html").get_attribute("lang") == "es"
    check_accessibility(page, "panel")

    # Enrol in the core course from the catalog.
    follow(menu(page).get_by_role("link", name=es("Courses")), tap=True)
    check_accessibility(page, "catálogo")
    follow(page.get_by_role("link", name=re.compile("Competencias básicas")).first, tap=True)
    follow(page.get_by_role("button", name=es("Enrol in this course")), tap=True)
    page.get_by_text(es("You are enrolled. Start with the first lesson when you are ready.")).wait_for()
    check_accessibility(page, "curso")

    # Read the first module's three lessons, then pass its quiz.
    follow(page.get_by_role("link", name=es("Start the course")), tap=True)
    for number in range(3):
        page.get_by_role("heading", level=1).wait_for()
        assert page.locator(".learn-body").inner_text().strip(), "the lesson has text"
        if number == 0:
            check_accessibility(page, "lección")
        follow(page.get_by_role("button", name=es("Mark as complete and continue")), tap=True)
    page.get_by_role("button", name=es("Send my answers")).wait_for()
    check_accessibility(page, "cuestionario")
    for question_id, right in _answers(live_server, "communication").items():
        for option_id in right:
            page.locator(f"input[name=q{question_id}][value='{option_id}']").check()
    follow(page.get_by_role("button", name=es("Send my answers")), tap=True)
    assert page.locator(".result.pass").inner_text().startswith(es("Passed"))
    check_accessibility(page, "resultado")

    # Register for next week's online practice session and put it in her calendar.
    follow(menu(page).get_by_role("link", name=es("Live sessions")), tap=True)
    check_accessibility(page, "sesiones")
    follow(page.locator(f"a[href='/sessions/{maria_setup['later']}']"), tap=True)
    follow(page.get_by_role("button", name=es("Register", "take a seat in a live session"), exact=True), tap=True)
    page.get_by_text(es("You have a seat in this session.")).wait_for()
    check_accessibility(page, "sesión")
    with page.expect_download() as download:
        page.get_by_role("link", name=es("Add to my calendar (.ics)")).tap()
    calendar = Calendar.from_ical(download.value.path().read_bytes())
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == maria_setup["later_starts"]
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=180)
    assert str(event["summary"]) == (  # module · course (the session's language), in her language
        "Sesión de práctica en vivo · Competencias básicas para promotores y trabajadores comunitarios de salud (español)")
    assert str(event["location"]), "an online session says where to join"
    assert str(event["url"]).endswith(f"/sessions/{maria_setup['later']}")
    assert str(event["url"]) in str(event["description"])

    # In the room: check in with the code on the trainer's screen.
    follow(menu(page).get_by_role("link", name=es("Live sessions")), tap=True)
    follow(page.get_by_role("link", name=es("My registrations")), tap=True)
    check_accessibility(page, "mis inscripciones")
    follow(page.locator(f"a[href='/sessions/{maria_setup['now']}']").first, tap=True)
    follow(page.get_by_role("link", name=es("Check in"), exact=True), tap=True)
    check_accessibility(page, "registrar llegada")
    page.get_by_label(es("Check-in code")).fill(maria_setup["code"].lower())
    follow(page.get_by_role("button", name=es("Check in"), exact=True), tap=True)
    assert page.get_by_role("heading", level=1).inner_text() == es("You are checked in")
    check_accessibility(page, "llegada registrada")

    # The finished module is on her hours page, waiting for her manager.
    follow(menu(page).get_by_role("link", name=es("My hours")), tap=True)
    row = page.locator("tr", has=page.get_by_role("link", name="Comunicación"))  # the module title in Spanish
    assert es("Self-paced module") in row.inner_text()
    assert es("Pending") in row.inner_text()
    assert "3 h" in row.inner_text()
    check_accessibility(page, "mis horas")
    # On a phone each entry is a card whose cells are labelled with the column headers: nothing scrolls sideways
    # (tests/browser/test_phone_tables.py checks the hours tables in detail).
    wrap = page.locator(".table-wrap", has=row)
    assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth")
    assert row.locator("td").first.get_attribute("data-label") == es("Date")

    # Weeks later the course is complete: download the certificate.
    code = _finish_course(live_server)
    follow(menu(page).get_by_role("link", name=es("My training")), tap=True)
    follow(page.get_by_role("link", name=es("My certificates")), tap=True)
    check_accessibility(page, "mis certificados")
    card = page.locator("li.card", has=page.get_by_role("heading", name=re.compile("Competencias básicas")))
    assert code[:4] in card.locator(".cert-code").inner_text()
    with page.expect_download() as download:
        card.get_by_role("link", name=re.compile(r"^Español Competencias básicas")).tap()  # + the hidden title (2.4.4)
    assert download.value.suggested_filename.endswith("-es.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages)
    assert "María Promotora" in text
    assert "Competencias básicas" in text
