"""Accessibility beyond the journeys: every page the journeys visit, checked with axe-core in the language the journey
did not use (the journeys check them in theirs); a lesson and its quiz done with the keyboard alone; and the key pages
at 200% and 400% zoom, without sideways scrolling and with their controls in reach."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest

from lms.catalog import services as catalog
from lms.certificates import issuance
from lms.certificates.codes import display
from lms.certificates.demo import credited_by_course
from lms.db import utcnow
from lms.enrollment import quiz_attempts, visits
from lms.enrollment import services as enrollment
from lms.live import checkin, registration
from lms.live.models import SessionMode
from tests.browser.conftest import DESKTOP, axe_violations, follow, sign_in, switch_language
from tests.browser.helpers import minutes_ago, new_person, schedule, seat, session_of, user

pytestmark = pytest.mark.browser

LANGUAGES = {"en": "English", "es": "Español"}
GRACE = timedelta(minutes=15)


def _pass_module(mine, outline, module) -> None:
    for lesson in outline.lessons[module.id]:
        visits.complete_lesson(mine, lesson, utcnow(), timedelta(minutes=30))
    quiz = outline.quizzes[module.id]
    quiz_attempts.submit_quiz(mine, quiz, {q.id: {o.id for o in options if o.is_correct}
                                        for q, options in catalog.load_questions(quiz)})


@pytest.fixture(scope="module")
def world(live_server):
    """Sam, a CHW of the demo organisation, part-way through the core course: the first module done (so hours wait
    for approval), a seat next week, checked in to the session happening now, and a certificate."""
    with live_server.data():
        sam = new_person("sam.sweep@example.org", "Sam Sweep", employee_id="E-3001")
        course = catalog.get_course("chw-core")
        mine = enrollment.enroll(sam, course)
        outline = catalog.load_outline(course)
        _pass_module(mine, outline, catalog.get_module(course, "communication"))
        later = schedule(utcnow() + timedelta(days=8), 180, mode=SessionMode.HYBRID,
                         join_url="https://meet.example.org/practice-sweep")
        registration.register(later, sam, sam, utcnow())
        now = schedule(minutes_ago(20), 180)
        seat(now, sam)
        checkin.check_in(now, sam, utcnow(), GRACE)
        ce = catalog.get_course("ce-documentation")
        cert = issuance.issue_manually(sam, ce, user("admin@example.org"), "Completed on paper at a community event",
                                       credited_by_course(ce))
        past = session_of("demo-attendance-past")
        return {"sam": sam.id, "later": later.id, "now": now.id, "past": past.id, "code": display(cert.code)}


@contextmanager
def speaking(page, code: str):
    """Switch the page's person to ``code`` with the header switch, and back afterwards (it is saved to profiles)."""
    page.goto("/")
    before = page.locator("html").get_attribute("lang")
    if before != code:
        switch_language(page, LANGUAGES[code])
    try:
        yield
    finally:
        if before != code:
            page.goto("/")
            switch_language(page, LANGUAGES[before])


def _sweep(world) -> list[tuple[str | None, str, list[str]]]:
    """(who, language, pages): the trainee journey runs in Spanish, the others in English."""
    course, ce = "/courses/chw-core", "/authoring/ce-documentation"
    return [
        (None, "en", ["/login"]),
        (None, "es", ["/login"]),
        ("sam.sweep@example.org", "en", [
            "/", "/courses/", course, f"{course}/communication/active-listening", f"{course}/interpersonal-skills/quiz",
            f"{course}/communication/quiz/result", "/sessions/", f"/sessions/{world['later']}", "/sessions/mine",
            "/sessions/check-in", f"/sessions/{world['now']}/checked-in", "/hours/", "/certificates/",
        ]),
        ("trainer@example.org", "es", [
            "/authoring/", "/authoring/new", f"{ce}/", f"{ce}/modules/new",
            f"{ce}/modules/writing-visit-notes/lessons/new", f"{ce}/translations",
            f"{ce}/translate/es/modules/writing-visit-notes",
            f"{ce}/translate/es/modules/writing-visit-notes/lessons/clear-objective-notes",
            f"{ce}/preview/modules/writing-visit-notes/lessons/clear-objective-notes?preview_locale=es",
            f"{ce}/modules/writing-visit-notes/lessons/clear-objective-notes/remove",
            "/sessions/teach", "/sessions/new", f"/sessions/{world['later']}", f"/sessions/{world['now']}/attendance",
            f"/sessions/{world['now']}/attendance/{world['sam']}", f"/sessions/{world['past']}/attendance",
        ]),
        ("employer@example.org", "es", [
            "/", "/orgs/demo/", "/hours/orgs/demo/queue", "/hours/orgs/demo/queue?status=approved",
            "/hours/orgs/demo/timesheets", "/verify", f"/verify/{world['code']}", "/verify/bulk",
        ]),
    ]


def _after_forms(page, who: str | None, language: str, world, tmp_path) -> list[tuple]:
    """Pages the journeys reach by sending a form: the lesson preview and bulk verification's results."""
    if who == "trainer@example.org":
        page.goto("/authoring/ce-documentation/modules/writing-visit-notes/lessons/new")
        page.locator("input[name=slug]").fill("sweep-preview")
        page.locator("input[name=title]").fill("Preview")
        page.locator("textarea[name=body]").fill("## A heading\n\n- a list\n- of two")
        follow(page.locator("button[name=preview]"))
        assert page.locator(".preview h2").count() == 2, "the preview and its heading"
        return [(language, "lesson form with preview", bad) for bad in axe_violations(page)]
    if who == "employer@example.org":
        sheet = tmp_path / "codes.txt"
        sheet.write_text(f"{world['code']}\nNOT-A-CODE\n", encoding="utf-8")
        page.goto("/verify/bulk")
        page.locator("input[type=file]").set_input_files(str(sheet))
        follow(page.locator("main form button[type=submit]").first)
        assert page.locator("table.cert-results tbody tr").count() == 2
        return [(language, "/verify/bulk (results)", bad) for bad in axe_violations(page)]
    return []


def test_journey_pages_in_the_other_language(open_page, live_server, world, tmp_path):
    problems = []
    for who, language, paths in _sweep(world):
        page = open_page()
        if who:
            sign_in(page, who)
        with speaking(page, language):
            for path in paths:
                response = page.goto(path)
                assert response.status == 200, (who, path, response.status)
                assert page.locator("html").get_attribute("lang") == language
                problems += [(language, path, bad) for bad in axe_violations(page)]
            problems += _after_forms(page, who, language, world, tmp_path)
    assert problems == []


# ---------------------------------------------------------------- keyboard only


@pytest.fixture
def kim(live_server):
    """A trainee half-way through the first module of the continuing-education course."""
    with live_server.data():
        person = new_person("kim.keys@example.org", "Kim Keys")
        course = catalog.get_course("ce-documentation")
        mine = enrollment.enroll(person, course)
        module = catalog.get_module(course, "medi-cal-chw-benefit")
        outline = catalog.load_outline(course)
        visits.complete_lesson(mine, outline.lessons[module.id][0], utcnow(), timedelta(minutes=30))
        questions = catalog.load_questions(catalog.get_quiz(module))
        return {f"q{q.id}": {str(o.id) for o in options if o.is_correct} for q, options in questions}


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || '', value: e.value || '',
                text: (e.innerText || '').trim(), href: e.getAttribute('href') || '', checked: !!e.checked}; }""")


def _tab_to(page, wanted, limit: int = 80) -> dict:
    """Press Tab until the focused element is the one ``wanted(element)`` describes."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = _focused(page)
        if wanted(element):
            return element
    raise AssertionError("the keyboard never reached it")


def _press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_lesson_and_quiz_with_the_keyboard_only(open_page, kim):
    """Tab moves, Space ticks, Enter follows links and sends forms; arrow keys only choose within a radio group,
    as in every browser (Tab enters a group once)."""
    page = open_page()
    page.goto("/login")
    _tab_to(page, lambda e: e["name"] == "email")
    page.keyboard.type("kim.keys@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("demo password 2026")
    _press_enter_and_wait(page)
    _tab_to(page, lambda e: e["href"] == "/courses/ce-documentation")
    _press_enter_and_wait(page)
    resume = _tab_to(page, lambda e: e["href"].startswith("/courses/ce-documentation/"))
    assert resume["text"] == "Continue where you left off" and resume["href"].endswith("/supervising-provider"), "the next step"
    _press_enter_and_wait(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Your supervising provider and why records matter"
    _tab_to(page, lambda e: e["text"] == "Mark as complete and continue")
    _press_enter_and_wait(page)
    assert page.url.endswith("/courses/ce-documentation/medi-cal-chw-benefit/quiz")

    answered = set()
    while True:
        element = _tab_to(page, lambda e: e["name"] in kim or e["text"] == "Send my answers")
        if element["name"] not in kim:
            break
        right, name = kim[element["name"]], element["name"]
        if element["type"] == "checkbox":
            if element["value"] in right:
                page.keyboard.press("Space")
        else:  # a radio group: Space picks the first answer, arrow keys move the choice along
            values = page.locator(f"input[name={name}]").evaluate_all("inputs => inputs.map(i => i.value)")
            steps = values.index(next(iter(right)))
            page.keyboard.press("Space")
            for _ in range(steps):
                page.keyboard.press("ArrowDown")
        answered.add(name)
    assert answered == set(kim)
    chosen = {name: set(page.locator(f"input[name={name}]:checked").evaluate_all("inputs => inputs.map(i => i.value)"))
              for name in kim}
    assert chosen == kim
    _press_enter_and_wait(page)
    assert page.locator(".result.pass").inner_text().startswith("Passed")
    assert page.get_by_text("100%").first.is_visible()


# ---------------------------------------------------------------- zoom


def _zoom_problems(page, path: str) -> list[str]:
    """Sideways scrolling of the page, or a control outside the screen (tables may scroll inside their frame)."""
    page.goto(path)
    return page.evaluate("""path => {
        const width = document.documentElement.clientWidth, problems = [];
        if (document.documentElement.scrollWidth > width) problems.push(`${path}: the page scrolls sideways`);
        const controls = document.querySelectorAll('header a, header button, main a.button, main button, main input, '
                                                   + 'main select, main textarea, main summary');
        for (const control of controls) {
            const box = control.getBoundingClientRect();
            const hidden = !box.width || !box.height || getComputedStyle(control).visibility === 'hidden';
            if (hidden || control.closest('.table-wrap, .visually-hidden')) continue;
            const left = box.left + window.scrollX;
            if (left < 0 || left + box.width > width + 1) problems.push(`${path}: ${control.outerHTML.slice(0, 80)}`);
        }
        return problems;
    }""", path)


@pytest.mark.parametrize("zoom", [200, 400])
@pytest.mark.parametrize("language", ["en", "es"])
def test_key_pages_zoomed_in(open_page, world, language, zoom):
    """A 1280 by 900 screen zoomed in: at 200% a page gets 640 by 450 CSS pixels, at 400% (the reflow test of WCAG
    1.4.10) 320 by 225, each CSS pixel drawn with 2 or 4 device pixels."""
    factor = zoom // 100
    zoomed = {"width": DESKTOP["width"] // factor, "height": DESKTOP["height"] // factor}
    problems = []
    for who, paths in (
        ("sam.sweep@example.org", ["/", "/courses/chw-core", "/courses/chw-core/communication/active-listening",
                                   "/courses/chw-core/interpersonal-skills/quiz", "/sessions/",
                                   f"/sessions/{world['later']}", "/hours/", "/certificates/"]),
        ("trainer@example.org", ["/sessions/teach", f"/sessions/{world['now']}/attendance",
                                 f"/sessions/{world['now']}/attendance/{world['sam']}"]),
        ("employer@example.org", ["/hours/orgs/demo/queue", "/hours/orgs/demo/timesheets", "/verify/bulk",
                                  f"/verify/{world['code']}"]),
    ):
        page = open_page(viewport=zoomed, scale=factor)
        sign_in(page, who)
        with speaking(page, language):
            assert page.evaluate("window.innerWidth") == zoomed["width"]
            for path in paths:
                problems += _zoom_problems(page, path)
    assert problems == []


def test_list_pages_on_a_phone_zoomed_to_200(open_page, world):
    """A 390-pixel phone at 200%: 195 CSS pixels, narrower than the 320 of the reflow test. Course and session cards
    and the catalog filters shrink to the screen instead of keeping a 15rem or 12rem minimum (they scrolled sideways)."""
    page = open_page(viewport={"width": 195, "height": 422}, scale=2)
    sign_in(page, "sam.sweep@example.org")
    problems = []
    with speaking(page, "es"):
        for path in ["/courses/", "/sessions/", "/sessions/mine", "/profile"]:
            problems += [p for p in _zoom_problems(page, path) if "scrolls sideways" in p]
    assert problems == []

