"""Where a trainee goes next: from a quiz result to the next lesson or quiz (or, once the course is complete, the
certificate), from the last lesson of a module, and what a completed course offers on its page and the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from markupsafe import escape

from lms import db
from lms.accounts.models import SiteRole
from lms.certificates import revocation
from lms.certificates.codes import display
from lms.certificates.dates import holder_zone, local_day
from lms.certificates.issuance import get_certificate
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus
from lms.i18n import _
from tests.test_learning import answers, build_course, complete_url, lesson_url, quiz_url

#: 09:00 UTC on 2 March 2026 is still 1 March in Honolulu (and already 2 March in California).
COMPLETED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def trainer(make_user):
    return make_user("trainer@example.org", role=SiteRole.TRAINER)


@pytest.fixture
def trainee(make_user, login):
    """A trainee in Honolulu, signed in."""
    user = make_user("kai@example.org", name="Kai", timezone="Pacific/Honolulu")
    login(user)
    return user


def enrol(client, u, slug: str = "core") -> None:
    assert client.submit(u("lms.courses.enroll", course_slug=slug)).status_code == 302


def read_module(client, u, module: str, lessons: int = 2) -> str:
    """Open each lesson of ``module`` in the reader and mark it complete; where the last one leads."""
    for n in range(1, lessons + 1):
        assert client.get(lesson_url(u, module=module, lesson=f"l{n}")).status_code == 200
        location = client.submit(complete_url(u, module=module, lesson=f"l{n}")).headers["Location"]
    return location


def the_status(user, course) -> EnrollmentStatus:
    db.session.expire_all()
    return enrollment.get_enrollment(user, course).status


def result_url(u, module: str = "m1") -> str:
    return u("lms.courses.quiz_result", course_slug="core", module_slug=module)


def course_url(u) -> str:
    return u("lms.courses.course", course_slug="core")


def actions(page: str) -> str:
    """The row of buttons under a quiz result."""
    return page.split('<p class="actions">', 1)[1].split("</p>", 1)[0]


def pdf_url(u, user, course, lang: str = "en") -> str:
    return u("lms.certificates.pdf", code=display(get_certificate(user, course).code), lang=lang)


# ---------------------------------------------------------------- from a quiz result


def test_a_passed_quiz_leads_to_the_next_module_and_the_last_one_to_the_certificate(client, u, trainer, trainee):
    course = build_course(trainer, modules=2)
    enrol(client, u)
    assert read_module(client, u, "m1") == quiz_url(u)  # the module's last lesson leads to its quiz

    client.submit(quiz_url(u), answers(course, "m1", right=False))
    failed = actions(client.get(result_url(u)).text)
    assert f'<a class="button" href="{quiz_url(u)}">Try again</a>' in failed  # still the main action
    assert "Next" not in failed and f'<a class="button secondary" href="{course_url(u)}">' in failed

    client.submit(quiz_url(u), answers(course, "m1", attempt=2))
    passed = actions(client.get(result_url(u)).text)
    assert f'<a class="button" rel="next" href="{lesson_url(u, module="m2")}">Next lesson: Lesson 2.1</a>' in passed
    assert "Try again" not in passed and f'<a class="button secondary" href="{course_url(u)}">' in passed

    assert read_module(client, u, "m2") == quiz_url(u, module="m2")
    client.submit(quiz_url(u, module="m2"), answers(course, "m2"))
    page = client.get(result_url(u, "m2")).text
    assert "You have completed every required part of this course." in page
    last = actions(page)
    assert f'<a class="button" href="{pdf_url(u, trainee, course)}">Download your certificate (PDF)</a>' in last
    assert "Next" not in last and f'<a class="button secondary" href="{course_url(u)}">' in last
    response = client.get(pdf_url(u, trainee, course))
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_the_next_step_is_the_first_unfinished_one_even_a_quiz_left_behind(client, u, trainer, trainee):
    course = build_course(trainer, modules=2)
    enrol(client, u)
    read_module(client, u, "m1")  # the quiz of module 1 is left for later
    assert read_module(client, u, "m2") == quiz_url(u, module="m2")
    client.submit(quiz_url(u, module="m2"), answers(course, "m2"))
    passed = actions(client.get(result_url(u, "m2")).text)
    assert f'<a class="button" rel="next" href="{quiz_url(u)}">Next quiz: Check m1</a>' in passed


def test_a_quiz_passed_before_the_lessons_leads_to_them_and_they_lead_past_it(client, u, trainer, trainee):
    course = build_course(trainer, modules=2)
    enrol(client, u)
    client.submit(quiz_url(u), answers(course, "m1"))
    passed = actions(client.get(result_url(u)).text)
    assert f'<a class="button" rel="next" href="{lesson_url(u)}">Next lesson: Lesson 1.1</a>' in passed
    # Marking the module's last lesson complete skips the quiz already passed and goes on to the next module.
    assert read_module(client, u, "m1") == lesson_url(u, module="m2")


def test_when_only_a_live_session_is_left_the_result_leads_to_its_sessions(client, u, trainer, trainee):
    course = build_course(trainer, live=True)
    enrol(client, u)
    read_module(client, u, "m1")
    client.submit(quiz_url(u), answers(course, "m1"))
    page = client.get(result_url(u)).text
    assert "completed every required part" not in page and "Still to do: Live practice." in page
    sessions = u("lms.sessions.index", course="core")
    assert " ".join(actions(page).split()) == (f'<a class="button" href="{sessions}">Find a live session</a> '
                                               f'<a class="button secondary" href="{course_url(u)}">Back to the course</a>')
    assert the_status(trainee, course) is EnrollmentStatus.ACTIVE


# ---------------------------------------------------------------- a completed course


def _complete_through_the_reader(client, u, trainer, user):
    course = build_course(trainer)
    enrol(client, u)
    read_module(client, u, "m1")
    client.submit(quiz_url(u), answers(course, "m1"))
    assert the_status(user, course) is EnrollmentStatus.COMPLETED
    enrollment.get_enrollment(user, course).completed_at = COMPLETED_AT
    cert = get_certificate(user, course)  # issued on completion, it states that day (the pages name the same one)
    cert.snapshot = {**cert.snapshot, "completed_on": local_day(COMPLETED_AT, holder_zone(user)).isoformat()}
    db.session.commit()
    return course


def test_a_completed_course_says_so_with_its_date_certificate_and_a_review_link(client, u, trainer, trainee):
    course = _complete_through_the_reader(client, u, trainer, trainee)
    page = client.get(course_url(u)).text
    assert "You completed this course on March 1, 2026." in page  # the day in the trainee's time zone
    assert "Continue where you left off" not in page and "Start the course" not in page
    pdf = pdf_url(u, trainee, course)
    assert f'<a class="button" href="{pdf}">Download your certificate (PDF)</a>' in page
    assert f'<a class="button secondary" href="{lesson_url(u)}">Review the course</a>' in page

    dashboard = client.get(u("lms.main.home")).text
    assert "completed Mar 1, 2026" in dashboard  # and the link names its course, for screen readers:
    assert f'<a href="{pdf}">Download your certificate (PDF)<span class="visually-hidden"> ' in dashboard


def test_a_revoked_certificate_is_not_offered(client, u, trainer, trainee, make_user):
    course = _complete_through_the_reader(client, u, trainer, trainee)
    revocation.revoke(get_certificate(trainee, course).code, "Issued in error", make_user(role=SiteRole.ADMIN))
    db.session.commit()
    page = client.get(course_url(u)).text
    assert "You completed this course on March 1, 2026." in page and "Download your certificate" not in page
    assert f'<a class="button" href="{lesson_url(u)}">Review the course</a>' in page
    assert "Download your certificate" not in client.get(u("lms.main.home")).text
    assert "Download your certificate" not in client.get(result_url(u)).text


def test_the_completed_course_pages_in_spanish(app, client, u, trainer, make_user, login):
    promotora = make_user("promotora@example.org", name="María", locale="es", timezone="Pacific/Honolulu")
    login(promotora)
    course = _complete_through_the_reader(client, u, trainer, promotora)
    with app.test_request_context(), force_locale("es"):
        review, download = _("Review the course"), _("Download your certificate (PDF)")
        done_on = _("You completed this course on %(date)s.", date="1 de marzo de 2026")
    pdf = pdf_url(u, promotora, course, lang="es")
    page = client.get(course_url(u)).text
    assert '<html lang="es"' in page and str(escape(done_on)) in page
    assert f'href="{pdf}">{escape(download)}</a>' in page and f'href="{lesson_url(u)}">{escape(review)}</a>' in page
    assert f'href="{pdf}">{escape(download)}<span class="visually-hidden"> ' in client.get(u("lms.main.home")).text
    result = client.get(result_url(u))
    assert result.status_code == 200 and f'href="{pdf}">{escape(download)}</a>' in result.text
