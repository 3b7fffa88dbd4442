"""A trainer archives a course with JavaScript off: the status button opens a confirmation page that counts who is
affected, and only its "Yes" button archives; then she previews a lesson in Spanish, the trainee's labels in Spanish
around her English banner. Both pages pass axe."""

from __future__ import annotations

import pytest

from lms.catalog import course_authoring, lesson_authoring, module_authoring
from lms.catalog import services as catalog
from lms.catalog.models import CourseStatus
from lms.catalog.texts import set_text
from lms.enrollment import services as enrollment_services
from tests.browser.conftest import DESKTOP, check_accessibility, follow, sign_in
from tests.browser.helpers import es, new_person, user

pytestmark = pytest.mark.browser


@pytest.fixture
def course(live_server):
    """A published course with two lessons, the first translated into Spanish, and one trainee enrolled."""
    with live_server.data():
        trainer = user("trainer@example.org")
        course = course_authoring.create_course(course_authoring.CourseData(slug="status-journey", title="Status journey"), trainer)
        module = module_authoring.add_module(course, module_authoring.ModuleData(slug="basics", title="Basics"), trainer)
        first = lesson_authoring.add_lesson(course, module, "first", "First steps", "Some *text*.", 10, trainer)
        lesson_authoring.add_lesson(course, module, "second", "Second steps", "More text.", 10, trainer)
        set_text(course, first, "title", "es", "Primeros pasos", trainer)
        course_authoring.set_course_status(course, CourseStatus.PUBLISHED, trainer)
        enrollment_services.enroll(new_person("status.journey@example.org", "Stella Journey"), course)
        return course.slug


def test_archiving_is_confirmed_on_its_own_page_and_previews_speak_the_trainees_language(
    browser, live_server, request, open_page, course
):
    # Without JavaScript: the status button, the confirmation page and its "Yes" button are plain forms.
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport=DESKTOP, java_script_enabled=False, timezone_id="America/Los_Angeles"
    )
    page = request.node._lms_page = context.new_page()
    try:
        sign_in(page, "trainer@example.org")
        page.goto(f"/authoring/{course}/")
        follow(page.get_by_role("button", name="Archive"))
        page.get_by_role("heading", name="Archive “Status journey”?").wait_for()
        assert page.get_by_text("1 trainee is enrolled and has not finished.").is_visible()
        with live_server.data():
            assert catalog.get_course(course).status is CourseStatus.PUBLISHED
        follow(page.get_by_role("button", name="Yes, archive it"))
        page.get_by_text("The course is now: Archived.").wait_for()
        with live_server.data():
            assert catalog.get_course(course).status is CourseStatus.ARCHIVED
    finally:
        context.close()

    # axe needs JavaScript: the same pages in an ordinary browser.
    page = open_page()
    sign_in(page, "trainer@example.org")
    page.goto(f"/authoring/{course}/status?status=published")
    page.get_by_role("heading", name="Publish “Status journey”?").wait_for()
    check_accessibility(page, "confirm publishing")
    page.goto(f"/authoring/{course}/preview/modules/basics/lessons/first?preview_locale=es")
    assert page.get_by_text("Preview as a trainee. Nothing here is saved or counted.").is_visible()
    preview = page.locator(".preview[lang=es]")
    assert preview.get_by_role("heading", name="Primeros pasos").is_visible()
    assert preview.get_by_role("button", name=es("Mark as complete and continue")).is_visible()
    assert preview.get_by_role("link", name=es("Next lesson")).is_visible()
    check_accessibility(page, "lesson preview in Spanish")
