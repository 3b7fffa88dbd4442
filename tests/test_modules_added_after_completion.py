"""A required module added to a course after a trainee completed it: the trainee can still complete it (a lesson
module by its lessons, a quiz module by passing its quiz); the completion and its credited hours are recorded once,
exactly as for an active enrolment, and the course's completion, its date and its certificate stay as they were.
The course page shows no contradictory percentage and names the module as added after the trainee completed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms import db
from lms.accounts.models import SiteRole
from lms.catalog import lesson_authoring, module_authoring
from lms.certificates.issuance import get_certificate
from lms.certificates.models import Certificate
from lms.enrollment import completion as enrollment_completion
from lms.enrollment import services as enrollment
from lms.enrollment.models import EnrollmentStatus, ModuleCompletion
from lms.hours.models import EntrySource, HoursEntry
from tests.test_learning import _add_quiz, answers, build_course, complete_url, lesson_url, quiz_url


@pytest.fixture
def trainer(make_user):
    return make_user("trainer@example.org", role=SiteRole.TRAINER)


@pytest.fixture
def trainee(make_user, login):
    user = make_user("ana@example.org", name="Ana")
    login(user)
    return user


def course_url(u) -> str:
    return u("lms.courses.course", course_slug="core")


def complete_course(client, u, trainer, trainee):
    """Two modules of two lessons and a quiz, completed through the pages (the certificate is issued)."""
    course = build_course(trainer, modules=2)
    assert client.submit(u("lms.courses.enroll", course_slug="core")).status_code == 302
    for m in ("m1", "m2"):
        for n in ("l1", "l2"):
            assert client.get(lesson_url(u, module=m, lesson=n)).status_code == 200
            client.submit(complete_url(u, module=m, lesson=n))
        client.submit(quiz_url(u, module=m), answers(course, m))
    mine = enrollment.get_enrollment(trainee, course)
    assert mine.status is EnrollmentStatus.COMPLETED
    cert = get_certificate(trainee, course)
    assert cert is not None
    return course, (mine.completed_at, cert.id, cert.code, cert.issued_at, dict(cert.snapshot))


def add_module(course, trainer, *, quiz: bool):
    """What a trainer does later: a required self-paced module "Staying active" with a lesson (and a quiz)."""
    module = module_authoring.add_module(course, module_authoring.ModuleData(slug="active", title="Staying active",
                                                                             credited_minutes=30),
                                trainer)
    lesson_authoring.add_lesson(course, module, "walk", "Walking every day", "Walk.", 10, trainer)
    if quiz:
        _add_quiz(course, module, trainer, None, False)
    db.session.commit()
    return module


def unchanged(trainee, course, before) -> None:
    """The enrolment is still completed on the same moment, with the same one certificate."""
    db.session.expire_all()
    mine = enrollment.get_enrollment(trainee, course)
    cert = get_certificate(trainee, course)
    assert mine.status is EnrollmentStatus.COMPLETED
    assert (mine.completed_at, cert.id, cert.code, cert.issued_at, cert.snapshot) == before
    assert db.session.scalars(select(Certificate).where(Certificate.user_id == trainee.id)).all() == [cert]


def completions(trainee, course, module) -> list[ModuleCompletion]:
    mine = enrollment.get_enrollment(trainee, course)
    return db.session.scalars(select(ModuleCompletion).where(ModuleCompletion.enrollment_id == mine.id,
                                                             ModuleCompletion.module_id == module.id)).all()


def entries(trainee, module) -> list[HoursEntry]:
    return db.session.scalars(select(HoursEntry).where(HoursEntry.user_id == trainee.id,
                                                       HoursEntry.module_id == module.id)).all()


def module_block(page: str, slug: str) -> str:
    return page.split(f'id="module-{slug}"', 1)[1].split("</li>\n  \n", 1)[0].split('<li id="module-', 1)[0]


def test_a_lesson_module_added_after_completion_is_recorded_and_credited_once(client, u, trainer, trainee):
    course, before = complete_course(client, u, trainer, trainee)
    module = add_module(course, trainer, quiz=False)

    page = client.get(course_url(u)).text
    assert "You completed this course on " in page
    assert "of the required modules done" not in page and 'id="course-progress"' not in page
    block = module_block(page, "active")
    assert "Optional · <span id=\"added-after-active\">Added after you completed the course</span>" in block
    assert "Not completed yet" in block and "0 of 1 lesson done" in block
    for slug in ("m1", "m2"):  # the modules the trainee completed the course with are not marked
        assert "Added after" not in module_block(page, slug) and "Required" in module_block(page, slug)

    assert client.get(lesson_url(u, module="active", lesson="walk")).status_code == 200
    response = client.submit(complete_url(u, module="active", lesson="walk"))
    assert response.status_code == 302
    assert client.submit(complete_url(u, module="active", lesson="walk")).status_code == 302  # a second click

    db.session.expire_all()
    [done] = completions(trainee, course, module)
    assert done.source == "self_paced" and done.credited_minutes == 30
    [entry] = entries(trainee, module)
    assert (entry.source, entry.minutes, entry.source_ref) == (EntrySource.SELF_PACED, 30,
                                                                f"module-completion:{done.id}")
    unchanged(trainee, course, before)

    page = client.get(course_url(u)).text
    assert "You completed this course on " in page and "Congratulations" not in page
    assert 'id="course-progress"' not in page
    block = module_block(page, "active")
    assert "Added after you completed the course" in block
    assert re.search(r'<strong class="learn-done">Completed</strong>\s*· 1 of 1 lesson done', block)

    # Checking completion again (any later step) records nothing more.
    enrollment_completion.check_completion(enrollment.get_enrollment(trainee, course))
    db.session.commit()
    assert len(completions(trainee, course, module)) == 1 and len(entries(trainee, module)) == 1


def test_a_quiz_module_added_after_completion_is_completed_by_passing_its_quiz(client, u, trainer, trainee):
    course, before = complete_course(client, u, trainer, trainee)
    module = add_module(course, trainer, quiz=True)

    client.get(lesson_url(u, module="active", lesson="walk"))
    client.submit(complete_url(u, module="active", lesson="walk"))
    db.session.expire_all()
    assert completions(trainee, course, module) == [] and entries(trainee, module) == []  # the quiz is still to pass
    block = module_block(client.get(course_url(u)).text, "active")
    assert "Not completed yet" in block and "1 of 1 lesson done" in block and "quiz not passed yet" in block

    client.submit(quiz_url(u, module="active"), answers(course, "active", right=False))
    db.session.expire_all()
    assert completions(trainee, course, module) == []

    result = client.submit(quiz_url(u, module="active"), answers(course, "active", attempt=2))
    assert result.status_code == 302
    db.session.expire_all()
    [done] = completions(trainee, course, module)
    [entry] = entries(trainee, module)
    assert entry.minutes == 30 and entry.source_ref == f"module-completion:{done.id}"
    unchanged(trainee, course, before)
    assert client.get(u("lms.courses.quiz_result", course_slug="core", module_slug="active")).status_code == 200

    page = client.get(course_url(u)).text
    assert "You completed this course on " in page and 'id="course-progress"' not in page
    block = module_block(page, "active")
    assert "Added after you completed the course" in block and "quiz passed" in block
    assert '<strong class="learn-done">Completed</strong>' in block

    # The lesson marked complete again after the quiz: nothing is credited twice.
    client.submit(complete_url(u, module="active", lesson="walk"))
    db.session.expire_all()
    assert len(completions(trainee, course, module)) == 1 and len(entries(trainee, module)) == 1


def test_a_module_added_while_the_course_is_under_way_is_simply_required(client, u, trainer, trainee):
    course = build_course(trainer)
    client.submit(u("lms.courses.enroll", course_slug="core"))
    module = add_module(course, trainer, quiz=False)
    mine = enrollment.get_enrollment(trainee, course)
    assert enrollment_completion.added_after_completion(mine, enrollment_completion.load_progress(mine)) == set()
    block = module_block(client.get(course_url(u)).text, "active")
    assert "Added after" not in block and "Required" in block
    assert module.is_required
